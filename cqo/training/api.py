"""REST API of training (SPEC §5): plans, courses, sessions, enrolment, attendance and results,
training certificates. The same scope as the pages (selectors), the same writes (services).
Records are addressed by their public id (UUID); certificates by their number.

The public verification (``GET /public/training-certificates/{number}``) needs no token and
shows no ID number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cqo.accounts.api import ERRORS, ErrorOut
from cqo.accounts.models import User
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.lib.errors import TooManyRequests
from cqo.lib.lookups import too_many_lookups
from cqo.reference import validators
from cqo.reference.apitypes import Choices, DecimalText, checked
from cqo.registry.api.common import actor, page
from cqo.registry.api.schemas import REGION_CODE, AuditOut, PageQuery
from cqo.registry.models import Person
from cqo.training import printing, rules, selectors, services
from cqo.training.models import (
    Course,
    Enrolment,
    Form,
    Method,
    Session,
    TrainingCertificate,
    TrainingPlan,
)

SessionStatus = Annotated[Session.Status, Choices("SessionStatus", Session.Status)]
TrainingCertificateStatus = Annotated[
    TrainingCertificate.Status, Choices("TrainingCertificateStatus", TrainingCertificate.Status)
]
# 经费预算 in yuan, to the fen
Budget = Annotated[
    Decimal,
    Field(ge=0, le=services.MAX_BUDGET, decimal_places=2, max_digits=14),
    DecimalText(14, 2),
]
router = Router(tags=["training"])


def _number_checked(number: str) -> None:
    if not rules.number_valid(number):
        raise ValidationError(_("证书编号校验位不符，请核对后重新输入"))


TrainingCertificateNumber = Annotated[
    str,
    Field(
        pattern=rules.NUMBER_PATTERN,
        description="the number as printed (upper case); one of a newer certificate ends in a "
        "check part whose last character is checked (a mistyped one is a 422)",
        examples=["PX610113202600001-MXV96D", "PX610113202500001"],
    ),
    checked("certificate_number", _number_checked),
]

TierIn = Literal["basic", "enhancement", "advanced", "other", ""]


# Schemas --------------------------------------------------------------------------------------


class PlanFilters(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100)
    q: str = Field("", max_length=50, description="organisation contains")


class TrainingPlanIn(Schema):
    """A regulator's plan is for its region, a certification body's for its organisation."""

    year: int = Field(ge=2000, le=2100)
    budget: Budget
    planned_sessions: int = Field(ge=0, le=services.MAX_PLANNED)
    notes: str = Field("", max_length=max_length(TrainingPlan, "notes"))


class PlanUpdateIn(Schema):
    budget: Budget
    planned_sessions: int = Field(ge=0, le=services.MAX_PLANNED)
    notes: str = Field("", max_length=max_length(TrainingPlan, "notes"))


class TrainingPlanOut(Schema):
    id: uuid.UUID
    region: str | None = Field(description="GB/T 2260 code of a regulator's plan")
    organisation: str
    year: int
    budget: Decimal
    planned_sessions: int
    delivered_sessions: int = Field(description="sessions of the plan's courses that were held")
    notes: str


class PlanPage(Schema):
    count: int
    items: list[TrainingPlanOut]


class CourseFilters(PageQuery):
    q: str = Field("", max_length=50, description="title or organiser contains")
    tier: TierIn | None = Field(None, description="other: courses outside the pack's tiers")
    region: str | None = Field(None, pattern=REGION_CODE, description="serving this subtree")


class CourseIn(Schema):
    title: str = Field(min_length=1, max_length=max_length(Course, "title"))
    tier: TierIn = Field(
        "", description="a tier of the pack governing the region; '' or other: none"
    )
    region: str | None = Field(
        None, pattern=REGION_CODE, description="the region served; regulators default to theirs"
    )
    forms: list[Form] = Field(min_length=1, max_length=5)
    hours: Annotated[
        Decimal,
        Field(gt=0, le=500, decimal_places=1, max_digits=4, description="学时"),
        DecimalText(4, 1),
    ]
    method: Method
    pass_mark: int | None = Field(None, ge=0, le=100, description="exam, assignment")
    min_attendance: int | None = Field(None, ge=1, le=100, description="attendance: percent")
    plan: uuid.UUID | None = Field(None, description="one of the organiser's own plans")
    institution: str | None = Field(
        None,
        max_length=max_length(User, "username"),
        description="username of the training institution (承办机构)",
    )
    description: str = Field("", max_length=max_length(Course, "description"))


class SessionIn(Schema):
    start_date: dates.EventDate
    end_date: dates.EventDate
    place: str = Field(min_length=1, max_length=max_length(Session, "place"))
    capacity: int = Field(ge=1, le=services.MAX_CAPACITY)


class SessionOut(Schema):
    id: uuid.UUID
    course: uuid.UUID
    course_title: str
    start_date: dt.date
    end_date: dt.date
    place: str
    capacity: int
    enrolled: int
    status: SessionStatus


class CourseOut(Schema):
    id: uuid.UUID
    title: str
    tier: str = Field(description="'' when outside the pack's tiers")
    region: str
    organiser: str = Field(description="the organiser's name")
    institution: str | None
    forms: list[str]
    hours: Decimal
    method: Method
    pass_mark: int | None
    min_attendance: int | None
    plan: uuid.UUID | None
    description: str
    sessions: list[SessionOut]


class CoursePage(Schema):
    count: int
    items: list[CourseOut]


class SessionFilters(PageQuery):
    status: SessionStatus | None = None
    course: uuid.UUID | None = None
    q: str = Field("", max_length=50)


class SessionPage(Schema):
    count: int
    items: list[SessionOut]


class StatusIn(Schema):
    status: SessionStatus


class EnrolIn(Schema):
    """The organiser names the person by ID number and name; a CQO sends {} to enrol
    themself."""

    id_number: str | None = Field(
        None,
        max_length=validators.ID_NUMBER_MAX_INPUT,
        description="居民身份证号",
    )
    person_name: str | None = Field(
        None,
        max_length=max_length(Person, "name"),
        description="must match the record",
    )


class EnrolmentOut(Schema):
    id: uuid.UUID
    session: uuid.UUID
    person: uuid.UUID
    person_name: str
    id_number_masked: str
    enrolled_at: dt.datetime
    attendance: int | None = Field(description="percent of the session attended; 0 absent")
    score: Decimal | None
    passed: bool | None = Field(description="null while the assessment is incomplete")
    study_record: uuid.UUID | None
    ledger_index: int | None
    certificate: str | None = Field(description="number of the valid certificate")


class EnrolmentPage(Schema):
    count: int
    items: list[EnrolmentOut]


class SessionAttendanceIn(Schema):
    attendance: int = Field(ge=0, le=100, description="percent attended; 0 absent")


class ResultIn(Schema):
    score: Annotated[
        Decimal, Field(ge=0, le=100, decimal_places=1, max_digits=4), DecimalText(4, 1)
    ]


class TrainingCertificateFilters(PageQuery):
    q: str = Field("", max_length=50, description="number or holder's name")
    status: TrainingCertificateStatus | None = None


class CertificateItem(Schema):
    number: str
    holder: str
    course: str
    tier: str
    hours: Decimal
    issuer: str
    issued_on: dt.date
    status: TrainingCertificateStatus


class TrainingCertificatePage(Schema):
    count: int
    items: list[CertificateItem]


class PublicTrainingCertificateOut(Schema):
    number: str
    status: TrainingCertificateStatus
    revoked_at: dt.datetime | None
    content: dict[str, str] = Field(description="what the certificate says, frozen at issue")
    content_hash: str = Field(description="SHA-256 of the canonical JSON of content")
    intact: bool = Field(description="content still hashes to content_hash")
    verify_url: str


class TrainingCertificateOut(PublicTrainingCertificateOut):
    id: uuid.UUID
    enrolment: uuid.UUID
    holder: uuid.UUID
    issuer_kind: TrainingCertificate.IssuerKind
    revoke_reason: str
    audit: list[AuditOut]


class TrainingCertificateRevokeIn(Schema):
    reason: str = Field(
        max_length=max_length(TrainingCertificate, "revoke_reason"),
        description="at least 4 characters",
    )


# Building responses ---------------------------------------------------------------------------


def _plan_out(plan: TrainingPlan) -> TrainingPlanOut:
    return TrainingPlanOut(
        id=plan.public_id,
        region=plan.region_id,
        organisation=plan.organisation,
        year=plan.year,
        budget=plan.budget,
        planned_sessions=plan.planned_sessions,
        delivered_sessions=getattr(plan, "delivered", 0),
        notes=plan.notes,
    )


def _session_out(session: Session) -> SessionOut:
    enrolled = getattr(session, "enrolled", None)
    return SessionOut(
        id=session.public_id,
        course=session.course.public_id,
        course_title=session.course.title,
        start_date=session.start_date,
        end_date=session.end_date,
        place=session.place,
        capacity=session.capacity,
        enrolled=enrolled if enrolled is not None else session.enrolments.count(),
        status=Session.Status(session.status),
    )


def _course_out(user: Any, course: Course, with_sessions: bool = True) -> CourseOut:
    sessions = selectors.session_list(user=user, course=course) if with_sessions else []
    return CourseOut(
        id=course.public_id,
        title=course.title,
        tier=course.tier,
        region=course.region_id,
        organiser=course.organiser_name,
        institution=services.body_name(course.institution) if course.institution else None,
        forms=list(course.forms),
        hours=course.hours,
        method=Method(course.method),
        pass_mark=course.pass_mark,
        min_attendance=course.min_attendance,
        plan=course.plan.public_id if course.plan else None,
        description=course.description,
        sessions=[_session_out(s) for s in sessions],
    )


def _enrolment_out(e: Enrolment) -> EnrolmentOut:
    valid = getattr(e, "valid_certificates", None)
    cert = (
        valid[0] if valid else (None if valid is not None else selectors.valid_certificate_for(e))
    )
    return EnrolmentOut(
        id=e.public_id,
        session=e.session.public_id,
        person=e.person.public_id,
        person_name=e.person.name,
        id_number_masked=e.person.id_number_masked,
        enrolled_at=e.enrolled_at,
        attendance=e.attendance,
        score=e.score,
        passed=e.passed,
        study_record=e.study_record.public_id if e.study_record else None,
        ledger_index=e.study_record.ledger_index if e.study_record else None,
        certificate=cert.number if cert else None,
    )


def _public_values(cert: TrainingCertificate, content: dict[str, str]) -> dict[str, Any]:
    return {
        "number": cert.number,
        "status": TrainingCertificate.Status(cert.status),
        "revoked_at": cert.revoked_at,
        "content": content,
        "content_hash": cert.content_hash,
        "intact": services.content_intact(cert),
        "verify_url": printing.verify_url(cert.number),
    }


def _certificate_out(cert: TrainingCertificate) -> TrainingCertificateOut:
    trail = selectors.trail(selectors.CERTIFICATE, cert.public_id)
    return TrainingCertificateOut(
        **_public_values(cert, {str(k): str(v) for k, v in cert.content.items()}),
        id=cert.public_id,
        enrolment=cert.enrolment.public_id,
        holder=cert.holder.public_id,
        issuer_kind=TrainingCertificate.IssuerKind(cert.issuer_kind),
        revoke_reason=cert.revoke_reason,
        audit=[
            AuditOut(at=e.at, actor=e.actor_name, action=e.action, changes=e.changes, note=e.note)
            for e in trail
        ],
    )


# Plans ----------------------------------------------------------------------------------------


@router.get("/training/plans", response={200: PlanPage, **ERRORS})
def plan_list(request: HttpRequest, filters: Query[PlanFilters]) -> dict[str, Any]:
    """Yearly training plans (shaanxi-2021 §五(一); level-standard §11)."""
    user = actor(request)
    qs = selectors.plan_list(user=user, year=filters.year, q=filters.q.strip())
    count, items = page(qs.order_by("-year", "organisation", "pk"), filters)
    return {"count": count, "items": [_plan_out(p) for p in items]}


@router.post("/training/plans", response={201: TrainingPlanOut, **ERRORS})
def plan_create(request: HttpRequest, payload: TrainingPlanIn) -> Status[TrainingPlanOut]:
    user = actor(request)
    plan = services.plan_create(actor=user, data=payload.model_dump())
    return Status(201, _plan_out(selectors.plan_get(user=user, public_id=plan.public_id)))


@router.get("/training/plans/{plan_id}", response={200: TrainingPlanOut, **ERRORS})
def plan_detail(request: HttpRequest, plan_id: uuid.UUID) -> TrainingPlanOut:
    return _plan_out(selectors.plan_get(user=actor(request), public_id=plan_id))


@router.patch("/training/plans/{plan_id}", response={200: TrainingPlanOut, **ERRORS})
def plan_update(request: HttpRequest, plan_id: uuid.UUID, payload: PlanUpdateIn) -> TrainingPlanOut:
    user = actor(request)
    plan = selectors.plan_get(user=user, public_id=plan_id)
    services.plan_update(actor=user, plan=plan, data=payload.model_dump())
    return _plan_out(selectors.plan_get(user=user, public_id=plan_id))


# Courses and sessions -------------------------------------------------------------------------


@router.get("/training/courses", response={200: CoursePage, **ERRORS})
def course_list(request: HttpRequest, filters: Query[CourseFilters]) -> dict[str, Any]:
    user = actor(request)
    qs = selectors.course_list(
        user=user, q=filters.q.strip(), tier=filters.tier or "", region=filters.region or ""
    )
    count, items = page(qs.order_by("-created_at", "-pk"), filters)
    return {"count": count, "items": [_course_out(user, c, with_sessions=False) for c in items]}


@router.post("/training/courses", response={201: CourseOut, **ERRORS})
def course_create(request: HttpRequest, payload: CourseIn) -> Status[CourseOut]:
    """A regulator (at the tier's organising level or above, in its region), a certification
    body or a training institution opens a course."""
    user = actor(request)
    data = payload.model_dump(mode="json")
    course = services.course_create(actor=user, data=data)
    return Status(201, _course_out(user, course))


@router.get("/training/courses/{course_id}", response={200: CourseOut, **ERRORS})
def course_detail(request: HttpRequest, course_id: uuid.UUID) -> CourseOut:
    user = actor(request)
    return _course_out(user, selectors.course_get(user=user, public_id=course_id))


@router.post("/training/courses/{course_id}/sessions", response={201: SessionOut, **ERRORS})
def session_create(
    request: HttpRequest, course_id: uuid.UUID, payload: SessionIn
) -> Status[SessionOut]:
    user = actor(request)
    course = selectors.course_get(user=user, public_id=course_id)
    session = services.session_create(actor=user, course=course, data=payload.model_dump())
    return Status(201, _session_out(session))


@router.get("/training/sessions", response={200: SessionPage, **ERRORS})
def session_list(request: HttpRequest, filters: Query[SessionFilters]) -> dict[str, Any]:
    """Sessions in scope; a CQO sees the open sessions serving their region and their own."""
    user = actor(request)
    course = None
    if filters.course is not None:
        course = selectors.course_get(user=user, public_id=filters.course)
    qs = selectors.session_list(
        user=user, course=course, status=filters.status or "", q=filters.q.strip()
    )
    count, items = page(qs.order_by("-start_date", "-pk"), filters)
    return {"count": count, "items": [_session_out(s) for s in items]}


@router.get("/training/sessions/{session_id}", response={200: SessionOut, **ERRORS})
def session_detail(request: HttpRequest, session_id: uuid.UUID) -> SessionOut:
    return _session_out(selectors.session_get(user=actor(request), public_id=session_id))


@router.post("/training/sessions/{session_id}/status", response={200: SessionOut, **ERRORS})
def session_status(request: HttpRequest, session_id: uuid.UUID, payload: StatusIn) -> SessionOut:
    """open ⇄ closed; held once the session has ended (final)."""
    user = actor(request)
    session = selectors.session_get(user=user, public_id=session_id)
    session = services.session_set_status(actor=user, session=session, status=payload.status)
    return _session_out(session)


# Enrolment, attendance, results ---------------------------------------------------------------


@router.get("/training/sessions/{session_id}/enrolments", response={200: EnrolmentPage, **ERRORS})
def enrolment_list(
    request: HttpRequest, session_id: uuid.UUID, filters: Query[PageQuery]
) -> dict[str, Any]:
    """The session's enrolment list (a CQO sees only their own enrolment)."""
    user = actor(request)
    session = selectors.session_get(user=user, public_id=session_id)
    valid = TrainingCertificate.objects.filter(status=TrainingCertificate.Status.VALID)
    qs = selectors.enrolment_list(user=user, session=session).prefetch_related(
        Prefetch("certificates", queryset=valid, to_attr="valid_certificates")
    )
    count, items = page(qs.select_related("session"), filters)
    return {"count": count, "items": [_enrolment_out(e) for e in items]}


@router.post("/training/sessions/{session_id}/enrolments", response={201: EnrolmentOut, **ERRORS})
def enrolment_create(
    request: HttpRequest, session_id: uuid.UUID, payload: EnrolIn
) -> Status[EnrolmentOut]:
    """Within capacity, once per person and session. Without ``id_number`` a CQO enrols
    themself in an open session."""
    user = actor(request)
    session = selectors.session_get(user=user, public_id=session_id)
    if payload.id_number is None and payload.person_name is None:
        person = selectors.own_person(user)
        if person is None:
            raise PermissionDenied
        enrolment = services.enrolment_create(actor=user, session=session, person=person)
    else:
        enrolment = services.enrolment_create(
            actor=user, session=session, data=payload.model_dump()
        )
    return Status(201, _enrolment_out(enrolment))


def _enrolment(request: HttpRequest, enrolment_id: uuid.UUID) -> tuple[Any, Enrolment]:
    user = actor(request)
    return user, selectors.enrolment_get(user=user, public_id=enrolment_id)


@router.post(
    "/training/enrolments/{enrolment_id}/attendance", response={200: EnrolmentOut, **ERRORS}
)
def attendance_mark(
    request: HttpRequest, enrolment_id: uuid.UUID, payload: SessionAttendanceIn
) -> EnrolmentOut:
    """The share attended; the first attendance above 0 writes the study record (once)."""
    user, enrolment = _enrolment(request, enrolment_id)
    enrolment = services.attendance_mark(
        actor=user, enrolment=enrolment, attendance=payload.attendance
    )
    return _enrolment_out(enrolment)


@router.post("/training/enrolments/{enrolment_id}/result", response={200: EnrolmentOut, **ERRORS})
def result_mark(request: HttpRequest, enrolment_id: uuid.UUID, payload: ResultIn) -> EnrolmentOut:
    user, enrolment = _enrolment(request, enrolment_id)
    enrolment = services.result_mark(actor=user, enrolment=enrolment, score=payload.score)
    return _enrolment_out(enrolment)


# Certificates ---------------------------------------------------------------------------------


@router.post(
    "/training/enrolments/{enrolment_id}/certificate",
    response={201: TrainingCertificateOut, **ERRORS},
)
def certificate_issue(
    request: HttpRequest, enrolment_id: uuid.UUID
) -> Status[TrainingCertificateOut]:
    """培训合格证 for a learner who passed, by whoever the governing pack allows
    (training.certificate_issuers); 403 for anyone else."""
    user, enrolment = _enrolment(request, enrolment_id)
    cert = services.certificate_issue(actor=user, enrolment=enrolment)
    return Status(201, _certificate_out(cert))


@router.get("/training/certificates", response={200: TrainingCertificatePage, **ERRORS})
def certificate_list(
    request: HttpRequest, filters: Query[TrainingCertificateFilters]
) -> dict[str, Any]:
    user = actor(request)
    qs = selectors.certificate_list(user=user, q=filters.q.strip(), status=filters.status or "")
    count, items = page(qs.order_by("-issued_on", "-pk"), filters)
    return {
        "count": count,
        "items": [
            CertificateItem(
                number=c.number,
                holder=c.holder.name,
                course=c.course.title,
                tier=c.tier,
                hours=c.hours,
                issuer=c.issuer_name,
                issued_on=c.issued_on,
                status=TrainingCertificate.Status(c.status),
            )
            for c in items
        ],
    }


@router.get("/training/certificates/{number}", response={200: TrainingCertificateOut, **ERRORS})
def certificate_detail(
    request: HttpRequest, number: TrainingCertificateNumber
) -> TrainingCertificateOut:
    return _certificate_out(selectors.certificate_get(user=actor(request), number=number))


@router.post(
    "/training/certificates/{number}/revoke", response={200: TrainingCertificateOut, **ERRORS}
)
def certificate_revoke(
    request: HttpRequest, number: TrainingCertificateNumber, payload: TrainingCertificateRevokeIn
) -> TrainingCertificateOut:
    user = actor(request)
    cert = selectors.certificate_get(user=user, number=number)
    cert = services.certificate_revoke(actor=user, cert=cert, reason=payload.reason)
    return _certificate_out(cert)


@router.get(
    "/public/training-certificates/{number}",
    auth=None,
    response={200: PublicTrainingCertificateOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def public_certificate(
    request: HttpRequest, number: TrainingCertificateNumber
) -> PublicTrainingCertificateOut:
    """Verify a training certificate by its number (or its QR code), no login: the facts printed
    on it (holder, course, hours, dates, issuer), its status and whether the content is intact.
    No ID number, no assessment result. At most ``CQO_PUBLIC_VERIFY_RATE`` lookups per client
    address (429 beyond)."""
    if too_many_lookups(request):
        raise TooManyRequests(_("查验过于频繁，请稍后再试"))
    cert = selectors.public_certificate(number)
    return PublicTrainingCertificateOut(**_public_values(cert, rules.public_facts(cert.content)))
