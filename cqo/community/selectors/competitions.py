"""Reading case competitions: calls in scope, the cases a viewer may see, the phase of a call,
judges' conflicts and the provisional standings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.community import rules
from cqo.community.models import (
    Attachment,
    CaseCompetition,
    Criterion,
    Judge,
    Score,
    Submission,
)
from cqo.community.selectors.scope import (
    NOTHING,
    PublicId,
    authed,
    can_manage,
    get_by_public_id,
    home_regions,
    person_of,
)
from cqo.lib import clock
from cqo.reference.models import Region
from cqo.registry.models import Appointment, Enterprise, Person


def competition_q(user: User) -> Q:
    if not authed(user):
        return NOTHING
    if user.is_platform_admin:
        return Q()
    judged = Q(pk__in=Judge.objects.filter(user=user).values("competition_id"))
    if user.role == Role.REGULATOR:
        return access.region_q(user, "region") | judged
    if user.role in (Role.CQO, Role.ENTERPRISE):
        return Q(region_id__in=home_regions(user)) | judged
    return judged


def competition_list(*, user: User, q: str = "") -> QuerySet[CaseCompetition]:
    qs = CaseCompetition.objects.filter(competition_q(user)).select_related("region")
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(region__name__contains=q))
    return qs.annotate(
        entries=Count("submissions", filter=Q(submissions__state="submitted"), distinct=True)
    ).order_by("-submission_opens", "-pk")


def competition_get(*, user: User, public_id: PublicId) -> CaseCompetition:
    comp = get_by_public_id(CaseCompetition, public_id, "region")
    if not CaseCompetition.objects.filter(competition_q(user), pk=comp.pk).exists():
        raise Http404
    return comp


def competition_phase(comp: CaseCompetition, today: dt.date | None = None) -> str:
    """Where the call stands on ``today`` (default: the platform's date)."""
    return rules.phase(
        today=today or clock.today(),
        submission_opens=comp.submission_opens,
        submission_closes=comp.submission_closes,
        judging_opens=comp.judging_opens,
        judging_closes=comp.judging_closes,
        published=comp.published_at is not None,
    )


def judge_of(user: User, competition: CaseCompetition) -> Judge | None:
    if not authed(user):
        return None
    return Judge.objects.filter(competition=competition, user=user).first()


def judge_candidates(region: Region) -> QuerySet[User]:
    """Who may judge: regulators of the region's tree, certification bodies (their experts)
    and registered CQOs (a peer judge; conflicts are checked per case)."""
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.REGULATOR, region__province_code=region.province_code)
        | Q(role=Role.CERTIFIER)
        | Q(role=Role.CQO, person__isnull=False)
    )


def judge_identity(user: User) -> rules.JudgeIdentity:
    person = Person.objects.filter(user=user).first()
    enterprises: set[int] = set()
    if person is not None:
        enterprises |= set(
            Appointment.objects.filter(person=person)
            .exclude(status=Appointment.Status.DRAFT)
            .values_list("enterprise_id", flat=True)
        )
    if user.enterprise_id is not None:
        enterprises.add(user.enterprise_id)
    return rules.JudgeIdentity(person.pk if person else None, frozenset(enterprises))


def is_conflicted(judge: Judge, submission: Submission) -> bool:
    return rules.conflicted(
        judge_identity(judge.user),
        person_id=submission.person_id,
        enterprise_id=submission.enterprise_id,
    )


def standings(comp: CaseCompetition) -> tuple[list[rules.Placed], list[str]]:
    """The ranking from the scores so far, and what is missing for publication."""
    criteria = list(comp.criteria.all())
    judges = list(comp.judges.select_related("user"))
    subs = list(comp.submissions.filter(state=Submission.State.SUBMITTED).select_related("person"))
    sheet: dict[tuple[int, int], list[Decimal]] = {}
    for s in Score.objects.filter(submission__in=subs):
        sheet.setdefault((s.submission_id, s.judge_id), []).append(s.points)
    entries, missing = [], []
    for sub in subs:
        totals = []
        for judge in judges:
            if is_conflicted(judge, sub):
                continue
            got = sheet.get((sub.pk, judge.pk), [])
            if len(got) < len(criteria):
                missing.append(
                    _("%(judge)s 尚未评审“%(case)s”") % {"judge": judge.user, "case": sub.title}
                )
                continue
            totals.append(sum(got, Decimal(0)))
        score = rules.case_score(totals)
        if score is None:
            missing.append(_("“%(case)s”没有可评审的评委") % {"case": sub.title})
            continue
        entries.append(rules.Entry(str(sub.public_id), sub.submitted_at, score))
    return rules.rank(entries, awards=comp.awards), missing


def provisional_standings(
    user: User, comp: CaseCompetition
) -> tuple[list[rules.Placed], list[str]]:
    """The standings before publication, for the organiser only."""
    if comp.published_at is None and can_manage(user, comp.region):
        return standings(comp)
    return [], []


def sees_all_cases(user: User, competition: CaseCompetition) -> bool:
    return can_manage(user, competition.region) or judge_of(user, competition) is not None


def filed_enterprises(person: Person | None) -> QuerySet[Enterprise]:
    """The enterprises a CQO may submit a case from: those of their filed appointments."""
    return (
        Enterprise.objects.filter(
            appointments__person=person, appointments__status=Appointment.Status.FILED
        )
        .distinct()
        .order_by("name")
    )


def submitter_enterprise(person: Person, uscc: str) -> Enterprise | None:
    """The enterprise the case is from: one the person has a filed appointment at."""
    qs = filed_enterprises(person)
    if uscc:
        qs = qs.filter(uscc=uscc)
    return qs.first()


def submission_list(
    *, user: User, competition: CaseCompetition, q: str = ""
) -> QuerySet[Submission]:
    qs = competition.submissions.select_related("person", "enterprise")
    if not sees_all_cases(user, competition):
        qs = qs.filter(person=person_of(user)) if person_of(user) else qs.none()
    else:
        qs = qs.filter(state=Submission.State.SUBMITTED)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(enterprise__name__contains=q))
    if competition.published_at is not None:
        return qs.order_by("rank", "submitted_at", "public_id")
    return qs.order_by("submitted_at", "pk")


def submission_get(*, user: User, public_id: PublicId) -> Submission:
    sub = get_by_public_id(Submission, public_id, "competition__region", "person", "enterprise")
    competition_get(user=user, public_id=sub.competition.public_id)
    mine = sub.person.user_id == user.pk
    if not (mine or sees_all_cases(user, sub.competition)):
        raise Http404
    return sub


def score_sheets(user: User, sub: Submission) -> QuerySet[Score] | list[Score]:
    """Every judge's points on a case, for the organiser only."""
    if not can_manage(user, sub.competition.region):
        return []
    return sub.scores.select_related("judge__user", "criterion").order_by(
        "judge_id", "criterion__position"
    )


def attachment_get(*, user: User, public_id: PublicId) -> Attachment:
    att = get_by_public_id(Attachment, public_id, "submission")
    submission_get(user=user, public_id=att.submission.public_id)
    return att


def criteria_sheet(judge: Judge | None, sub: Submission) -> list[Criterion]:
    """The call's criteria, each with the judge's own points on the case (``mine``)."""
    criteria = list(sub.competition.criteria.order_by("position"))
    mine = {s.criterion_id: s.points for s in sub.scores.filter(judge=judge)} if judge else {}
    for c in criteria:
        c.mine = mine.get(c.pk)  # type: ignore[attr-defined]
    return criteria


def can_submit(user: User, phase: str) -> bool:
    """In the submission window, a CQO with a filed appointment (a case is submitted from an
    enterprise they serve)."""
    person = person_of(user)
    return (
        phase == rules.PHASE_SUBMISSION
        and person is not None
        and filed_enterprises(person).exists()
    )


def cannot_submit_reason(user: User, phase: str) -> str:
    """Why a CQO in the submission window may not submit (shown instead of the button)."""
    person = person_of(user)
    if phase != rules.PHASE_SUBMISSION or person is None or can_submit(user, phase):
        return ""
    return str(_("须有已备案的聘任方可申报案例：请先由所在企业完成首席质量官聘任备案。"))


def can_publish(user: User, comp: CaseCompetition, phase: str) -> bool:
    return can_manage(user, comp.region) and phase in (rules.PHASE_JUDGING, rules.PHASE_CLOSED)


def can_score(judge: Judge | None, sub: Submission) -> bool:
    return (
        judge is not None
        and competition_phase(sub.competition) == rules.PHASE_JUDGING
        and sub.state == Submission.State.SUBMITTED
    )


def can_withdraw(user: User, sub: Submission) -> bool:
    return (
        sub.person.user_id == user.pk
        and sub.state == Submission.State.SUBMITTED
        and competition_phase(sub.competition) == rules.PHASE_SUBMISSION
    )


def sees_case_trail(user: User, sub: Submission) -> bool:
    return can_manage(user, sub.competition.region) or sub.person.user_id == user.pk
