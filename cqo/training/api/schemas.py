"""The wire format of the training API: filters, inputs and outputs."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from cqo.accounts.models import User
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.reference import validators
from cqo.reference.apitypes import Choices, DecimalText, checked
from cqo.registry.api.schemas import REGION_CODE, AuditOut, PageQuery
from cqo.registry.models import Person
from cqo.training import rules, services
from cqo.training.models import (
    Course,
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


def _number_checked(number: str) -> None:
    if not rules.lookup_number_valid(number):
        raise ValidationError(_("证书编号校验位不符，请核对后重新输入"))


TrainingCertificateNumber = Annotated[
    str,
    Field(
        pattern=rules.LOOKUP_PATTERN,
        description="the number as printed (upper case): the platform's (PX…; one of a newer "
        "certificate ends in a check part whose last character is checked, a mistyped one is a "
        "422) or a certificate's migrated from a province's archive (4–32 letters, digits or "
        "hyphens, as printed)",
        examples=["PX610113202600001-MXV96D", "PX610113202500001", "SXPX-2019-0042"],
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
    course: str = Field(description="empty for a certificate migrated from an archive")
    tier: str
    hours: Decimal | None
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
    content_sm2: str = Field(
        "", description="SM2 signature (hex r ‖ s) of content_hash, under the national suite"
    )
    content_sm2_valid: bool | None = Field(None, description="None when there is none")
    verify_url: str


class TrainingCertificateOut(PublicTrainingCertificateOut):
    id: uuid.UUID
    enrolment: uuid.UUID | None = Field(
        description="none for a certificate migrated from an archive"
    )
    holder: uuid.UUID
    issuer_kind: TrainingCertificate.IssuerKind | None
    revoke_reason: str
    audit: list[AuditOut]


class TrainingCertificateRevokeIn(Schema):
    reason: str = Field(
        max_length=max_length(TrainingCertificate, "revoke_reason"),
        description="at least 4 characters",
    )
