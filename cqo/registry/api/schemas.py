"""The wire format of the registry API: what goes in and comes out, typed and documented.

Only the shape is checked here (types, choices, lengths); business rules live in the services,
whose ``ValidationError`` becomes ``422 {"detail": [{"field", "message"}]}`` in cqo/api.py. The
class names are the OpenAPI component names, so clients depend on them: do not rename.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from cqo.accounts.models import User
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.reference import validators
from cqo.reference.apitypes import REGION_PATTERN, Choices, Uscc
from cqo.reference.enums import (
    AppointingAuthority,
    ConcurrentRole,
    Education,
    EndReason,
    EnterpriseNature,
    EnterpriseSize,
    Gender,
    LedDepartment,
    PositionRank,
    QualificationKind,
    QualificationLevel,
    QualityAward,
    SelectionMethod,
)
from cqo.reference.models import Industry, Region
from cqo.registry.models import Appointment, Enterprise, Person, Qualification, Reminder
from cqo.registry.rules import Severity
from cqo.registry.services._common import PASSWORD_MAX_INPUT, TRANSITION_NOTE_MAX

FilingStatus = Annotated[Appointment.Status, Choices("FilingStatus", Appointment.Status)]

MAX_LIMIT = 200
CqoStatus = Literal["filed", "pending", "none"]
REGION_CODE = REGION_PATTERN  # GB/T 2260: six digits


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    # bounded so a huge offset is a 422, not a database integer overflow
    offset: int = Field(0, ge=0, le=1_000_000_000)


# Enterprises ----------------------------------------------------------------------------------


class EnterpriseFields(Schema):
    """The Annex A 单位 part; every field optional, as PATCH takes it."""

    uscc: str | None = Field(
        None,
        max_length=max_length(Enterprise, "uscc"),
        description="统一社会信用代码 (GB 32100-2015)",
    )
    name: str | None = Field(None, max_length=max_length(Enterprise, "name"))
    website: str | None = Field(None, max_length=max_length(Enterprise, "website"))
    employees: int | None = Field(None, ge=0, le=10_000_000)
    industry: str | None = Field(
        None,
        max_length=max_length(Industry, "code"),
        description="GB/T 4754-2017 division code, e.g. 34",
    )
    size: EnterpriseSize | None = None
    nature: EnterpriseNature | None = None
    listed: bool | None = None
    main_products: str | None = Field(None, max_length=max_length(Enterprise, "main_products"))
    registered_address: str | None = Field(
        None, max_length=max_length(Enterprise, "registered_address")
    )
    region: str | None = Field(
        None, max_length=max_length(Region, "code"), description="GB/T 2260 county-level code"
    )
    responsible_name: str | None = Field(
        None, max_length=max_length(Enterprise, "responsible_name")
    )
    responsible_position: str | None = Field(
        None, max_length=max_length(Enterprise, "responsible_position")
    )
    responsible_landline: str | None = Field(
        None, max_length=max_length(Enterprise, "responsible_landline")
    )
    responsible_mobile: str | None = Field(None, max_length=validators.MOBILE_MAX_INPUT)
    above_scale: bool | None = None
    above_scale_year: int | None = None
    quality_award: QualityAward | None = None
    quality_award_year: int | None = None
    special_equipment_licence: str | None = Field(
        None, max_length=max_length(Enterprise, "special_equipment_licence")
    )
    group_parent: str | None = Field(
        None,
        max_length=max_length(Enterprise, "uscc"),
        description="USCC of the parent enterprise",
    )
    own_cqo_conditions: str | None = Field(
        None,
        max_length=max_length(Enterprise, "own_cqo_conditions"),
        description="the enterprise's own CQO conditions (small and micro firms)",
    )


class EnterpriseIn(EnterpriseFields):
    uscc: str = Field(
        max_length=max_length(Enterprise, "uscc"), description="统一社会信用代码 (GB 32100-2015)"
    )
    name: str = Field(max_length=max_length(Enterprise, "name"))
    industry: str = Field(
        max_length=max_length(Industry, "code"), description="GB/T 4754-2017 division code, e.g. 34"
    )
    size: EnterpriseSize
    region: str = Field(
        max_length=max_length(Region, "code"), description="GB/T 2260 county-level code"
    )


class EnterpriseItem(Schema):
    uscc: str
    name: str
    region: str
    region_name: str
    industry: str
    size: EnterpriseSize
    above_scale: bool
    cqo_status: CqoStatus


class EnterpriseOut(EnterpriseItem):
    website: str
    employees: int | None
    industry_name: str
    industry_section: str
    nature: EnterpriseNature | None
    listed: bool
    main_products: str
    registered_address: str
    responsible_name: str
    responsible_position: str
    responsible_landline: str
    responsible_mobile_masked: str
    above_scale_year: int | None
    quality_award: QualityAward | None
    quality_award_year: int | None
    special_equipment_licence: str
    own_cqo_conditions: str
    group_parent: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EnterprisePage(Schema):
    count: int
    items: list[EnterpriseItem]


class EnterpriseFilters(PageQuery):
    q: str = Field("", max_length=100, description="name contains, or exact USCC")
    region: str | None = Field(None, pattern=REGION_CODE, description="a region and its subtree")
    industry: str | None = Field(
        None, pattern=r"^([A-T]|[0-9]{2})$", description="a section letter or a division code"
    )
    size: EnterpriseSize | None = None
    cqo_status: CqoStatus | None = None


# Persons --------------------------------------------------------------------------------------


class QualificationIn(Schema):
    kind: QualificationKind
    name: str = Field(max_length=max_length(Qualification, "name"))
    field: str = Field("", max_length=max_length(Qualification, "field"))
    level: QualificationLevel
    issued_on: dates.LifetimeDate | None = None
    issuer: str = Field("", max_length=max_length(Qualification, "issuer"))


class QualificationOut(QualificationIn):
    pass


class PersonFields(Schema):
    """The Annex A 备案人 part; every field optional, as PATCH takes it."""

    name: str | None = Field(None, max_length=max_length(Person, "name"))
    id_number: str | None = Field(
        None, max_length=validators.ID_NUMBER_MAX_INPUT, description="居民身份证号 (GB 11643-1999)"
    )
    gender: Gender | None = Field(None, description="cross-checked against the ID number")
    birth_date: dates.BirthDate | None = Field(
        None, description="cross-checked against the ID number"
    )
    position: str | None = Field(None, max_length=max_length(Person, "position"))
    title: str | None = Field(None, max_length=max_length(Person, "title"))
    title_level: QualificationLevel | None = None
    education: Education | None = None
    major: str | None = Field(None, max_length=max_length(Person, "major"))
    mobile: str | None = Field(None, max_length=validators.MOBILE_MAX_INPUT)
    email: str | None = Field(None, max_length=max_length(Person, "email"))
    mailing_address: str | None = Field(None, max_length=max_length(Person, "mailing_address"))
    quality_years: int | None = Field(None, ge=0, le=60)
    work_history: str | None = Field(None, max_length=max_length(Person, "work_history"))
    region: str | None = Field(None, pattern=REGION_CODE)
    # the page offers one form and up to twenty more (registry/forms.py QualificationFormSet)
    qualifications: list[QualificationIn] | None = Field(None, max_length=20)


class PersonIn(PersonFields):
    name: str = Field(max_length=max_length(Person, "name"))
    id_number: str = Field(
        max_length=validators.ID_NUMBER_MAX_INPUT, description="居民身份证号 (GB 11643-1999)"
    )
    education: Education
    mobile: str = Field(max_length=validators.MOBILE_MAX_INPUT)


class PersonItem(Schema):
    id: uuid.UUID = Field(description="the same as public_id: the person's address in the API")
    public_id: uuid.UUID
    name: str
    id_number_masked: str
    mobile_masked: str
    gender: Gender
    birth_date: dt.date
    position: str
    education: Education
    region: str | None
    registered: bool = Field(description="the person has claimed or opened their own account")


class PersonOut(PersonItem):
    title: str
    title_level: QualificationLevel
    major: str
    email: str = Field(description="empty while contact_visible is false")
    mailing_address: str = Field(description="empty while contact_visible is false")
    quality_years: int
    work_history: str
    region_name: str
    contact_visible: bool = Field(
        description="whether the caller may see the person's contact data: an enterprise's "
        "clerk may once the person has confirmed an appointment with that enterprise"
    )
    invited_by: str | None = Field(description="USCC of the enterprise that invited the person")
    qualifications: list[QualificationOut]
    # Filled only on ?unmask=true by a viewer allowed to see them; each view is logged.
    id_number: str | None = None
    mobile: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime


class PersonPage(Schema):
    count: int
    items: list[PersonItem]


class PersonFilters(PageQuery):
    q: str = Field("", max_length=100, description="name contains")
    region: str | None = Field(None, pattern=REGION_CODE)


class InviteOut(Schema):
    person: PersonOut
    invite_token: str = Field(description="shown once; the person claims the account with it")


# Filings (appointments and their 备案) ---------------------------------------------------------


class FilingFields(Schema):
    """The appointment part of Annex A; every field optional, as PATCH takes it."""

    post: str | None = Field(None, max_length=max_length(Appointment, "post"))
    rank: PositionRank | None = None
    concurrent_role: ConcurrentRole | None = None
    appointing_authority: AppointingAuthority | None = None
    selection_method: SelectionMethod | None = None
    assessment_result: str | None = Field(
        None, max_length=max_length(Appointment, "assessment_result")
    )
    probation_end: dates.TermDate | None = None
    reports_to_top: bool | None = None
    treatment: (
        Literal["", "other", "department_head", "senior_deputy", "senior_head", "top_manager"]
        | None
    ) = Field(None, description='待遇: the rank whose treatment the post carries; "" not agreed')
    departments_led: list[LedDepartment] | None = Field(None, max_length=len(LedDepartment))
    duties: str | None = Field(
        None,
        max_length=max_length(Appointment, "duties"),
        description="one duty a line, at most 50 lines",
    )
    powers: str | None = Field(
        None,
        max_length=max_length(Appointment, "powers"),
        description="one power a line, at most 50 lines",
    )
    start_date: dates.EventDate | None = None
    term_end: dates.TermDate | None = None
    form_date: dates.EventDate | None = None
    remarks: str | None = Field(None, max_length=max_length(Appointment, "remarks"))
    declaration_confirmed: bool | None = Field(
        None, description="单位意见：上述资料属实，同意任命并备案。"
    )
    justification: str | None = Field(
        None,
        max_length=max_length(Appointment, "justification"),
        description="written justification for unmet conditions (SPEC §12.11)",
    )


class FilingIn(FilingFields):
    id_number: str = Field(
        max_length=validators.ID_NUMBER_MAX_INPUT,
        description="ID number the person registered with",
    )
    person_name: str = Field(
        max_length=max_length(Person, "name"), description="must match the registered name"
    )
    post: str = Field(max_length=max_length(Appointment, "post"))
    rank: PositionRank
    appointing_authority: AppointingAuthority
    selection_method: SelectionMethod
    start_date: dates.EventDate
    reports_to_top: bool = True
    departments_led: list[LedDepartment] = Field(
        default_factory=list, max_length=len(LedDepartment)
    )
    declaration_confirmed: bool = False


class CheckOut(Schema):
    code: str
    label: str
    ok: bool
    severity: Severity
    clause: str
    detail: str


class ConditionOut(Schema):
    code: str
    label: str
    group: str
    clause: str
    severity: Severity
    status: Literal["met", "unmet", "relaxed", "judgement", "not_applicable"]
    expected: str
    actual: str
    relaxation: str
    note: str


class EligibilityOut(Schema):
    """The governing pack's conditions for this filing, each with its clause (SPEC §4)."""

    versions: list[int] = Field(description="pack version ids merged, most specific first")
    label: str
    national_default: bool
    evaluated_on: dt.date
    justification: str
    results: list[ConditionOut]


class AuditOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    changes: dict[str, Any]
    note: str


class FilingItem(Schema):
    id: uuid.UUID = Field(description="the same as public_id: /filings/{id}/submit and so on")
    public_id: uuid.UUID
    status: FilingStatus
    enterprise: str = Field(description="USCC")
    enterprise_name: str
    person: uuid.UUID
    person_name: str
    post: str
    rank: PositionRank
    start_date: dt.date
    term_end: dt.date | None
    filing_number: str | None
    submitted_at: dt.datetime | None
    filed_at: dt.datetime | None
    person_confirmed_at: dt.datetime | None = Field(
        description="when the person named confirmed the appointment "
        "(POST /filings/{id}/confirm); until then the enterprise sees none of their contact data"
    )
    migrated: bool = Field(
        description="filed before the platform and migrated from a province's archive: its "
        "filing number and dates are the original ones; it was not reviewed or evaluated here"
    )
    updated_at: dt.datetime


class FilingOut(FilingItem):
    region: str
    concurrent_role: ConcurrentRole | None
    appointing_authority: AppointingAuthority | None = Field(
        description="none for a migrated filing whose archive does not record it"
    )
    selection_method: SelectionMethod | None = Field(
        description="none for a migrated filing whose archive does not record it"
    )
    assessment_result: str
    probation_end: dt.date | None
    reports_to_top: bool
    treatment: PositionRank | None = Field(description="待遇, as the rank it equals")
    departments_led: list[LedDepartment]
    duties: str
    powers: str
    form_date: dt.date | None
    remarks: str
    declaration_confirmed: bool
    filing_authority: str | None
    filed_by: str | None
    return_reason: str
    ended_on: dt.date | None
    end_reason: EndReason | None
    end_note: str
    created_at: dt.datetime
    checks: list[CheckOut] = Field(description="empty for a migrated filing")
    eligibility: EligibilityOut | None = Field(
        description="none for a migrated filing: it was not evaluated on the platform"
    )
    review_stage: str
    route: str | None = Field(description="who acts next on a submitted filing")
    justification: str
    declarations: list[str] = Field(
        description="codes of the conditions the person declared (e.g. disqualifications)"
    )
    declared_at: dt.datetime | None
    preparation: str = Field(
        description="a filing the person started: person (filling in), enterprise (to "
        'confirm), confirmed; "" when the enterprise started it'
    )
    preparation_note: str
    audit: list[AuditOut]


class FilingPage(Schema):
    count: int
    items: list[FilingItem]


class FilingFilters(PageQuery):
    status: FilingStatus | None = None
    q: str = Field("", max_length=100, description="person or enterprise name, USCC, filing number")
    region: str | None = Field(None, pattern=REGION_CODE)


class ApproveIn(Schema):
    note: str = Field("", max_length=TRANSITION_NOTE_MAX)


class ReturnIn(Schema):
    reason: str = Field(
        max_length=max_length(Appointment, "return_reason"),
        description="what the enterprise must correct",
    )


class EndIn(Schema):
    ended_on: dates.EventDate
    reason: EndReason
    note: str = Field("", max_length=max_length(Appointment, "end_note"))


class RenewIn(Schema):
    term_end: dates.TermDate
    note: str = Field("", max_length=TRANSITION_NOTE_MAX)


# Accounts: online registration, claiming an invitation, opening a clerk account -----------------


class RegisterIn(PersonIn):
    """线上注册 (shaanxi-2021 §五(一)): the Annex A 备案人 part and the account to sign in with."""

    username: str = Field(
        max_length=max_length(User, "username"), description="3–150 letters, digits or @.+-_"
    )
    password: str = Field(
        max_length=PASSWORD_MAX_INPUT, description="checked by the password validators"
    )


class RegisterOut(Schema):
    username: str
    person: PersonOut


class ClaimIn(Schema):
    token: str = Field(max_length=200, description="the invite_token of POST /persons/invite")
    id_number: str = Field(
        max_length=validators.ID_NUMBER_MAX_INPUT,
        description="must match the one the clerk recorded",
    )
    username: str = Field(
        max_length=max_length(User, "username"), description="3–150 letters, digits or @.+-_"
    )
    password: str = Field(
        max_length=PASSWORD_MAX_INPUT, description="checked by the password validators"
    )


class ClerkIn(Schema):
    username: str = Field(
        max_length=max_length(User, "username"), description="3–150 letters, digits or @.+-_"
    )
    display_name: str = Field(
        "",
        max_length=max_length(User, "display_name"),
        description="经办人姓名; the enterprise name when blank",
    )
    password: str = Field(
        max_length=PASSWORD_MAX_INPUT, description="checked by the password validators"
    )


class AccountOut(Schema):
    username: str


# 指导督促: reminders and the oversight queue ------------------------------------------------------


class ReminderIn(Schema):
    message: str = Field(
        max_length=max_length(Reminder, "message"), description="督促内容, at least 4 characters"
    )


class ReminderOut(Schema):
    id: int
    enterprise: str = Field(description="USCC")
    enterprise_name: str
    sent_by: str | None = Field(description="username of the regulator who sent it")
    sent_at: dt.datetime
    message: str
    read_at: dt.datetime | None


class ReminderPage(Schema):
    count: int
    items: list[ReminderOut]


class ReminderFilters(PageQuery):
    enterprise: Uscc | None = None
    unread: bool = Field(False, description="only those the enterprise has not yet read")


class OversightCounts(Schema):
    without_cqo: int
    submitted: int
    returned: int
    overdue: int


class OversightOut(Schema):
    due_days: int = Field(
        description="an appointment not filed this many days after its start is overdue"
    )
    counts: OversightCounts
    without_cqo: list[EnterpriseItem] = Field(description="paged by limit and offset")
    submitted: list[FilingItem] = Field(description="the oldest submissions first")
    returned: list[FilingItem]
    overdue: list[FilingItem]
