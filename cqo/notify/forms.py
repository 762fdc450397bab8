"""The person's notice settings: where notices go, and which kinds they receive by e-mail and
SMS (legal notices always)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cqo.notify import kinds


class ContactForm(forms.Form):
    email = forms.EmailField(
        label=_("接收通知的电子邮箱"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control form-control-sm"}),
    )
    # the stored mobile is shown masked only: left blank, it stays as it is
    mobile = forms.CharField(
        label=_("接收短信的手机号码"),
        max_length=20,
        required=False,
        help_text=_("留空则保持不变"),
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args: Any, mobile_shown: str = "", **kw: Any) -> None:
        super().__init__(*args, **kw)
        if mobile_shown:
            self.fields["mobile"].widget.attrs["placeholder"] = mobile_shown


class OptOutForm(forms.Form):
    """One box per kind, ticked when the person receives it by e-mail and SMS; a legal notice's
    box is ticked and cannot be cleared."""

    def __init__(self, *args: Any, opted_out: frozenset[str] = frozenset(), **kw: Any) -> None:
        super().__init__(*args, **kw)
        for kind in kinds.all_kinds():
            self.fields[kind.code] = forms.BooleanField(
                label=str(kind.label),
                required=False,
                initial=kind.code not in opted_out,
                disabled=not kind.may_opt_out,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                help_text="" if kind.may_opt_out else _("依法送达的通知，不能退订"),
            )

    def opted_out(self) -> frozenset[str]:
        return frozenset(
            code
            for code, field in self.fields.items()
            if not field.disabled and not self.cleaned_data.get(code)
        )


class QuietHoursForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("夜间免打扰：提醒短信在此时段内不发送，时段结束后再发"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    start = forms.TimeField(
        label=_("开始"),
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control form-control-sm"}),
    )
    end = forms.TimeField(
        label=_("结束"),
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control form-control-sm"}),
    )


class MobileCodeForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
            }
        ),
    )
