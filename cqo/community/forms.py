"""Page forms of the community; the services validate again (pages and the API share them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import User
from cqo.community.models import (
    Alliance,
    Answer,
    CaseCompetition,
    Criterion,
    Event,
    Membership,
    Post,
    Submission,
)
from cqo.community.services import MAX_CRITERIA, MAX_JUDGES
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.lib.forms import BootstrapForm
from cqo.reference.models import Region

# The criteria, one "名称：满分" a line, and the judges' usernames, one a line or space apart.
CRITERIA_TEXT_MAX = MAX_CRITERIA * (max_length(Criterion, "name") + len("：100\n"))
JUDGES_TEXT_MAX = MAX_JUDGES * (max_length(User, "username") + 1)


class AllianceForm(BootstrapForm):
    name = forms.CharField(label=_("名称"), max_length=max_length(Alliance, "name"))
    kind = forms.ChoiceField(label=_("类型"), choices=Alliance.Kind.choices)
    region = forms.CharField(
        label=_("行政区划代码"),
        max_length=max_length(Region, "code"),
        help_text=_(
            "本辖区或下级的六位代码",
        ),
    )
    description = forms.CharField(
        label=_("简介"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length(Alliance, "description"),
    )


class ApplyForm(BootstrapForm):
    statement = forms.CharField(
        label=_("入会申请说明"),
        required=False,
        max_length=max_length(Membership, "statement"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecideForm(BootstrapForm):
    note = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=max_length(Membership, "decision_note"),
    )


class RoleForm(BootstrapForm):
    role = forms.ChoiceField(
        label=_("身份"), choices=[("member", _("会员")), ("officer", _("负责人"))]
    )
    officer_title = forms.CharField(
        label=_("职务"),
        required=False,
        max_length=max_length(Membership, "officer_title"),
    )


class EventForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("活动形式"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=max_length(Event, "title"))
    venue = forms.CharField(label=_("地点"), max_length=max_length(Event, "venue"))
    starts_at = forms.DateTimeField(
        label=_("活动开始时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[dates.EVENT],
    )
    ends_at = forms.DateTimeField(
        label=_("活动结束时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[dates.EVENT],
    )
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=100_000)
    counts_hours = forms.BooleanField(label=_("出席计入继续教育学时"), required=False)
    hours = forms.DecimalField(
        label=_("学时"), required=False, min_value=0, max_value=100, decimal_places=1
    )
    description = forms.CharField(
        label=_("活动内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length(Event, "description"),
    )


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("原因"), max_length=max_length(Post, "hidden_reason"))


class PostForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("类型"), choices=Post.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=max_length(Post, "title"))
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=max_length(Post, "body"),
    )


class AnswerForm(BootstrapForm):
    body = forms.CharField(
        label=_("回答"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length(Answer, "body"),
    )


class CompetitionForm(BootstrapForm):
    title = forms.CharField(label=_("评比名称"), max_length=max_length(CaseCompetition, "title"))
    region = forms.CharField(label=_("行政区划代码"), max_length=max_length(Region, "code"))
    description = forms.CharField(
        label=_("征集说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length(CaseCompetition, "description"),
    )
    submission_opens = forms.DateField(
        label=_("申报开始"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[dates.EVENT],
    )
    submission_closes = forms.DateField(
        label=_("申报截止"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[dates.EVENT],
    )
    judging_opens = forms.DateField(
        label=_("评审开始"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[dates.EVENT],
    )
    judging_closes = forms.DateField(
        label=_("评审截止"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[dates.EVENT],
    )
    awards = forms.IntegerField(label=_("入选案例数"), min_value=1, max_value=100, initial=3)
    criteria = forms.CharField(
        label=_("评分项"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一项：名称：满分，例如“问题识别与目标：20”"),
        initial="问题识别与目标设定：20\n原因分析与方法运用：30\n对策实施：20\n改进成效：20\n推广价值：10",
        max_length=CRITERIA_TEXT_MAX,
    )
    judges = forms.CharField(
        label=_("评委账号"),
        help_text=_("用户名，以空格或换行分隔；可为本省市场监管部门、认定机构或首席质量官"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=JUDGES_TEXT_MAX,
    )


class SubmissionForm(BootstrapForm):
    title = forms.CharField(label=_("案例名称"), max_length=max_length(Submission, "title"))
    enterprise = forms.ChoiceField(label=_("申报企业"), required=False)
    method = forms.ChoiceField(label=_("改进方法"), choices=Submission.Method.choices)
    case_text = forms.CharField(
        label=_("案例内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=max_length(Submission, "case_text"),
    )
    results = forms.CharField(
        label=_("改进成效"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=max_length(Submission, "results"),
    )
    attachment_1 = forms.FileField(label=_("附件1"), required=False)
    attachment_2 = forms.FileField(label=_("附件2"), required=False)
    attachment_3 = forms.FileField(label=_("附件3"), required=False)

    def __init__(self, *args: Any, enterprises: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = enterprises  # type: ignore[attr-defined]
