"""Page forms of the community. A form parses what was typed (dates, numbers, the criteria and
judges' textareas, a judge's points) into the services' typed inputs; the services validate the
rules again (pages and the API share them)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
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
from cqo.community.services import (
    MAX_CRITERIA,
    MAX_JUDGES,
    CaseTerms,
    CompetitionTerms,
    EventTerms,
)
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.lib.forms import BootstrapForm, HoldsUploads
from cqo.reference.models import Region

# The criteria, one "名称：满分" a line, and the judges' usernames, one a line or space apart.
CRITERIA_TEXT_MAX = MAX_CRITERIA * (max_length(Criterion, "name") + len("：100\n"))
JUDGES_TEXT_MAX = MAX_JUDGES * (max_length(User, "username") + 1)
CRITERION_SEPARATORS = ("：", ":", "|", "，", ",")
# a judge's entry for criterion n is posted as "c<n>" (or plain "<n>"; "c<n>" wins)
SCORE_KEY = re.compile(r"(c?)([1-9][0-9]{0,2})")


def criteria_pairs(raw: str) -> tuple[tuple[str, int], ...]:
    """The criteria textarea, one "名称：满分" a line, as (name, maximum) pairs. A maximum that
    is missing or not a whole number reads 0, so the service names that line among the bad."""
    pairs: list[tuple[str, int]] = []
    for line in (raw or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, points = line, ""
        for sep in CRITERION_SEPARATORS:
            if sep in line:
                name, _sep, points = line.rpartition(sep)
                break
        try:
            value = int(points.strip())
        except ValueError:
            value = 0
        pairs.append((name.strip(), value))
    return tuple(pairs)


def judge_names(raw: str) -> tuple[str, ...]:
    """The judges' usernames, one a line or space apart."""
    return tuple((raw or "").split())


def score_sheet(raw: Mapping[str, object]) -> tuple[tuple[int, Decimal | None], ...]:
    """A judge's posted points as (criterion position, points); a blank entry is left out (the
    service asks for it), one that is not a number reads None (the service says so)."""
    found: dict[int, tuple[bool, object]] = {}
    for key, value in raw.items():
        m = SCORE_KEY.fullmatch(key)
        if m is None:
            continue
        position, prefixed = int(m.group(2)), bool(m.group(1))
        if prefixed or position not in found or not found[position][0]:
            found[position] = (prefixed, value)
    sheet: list[tuple[int, Decimal | None]] = []
    for position, (_prefixed, value) in sorted(found.items()):
        text = "" if value is None else str(value).strip()
        if not text:
            continue
        try:
            sheet.append((position, Decimal(text)))
        except (InvalidOperation, ValueError):
            sheet.append((position, None))
    return tuple(sheet)


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

    def terms(self) -> EventTerms:
        cd = self.cleaned_data
        return EventTerms(
            kind=cd["kind"],
            title=cd["title"],
            venue=cd["venue"],
            starts_at=cd["starts_at"],
            ends_at=cd["ends_at"],
            capacity=cd["capacity"],
            counts_hours=cd["counts_hours"],
            hours=cd["hours"] if cd["hours"] is not None else Decimal(0),
            description=cd["description"],
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

    def clean_criteria(self) -> tuple[tuple[str, int], ...]:
        return criteria_pairs(self.cleaned_data["criteria"])

    def clean_judges(self) -> tuple[str, ...]:
        return judge_names(self.cleaned_data["judges"])

    def terms(self) -> CompetitionTerms:
        cd = self.cleaned_data
        return CompetitionTerms(
            title=cd["title"],
            region=cd["region"],
            description=cd["description"],
            submission_opens=cd["submission_opens"],
            submission_closes=cd["submission_closes"],
            judging_opens=cd["judging_opens"],
            judging_closes=cd["judging_closes"],
            awards=cd["awards"],
            criteria=cd["criteria"],
            judges=cd["judges"],
        )


class SubmissionForm(HoldsUploads, BootstrapForm):
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

    def case(self) -> CaseTerms:
        cd = self.cleaned_data
        return CaseTerms(
            title=cd["title"],
            method=cd["method"],
            case_text=cd["case_text"],
            results=cd["results"],
            enterprise=cd.get("enterprise") or "",
        )

    def attachments(self) -> list[Any]:
        found = (self.cleaned_data[f"attachment_{i}"] for i in (1, 2, 3))
        return [f for f in found if f]
