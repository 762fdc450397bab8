"""REST API of capability-level certification (SPEC §6). The same scope as the pages
(selectors), the same writes (services). Applications and bodies are addressed by UUID,
certificates by their number.

Without a token: ``POST /certification/grade`` (a pure calculator over the pack's Annex A and B)
and ``GET /public/certificates/{number}`` (public verification; nothing personal beyond name and
organisation)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from cqo.accounts.api import ERRORS, ErrorOut
from cqo.accounts.models import User
from cqo.certification import printing, rules, selectors, services
from cqo.certification.models import (
    Appeal,
    Application,
    CertificationBody,
    Evidence,
    Expert,
    LevelCertificate,
    PanelMember,
    Recommendation,
    SupervisionAction,
    WarningRecord,
    WorkPeriod,
    YearlyReview,
)
from cqo.certification.models import CertificationBody as Body
from cqo.certification.services._common import TEXT_MAX
from cqo.lib import clock, dates
from cqo.lib.bounds import max_length
from cqo.lib.errors import TooManyRequests
from cqo.lib.lookups import too_many_lookups
from cqo.policy.selectors import certification_pack, governing_for_version
from cqo.reference import validators
from cqo.reference.apitypes import Choices, RecordKey, checked
from cqo.registry.api.common import actor, page
from cqo.registry.api.schemas import AuditOut, PageQuery
from cqo.registry.models import Enterprise, Person

BodyKind = Annotated[CertificationBody.Kind, Choices("BodyKind", CertificationBody.Kind)]
WorkPeriodKind = Annotated[WorkPeriod.Kind, Choices("WorkPeriodKind", WorkPeriod.Kind)]
EvidenceKind = Annotated[Evidence.Kind, Choices("EvidenceKind", Evidence.Kind)]
ApplicationStatus = Annotated[Application.Status, Choices("ApplicationStatus", Application.Status)]
LevelCertificateStatus = Annotated[
    LevelCertificate.Status, Choices("LevelCertificateStatus", LevelCertificate.Status)
]
WarningKind = Annotated[WarningRecord.Kind, Choices("WarningKind", WarningRecord.Kind)]

router = Router(tags=["certification"])


def _number_checked(number: str) -> None:
    if not rules.number_valid(number):
        raise ValidationError(_("证书编号校验位不符，请核对后重新输入"))


LevelCertificateNumber = Annotated[
    str,
    Field(
        pattern=rules.NUMBER_PATTERN,
        description="the number as printed (upper case); one of a newer certificate ends in a "
        "check part whose last character is checked (a mistyped one is a 422)",
        examples=["CQO2026-SXZX-00001-1K8N6R", "CQO2025-SXZX-00001"],
    ),
    checked("certificate_number", _number_checked),
]

LevelIn = Literal["AAA", "AAAA", "AAAAA"]
ShownStatus = Literal[
    "valid", "suspended", "discontinued", "withdrawn", "void", "superseded", "expired"
]
# An Annex A cell ("8.1.1") and its score, a number or its text ("40.5"): bounded here, where
# the sheet's shape is declared.
CellCode = Annotated[str, StringConstraints(max_length=16)]
Score = float | int | Annotated[str, StringConstraints(max_length=16)] | None


# Schemas --------------------------------------------------------------------------------------


class GradeIn(Schema):
    scores: dict[CellCode, Score] = Field(
        max_length=40,
        description='score per Annex A cell, e.g. {"8.1.1": 80, "8.1.2": 40.5, …}; every one of '
        "the 13 cells, each 0…its maximum with at most one decimal",
    )


class UnmetOut(Schema):
    code: str
    name: str
    minimum: int
    score: Decimal


class GradeOut(Schema):
    subtotals: dict[str, Decimal] = Field(description="first-level indicator (8.1 … 8.5) totals")
    total: Decimal
    unmet: list[UnmetOut] = Field(description="表 B.1 minimums not reached")
    grade: LevelIn | None = Field(description="表 B.2 grade; null when not certified")
    standard: str


class BodyIn(Schema):
    code: str = Field(min_length=2, max_length=max_length(Body, "code"))
    name: str = Field(min_length=1, max_length=max_length(Body, "name"))
    uscc: str = Field(min_length=1, max_length=max_length(Body, "uscc"))
    legal_representative: str = Field(
        min_length=1,
        max_length=max_length(Body, "legal_representative"),
    )
    kind: BodyKind
    authorising_body: str = Field("", max_length=max_length(Body, "authorising_body"))
    authorising_document: str = Field("", max_length=max_length(Body, "authorising_document"))
    supervising_authority: str = Field(
        min_length=1,
        max_length=max_length(Body, "supervising_authority"),
    )
    supervising_region: str = Field(pattern=r"^[0-9]{6}$")
    premises: str = Field(min_length=1, max_length=max_length(Body, "premises"))
    resources: str = Field(min_length=1, max_length=max_length(Body, "resources"))
    pack_slug: str = Field("level-standard", max_length=max_length(Body, "pack_slug"))
    active: bool = True


class ExpertIn(Schema):
    name: str = Field(min_length=1, max_length=max_length(Expert, "name"))
    title: str = Field("", max_length=max_length(Expert, "title"))
    speciality: str = Field("", max_length=max_length(Expert, "speciality"))
    employer: str = Field("", max_length=max_length(Expert, "employer"))
    username: str = Field(
        "",
        max_length=max_length(User, "username"),
        description="a certifier login to bind",
    )
    active: bool = True


class MemberIn(Schema):
    username: str = Field(min_length=1, max_length=max_length(User, "username"))


class ExpertOut(Schema):
    id: uuid.UUID
    name: str
    title: str
    speciality: str
    employer: str
    username: str | None
    active: bool


class BodyOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    uscc: str
    legal_representative: str
    kind: BodyKind
    authorising_body: str
    authorising_document: str
    supervising_authority: str
    supervising_region: str
    premises: str
    resources: str
    pack_slug: str
    active: bool
    members: list[str]
    experts: list[ExpertOut]


class RecommendationIn(Schema):
    id_number: str = Field(
        max_length=validators.ID_NUMBER_MAX_INPUT, description="the recommended person's ID number"
    )
    person_name: str = Field(
        max_length=max_length(Person, "name"), description="must match the registered name"
    )
    opinion: str = Field(
        max_length=max_length(Recommendation, "opinion"),
        description="推荐意见, at least 4 characters",
    )
    recommender: str = Field(
        max_length=max_length(Recommendation, "recommender"), description="推荐人（单位负责人）"
    )


class RecommendationOut(Schema):
    id: uuid.UUID
    enterprise: str = Field(description="USCC of the recommending enterprise")
    enterprise_name: str
    person_name: str
    opinion: str
    recommender: str
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None


class ApplicationIn(Schema):
    body: str = Field(max_length=max_length(Body, "code"), description="the body's code")
    enterprise: str = Field(
        max_length=max_length(Enterprise, "uscc"),
        description="USCC of the organisation: one that filed the applicant's appointment or "
        "recommended them (POST /certification/recommendations); any other is a 422",
    )
    level_applied: LevelIn
    education_training: str = Field("", max_length=max_length(Application, "education_training"))
    work_summary: str = Field("", max_length=max_length(Application, "work_summary"))
    quality_experience: str = Field("", max_length=max_length(Application, "quality_experience"))
    performance: str = Field("", max_length=max_length(Application, "performance"))
    recommendation: str = Field("", max_length=max_length(Application, "recommendation"))
    recommender: str = Field("", max_length=max_length(Application, "recommender"))
    declares_technical: bool = Field(False, description="§5.1.2")
    declares_qms: bool = Field(False, description="§5.1.3")
    declares_no_disqualification: bool = Field(False, description="§5.1.5 a)–c)")
    declaration_note: str = Field("", max_length=max_length(Application, "declaration_note"))


class ApplicationUpdateIn(ApplicationIn):
    body: str = Field(
        "",
        max_length=max_length(Body, "code"),
        description="ignored: the body cannot change",
    )


class PeriodIn(Schema):
    organisation: str = Field(min_length=1, max_length=max_length(WorkPeriod, "organisation"))
    post: str = Field(min_length=1, max_length=max_length(WorkPeriod, "post"))
    kind: WorkPeriodKind
    start: dates.LifetimeDate
    end: dates.LifetimeDate | None = None


class WorkPeriodOut(Schema):
    id: int
    organisation: str
    post: str
    kind: WorkPeriodKind
    start: dt.date
    end: dt.date | None


class EvidenceOut(Schema):
    id: uuid.UUID
    kind: EvidenceKind
    title: str


class PanelMemberOut(Schema):
    expert: uuid.UUID
    name: str
    leader: bool
    submitted: bool
    scores: dict[str, str] | None = Field(description="shown to the body's staff and the leader")


class ApplicationItem(Schema):
    id: uuid.UUID
    person: str
    enterprise: str
    body: str
    level_applied: str
    status: ApplicationStatus
    submitted_at: dt.datetime | None
    total: Decimal | None
    awarded_level: str


class ApplicationOut(ApplicationItem):
    recertification: bool
    education_training: str
    work_summary: str
    quality_experience: str
    performance: str
    recommendation: str
    recommender: str
    declares_technical: bool
    declares_qms: bool
    declares_no_disqualification: bool
    filing_status: str
    return_items: str
    eligibility: dict[str, Any]
    related_months: int
    level_by_years: str
    interview_on: dt.date | None
    interview_notes: str
    site_visit_on: dt.date | None
    site_visit_notes: str
    report: str
    panel_scores: dict[str, Any]
    grade_by_score: str
    periods: list[WorkPeriodOut]
    evidence: list[EvidenceOut]
    panel: list[PanelMemberOut]
    certificates: list[str]
    audit: list[AuditOut]


class ApplicationPage(Schema):
    count: int
    items: list[ApplicationItem]


class ApplicationFilters(PageQuery):
    status: ApplicationStatus | None = None
    level: LevelIn | None = None
    q: str = Field("", max_length=50)


class ApplicationReturnIn(Schema):
    items: str = Field(
        max_length=max_length(Application, "return_items"),
        description="the materials to supplement (§9.2.1)",
    )


class PanelIn(Schema):
    experts: list[uuid.UUID] = Field(min_length=1, max_length=30)
    leader: uuid.UUID


class AssessmentRecordIn(Schema):
    kind: Literal["interview", "site_visit"]
    on: dates.EventDate
    notes: str = Field(max_length=max_length(Application, "interview_notes"))


class SheetIn(Schema):
    scores: dict[CellCode, Score] = Field(max_length=40)
    comments: str = Field("", max_length=max_length(PanelMember, "comments"))
    submit: bool = Field(False, description="true: complete and final")


class ReportIn(Schema):
    report: str = Field(max_length=max_length(Application, "report"))


class CertificationAppealIn(Schema):
    grounds: str = Field(max_length=max_length(Appeal, "grounds"))


class AppealDecideIn(Schema):
    upheld: bool
    decision: str = Field(max_length=max_length(Appeal, "decision"))


class CertificationAppealOut(Schema):
    id: uuid.UUID
    status: str
    grounds: str
    decision: str


class PublicLevelCertificateOut(Schema):
    number: str
    holder: str
    organisation: str
    level: str
    body: str
    issued_on: dt.date
    valid_until: dt.date
    status: ShownStatus = Field(description="expired: a valid certificate past its date")
    status_changed_on: dt.date | None
    superseded_by: str | None
    content: dict[str, str] = Field(description="what the certificate says, frozen at issue")
    content_hash: str
    intact: bool
    verify_url: str


class ActionOut(Schema):
    id: uuid.UUID
    action: SupervisionAction.Action
    ground: SupervisionAction.Ground
    reason: str
    decided_on: dt.date


class LevelCertificateOut(PublicLevelCertificateOut):
    id: uuid.UUID
    application: uuid.UUID
    status_reason: str
    actions: list[ActionOut]
    continuing: list[dict[str, Any]]
    audit: list[AuditOut]


class LevelCertificateFilters(PageQuery):
    status: LevelCertificateStatus | None = None
    level: LevelIn | None = None
    q: str = Field("", max_length=50)


class LevelCertificatePage(Schema):
    count: int
    items: list[PublicLevelCertificateOut]


class SuperviseIn(Schema):
    action: SupervisionAction.Action
    ground: Literal[
        "violation",
        "dishonesty",
        "quality_accident",
        "org_safety_accident",
        "reporting",
        "remedied",
        "other",
    ]
    reason: str = Field(max_length=TEXT_MAX)
    evidence_note: str = Field(
        "", max_length=TEXT_MAX, description="the evidence (or upload on the page)"
    )


class WarningIn(Schema):
    kind: WarningKind
    conduct: WarningRecord.Conduct
    reason: str = Field(max_length=max_length(WarningRecord, "reason"))


class ReviewIn(Schema):
    year: int = Field(ge=2000, le=2100)
    rating: YearlyReview.Rating
    summary: str = Field(max_length=max_length(YearlyReview, "summary"))


class ReissueIn(Schema):
    reason: str = Field(max_length=TEXT_MAX)
    enterprise: str = Field(
        "",
        max_length=max_length(Enterprise, "uscc"),
        description="new organisation's USCC, if changed",
    )


class TalentRecommendationIn(Schema):
    reason: str = Field(max_length=TEXT_MAX)


# Building responses ---------------------------------------------------------------------------


def _audit(target: str, public_id: Any) -> list[AuditOut]:
    return [
        AuditOut(at=e.at, actor=e.actor_name, action=e.action, changes=e.changes, note=e.note)
        for e in selectors.trail(target, public_id)[:200]
    ]


def _body_out(body: CertificationBody) -> BodyOut:
    return BodyOut(
        id=body.public_id,
        code=body.code,
        name=body.name,
        uscc=body.uscc,
        legal_representative=body.legal_representative,
        kind=CertificationBody.Kind(body.kind),
        authorising_body=body.authorising_body,
        authorising_document=body.authorising_document,
        supervising_authority=body.supervising_authority,
        supervising_region=body.supervising_region_id,
        premises=body.premises,
        resources=body.resources,
        pack_slug=body.pack_slug,
        active=body.active,
        members=[m.user.username for m in body.members.select_related("user")],
        experts=[
            ExpertOut(
                id=x.public_id,
                name=x.name,
                title=x.title,
                speciality=x.speciality,
                employer=x.employer,
                username=x.user.username if x.user else None,
                active=x.active,
            )
            for x in body.experts.select_related("user")
        ],
    )


def _item(a: Application) -> dict[str, Any]:
    return {
        "id": a.public_id,
        "person": a.person.name,
        "enterprise": a.enterprise.uscc,
        "body": a.body.code,
        "level_applied": a.level_applied,
        "status": Application.Status(a.status),
        "submitted_at": a.submitted_at,
        "total": a.total,
        "awarded_level": a.awarded_level,
    }


def _application_out(user: Any, a: Application) -> ApplicationOut:
    seat = selectors.my_seat(user, a)
    sees_sheets = selectors.is_staff_of(user, a.body) or (seat is not None and seat.leader)
    return ApplicationOut(
        **_item(a),
        recertification=a.recertification,
        education_training=a.education_training,
        work_summary=a.work_summary,
        quality_experience=a.quality_experience,
        performance=a.performance,
        recommendation=a.recommendation,
        recommender=a.recommender,
        declares_technical=a.declares_technical,
        declares_qms=a.declares_qms,
        declares_no_disqualification=a.declares_no_disqualification,
        filing_status=a.filing_status,
        return_items=a.return_items,
        eligibility=a.eligibility or {},
        related_months=a.related_months,
        level_by_years=a.level_by_years,
        interview_on=a.interview_on,
        interview_notes=a.interview_notes,
        site_visit_on=a.site_visit_on,
        site_visit_notes=a.site_visit_notes,
        report=a.report if a.report_signed_at else "",
        panel_scores={
            k: v for k, v in (a.panel_scores or {}).items() if k != "sheets" or sees_sheets
        },
        grade_by_score=a.grade_by_score,
        periods=[
            WorkPeriodOut(
                id=p.pk,
                organisation=p.organisation,
                post=p.post,
                kind=WorkPeriod.Kind(p.kind),
                start=p.start,
                end=p.end,
            )
            for p in a.work_periods.all()
        ],
        evidence=[
            EvidenceOut(id=e.public_id, kind=Evidence.Kind(e.kind), title=e.title)
            for e in a.evidence.all()
        ],
        panel=[
            PanelMemberOut(
                expert=m.expert.public_id,
                name=m.expert.name,
                leader=m.leader,
                submitted=m.submitted_at is not None,
                scores=m.scores
                if (sees_sheets or (seat is not None and seat.pk == m.pk))
                else None,
            )
            for m in selectors.panel_of(a)
        ],
        certificates=[c.number for c in a.certificates.all()],
        audit=_audit(selectors.APPLICATION, a.public_id),
    )


def _shown(cert: LevelCertificate, content: dict[str, str]) -> dict[str, Any]:
    return {
        "number": cert.number,
        "holder": str(cert.content.get("holder", "")),
        "organisation": str(cert.content.get("organisation", "")),
        "level": cert.level,
        "body": str(cert.content.get("body", "")),
        "issued_on": cert.issued_on,
        "valid_until": cert.valid_until,
        "status": rules.shown_status(cert.status, cert.valid_until, clock.today()),
        "status_changed_on": cert.status_changed_on,
        "superseded_by": selectors.successor_number(cert),
        "content": content,
        "content_hash": cert.content_hash,
        "intact": services.content_intact(cert),
        "verify_url": printing.verify_url(cert.number),
    }


def _public(cert: LevelCertificate) -> dict[str, Any]:
    """What anyone may read: the printed facts and the status (SPEC §6), never the application,
    the person's internal id or the panel's score."""
    return _shown(cert, rules.public_facts(cert.content))


def _scoped(cert: LevelCertificate) -> dict[str, Any]:
    """What the certificate's readers in scope see: its whole frozen content."""
    return _shown(cert, {k: str(v) for k, v in cert.content.items() if k != "holder_id"})


def _certificate_out(cert: LevelCertificate) -> LevelCertificateOut:
    return LevelCertificateOut(
        **_scoped(cert),
        id=cert.public_id,
        application=cert.application.public_id,
        status_reason=cert.status_reason,
        actions=[
            ActionOut(
                id=a.public_id,
                action=SupervisionAction.Action(a.action),
                ground=SupervisionAction.Ground(a.ground),
                reason=a.reason,
                decided_on=a.decided_on,
            )
            for a in cert.actions.all()
        ],
        continuing=services.continuing_years(cert),
        audit=_audit(selectors.CERTIFICATE, cert.public_id),
    )


def _appeal_out(appeal: Any) -> CertificationAppealOut:
    return CertificationAppealOut(
        id=appeal.public_id, status=appeal.status, grounds=appeal.grounds, decision=appeal.decision
    )


# The grade calculator and public verification ---------------------------------------------------


@router.post("/certification/grade", auth=None, response={200: GradeOut, 422: ErrorOut})
def grade(request: HttpRequest, payload: GradeIn) -> GradeOut:
    """Annex A and B of the level standard as a pure calculator (no login, nothing stored): the
    subtotals of 8.1–8.5, the total, the 表 B.1 minimums not reached and the 表 B.2 grade
    (half-open bands). Every one of the 13 cells is required; a missing, unknown, negative,
    non-numeric, over-maximum or finer-than-0.1 score is a 422 whose field is the code."""
    version = certification_pack("level-standard", clock.today())
    spec = governing_for_version(version, clock.today()).rules.certification
    if spec is None:  # pragma: no cover (the pack has the section)
        raise ValidationError({"scores": "no certification tables"})
    scores, errors = rules.parse_scores(spec, payload.scores)
    if errors:
        raise ValidationError({code: [message] for code, message in errors.items()})
    g = rules.grade(spec, scores)
    return GradeOut(
        subtotals=g.subtotals,
        total=g.total,
        unmet=[
            UnmetOut(code=u.code, name=u.name, minimum=u.minimum, score=u.score) for u in g.unmet
        ],
        grade=g.grade,  # type: ignore[arg-type]
        standard=version.label,
    )


@router.get(
    "/public/certificates/{number}",
    auth=None,
    response={200: PublicLevelCertificateOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def public_certificate(request: HttpRequest, number: LevelCertificateNumber) -> HttpResponse:
    """Verify a level certificate by its number or QR code, no login: the facts printed on it
    (holder, organisation, level, body, dates) and the status now (valid, suspended,
    discontinued, withdrawn, void, superseded or expired). At most ``CQO_PUBLIC_VERIFY_RATE``
    lookups per client address (429 beyond)."""
    if too_many_lookups(request):
        raise TooManyRequests(_("查验过于频繁，请稍后再试"))
    # validated once against the schema and sent as it is (the busiest public answer)
    answer = PublicLevelCertificateOut(**_public(selectors.public_certificate(number)))
    return HttpResponse(answer.model_dump_json(), content_type="application/json; charset=utf-8")


# Bodies -------------------------------------------------------------------------------------


@router.get("/certification/bodies", response={200: list[BodyOut], **ERRORS})
def body_list(request: HttpRequest) -> list[BodyOut]:
    return [_body_out(b) for b in selectors.body_list(user=actor(request))[:200]]


@router.post("/certification/bodies", response={201: BodyOut, **ERRORS})
def body_create(request: HttpRequest, payload: BodyIn) -> Status[BodyOut]:
    """Platform admin only (403 otherwise)."""
    body = services.body_create(actor=actor(request), data=payload.dict())
    return Status(201, _body_out(body))


@router.get("/certification/bodies/{body_id}", response={200: BodyOut, **ERRORS})
def body_detail(request: HttpRequest, body_id: uuid.UUID) -> BodyOut:
    return _body_out(selectors.body_get(user=actor(request), public_id=body_id))


@router.put("/certification/bodies/{body_id}", response={200: BodyOut, **ERRORS})
def body_update(request: HttpRequest, body_id: uuid.UUID, payload: BodyIn) -> BodyOut:
    user = actor(request)
    body = selectors.body_get(user=user, public_id=body_id)
    return _body_out(services.body_update(actor=user, body=body, data=payload.dict()))


@router.post("/certification/bodies/{body_id}/members", response={201: BodyOut, **ERRORS})
def member_add(request: HttpRequest, body_id: uuid.UUID, payload: MemberIn) -> Status[BodyOut]:
    user = actor(request)
    body = selectors.body_get(user=user, public_id=body_id)
    services.member_add(actor=user, body=body, username=payload.username)
    return Status(201, _body_out(body))


@router.post("/certification/bodies/{body_id}/experts", response={201: BodyOut, **ERRORS})
def expert_add(request: HttpRequest, body_id: uuid.UUID, payload: ExpertIn) -> Status[BodyOut]:
    user = actor(request)
    body = selectors.body_get(user=user, public_id=body_id)
    services.expert_create(actor=user, body=body, data=payload.dict())
    return Status(201, _body_out(body))


# Recommendations (所在组织的推荐意见, §9.1 b) -------------------------------------------------


def _recommendation_out(r: Any) -> RecommendationOut:
    return RecommendationOut(
        id=r.public_id,
        enterprise=r.enterprise.uscc,
        enterprise_name=r.enterprise.name,
        person_name=r.person.name,
        opinion=r.opinion,
        recommender=r.recommender,
        created_at=r.created_at,
        withdrawn_at=r.withdrawn_at,
    )


@router.get("/certification/recommendations", response={200: list[RecommendationOut], **ERRORS})
def recommendation_list(request: HttpRequest) -> list[RecommendationOut]:
    """A clerk's enterprise's recommendations; a CQO's own (the organisations they may name)."""
    found = selectors.recommendation_list(user=actor(request))[:200]
    return [_recommendation_out(r) for r in found]


@router.post("/certification/recommendations", response={201: RecommendationOut, **ERRORS})
def recommendation_create(
    request: HttpRequest, payload: RecommendationIn
) -> Status[RecommendationOut]:
    """The enterprise's clerk recommends a registered person for certification (level-standard
    §9.1 b); the person may then name the enterprise on an application. 403 for anyone else."""
    found = services.recommendation_create(actor=actor(request), **payload.dict())
    return Status(201, _recommendation_out(found))


@router.post(
    "/certification/recommendations/{recommendation_id}/withdraw",
    response={200: RecommendationOut, **ERRORS},
)
def recommendation_withdraw(
    request: HttpRequest, recommendation_id: uuid.UUID
) -> RecommendationOut:
    """422 while an application of the person naming the enterprise is open."""
    user = actor(request)
    found = selectors.recommendation_get(user=user, public_id=recommendation_id)
    return _recommendation_out(services.recommendation_withdraw(actor=user, recommendation=found))


# Applications ---------------------------------------------------------------------------------


def _app(request: HttpRequest, app_id: uuid.UUID) -> tuple[Any, Application]:
    user = actor(request)
    return user, selectors.application_get(user=user, public_id=app_id)


@router.get("/certification/applications", response={200: ApplicationPage, **ERRORS})
def application_list(request: HttpRequest, filters: Query[ApplicationFilters]) -> dict[str, Any]:
    qs = selectors.application_list(
        user=actor(request),
        status=filters.status or "",
        level=filters.level or "",
        q=filters.q.strip(),
    )
    count, items = page(qs, filters)
    return {"count": count, "items": [ApplicationItem(**_item(a)) for a in items]}


@router.post("/certification/applications", response={201: ApplicationOut, **ERRORS})
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status[ApplicationOut]:
    """A CQO drafts an application (SPEC §12.21: serving or prospective, with the organisation's
    recommendation)."""
    user = actor(request)
    app = services.application_create(actor=user, data=payload.dict())
    return Status(201, _application_out(user, app))


@router.get("/certification/applications/{app_id}", response={200: ApplicationOut, **ERRORS})
def application_detail(request: HttpRequest, app_id: uuid.UUID) -> ApplicationOut:
    user, app = _app(request, app_id)
    return _application_out(user, app)


@router.put("/certification/applications/{app_id}", response={200: ApplicationOut, **ERRORS})
def application_update(
    request: HttpRequest, app_id: uuid.UUID, payload: ApplicationUpdateIn
) -> ApplicationOut:
    user, app = _app(request, app_id)
    return _application_out(
        user, services.application_update(actor=user, app=app, data=payload.dict())
    )


@router.post(
    "/certification/applications/{app_id}/periods", response={201: ApplicationOut, **ERRORS}
)
def period_add(
    request: HttpRequest, app_id: uuid.UUID, payload: PeriodIn
) -> Status[ApplicationOut]:
    user, app = _app(request, app_id)
    services.period_add(actor=user, app=app, data=payload.dict())
    app.refresh_from_db()
    return Status(201, _application_out(user, app))


@router.delete(
    "/certification/applications/{app_id}/periods/{period_id}",
    response={200: ApplicationOut, **ERRORS},
)
def period_delete(request: HttpRequest, app_id: uuid.UUID, period_id: RecordKey) -> ApplicationOut:
    user, app = _app(request, app_id)
    services.period_delete(actor=user, app=app, period_id=period_id)
    app.refresh_from_db()
    return _application_out(user, app)


@router.post(
    "/certification/applications/{app_id}/evidence", response={201: ApplicationOut, **ERRORS}
)
def evidence_add(
    request: HttpRequest,
    app_id: uuid.UUID,
    kind: Form[EvidenceKind],
    title: Annotated[str, Form(min_length=1, max_length=max_length(Evidence, "title"))],
    file: File[UploadedFile],
) -> Status[ApplicationOut]:
    """Multipart: kind, title, file (PDF/JPG/PNG, ≤ 20 MB)."""
    user, app = _app(request, app_id)
    services.evidence_add(actor=user, app=app, data={"kind": kind, "title": title}, upload=file)
    app.refresh_from_db()
    return Status(201, _application_out(user, app))


def _transition(request: HttpRequest, app_id: uuid.UUID, fn: Any, **kwargs: Any) -> ApplicationOut:
    user, app = _app(request, app_id)
    return _application_out(user, fn(actor=user, app=app, **kwargs))


@router.post(
    "/certification/applications/{app_id}/submit", response={200: ApplicationOut, **ERRORS}
)
def application_submit(request: HttpRequest, app_id: uuid.UUID) -> ApplicationOut:
    """§9.1 and §5: a blocking unmet condition is a 422 on ``eligibility`` citing the clause."""
    return _transition(request, app_id, services.application_submit)


@router.post(
    "/certification/applications/{app_id}/withdraw", response={200: ApplicationOut, **ERRORS}
)
def application_withdraw(request: HttpRequest, app_id: uuid.UUID) -> ApplicationOut:
    return _transition(request, app_id, services.application_withdraw)


@router.post(
    "/certification/applications/{app_id}/return", response={200: ApplicationOut, **ERRORS}
)
def review_return(
    request: HttpRequest, app_id: uuid.UUID, payload: ApplicationReturnIn
) -> ApplicationOut:
    return _transition(request, app_id, services.review_return, items=payload.items)


@router.post(
    "/certification/applications/{app_id}/accept", response={200: ApplicationOut, **ERRORS}
)
def review_accept(request: HttpRequest, app_id: uuid.UUID) -> ApplicationOut:
    return _transition(request, app_id, services.review_accept)


@router.post("/certification/applications/{app_id}/panel", response={200: ApplicationOut, **ERRORS})
def panel_set(request: HttpRequest, app_id: uuid.UUID, payload: PanelIn) -> ApplicationOut:
    user, app = _app(request, app_id)
    services.panel_set(actor=user, app=app, experts=list(payload.experts), leader=payload.leader)
    app.refresh_from_db()
    return _application_out(user, app)


@router.post(
    "/certification/applications/{app_id}/assessment", response={200: ApplicationOut, **ERRORS}
)
def assessment_record(
    request: HttpRequest, app_id: uuid.UUID, payload: AssessmentRecordIn
) -> ApplicationOut:
    return _transition(
        request,
        app_id,
        services.assessment_record,
        kind=payload.kind,
        data={"on": payload.on, "notes": payload.notes},
    )


@router.put("/certification/applications/{app_id}/sheet", response={200: ApplicationOut, **ERRORS})
def sheet_save(request: HttpRequest, app_id: uuid.UUID, payload: SheetIn) -> ApplicationOut:
    """The calling expert's scoring sheet; errors keyed by the cell code."""
    user, app = _app(request, app_id)
    services.sheet_save(
        actor=user,
        app=app,
        scores=dict(payload.scores),
        comments=payload.comments,
        submit=payload.submit,
    )
    app.refresh_from_db()
    return _application_out(user, app)


@router.post(
    "/certification/applications/{app_id}/report", response={200: ApplicationOut, **ERRORS}
)
def report_sign(request: HttpRequest, app_id: uuid.UUID, payload: ReportIn) -> ApplicationOut:
    return _transition(request, app_id, services.report_sign, report=payload.report)


@router.post(
    "/certification/applications/{app_id}/issue", response={201: LevelCertificateOut, **ERRORS}
)
def certificate_issue(request: HttpRequest, app_id: uuid.UUID) -> Status[LevelCertificateOut]:
    user, app = _app(request, app_id)
    return Status(201, _certificate_out(services.certificate_issue(actor=user, app=app)))


@router.post(
    "/certification/applications/{app_id}/appeals", response={201: CertificationAppealOut, **ERRORS}
)
def application_appeal(
    request: HttpRequest, app_id: uuid.UUID, payload: CertificationAppealIn
) -> Status[CertificationAppealOut]:
    user, app = _app(request, app_id)
    return Status(
        201, _appeal_out(services.appeal_submit(actor=user, app=app, grounds=payload.grounds))
    )


@router.post(
    "/certification/appeals/{appeal_id}/decide", response={200: CertificationAppealOut, **ERRORS}
)
def appeal_decide(
    request: HttpRequest, appeal_id: uuid.UUID, payload: AppealDecideIn
) -> CertificationAppealOut:
    from cqo.certification.models import Appeal

    user = actor(request)
    appeal = (
        Appeal.objects.filter(public_id=appeal_id)
        .select_related("application", "action__certificate")
        .first()
    )
    if appeal is None:
        raise selectors.Http404
    # the appeal is visible only through its application or certificate
    if appeal.application is not None:
        selectors.application_get(user=user, public_id=appeal.application.public_id)
    elif appeal.action is not None:
        selectors.certificate_get(user=user, number=appeal.action.certificate.number)
    return _appeal_out(
        services.appeal_decide(
            actor=user, appeal=appeal, upheld=payload.upheld, decision=payload.decision
        )
    )


# Certificates ---------------------------------------------------------------------------------


@router.get("/certification/certificates", response={200: LevelCertificatePage, **ERRORS})
def certificate_list(
    request: HttpRequest, filters: Query[LevelCertificateFilters]
) -> dict[str, Any]:
    qs = selectors.certificate_list(
        user=actor(request),
        status=filters.status or "",
        level=filters.level or "",
        q=filters.q.strip(),
    )
    count, items = page(qs, filters)
    return {"count": count, "items": [PublicLevelCertificateOut(**_scoped(c)) for c in items]}


def _cert(request: HttpRequest, number: str) -> tuple[Any, LevelCertificate]:
    user = actor(request)
    return user, selectors.certificate_get(user=user, number=number)


@router.get("/certification/certificates/{number}", response={200: LevelCertificateOut, **ERRORS})
def certificate_detail(request: HttpRequest, number: LevelCertificateNumber) -> LevelCertificateOut:
    return _certificate_out(_cert(request, number)[1])


@router.post(
    "/certification/certificates/{number}/supervise", response={200: LevelCertificateOut, **ERRORS}
)
def certificate_supervise(
    request: HttpRequest, number: LevelCertificateNumber, payload: SuperviseIn
) -> LevelCertificateOut:
    """暂停/中止/恢复/收回/作废 (§11; SPEC §12.16); 422 on ``action`` when not allowed now."""
    user, cert = _cert(request, number)
    services.supervise(actor=user, cert=cert, data=payload.dict())
    cert.refresh_from_db()
    return _certificate_out(cert)


@router.post(
    "/certification/certificates/{number}/warnings", response={200: LevelCertificateOut, **ERRORS}
)
def certificate_warning(
    request: HttpRequest, number: LevelCertificateNumber, payload: WarningIn
) -> LevelCertificateOut:
    user, cert = _cert(request, number)
    services.warning_record(actor=user, cert=cert, data=payload.dict())
    cert.refresh_from_db()
    return _certificate_out(cert)


@router.post(
    "/certification/certificates/{number}/reviews", response={200: LevelCertificateOut, **ERRORS}
)
def certificate_review(
    request: HttpRequest, number: LevelCertificateNumber, payload: ReviewIn
) -> LevelCertificateOut:
    user, cert = _cert(request, number)
    services.yearly_review(actor=user, cert=cert, data=payload.dict())
    return _certificate_out(cert)


@router.post(
    "/certification/certificates/{number}/reissue", response={201: LevelCertificateOut, **ERRORS}
)
def certificate_reissue(
    request: HttpRequest, number: LevelCertificateNumber, payload: ReissueIn
) -> Status[LevelCertificateOut]:
    user, cert = _cert(request, number)
    new = services.certificate_reissue(
        actor=user, cert=cert, reason=payload.reason, enterprise=payload.enterprise
    )
    return Status(201, _certificate_out(new))


@router.post(
    "/certification/certificates/{number}/recommend", response={200: LevelCertificateOut, **ERRORS}
)
def certificate_recommend(
    request: HttpRequest, number: LevelCertificateNumber, payload: TalentRecommendationIn
) -> LevelCertificateOut:
    user, cert = _cert(request, number)
    services.talent_recommend(actor=user, cert=cert, reason=payload.reason)
    return _certificate_out(cert)


@router.post(
    "/certification/actions/{action_id}/appeals", response={201: CertificationAppealOut, **ERRORS}
)
def action_appeal(
    request: HttpRequest, action_id: uuid.UUID, payload: CertificationAppealIn
) -> Status[CertificationAppealOut]:
    user = actor(request)
    action = (
        SupervisionAction.objects.filter(public_id=action_id).select_related("certificate").first()
    )
    if action is None:
        raise selectors.Http404
    selectors.certificate_get(user=user, number=action.certificate.number)
    return Status(
        201, _appeal_out(services.appeal_submit(actor=user, action=action, grounds=payload.grounds))
    )
