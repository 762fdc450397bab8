"""Reads of training, always through a scope built on cqo.accounts.access (SPEC §1: scope in the
query layer, never by hiding buttons). Outside the scope: 404.

Who sees what:
- the platform admin: everything;
- a regulator: the plans of its region's subtree, and the courses (with their sessions,
  enrolments and certificates) serving a region in its subtree;
- a certification body: its own organisation's plans and the courses it organises;
- a training institution: the courses it organises or runs as 承办机构;
- a CQO: the open sessions serving their region (their county, city or province) and the
  sessions, enrolments and certificates that are their own;
- anyone else: nothing. Certificates are also verified publicly by number (no login).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.models import AuditEntry
from cqo.lib import clock, crypto
from cqo.policy import schema
from cqo.policy.selectors import Governing, governing_for_region, governing_for_regions
from cqo.reference import enums
from cqo.reference.models import Region
from cqo.registry.models import Person, Qualification
from cqo.training import rules
from cqo.training.models import (
    Course,
    Enrolment,
    Session,
    Tier,
    TrainingCertificate,
    TrainingPlan,
)
from cqo.training.selectors.qualifications import (
    QUALIFICATION,
    can_manage_qualifications,
    can_revoke_qualification,
    qualification_get,
    qualification_list,
    qualification_q,
    qualifications_of,
    qualified_on,
    qualified_records,
)

__all__ = [
    "QUALIFICATION",
    "can_manage_qualifications",
    "can_revoke_qualification",
    "qualification_get",
    "qualification_list",
    "qualification_q",
    "qualifications_of",
    "qualified_on",
    "qualified_records",
]

# AuditEntry.target_type of each record
PLAN = "training_plan"
COURSE = "course"
SESSION = "training_session"
ENROLMENT = "enrolment"
CERTIFICATE = "training_certificate"


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _p(prefix: str, field: str) -> str:
    return f"{prefix}__{field}" if prefix else field


def own_person(user: Any) -> Person | None:
    """The CQO account's registered profile, if any."""
    if not _active(user) or user.role != Role.CQO:
        return None
    return Person.objects.filter(user=user).select_related("region").first()


# Scope ----------------------------------------------------------------------------------------


def plan_q(user: Any) -> Q:
    if not _active(user):
        return access.NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        return access.region_q(user, "region")
    if user.role == Role.CERTIFIER and user.organisation:
        return Q(region__isnull=True, organisation=user.organisation)
    return access.NOTHING


def _cqo_sessions_q(user: Any, prefix: str = "") -> Q:
    """Open sessions of courses serving the CQO's region or a region above it, and the
    sessions the CQO is enrolled in."""
    mine = Enrolment.objects.filter(person__user=user).values("session_id")
    q = Q(**{_p(prefix, "pk__in"): mine})
    person = own_person(user)
    if person is None:
        return q
    open_q = Q(**{_p(prefix, "status"): Session.Status.OPEN})
    if person.region is not None:
        region = person.region
        chain = [c for c in (region.code, region.city_code, region.province_code) if c]
        open_q &= Q(**{_p(prefix, "course__region_id__in"): chain})
    return q | open_q


def course_q(user: Any, prefix: str = "") -> Q:
    if not _active(user):
        return access.NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        return access.region_q(user, _p(prefix, "region"))
    if user.role == Role.TRAINER:
        return Q(**{_p(prefix, "organiser"): user}) | Q(**{_p(prefix, "institution"): user})
    if user.role == Role.CERTIFIER:
        return Q(**{_p(prefix, "organiser"): user})
    if user.role == Role.CQO:
        visible = Session.objects.filter(_cqo_sessions_q(user)).values("course_id")
        return Q(**{_p(prefix, "pk__in"): visible})
    return access.NOTHING


def session_q(user: Any) -> Q:
    if _active(user) and user.role == Role.CQO:
        return _cqo_sessions_q(user)
    return course_q(user, "course")


def enrolment_q(user: Any) -> Q:
    if _active(user) and user.role == Role.CQO:
        return Q(person__user=user)
    return course_q(user, "session__course")


def certificate_q(user: Any) -> Q:
    if _active(user) and user.role == Role.CQO:
        return Q(holder__user=user)
    q = course_q(user, "course")
    if _active(user) and user.role == Role.REGULATOR:
        # a migrated certificate has no course: the regulators of its holder's region see it
        q |= Q(course__isnull=True) & access.region_q(user, "holder__region")
    return q


# Permissions ----------------------------------------------------------------------------------


def can_plan(user: Any) -> bool:
    """Regulators (for their region) and certification bodies (for their organisation) keep
    yearly plans (shaanxi-2021 §五(一); level-standard §11)."""
    if not _active(user):
        return False
    if user.role == Role.REGULATOR:
        return user.region_id is not None
    return user.role == Role.CERTIFIER and bool(user.organisation)


def can_organise(user: Any) -> bool:
    """Who may open a course: the regulator that organises the tier (shaanxi-2021 §五(一),
    jiangsu-2020 §五) or a certification body for its own training (level-standard §11). A
    training institution runs a course as the organiser's 承办机构 (sessions, attendance,
    certificates) but does not create one."""
    return _active(user) and user.role in (Role.REGULATOR, Role.CERTIFIER)


def can_edit_plan(user: Any, plan: TrainingPlan) -> bool:
    if not can_plan(user):
        return False
    if user.role == Role.REGULATOR:
        return bool(plan.region_id == user.region_id)
    return plan.region_id is None and plan.organisation == user.organisation


def can_run(user: Any, course: Course) -> bool:
    """The organiser, and the 承办机构 it engaged: sessions, enrolment, attendance, results."""
    return _active(user) and user.pk in (course.organiser_id, course.institution_id)


def can_see_roster(user: Any, course: Course) -> bool:
    """The enrolment list of a session: everyone whose scope holds the course except a CQO,
    who sees only their own enrolment."""
    return _active(user) and user.role != Role.CQO


def can_self_enrol(user: Any, session: Session) -> bool:
    return (
        _active(user)
        and user.role == Role.CQO
        and session.status == Session.Status.OPEN
        and own_person(user) is not None
    )


# Lists ----------------------------------------------------------------------------------------


def plan_list(*, user: Any, year: int | None = None, q: str = "") -> QuerySet[TrainingPlan]:
    qs = TrainingPlan.objects.filter(plan_q(user))
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(organisation__icontains=q)
    return with_delivered(qs).select_related("region")


def with_delivered(qs: QuerySet[TrainingPlan]) -> QuerySet[TrainingPlan]:
    """Annotate ``delivered``: the sessions of the plan's courses that were held."""
    return qs.annotate(
        delivered=Count(
            "courses__sessions", filter=Q(courses__sessions__status=Session.Status.HELD)
        ),
        course_count=Count("courses", distinct=True),
    )


def plan_get(*, user: Any, public_id: Any) -> TrainingPlan:
    found = with_delivered(
        TrainingPlan.objects.filter(plan_q(user), public_id=_uuid(public_id))
    ).first()
    if found is None:
        raise Http404
    return found


def course_list(
    *, user: Any, q: str = "", tier: str = "", region: str = "", plan: TrainingPlan | None = None
) -> QuerySet[Course]:
    qs = Course.objects.filter(course_q(user))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(organiser_name__icontains=q))
    if tier == "other":
        qs = qs.filter(tier="")
    elif tier:
        qs = qs.filter(tier=tier)
    if region:
        qs = qs.filter(
            Q(region_id=region) | Q(region__city_code=region) | Q(region__province_code=region)
        )
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.select_related("region", "organiser", "institution", "plan")


def course_get(*, user: Any, public_id: Any) -> Course:
    found = (
        Course.objects.filter(course_q(user), public_id=_uuid(public_id))
        .select_related("region", "organiser", "institution", "plan")
        .first()
    )
    if found is None:
        raise Http404
    return found


def session_list(
    *, user: Any, course: Course | None = None, status: str = "", q: str = ""
) -> QuerySet[Session]:
    qs = Session.objects.filter(session_q(user))
    if course is not None:
        qs = qs.filter(course=course)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(course__title__icontains=q) | Q(place__icontains=q))
    return qs.select_related("course", "course__region").annotate(
        enrolled=Count("enrolments", distinct=True)
    )


def session_get(*, user: Any, public_id: Any) -> Session:
    found = (
        Session.objects.filter(session_q(user), public_id=_uuid(public_id))
        .select_related("course", "course__region", "course__organiser", "course__institution")
        .first()
    )
    if found is None:
        raise Http404
    return found


def enrolment_list(*, user: Any, session: Session, q: str = "") -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(enrolment_q(user), session=session)
    if q:
        qs = qs.filter(person__name__icontains=q)
    return qs.select_related("person", "study_record").order_by("enrolled_at", "pk")


def roster(*, user: Any, session: Session, q: str = "") -> QuerySet[Enrolment]:
    """The session's enrolment list with each enrolment's valid certificate, if any, as
    ``valid_certificates`` (one query for all of them)."""
    valid = TrainingCertificate.objects.filter(status=TrainingCertificate.Status.VALID)
    return enrolment_list(user=user, session=session, q=q).prefetch_related(
        Prefetch("certificates", queryset=valid, to_attr="valid_certificates")
    )


def enrolment_get(*, user: Any, public_id: Any) -> Enrolment:
    found = (
        Enrolment.objects.filter(enrolment_q(user), public_id=_uuid(public_id))
        .select_related(
            "person",
            "session",
            "session__course",
            "session__course__region",
            "session__course__organiser",
            "study_record",
        )
        .first()
    )
    if found is None:
        raise Http404
    return found


def my_enrolments(*, user: Any) -> QuerySet[Enrolment]:
    if not _active(user):
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(person__user=user)
        .select_related("session", "session__course", "study_record")
        .order_by("-session__start_date", "-pk")
    )


def sessions_to_close(*, user: Any, today: dt.date) -> QuerySet[Session]:
    """Sessions in scope that have ended but are not marked held yet (held only after the end
    date), oldest first."""
    return (
        Session.objects.filter(session_q(user), end_date__lte=today)
        .exclude(status=Session.Status.HELD)
        .select_related("course")
        .order_by("end_date", "pk")
    )


def attendance_due(*, user: Any, today: dt.date) -> QuerySet[Session]:
    """Ended sessions in scope with enrolments whose attendance is not recorded yet (it may be
    recorded once the session has ended), each with ``unrecorded``, oldest first."""
    return (
        Session.objects.filter(
            session_q(user), end_date__lte=today, enrolments__attendance__isnull=True
        )
        .annotate(unrecorded=Count("enrolments"))
        .select_related("course")
        .order_by("end_date", "pk")
    )


def certificate_list(*, user: Any, q: str = "", status: str = "") -> QuerySet[TrainingCertificate]:
    qs = TrainingCertificate.objects.filter(certificate_q(user))
    if q:
        qs = qs.filter(Q(number__iexact=q.upper()) | Q(holder__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("holder", "course")


def _number(value: str) -> str:
    number = (value or "").strip().upper()
    if not (rules.number_valid(number) or rules.legacy_number_valid(number)):
        raise Http404
    return number


def certificate_get(*, user: Any, number: str) -> TrainingCertificate:
    found = (
        TrainingCertificate.objects.filter(certificate_q(user), number=_number(number))
        .select_related("holder", "course", "course__region", "enrolment", "issuer", "revoked_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def valid_certificate_for(enrolment: Enrolment) -> TrainingCertificate | None:
    return enrolment.certificates.filter(status=TrainingCertificate.Status.VALID).first()


def public_certificate(number: str) -> TrainingCertificate:
    """Public verification (SPEC §1 "public": verify a training certificate by number or QR):
    no scope, only the exact number."""
    found = TrainingCertificate.objects.filter(number=_number(number)).first()
    if found is None:
        raise Http404
    return found


def holds_training_certificate(person_id: int) -> bool:
    """Whether the person holds a valid CQO training certificate (培训合格证): hangzhou-spec
    聘用与培训·培训 requires one before appointment; level-standard §5.2.1 "首席质量官证书"
    (SPEC §12.4). Used by the filing eligibility engine."""
    return (
        TrainingCertificate.objects.filter(
            holder_id=person_id, status=TrainingCertificate.Status.VALID
        )
        # a migrated certificate may have printed a validity that has passed
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=clock.today()))
        .exists()
    )


def has_training_certificate(person: Person | int) -> bool:
    """Whether the person counts as holding a CQO training certificate (level-standard §5.1.4;
    hangzhou-spec 聘用与培训·培训): a valid one issued on the platform, or one held from before
    and declared among their qualifications. For the eligibility of an application or a
    filing."""
    person_id = person if isinstance(person, int) else person.pk
    return (
        holds_training_certificate(person_id)
        or Qualification.objects.filter(
            person_id=person_id, kind=enums.QualificationKind.TRAINING_CERTIFICATE
        ).exists()
    )


# Names, the governing pack, issuers (read by services and pages) ------------------------------


def body_name(user: User) -> str:
    """The name printed for an organiser or issuer: its organisation, else (a regulator) the
    market regulation bureau of its region."""
    if user.organisation:
        return user.organisation[:200]
    if user.role == Role.REGULATOR and user.region is not None:
        return f"{user.region.name}市场监督管理局"
    return (user.display_name or user.get_username())[:200]


def governing(region: Region) -> Governing:
    return governing_for_region(region, clock.today())


def governing_by_region(regions: Iterable[Region]) -> dict[str, Governing]:
    """``governing`` of many regions, by their codes, read together."""
    return governing_for_regions(regions, clock.today())


def pack_tiers(rules_: schema.Pack) -> list[schema.Tier]:
    return list(rules_.training.tiers) if rules_.training is not None else []


def _plain(name: str) -> str:
    return "".join(name.split()).translate(str.maketrans("", "", "“”\"'‘’「」"))


def tier_by_name(gov: Governing, name: str) -> str | None:
    """The tier code a printed tier name stands for under the governing pack (its tiers' names,
    quotation marks aside: "“提升”培训" or "提升培训"); "其他" for a course outside them; None
    when the pack names no such tier."""
    plain = _plain(name)
    if plain == _plain(str(_("其他"))):
        return ""
    for t in pack_tiers(gov.rules):
        if _plain(t.name) == plain:
            return t.code
    return None


def tier_name(gov: Governing, tier: str) -> str:
    for t in pack_tiers(gov.rules):
        if t.code == tier:
            return t.name
    return str(Tier(tier).label) if tier else _("其他")


def issuer_facts(actor: User, course: Course) -> rules.IssuerFacts:
    is_institution = actor.pk == course.institution_id
    return rules.IssuerFacts(
        role=actor.role,
        is_organiser=actor.pk == course.organiser_id,
        is_institution=is_institution,
        governs_region=actor.role == Role.REGULATOR
        and access.region_contains(actor, course.region),
        is_qualified=is_institution and qualified_on(actor, clock.today()),
    )


def issuer_kind_for(actor: User, course: Course) -> tuple[str | None, Governing]:
    """The kind of issuer the actor is for the course under the governing pack, or None."""
    gov = governing(course.region)
    training = gov.rules.training
    if not getattr(actor, "is_active", False) or training is None:
        return None, gov
    return rules.issuer_kind(issuer_facts(actor, course), list(training.certificate_issuers)), gov


def can_revoke(actor: User, cert: TrainingCertificate) -> bool:
    """The issuer, whoever may issue for the course now, a regulator of the course's
    jurisdiction, or the platform admin."""
    if not getattr(actor, "is_active", False):
        return False
    if actor.is_platform_admin or actor.pk == cert.issuer_id:
        return True
    if cert.course is None:  # migrated: the regulators of its holder's region
        region = cert.holder.region
        return (
            actor.role == Role.REGULATOR
            and region is not None
            and access.region_contains(actor, region)
        )
    if actor.role == Role.REGULATOR and access.region_contains(actor, cert.course.region):
        return True
    return issuer_kind_for(actor, cert.course)[0] is not None


def content_intact(cert: TrainingCertificate) -> bool:
    """Whether the frozen content still hashes to the digest recorded at issue, and that digest
    still carries the platform's SM2 signature where it was signed (national suite)."""
    return rules.content_hash(cert.content) == cert.content_hash and (
        content_signature_ok(cert) is not False
    )


def content_signature_ok(cert: TrainingCertificate) -> bool | None:
    """Whether the SM2 signature of the content hash verifies; None when it has none."""
    if not cert.content_sm2:
        return None
    return crypto.content_signature_valid(cert.content_hash, cert.content_sm2)


# History --------------------------------------------------------------------------------------


def trail(target_type: str, public_id: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(public_id))


def session_trail(session: Session) -> QuerySet[AuditEntry]:
    """The session's history with its enrolments' (attendance, results)."""
    ids = [str(e) for e in session.enrolments.values_list("public_id", flat=True)]
    return AuditEntry.objects.filter(
        Q(target_type=SESSION, target_id=str(session.public_id))
        | Q(target_type=ENROLMENT, target_id__in=ids)
    )


def uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return _uuid(value)
    except Http404:
        return None


def _uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
