"""The wire format of the certification API: filters, inputs and outputs."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, StringConstraints

from cqo.accounts.models import User
from cqo.certification import rules
from cqo.certification.models import (
    Appeal,
    Application,
    CertificationBody,
    Evidence,
    Expert,
    LevelCertificate,
    PanelMember,
    Recommendation,
    ReviewRequest,
    SupervisionAction,
    WarningRecord,
    WorkPeriod,
    YearlyReview,
)
from cqo.certification.models import CertificationBody as Body
from cqo.certification.services._common import TEXT_MAX
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.reference import validators
from cqo.reference.apitypes import Choices, checked
from cqo.registry.api.schemas import AuditOut, PageQuery
from cqo.registry.models import Enterprise, Person

BodyKind = Annotated[CertificationBody.Kind, Choices("BodyKind", CertificationBody.Kind)]
WorkPeriodKind = Annotated[WorkPeriod.Kind, Choices("WorkPeriodKind", WorkPeriod.Kind)]
EvidenceKind = Annotated[Evidence.Kind, Choices("EvidenceKind", Evidence.Kind)]
ReviewSource = Annotated[ReviewRequest.Source, Choices("ReviewSource", ReviewRequest.Source)]
ReviewOutcome = Annotated[ReviewRequest.Outcome, Choices("ReviewOutcome", ReviewRequest.Outcome)]
# named apart from the listing's ground (cqo.blacklist): both enums are called Ground
SupervisionGround = Annotated[
    SupervisionAction.Ground, Choices("SupervisionGround", SupervisionAction.Ground)
]
ApplicationStatus = Annotated[Application.Status, Choices("ApplicationStatus", Application.Status)]
LevelCertificateStatus = Annotated[
    LevelCertificate.Status, Choices("LevelCertificateStatus", LevelCertificate.Status)
]
WarningKind = Annotated[WarningRecord.Kind, Choices("WarningKind", WarningRecord.Kind)]


def _number_checked(number: str) -> None:
    if not rules.lookup_number_valid(number):
        raise ValidationError(_("证书编号校验位不符，请核对后重新输入"))


LevelCertificateNumber = Annotated[
    str,
    Field(
        pattern=rules.LOOKUP_PATTERN,
        description="the number as printed (upper case): the platform's (CQO…; one of a newer "
        "certificate ends in a check part whose last character is checked, a mistyped one is a "
        "422) or a certificate's migrated from a province's archive (4–40 letters, digits or "
        "hyphens, as printed)",
        examples=["CQO2026-SXZX-00001-1K8N6R", "CQO2025-SXZX-00001", "SXNL-2021-0008"],
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
    content_sm2: str = Field(
        "", description="SM2 signature (hex r ‖ s) of content_hash, under the national suite"
    )
    content_sm2_valid: bool | None = Field(None, description="None when there is none")
    verify_url: str


class ActionOut(Schema):
    id: uuid.UUID
    action: SupervisionAction.Action
    ground: SupervisionGround
    reason: str
    decided_on: dt.date


class ReviewRequestOut(Schema):
    """A review the body owes after a major quality-safety accident (level-standard §11)."""

    id: uuid.UUID
    source: ReviewSource
    reason: str
    accident_date: dt.date | None
    reported_by: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    outcome: ReviewOutcome | None = Field(description="null while open")
    action: uuid.UUID | None = Field(description="the supervision action that closed it")
    finding: str
    has_evidence: bool = Field(description="the no-responsibility finding's evidence file")


class ListingNoticeOut(Schema):
    """A warning (警示) listing of the holder, told to the body (level-standard §11)."""

    id: uuid.UUID
    summary: str
    notified_at: dt.datetime


class LevelCertificateOut(PublicLevelCertificateOut):
    id: uuid.UUID
    application: uuid.UUID | None = Field(
        description="none for a certificate migrated from a province's archive"
    )
    migrated: bool = Field(
        description="migrated from a province's archive (issued before the platform), not "
        "issued on it"
    )
    status_reason: str
    actions: list[ActionOut]
    continuing: list[dict[str, Any]]
    audit: list[AuditOut]
    review_requests: list[ReviewRequestOut] = []
    listing_notices: list[ListingNoticeOut] = []


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
