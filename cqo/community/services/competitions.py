"""The quality-improvement classic-case competition: the call with its windows, criteria and
judges, cases and their attachments, the judges' score sheets, and the published results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.community import rules, selectors
from cqo.community.models import (
    Attachment,
    CaseCompetition,
    Criterion,
    Judge,
    Score,
    Submission,
)
from cqo.community.services._common import _audit, _clean, _person, _region, _text
from cqo.lib import bounds, uploads
from cqo.lib.errors import Errors
from cqo.reference.models import Region
from cqo.registry.models import Enterprise

if TYPE_CHECKING:  # generic in the stubs only
    Upload = UploadedFile[bytes]
else:
    Upload = UploadedFile

MAX_CRITERIA = 20
MAX_JUDGES = 30


@dataclass(frozen=True, kw_only=True)
class CompetitionTerms:
    """A call as the organiser states it: its region (by code), windows, criteria as (name,
    maximum points) pairs and its judges by username."""

    title: str
    region: str
    submission_opens: dt.date
    submission_closes: dt.date
    judging_opens: dt.date
    judging_closes: dt.date
    awards: int
    criteria: tuple[tuple[str, int], ...]
    judges: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class CaseTerms:
    """A case as its CQO states it; ``enterprise`` the USCC (default: their first filed)."""

    title: str
    method: str
    case_text: str
    results: str
    enterprise: str = ""


# A judge's sheet: (criterion position, points); None where the entry was not a number, so that
# it is reported beside the other criteria's errors.
ScoreSheet = Sequence[tuple[int, Decimal | None]]


def _day(errors: Errors, key: str, day: dt.date, label: str) -> dt.date | None:
    if not 2000 <= day.year <= 2100:
        errors.add(key, _("%(label)s应在2000年至2100年之间") % {"label": label})
        return None
    return day


def _criteria(items: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Each criterion named, within its length, worth 1 … 100 points; at most MAX_CRITERIA,
    names unique."""
    bad: list[str] = []
    out: list[tuple[str, int]] = []
    for raw, value in items:
        name = raw.strip()
        if not name or bounds.too_long(Criterion, "name", name) or not 1 <= value <= 100:
            bad.append(name or "?")
            continue
        out.append((name, value))
    if bad:
        raise ValidationError(
            {
                "criteria": _("评分项应写成“名称：满分”，满分为 1 到 100 的整数：%(bad)s")
                % {"bad": "、".join(bad)}
            }
        )
    if not out:
        raise ValidationError({"criteria": _("请至少设置一个评分项")})
    if len(out) > MAX_CRITERIA:
        raise ValidationError({"criteria": _("评分项不超过%(n)d个") % {"n": MAX_CRITERIA}})
    if len({n for n, _p in out}) != len(out):
        raise ValidationError({"criteria": _("评分项名称不能重复")})
    return out


def _judges(errors: Errors, region: Region | None, names: Sequence[str]) -> list[User]:
    judges: list[User] = []
    if region is not None:
        found = {
            u.username: u
            for u in selectors.judge_candidates(region).filter(username__in=list(names))
        }
        missing = [n for n in names if n not in found]
        if missing:
            errors.add("judges", _("不能担任评委的账号：%(names)s") % {"names": "、".join(missing)})
        judges = [found[n] for n in dict.fromkeys(names) if n in found]
    if not names:
        errors.add("judges", _("请至少指定一名评委"))
    elif len(names) > MAX_JUDGES:
        errors.add("judges", _("评委不超过%(n)d名") % {"n": MAX_JUDGES})
    return judges


@transaction.atomic
def competition_create(*, actor: User, terms: CompetitionTerms) -> CaseCompetition:
    """A regulator opens a call (征集) with its windows, criteria and judges (shaanxi-2021
    §五(三) 开展质量改进经典案例评比; shenzhen-guide §6.4 典型案例遴选)."""
    errors = Errors()
    title = _text(errors, terms.title, "title", _("评比名称"), CaseCompetition)
    region = _region(errors, terms.region)
    description = _text(
        errors, terms.description, "description", _("征集说明"), CaseCompetition, required=False
    )
    days = {
        "submission_opens": _day(errors, "submission_opens", terms.submission_opens, _("申报开始")),
        "submission_closes": _day(
            errors, "submission_closes", terms.submission_closes, _("申报截止")
        ),
        "judging_opens": _day(errors, "judging_opens", terms.judging_opens, _("评审开始")),
        "judging_closes": _day(errors, "judging_closes", terms.judging_closes, _("评审截止")),
    }
    for key, message in rules.window_errors(*days.values()).items():
        errors.add(key, message)
    if not 1 <= terms.awards <= 100:
        errors.add("awards", _("入选案例数应为 1 到 100 之间的整数"))
    criteria: list[tuple[str, int]] = errors.run("criteria", _criteria, terms.criteria) or []
    if region is not None and not selectors.can_manage(actor, region):
        raise PermissionDenied(_("只能为本辖区或下级行政区划组织评比"))
    judges = _judges(errors, region, terms.judges)
    errors.raise_if_any()
    comp = CaseCompetition.objects.create(
        title=title,
        region=cast(Region, region),
        description=description,
        awards=terms.awards,
        created_by=actor,
        **days,
    )
    for i, (name, points) in enumerate(criteria, start=1):
        Criterion.objects.create(competition=comp, position=i, name=name, max_points=points)
    for user in judges:
        Judge.objects.create(competition=comp, user=user)
    _audit(
        actor,
        comp,
        "community_competition",
        "create",
        {
            "region": [None, comp.region_id],
            **{k: [None, v.isoformat() if v else None] for k, v in days.items()},
            "criteria": [None, [f"{n}:{p}" for n, p in criteria]],
            "judges": [None, [u.username for u in judges]],
            "awards": [None, terms.awards],
        },
    )
    return comp


def _check_files(errors: Errors, files: Sequence[Upload]) -> None:
    if len(files) > rules.MAX_ATTACHMENTS:
        errors.add("attachments", _("附件不超过%(n)d个") % {"n": rules.MAX_ATTACHMENTS})
    for f in files:
        name = str(f.name or "")[-200:]
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        problem = rules.attachment_error(name, int(f.size or 0), head)
        if problem:
            errors.add("attachments", problem)
            continue
        # type by content throughout, Office files' archives, image dimensions
        try:
            uploads.check_attachment(f)
        except ValidationError as exc:
            errors.add(
                "attachments",
                _("附件 %(name)s：%(problem)s") % {"name": name, "problem": exc.messages[0]},
            )


@transaction.atomic
def submission_create(
    *,
    actor: User,
    competition: CaseCompetition,
    case: CaseTerms,
    files: Sequence[Upload] = (),
    today: dt.date | None = None,
) -> Submission:
    """A CQO submits a case during the submission window (on ``today``, the platform's date
    unless a past step is replayed), from an enterprise they serve."""
    person = _person(actor)
    if not CaseCompetition.objects.filter(
        selectors.competition_q(actor), pk=competition.pk
    ).exists():
        raise PermissionDenied(_("只能参加所在地区的评比"))
    if selectors.competition_phase(competition, today) != rules.PHASE_SUBMISSION:
        raise ValidationError({"competition": _("不在申报期内")})
    errors = Errors()
    title = _text(errors, case.title, "title", _("案例名称"), Submission)
    method = _clean(case.method)
    if method not in Submission.Method.values:
        errors.add("method", _("请选择改进方法"))
    case_text = _text(errors, case.case_text, "case_text", _("案例内容"), Submission)
    results = _text(errors, case.results, "results", _("改进成效"), Submission)
    enterprise = selectors.submitter_enterprise(person, _clean(case.enterprise))
    if enterprise is None:
        errors.add("enterprise", _("须以已备案聘任的企业申报案例"))
    _check_files(errors, files)
    if Submission.objects.filter(competition=competition, person=person, title=title).exists():
        errors.add("title", _("您已申报过同名案例"))
    errors.raise_if_any()
    sub = Submission.objects.create(
        competition=competition,
        person=person,
        enterprise=cast(Enterprise, enterprise),
        title=title,
        method=method,
        case_text=case_text,
        results=results,
    )
    for f in files:
        Attachment.objects.create(submission=sub, file=f, name=str(f.name)[-200:], size=f.size or 0)
    _audit(
        actor,
        sub,
        "community_submission",
        "create",
        {
            "competition": [None, str(competition.public_id)],
            "method": [None, method],
            "attachments": [None, [str(f.name)[-200:] for f in files]],
        },
    )
    return sub


@transaction.atomic
def submission_withdraw(
    *, actor: User, submission: Submission, today: dt.date | None = None
) -> Submission:
    sub = (
        Submission.objects.select_for_update()
        .select_related("person", "competition")
        .get(pk=submission.pk)
    )
    if sub.person.user_id != actor.pk:
        raise PermissionDenied(_("只能撤回自己申报的案例"))
    if sub.state != Submission.State.SUBMITTED:
        raise ValidationError({"state": _("案例已撤回")})
    if selectors.competition_phase(sub.competition, today) != rules.PHASE_SUBMISSION:
        raise ValidationError({"state": _("申报期结束后不能撤回")})
    sub.state = Submission.State.WITHDRAWN
    sub.save(update_fields=["state"])
    _audit(actor, sub, "community_submission", "transition", {"state": ["submitted", "withdrawn"]})
    return sub


def _sheet_values(criteria: Sequence[Criterion], points: ScoreSheet) -> dict[int, Decimal]:
    """The points per criterion (by pk), every problem keyed ``c<position>``."""
    given = dict(points)
    errors = Errors()
    values: dict[int, Decimal] = {}
    for c in criteria:
        key = f"c{c.position}"
        if c.position not in given:
            errors.add(key, _("请为“%(name)s”打分") % {"name": c.name})
            continue
        value = given[c.position]
        if value is None:
            errors.add(key, _("分值应为数字"))
            continue
        problem = rules.points_error(value, c.max_points)
        if problem:
            errors.add(key, f"{c.name}：{problem}")
        else:
            values[c.pk] = value
    errors.raise_if_any()
    return values


@transaction.atomic
def score_submit(
    *, actor: User, submission: Submission, points: ScoreSheet, today: dt.date | None = None
) -> list[Score]:
    """A judge scores every criterion of a case during the judging window, each 0 … the
    criterion's maximum; a new sheet replaces the judge's earlier one until publication."""
    comp = CaseCompetition.objects.select_for_update().get(pk=submission.competition_id)
    judge = selectors.judge_of(actor, comp)
    if judge is None:
        raise PermissionDenied(_("只有本次评比的评委可以评分"))
    if selectors.is_conflicted(judge, submission):
        raise PermissionDenied(_("评委不能评审本人或本企业的案例"))
    if submission.state != Submission.State.SUBMITTED:
        raise ValidationError({"submission": _("案例已撤回")})
    if selectors.competition_phase(comp, today) != rules.PHASE_JUDGING:
        raise ValidationError({"competition": _("不在评审期内")})
    criteria = list(comp.criteria.order_by("position"))
    values = _sheet_values(criteria, points)
    saved = []
    for c in criteria:
        score, _made = Score.objects.update_or_create(
            submission=submission, judge=judge, criterion=c, defaults={"points": values[c.pk]}
        )
        saved.append(score)
    _audit(
        actor,
        submission,
        "community_submission",
        "update",
        {"scores": [None, [f"{c.name}:{values[c.pk]}" for c in criteria]]},
        note=f"judge {actor.get_username()}",
    )
    return saved


@transaction.atomic
def results_publish(
    *, actor: User, competition: CaseCompetition, today: dt.date | None = None
) -> CaseCompetition:
    """Once judging has opened and every eligible judge has scored every case, the organiser
    publishes: scores, ranks and awards are fixed and the awarded cases enter the library."""
    comp = (
        CaseCompetition.objects.select_for_update().select_related("region").get(pk=competition.pk)
    )
    if not selectors.can_manage(actor, comp.region):
        raise PermissionDenied(_("评比结果由组织评比的市场监管部门发布"))
    if comp.published_at is not None:
        raise ValidationError({"competition": _("结果已发布")})
    if selectors.competition_phase(comp, today) not in (rules.PHASE_JUDGING, rules.PHASE_CLOSED):
        raise ValidationError({"competition": _("评审开始后才能发布结果")})
    placed, missing = selectors.standings(comp)
    if missing:
        raise ValidationError({"scores": missing[:20]})
    if not placed:
        raise ValidationError({"competition": _("没有参评案例，无法发布结果")})
    by_key = {p.key: p for p in placed}
    for sub in comp.submissions.filter(state=Submission.State.SUBMITTED):
        p = by_key[str(sub.public_id)]
        sub.score, sub.rank, sub.awarded = p.score, p.rank, p.awarded
        sub.save(update_fields=["score", "rank", "awarded"])
    comp.published_at = timezone.now()
    comp.save(update_fields=["published_at"])
    _audit(
        actor,
        comp,
        "community_competition",
        "transition",
        {
            "published_at": [None, comp.published_at.isoformat()],
            "ranking": [None, [f"{p.rank}:{p.key}:{p.score}" for p in placed]],
        },
    )
    return comp
