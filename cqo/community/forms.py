"""Page forms of the community; the services validate again (pages and the API share them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cqo.community.models import Alliance, Event, Post, Submission
from cqo.lib.forms import BootstrapForm


class AllianceForm(BootstrapForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Alliance.Kind.choices)
    region = forms.CharField(
        label=_("行政区划代码"), max_length=6, help_text=_("本辖区或下级的六位代码")
    )
    description = forms.CharField(
        label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApplyForm(BootstrapForm):
    statement = forms.CharField(
        label=_("入会申请说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecideForm(BootstrapForm):
    note = forms.CharField(label=_("审核意见"), required=False, max_length=2000)


class RoleForm(BootstrapForm):
    role = forms.ChoiceField(
        label=_("身份"), choices=[("member", _("会员")), ("officer", _("负责人"))]
    )
    officer_title = forms.CharField(label=_("职务"), required=False, max_length=30)


class EventForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("活动形式"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=200)
    venue = forms.CharField(label=_("地点"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("活动开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("活动结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=100_000)
    counts_hours = forms.BooleanField(label=_("出席计入继续教育学时"), required=False)
    hours = forms.DecimalField(
        label=_("学时"), required=False, min_value=0, max_value=100, decimal_places=1
    )
    description = forms.CharField(
        label=_("活动内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("原因"), max_length=200)


class PostForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("类型"), choices=Post.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}))


class AnswerForm(BootstrapForm):
    body = forms.CharField(label=_("回答"), widget=forms.Textarea(attrs={"rows": 3}))


class CompetitionForm(BootstrapForm):
    title = forms.CharField(label=_("评比名称"), max_length=200)
    region = forms.CharField(label=_("行政区划代码"), max_length=6)
    description = forms.CharField(
        label=_("征集说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    submission_opens = forms.DateField(
        label=_("申报开始"), widget=forms.DateInput(attrs={"type": "date"})
    )
    submission_closes = forms.DateField(
        label=_("申报截止"), widget=forms.DateInput(attrs={"type": "date"})
    )
    judging_opens = forms.DateField(
        label=_("评审开始"), widget=forms.DateInput(attrs={"type": "date"})
    )
    judging_closes = forms.DateField(
        label=_("评审截止"), widget=forms.DateInput(attrs={"type": "date"})
    )
    awards = forms.IntegerField(label=_("入选案例数"), min_value=1, max_value=100, initial=3)
    criteria = forms.CharField(
        label=_("评分项"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一项：名称：满分，例如“问题识别与目标：20”"),
        initial="问题识别与目标设定：20\n原因分析与方法运用：30\n对策实施：20\n改进成效：20\n推广价值：10",
    )
    judges = forms.CharField(
        label=_("评委账号"),
        help_text=_("用户名，以空格或换行分隔；可为本省市场监管部门、认定机构或首席质量官"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SubmissionForm(BootstrapForm):
    title = forms.CharField(label=_("案例名称"), max_length=200)
    enterprise = forms.ChoiceField(label=_("申报企业"), required=False)
    method = forms.ChoiceField(label=_("改进方法"), choices=Submission.Method.choices)
    case_text = forms.CharField(label=_("案例内容"), widget=forms.Textarea(attrs={"rows": 8}))
    results = forms.CharField(label=_("改进成效"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment_1 = forms.FileField(label=_("附件1"), required=False)
    attachment_2 = forms.FileField(label=_("附件2"), required=False)
    attachment_3 = forms.FileField(label=_("附件3"), required=False)

    def __init__(self, *args: Any, enterprises: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = enterprises  # type: ignore[attr-defined]
