"""Page forms of the blacklist. They shape input only; the services check every rule and their
field errors are put back beside these fields (cqo.lib.forms.apply_errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cqo.blacklist import rules
from cqo.blacklist.models import Appeal, Listing
from cqo.blacklist.services import ListingTerms
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.lib.forms import BootstrapForm, HoldsUploads
from cqo.reference import validators
from cqo.reference.models import Region
from cqo.registry.models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILE_HELP = _("PDF、JPG 或 PNG，不超过20MB")


class ListingForm(HoldsUploads, BootstrapForm):
    person_name = forms.CharField(label=_("姓名"), max_length=max_length(Person, "name"))
    id_number = forms.CharField(label=_("身份证号"), max_length=validators.ID_NUMBER_MAX_INPUT)
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=[("", "—"), *Listing.Kind.choices],
        help_text=_("退出：生效期间终止其在任聘任并不得备案；警示：仅作提示"),
    )
    reason = forms.CharField(
        label=_("列入原因"),
        max_length=max_length(Listing, "reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("因责任心不强、履职不到位，造成重大质量安全事故的情况"),
    )
    # shaanxi-2021 §五(三), jiangsu-2020 §七: the accident, its date and the evidence are stated
    # for both kinds (the services refuse a listing without them)
    accident = forms.CharField(
        label=_("事故情况"),
        max_length=max_length(Listing, "accident"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("发生了什么重大质量安全事故，该首席质量官的责任"),
    )
    accident_date = forms.DateField(label=_("事故发生日期"), widget=DATE, validators=[dates.EVENT])
    evidence = forms.FileField(
        label=_("证据材料"), help_text=_("事故调查报告、处理决定等；PDF、JPG 或 PNG，不超过20MB")
    )
    authority_name = forms.CharField(
        label=_("发布机关"),
        max_length=max_length(Listing, "authority_name"),
        required=False,
        help_text=_("不填则为发布机关辖区的市场监督管理局"),
    )
    region = forms.CharField(
        label=_("发布机关所在行政区划代码"),
        max_length=max_length(Region, "code"),
        required=False,
        help_text=_("系统管理员代为录入时填写；不填则取该人员所在行政区划"),
    )
    start_date = forms.DateField(label=_("起始日期"), widget=DATE, validators=[dates.EVENT])
    end_date = forms.DateField(
        label=_("截止日期"),
        widget=DATE,
        required=False,
        help_text=_("不填为长期"),
        validators=[dates.TERM],
    )
    public = forms.BooleanField(label=_("在公示页面公开"), required=False)
    effects_confirmed = forms.BooleanField(
        label=_("已核对：退出生效即终止该人员在任的已备案聘任"),
        required=False,
        help_text=_("列入退出名单且起始日期不晚于今天时须勾选；提交后将列出被终止的聘任供核对"),
    )

    def __init__(self, *args: Any, known_person: bool = False, admin: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        if known_person:  # arrived with ?person=: the person is already identified
            del self.fields["person_name"]
            del self.fields["id_number"]
        if not admin:
            del self.fields["region"]

    def terms(self) -> ListingTerms:
        data = self.cleaned_data
        return ListingTerms(
            kind=data["kind"],
            reason=data["reason"],
            accident=data["accident"],
            accident_date=data["accident_date"],
            authority_name=data["authority_name"],
            region=data.get("region") or "",
            start_date=data["start_date"],
            end_date=data["end_date"],
            public=data["public"],
            evidence=data["evidence"],
            id_number=data.get("id_number") or "",
            person_name=data.get("person_name") or "",
            effects_confirmed=bool(data.get("effects_confirmed")),
        )


class RevokeForm(BootstrapForm):
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=max_length(Listing, "revoke_reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndDateForm(BootstrapForm):
    end_date = forms.DateField(
        label=_("截止日期"),
        widget=DATE,
        required=False,
        help_text=_("不填为长期"),
        validators=[dates.TERM],
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=rules.END_DATE_NOTE_MAX)


class AppealForm(BootstrapForm):
    grounds = forms.CharField(
        label=_("申诉理由"),
        max_length=max_length(Appeal, "grounds"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(label=_("申诉材料"), required=False, help_text=FILE_HELP)


class DecideForm(BootstrapForm):
    outcome = forms.ChoiceField(
        label=_("决定"),
        choices=[
            ("", "—"),
            (Appeal.Status.UPHELD, Appeal.Status.UPHELD.label),
            (Appeal.Status.GRANTED, Appeal.Status.GRANTED.label),
        ],
    )
    note = forms.CharField(
        label=_("决定理由"),
        max_length=max_length(Appeal, "decision_note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
