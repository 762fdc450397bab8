"""Courses by the pack's tiers, and their sessions (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import diff, snapshot
from cqo.lib import clock
from cqo.lib.bounds import max_length
from cqo.policy import schema
from cqo.policy.selectors import citation_names
from cqo.reference.models import Region
from cqo.training import rules, selectors
from cqo.training.models import (
    Course,
    Form,
    Method,
    Session,
    Tier,
    TrainingPlan,
)
from cqo.training.services._common import (
    COURSE_FIELDS,
    MAX_CAPACITY,
    SESSION_FIELDS,
    Errors,
    audit,
    body_name,
    bounded_text,
    date_field,
    decimal_field,
    governing,
    int_field,
    pack_tiers,
)

# Courses --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CourseTerms:
    """A course as its organiser states it (SPEC §5)."""

    title: str
    tier: str = ""  # a tier of the pack governing the region; "" or "other": none
    region: str = ""  # GB/T 2260 code of the region served; a regulator's own when blank
    forms: tuple[str, ...] = ()
    hours: Decimal | None = None
    method: str = ""
    pass_mark: int | None = None  # exam, assignment
    min_attendance: int | None = None  # attendance: percent
    plan: str = ""  # public id of one of the organiser's own plans
    institution: str = ""  # username of the training institution (承办机构)
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class SessionTerms:
    start_date: dt.date | None
    end_date: dt.date | None
    place: str
    capacity: int | None


def _course_region(errors: Errors, actor: User, code: str) -> Region | None:
    code = code.strip()
    if not code and actor.role == Role.REGULATOR:
        return actor.region
    if not code:
        errors.add("region", _("请填写课程面向的行政区划代码"))
        return None
    region = Region.objects.filter(code=code[:6]).first() if len(code) == 6 else None
    if region is None:
        errors.add("region", _("行政区划代码不存在（GB/T 2260）"))
        return None
    if actor.role == Role.REGULATOR and not access.region_contains(actor, region):
        errors.add("region", _("只能为本辖区开设课程"))
        return None
    return region


def _course_tier(errors: Errors, actor: User, region: Region | None, tier: str) -> str:
    """The tier must be one of the pack governing the course's region (training.tiers), and
    only the regulator of the tier's level organises it (shaanxi-2021 §五(一), jiangsu-2020 §五
    "分别由县（市、区）、设区市和省市场监管部门组织实施"), a city its counties' tier only where the
    pack allows the merge (jiangsu-2020 §五). A pack without tiers (hangzhou-spec) has only
    "other" (blank), as has the training a certification body organises (level-standard §11)."""
    if tier in ("", "other"):
        return ""
    if tier not in Tier.values:
        errors.add("tier", _("培训层级取值无效"))
        return ""
    if region is None:
        return tier
    gov = governing(region)
    tiers: dict[str, schema.Tier] = {t.code: t for t in pack_tiers(gov.rules)}
    found = tiers.get(tier)
    if found is None:
        names = "、".join(t.name for t in tiers.values()) or _("无（只能选“其他”）")
        errors.add(
            "tier",
            _("%(document)s没有该培训层级；可选：%(names)s")
            % {
                "document": citation_names().get(gov.version.pack.slug, gov.version.name),
                "names": names,
            },
        )
        return tier
    training = gov.rules.training
    merge = bool(training and training.county_may_merge)
    level = actor.region.level if actor.role == Role.REGULATOR and actor.region else ""
    if not rules.may_organise_tier(level, found.level, county_may_merge=merge):
        errors.add("tier", _tier_message(found, merge))
    return tier


def _tier_message(tier: schema.Tier, merge: bool) -> str:
    text = _("%(tier)s由%(level)s市场监管部门组织（%(clause)s）") % {
        "tier": tier.name,
        "level": Region.Level(tier.level).label,
        "clause": tier.clause,
    }
    if merge and tier.level == "county":
        text += _("；县级组织有困难的，可合并到设区市一级实施")
    return text


def _course_forms(errors: Errors, value: tuple[str, ...]) -> list[str]:
    if not value:
        errors.add("forms", _("请至少选择一种培训形式"))
        return []
    forms: list[str] = []
    for item in value:
        code = str(item).strip()
        if code not in Form.values:
            errors.add("forms", _("培训形式取值无效：%(v)s") % {"v": code[:40]})
            return []
        if code not in forms:
            forms.append(code)
    return [f for f in Form.values if f in forms]  # the order of the source's list


def _course_plan(errors: Errors, actor: User, ref: str) -> TrainingPlan | None:
    ref = ref.strip()
    if not ref:
        return None
    key = selectors.uuid_or_none(ref)
    plan = TrainingPlan.objects.filter(public_id=key).first() if key else None
    if plan is None or not selectors.can_edit_plan(actor, plan):
        errors.add("plan", _("只能归入本单位的年度培训计划"))
        return None
    return plan


def _course_institution(errors: Errors, name: str) -> User | None:
    name = name.strip()
    if not name:
        return None
    user = User.objects.filter(
        username__iexact=name[:150], role=Role.TRAINER, is_active=True
    ).first()
    if user is None:
        errors.add("institution", _("未找到该培训机构账户"))
    return user


def _assessment(errors: Errors, terms: CourseTerms) -> tuple[int | None, int | None]:
    """The pass mark of an exam or assignment, or the minimum attendance (percent)."""
    if terms.method not in Method.values:
        errors.add("method", _("请选择考核方式：考试、作业或考勤"))
        return None, None
    if terms.method == Method.ATTENDANCE:
        return None, int_field(errors, "min_attendance", terms.min_attendance, low=1, high=100)
    return int_field(errors, "pass_mark", terms.pass_mark, low=0, high=100), None


@transaction.atomic
def course_create(*, actor: User, terms: CourseTerms) -> Course:
    """A course (SPEC §5): organised by the regulator of the tier's level in the course's region,
    or by a certification body for its own training (level-standard §11), which names a
    training institution as its 承办机构 where it engages one. An institution cannot create a
    course itself (shaanxi-2021 §五(一), jiangsu-2020 §五: the tiers are the regulators')."""
    if not selectors.can_organise(actor):
        raise PermissionDenied(
            _("只有市场监管部门和认定机构可以开设课程；培训机构作为组织方指定的承办机构承办课程")
        )
    errors = Errors()
    title = bounded_text(
        errors,
        "title",
        terms.title,
        minimum=2,
        maximum=max_length(Course, "title"),
        message=_("请填写课程名称（至少2个字）"),
    )
    region = _course_region(errors, actor, terms.region)
    tier = _course_tier(errors, actor, region, terms.tier.strip())
    forms = _course_forms(errors, terms.forms)
    hours = decimal_field(
        errors,
        "hours",
        terms.hours,
        low=Decimal(0),
        high=Decimal(500),
        places=1,
        low_inclusive=False,
    )
    pass_mark, min_attendance = _assessment(errors, terms)
    plan = _course_plan(errors, actor, terms.plan)
    institution = _course_institution(errors, terms.institution)
    description = bounded_text(
        errors,
        "description",
        terms.description,
        minimum=0,
        maximum=max_length(Course, "description"),
        message="",
    )
    errors.raise_if_any()
    assert region is not None and hours is not None  # noqa: S101  (errors raised above)
    course = Course(
        title=title,
        tier=tier,
        region=region,
        organiser=actor,
        organiser_name=body_name(actor),
        institution=institution,
        forms=forms,
        hours=hours,
        method=terms.method,
        pass_mark=pass_mark,
        min_attendance=min_attendance,
        plan=plan,
        description=description,
    )
    course.save()
    audit(actor, selectors.COURSE, course, "create", diff({}, snapshot(course, COURSE_FIELDS)))
    return course


# Sessions -------------------------------------------------------------------------------------


@transaction.atomic
def session_create(*, actor: User, course: Course, terms: SessionTerms) -> Session:
    if not selectors.can_run(actor, course):
        raise PermissionDenied(_("只有课程的组织方或承办机构可以开班"))
    errors = Errors()
    start = date_field(errors, "start_date", terms.start_date)
    end = date_field(errors, "end_date", terms.end_date)
    if start and end and end < start:
        errors.add("end_date", _("结束日期不能早于开始日期"))
    place = bounded_text(
        errors,
        "place",
        terms.place,
        minimum=2,
        maximum=max_length(Session, "place"),
        message=_("请填写培训地点"),
    )
    capacity = int_field(errors, "capacity", terms.capacity, low=1, high=MAX_CAPACITY)
    errors.raise_if_any()
    assert start is not None and end is not None and capacity is not None  # noqa: S101
    session = Session(
        course=course,
        start_date=start,
        end_date=end,
        place=place,
        capacity=capacity,
        created_by=actor,
    )
    session.save()
    audit(actor, selectors.SESSION, session, "create", diff({}, snapshot(session, SESSION_FIELDS)))
    return session


# open ⇄ closed (报名截止, reopened); either → held once the session has ended; held is final
TRANSITIONS = {
    Session.Status.OPEN: {Session.Status.CLOSED, Session.Status.HELD},
    Session.Status.CLOSED: {Session.Status.OPEN, Session.Status.HELD},
    Session.Status.HELD: set(),
}


@transaction.atomic
def session_set_status(*, actor: User, session: Session, status: str) -> Session:
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    if not selectors.can_run(actor, session.course):
        raise PermissionDenied(_("只有课程的组织方或承办机构可以变更培训班状态"))
    if status not in Session.Status.values:
        raise ValidationError({"status": _("状态取值无效")})
    before = session.status
    if status not in TRANSITIONS[Session.Status(before)]:
        raise ValidationError(
            {
                "status": _("培训班当前为“%(now)s”，不能改为“%(to)s”")
                % {"now": session.get_status_display(), "to": Session.Status(status).label}
            }
        )
    if status == Session.Status.HELD and session.end_date > clock.today():
        raise ValidationError({"status": _("培训班结束后才能标记为已举办")})
    session.status = status
    session.save(update_fields=["status", "updated_at"])
    audit(actor, selectors.SESSION, session, "transition", {"status": [before, status]})
    return session
