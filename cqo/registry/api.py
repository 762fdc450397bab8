"""REST API of the registry: enterprises (by USCC), persons and filings (by UUID) (SPEC §3, §10).

Every read goes through ``selectors`` (so an object outside the viewer's scope answers 404) and
every write through ``services`` (which check permission and state, validate, and audit). The
schemas here only type the wire format: business rules live in the services, whose
``ValidationError`` becomes ``422 {"detail": [{"field", "message"}]}`` in cqo/api.py. Personal
numbers go out masked unless ``?unmask=true`` is asked for and allowed; each unmasked view is
logged by ``services.personal_reveal`` (SPEC §10).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cqo.accounts.api import ERRORS
from cqo.accounts.models import User
from cqo.audit.selectors import audit_trail
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
from cqo.reference.selectors import region_label
from cqo.registry import selectors, services
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.registry.rules import Severity

router = Router(tags=["registry"])

MAX_LIMIT = 200
CqoStatus = Literal["filed", "pending", "none"]
REGION_CODE = r"^\d{6}$"
S = TypeVar("S", bound=Schema)


def _actor(request: HttpRequest) -> User:
    user = request.user  # set by cqo.api.BearerToken
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _build(schema: type[S], obj: object, **derived: Any) -> S:
    """``schema`` filled from the same-named attributes of ``obj``, then from ``derived``."""
    names = schema.model_fields.keys() - derived.keys()
    return schema.model_validate({**{n: getattr(obj, n) for n in names}, **derived})


def _or_none(value: str) -> str | None:
    """Blank choices go out as null, so a client sees "not given" rather than an unknown code."""
    return value or None


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _page(qs: QuerySet[Any], page: PageQuery) -> tuple[int, list[Any]]:
    return qs.count(), list(qs[page.offset : page.offset + page.limit])


# Enterprises ----------------------------------------------------------------------------------


class EnterpriseFields(Schema):
    """The Annex A 单位 part; every field optional, as PATCH takes it."""

    uscc: str | None = Field(None, description="统一社会信用代码 (GB 32100-2015)")
    name: str | None = None
    website: str | None = None
    employees: int | None = Field(None, ge=0)
    industry: str | None = Field(None, description="GB/T 4754-2017 division code, e.g. 34")
    size: EnterpriseSize | None = None
    nature: EnterpriseNature | None = None
    listed: bool | None = None
    main_products: str | None = None
    registered_address: str | None = None
    region: str | None = Field(None, description="GB/T 2260 county-level code")
    responsible_name: str | None = None
    responsible_position: str | None = None
    responsible_landline: str | None = None
    responsible_mobile: str | None = None
    above_scale: bool | None = None
    above_scale_year: int | None = None
    quality_award: QualityAward | None = None
    quality_award_year: int | None = None
    special_equipment_licence: str | None = None
    group_parent: str | None = Field(None, description="USCC of the parent enterprise")


class EnterpriseIn(EnterpriseFields):
    uscc: str = Field(description="统一社会信用代码 (GB 32100-2015)")
    name: str
    industry: str = Field(description="GB/T 4754-2017 division code, e.g. 34")
    size: EnterpriseSize
    region: str = Field(description="GB/T 2260 county-level code")


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
        None, pattern=r"^([A-T]|\d{2})$", description="a section letter or a division code"
    )
    size: EnterpriseSize | None = None
    cqo_status: CqoStatus | None = None


def _cqo_status(ent: Enterprise) -> str:
    one = selectors.with_cqo_status(Enterprise.objects.filter(pk=ent.pk))
    # cqo_status is an annotation the stubs cannot see
    return one.values_list("cqo_status", flat=True).get()  # type: ignore[misc]


def _enterprise_item(ent: Enterprise) -> EnterpriseItem:
    return _build(
        EnterpriseItem,
        ent,
        region=ent.region_id,
        region_name=region_label(ent.region_id),
        industry=ent.industry_id,
        cqo_status=ent.cqo_status,  # type: ignore[attr-defined]
    )


def _enterprise_out(ent: Enterprise) -> EnterpriseOut:
    industry = ent.industry
    return _build(
        EnterpriseOut,
        ent,
        region=ent.region_id,
        region_name=region_label(ent.region_id),
        industry=industry.code,
        industry_name=industry.name,
        industry_section=industry.section_code,
        nature=_or_none(ent.nature),
        quality_award=_or_none(ent.quality_award),
        group_parent=ent.group_parent.uscc if ent.group_parent else None,
        cqo_status=_cqo_status(ent),
    )


@router.get("/enterprises", response={200: EnterprisePage, **ERRORS})
def enterprise_list(request: HttpRequest, filters: Query[EnterpriseFilters]) -> dict[str, Any]:
    qs = selectors.enterprise_list(
        user=_actor(request),
        q=filters.q,
        region=filters.region or "",
        industry=filters.industry or "",
        size=filters.size or "",
        cqo_status=filters.cqo_status or "",
    )
    if not filters.cqo_status:  # the selector annotates cqo_status only when filtering by it
        qs = selectors.with_cqo_status(qs)
    count, items = _page(qs.order_by("name", "uscc"), filters)
    return {"count": count, "items": [_enterprise_item(e) for e in items]}


@router.post("/enterprises", response={201: EnterpriseOut, **ERRORS})
def enterprise_create(request: HttpRequest, payload: EnterpriseIn) -> Status[EnterpriseOut]:
    ent = services.enterprise_create(actor=_actor(request), data=payload.model_dump(mode="json"))
    return Status(201, _enterprise_out(ent))


@router.get("/enterprises/{uscc}", response={200: EnterpriseOut, **ERRORS})
def enterprise_detail(request: HttpRequest, uscc: str) -> EnterpriseOut:
    return _enterprise_out(selectors.enterprise_get(user=_actor(request), uscc=uscc))


@router.patch("/enterprises/{uscc}", response={200: EnterpriseOut, **ERRORS})
def enterprise_update(request: HttpRequest, uscc: str, payload: EnterpriseFields) -> EnterpriseOut:
    actor = _actor(request)
    ent = selectors.enterprise_get(user=actor, uscc=uscc)
    data = payload.model_dump(mode="json", exclude_unset=True)
    return _enterprise_out(services.enterprise_update(actor=actor, enterprise=ent, data=data))


# Persons --------------------------------------------------------------------------------------


class QualificationIn(Schema):
    kind: QualificationKind
    name: str
    field: str = ""
    level: QualificationLevel
    issued_on: dt.date | None = None
    issuer: str = ""


class QualificationOut(QualificationIn):
    pass


class PersonFields(Schema):
    """The Annex A 备案人 part; every field optional, as PATCH takes it."""

    name: str | None = None
    id_number: str | None = Field(None, description="居民身份证号 (GB 11643-1999)")
    gender: Gender | None = Field(None, description="cross-checked against the ID number")
    birth_date: dt.date | None = Field(None, description="cross-checked against the ID number")
    position: str | None = None
    title: str | None = None
    title_level: QualificationLevel | None = None
    education: Education | None = None
    major: str | None = None
    mobile: str | None = None
    email: str | None = None
    mailing_address: str | None = None
    quality_years: int | None = Field(None, ge=0, le=60)
    work_history: str | None = None
    region: str | None = Field(None, pattern=REGION_CODE)
    qualifications: list[QualificationIn] | None = None


class PersonIn(PersonFields):
    name: str
    id_number: str = Field(description="居民身份证号 (GB 11643-1999)")
    education: Education
    mobile: str


class PersonItem(Schema):
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
    email: str
    mailing_address: str
    quality_years: int
    work_history: str
    region_name: str
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


def _person_item(person: Person) -> PersonItem:
    return _build(
        PersonItem, person, region=person.region_id, registered=person.user_id is not None
    )


def _person_out(person: Person, revealed: dict[str, str] | None = None) -> PersonOut:
    revealed = revealed or {}
    return _build(
        PersonOut,
        person,
        region=person.region_id,
        region_name=region_label(person.region_id),
        registered=person.user_id is not None,
        invited_by=person.invited_by.uscc if person.invited_by else None,
        qualifications=[_build(QualificationOut, q) for q in person.qualifications.all()],
        id_number=revealed.get("id_number"),
        mobile=revealed.get("mobile"),
    )


@router.get("/persons", response={200: PersonPage, **ERRORS})
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    qs = selectors.person_list(user=_actor(request), q=filters.q, region=filters.region or "")
    count, items = _page(qs.order_by("name", "pk"), filters)
    return {"count": count, "items": [_person_item(p) for p in items]}


@router.post("/persons/invite", response={201: InviteOut, **ERRORS})
def person_invite(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    data = payload.model_dump(mode="json")
    person, token = services.person_invite(actor=_actor(request), data=data)
    return Status(201, {"person": _person_out(person), "invite_token": token})


@router.get("/persons/{public_id}", response={200: PersonOut, **ERRORS})
def person_detail(request: HttpRequest, public_id: uuid.UUID, unmask: bool = False) -> PersonOut:
    actor = _actor(request)
    person = selectors.person_get(user=actor, public_id=public_id)
    revealed = {}
    if unmask:
        try:
            # visible=True: person_get above has already found the person in the viewer's scope.
            revealed = {
                field: services.personal_reveal(
                    actor=actor, person=person, field=field, visible=True
                )
                for field in ("id_number", "mobile")
            }
        except PermissionDenied:
            revealed = {}  # not allowed: the masked values only, as without ?unmask
    return _person_out(person, revealed)


@router.patch("/persons/{public_id}", response={200: PersonOut, **ERRORS})
def person_update(request: HttpRequest, public_id: uuid.UUID, payload: PersonFields) -> PersonOut:
    actor = _actor(request)
    person = selectors.person_get(user=actor, public_id=public_id)
    data = payload.model_dump(mode="json", exclude_unset=True)
    return _person_out(services.person_update(actor=actor, person=person, data=data))


# Filings (appointments and their 备案) ---------------------------------------------------------


class FilingFields(Schema):
    """The appointment part of Annex A; every field optional, as PATCH takes it."""

    post: str | None = None
    rank: PositionRank | None = None
    concurrent_role: ConcurrentRole | None = None
    appointing_authority: AppointingAuthority | None = None
    selection_method: SelectionMethod | None = None
    assessment_result: str | None = None
    probation_end: dt.date | None = None
    reports_to_top: bool | None = None
    departments_led: list[LedDepartment] | None = None
    duties: str | None = None
    powers: str | None = None
    start_date: dt.date | None = None
    term_end: dt.date | None = None
    form_date: dt.date | None = None
    remarks: str | None = None
    declaration_confirmed: bool | None = Field(
        None, description="单位意见：上述资料属实，同意任命并备案。"
    )


class FilingIn(FilingFields):
    id_number: str = Field(description="ID number the person registered with")
    person_name: str = Field(description="must match the registered name")
    post: str
    rank: PositionRank
    appointing_authority: AppointingAuthority
    selection_method: SelectionMethod
    start_date: dt.date
    reports_to_top: bool = True
    departments_led: list[LedDepartment] = Field(default_factory=list)
    declaration_confirmed: bool = False


class CheckOut(Schema):
    code: str
    label: str
    ok: bool
    severity: Severity
    clause: str
    detail: str


class AuditOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    changes: dict[str, Any]
    note: str


class FilingItem(Schema):
    public_id: uuid.UUID
    status: Appointment.Status
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
    updated_at: dt.datetime


class FilingOut(FilingItem):
    region: str
    concurrent_role: ConcurrentRole | None
    appointing_authority: AppointingAuthority
    selection_method: SelectionMethod
    assessment_result: str
    probation_end: dt.date | None
    reports_to_top: bool
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
    checks: list[CheckOut]
    audit: list[AuditOut]


class FilingPage(Schema):
    count: int
    items: list[FilingItem]


class FilingFilters(PageQuery):
    status: Appointment.Status | None = None
    q: str = Field("", max_length=100, description="person or enterprise name, USCC, filing number")
    region: str | None = Field(None, pattern=REGION_CODE)


class ApproveIn(Schema):
    note: str = Field("", max_length=2000)


class ReturnIn(Schema):
    reason: str = Field(max_length=2000, description="what the enterprise must correct")


class EndIn(Schema):
    ended_on: dt.date
    reason: EndReason
    note: str = Field("", max_length=2000)


class RenewIn(Schema):
    term_end: dt.date
    note: str = Field("", max_length=2000)


def _filing_links(appt: Appointment) -> dict[str, Any]:
    return {
        "enterprise": appt.enterprise.uscc,
        "enterprise_name": appt.enterprise.name,
        "person": appt.person.public_id,
        "person_name": appt.person.name,
    }


def _filing_item(appt: Appointment) -> FilingItem:
    return _build(FilingItem, appt, **_filing_links(appt))


def _filing_out(appt: Appointment) -> FilingOut:
    trail = audit_trail(target_type="appointment", target_id=str(appt.public_id))
    return _build(
        FilingOut,
        appt,
        **_filing_links(appt),
        region=appt.enterprise.region_id,
        concurrent_role=_or_none(appt.concurrent_role),
        end_reason=_or_none(appt.end_reason),
        filing_authority=appt.filing_authority_id,
        filed_by=appt.filed_by.get_username() if appt.filed_by else None,
        checks=[_build(CheckOut, c) for c in services.filing_checks(appt)],
        audit=[_build(AuditOut, e, actor=e.actor_name) for e in trail],
    )


def _filing(request: HttpRequest, public_id: uuid.UUID) -> tuple[User, Appointment]:
    actor = _actor(request)
    return actor, selectors.appointment_get(user=actor, public_id=public_id)


@router.get("/filings", response={200: FilingPage, **ERRORS})
def filing_list(request: HttpRequest, filters: Query[FilingFilters]) -> dict[str, Any]:
    qs = selectors.appointment_list(
        user=_actor(request), status=filters.status or "", q=filters.q, region=filters.region or ""
    )
    count, items = _page(qs.order_by("-updated_at", "-pk"), filters)
    return {"count": count, "items": [_filing_item(a) for a in items]}


@router.post("/filings", response={201: FilingOut, **ERRORS})
def filing_create(request: HttpRequest, payload: FilingIn) -> Status[FilingOut]:
    appt = services.appointment_create(actor=_actor(request), data=payload.model_dump(mode="json"))
    return Status(201, _filing_out(appt))


@router.get("/filings/{public_id}", response={200: FilingOut, **ERRORS})
def filing_detail(request: HttpRequest, public_id: uuid.UUID) -> FilingOut:
    _, appt = _filing(request, public_id)
    return _filing_out(appt)


@router.patch("/filings/{public_id}", response={200: FilingOut, **ERRORS})
def filing_update(request: HttpRequest, public_id: uuid.UUID, payload: FilingFields) -> FilingOut:
    actor, appt = _filing(request, public_id)
    data = payload.model_dump(mode="json", exclude_unset=True)
    return _filing_out(services.appointment_update(actor=actor, appointment=appt, data=data))


@router.post("/filings/{public_id}/submit", response={200: FilingOut, **ERRORS})
def filing_submit(request: HttpRequest, public_id: uuid.UUID) -> FilingOut:
    actor, appt = _filing(request, public_id)
    return _filing_out(services.filing_submit(actor=actor, appointment=appt))


@router.post("/filings/{public_id}/approve", response={200: FilingOut, **ERRORS})
def filing_approve(
    request: HttpRequest, public_id: uuid.UUID, payload: ApproveIn | None = None
) -> FilingOut:
    actor, appt = _filing(request, public_id)
    note = payload.note if payload else ""
    return _filing_out(services.filing_approve(actor=actor, appointment=appt, note=note))


@router.post("/filings/{public_id}/return", response={200: FilingOut, **ERRORS})
def filing_return(request: HttpRequest, public_id: uuid.UUID, payload: ReturnIn) -> FilingOut:
    actor, appt = _filing(request, public_id)
    return _filing_out(services.filing_return(actor=actor, appointment=appt, reason=payload.reason))


@router.post("/filings/{public_id}/end", response={200: FilingOut, **ERRORS})
def filing_end(request: HttpRequest, public_id: uuid.UUID, payload: EndIn) -> FilingOut:
    actor, appt = _filing(request, public_id)
    appt = services.appointment_end(
        actor=actor,
        appointment=appt,
        ended_on=payload.ended_on,
        reason=payload.reason.value,
        note=payload.note,
    )
    return _filing_out(appt)


@router.post("/filings/{public_id}/renew", response={200: FilingOut, **ERRORS})
def filing_renew(request: HttpRequest, public_id: uuid.UUID, payload: RenewIn) -> FilingOut:
    actor, appt = _filing(request, public_id)
    appt = services.appointment_renew(
        actor=actor, appointment=appt, term_end=payload.term_end, note=payload.note
    )
    return _filing_out(appt)
