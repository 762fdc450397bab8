"""Forms of the portal's own pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.audit import display
from cqo.audit.models import AuditEntry
from cqo.audit.selectors import TrailFilters
from cqo.lib import bounds
from cqo.lib.forms import BootstrapForm

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TrailFilterForm(BootstrapForm):
    """The audit administrator's filters of the trail (GB/T 22239-2019 8.1.5.2 b): 对审计记录
    进行…存储、管理和查询). Every text is bounded by the column it is compared with."""

    date_from = forms.DateField(label=gettext_lazy("起始日期"), required=False, widget=_DATE)
    date_to = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=_DATE)
    action = forms.ChoiceField(label=gettext_lazy("操作"), required=False)
    target_type = forms.ChoiceField(label=gettext_lazy("对象类型"), required=False)
    actor = forms.CharField(
        label=gettext_lazy("操作人登录名"),
        required=False,
        max_length=bounds.max_length(AuditEntry, "actor_name"),
    )
    q = forms.CharField(
        label=gettext_lazy("对象编号或名称"),
        required=False,
        max_length=bounds.max_length(AuditEntry, "target_repr"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # labels in the reader's language, read when the form is made
        action = cast(forms.ChoiceField, self.fields["action"])
        action.choices = [("", _("全部操作")), *AuditEntry.Action.choices]
        kind = cast(forms.ChoiceField, self.fields["target_type"])
        kind.choices = [("", _("全部类型")), *display.target_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return data

    def filters(self) -> TrailFilters:
        data = self.cleaned_data
        return TrailFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            action=data.get("action") or "",
            target_type=data.get("target_type") or "",
            actor=(data.get("actor") or "").strip(),
            text=(data.get("q") or "").strip(),
        )
