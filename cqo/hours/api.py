"""Study hours over the API: an e-learning system (a trainer's token) posts completed online
self-study; viewers read records, compliance and each record's hour proof (SPEC §5;
level-standard §10)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cqo.accounts.api import ERRORS
from cqo.accounts.models import Role
from cqo.hours import rules, selectors, services
from cqo.hours.models import Source, StudyRecord
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.reference import validators
from cqo.reference.apitypes import DecimalText
from cqo.registry.api.common import actor
from cqo.registry.api.schemas import PageQuery
from cqo.registry.models import Person
from cqo.registry.selectors import NO_SUCH_PERSON, person_by_identity

router = Router(tags=["hours"])

KindCode = Literal[
    "online_self_study",
    "offline_training",
    "lecture",
    "academic_exchange",
    "publication",
    "organised_training",
]


class HoursIn(Schema):
    person: uuid.UUID | None = Field(None, description="the person's id (public id)")
    id_number: str | None = Field(
        None,
        max_length=validators.ID_NUMBER_MAX_INPUT,
        description="or ID number …",
    )
    person_name: str | None = Field(
        None,
        max_length=max_length(Person, "name"),
        description="… and name",
    )
    kind: KindCode = "online_self_study"
    hours: Annotated[
        Decimal, Field(ge=0, le=500, max_digits=6, decimal_places=1), DecimalText(6, 1)
    ]
    occurred_on: dates.EventDate
    title: str = Field(max_length=max_length(StudyRecord, "title"))
    provider: str = Field("", max_length=max_length(StudyRecord, "provider"))
    source_ref: str = Field(
        "",
        max_length=max_length(StudyRecord, "source_ref"),
        description="your own record id; a repeat is refused (422)",
    )
    note: str = Field("", max_length=max_length(StudyRecord, "note"))


class RecordOut(Schema):
    id: uuid.UUID
    person: uuid.UUID
    person_name: str
    kind: KindCode
    hours: Decimal
    occurred_on: dt.date
    title: str
    provider: str
    source: str
    source_ref: str
    corrects: uuid.UUID | None
    superseded: bool
    ledger_index: int | None
    entered_at: dt.datetime


class RecordPage(Schema):
    count: int
    items: list[RecordOut]


class RecordFilters(PageQuery):
    person: uuid.UUID | None = None
    year: int | None = Field(None, ge=2000, le=2100)


class RegimeOut(Schema):
    name: str
    clause: str
    required_hours: Decimal | None
    counted_hours: Decimal
    required_activities: int
    counted_activities: int
    in_principle: bool
    met: bool | None
    shortfall: Decimal


class HourComplianceOut(Schema):
    person: uuid.UUID
    person_name: str
    enterprise: str = ""
    year: int
    serving: bool
    exempt: bool
    # whether the pack's yearly minimum binds the person: serving, or prospective where the
    # pack names prospective CQOs (shaanxi-2021 §五(一)), and not exempt
    required: bool = False
    met: bool | None
    status: str
    # the pack's regime first, then level-standard §9.4.1.2 for a certificate holder
    regimes: list[RegimeOut]


class ComplianceQuery(PageQuery):
    year: int = Field(ge=2000, le=2100)
    region: str = Field("", pattern=r"^([0-9]{6})?$")
    short_only: bool = False
    # prospective CQOs where their pack binds them (shaanxi-2021 §五(一) "拟任和现任")
    prospective: bool = False


class CompliancePage(Schema):
    count: int
    items: list[HourComplianceOut]


def record_out(r: StudyRecord, superseded: bool | None = None) -> RecordOut:
    return RecordOut(
        id=r.public_id,
        person=r.person.public_id,
        person_name=r.person.name,
        kind=r.kind,  # type: ignore[arg-type]
        hours=r.hours,
        occurred_on=r.occurred_on,
        title=r.title,
        provider=r.provider,
        source=r.source,
        source_ref=r.source_ref,
        corrects=r.corrects.public_id if r.corrects else None,
        superseded=bool(getattr(r, "superseded", False) if superseded is None else superseded),
        ledger_index=r.ledger_index,
        entered_at=r.created_at,
    )


def compliance_out(person: Person, c: rules.Compliance, enterprise: str = "") -> HourComplianceOut:
    return HourComplianceOut(
        person=person.public_id,
        person_name=person.name,
        enterprise=enterprise,
        year=c.year,
        serving=c.serving,
        exempt=c.exempt,
        required=c.required,
        met=c.met,
        status=rules.status_label(c),
        regimes=[
            RegimeOut(
                name=g.name,
                clause=g.clause,
                required_hours=g.required_hours,
                counted_hours=g.counted_hours,
                required_activities=g.required_activities,
                counted_activities=g.counted_activities,
                in_principle=g.in_principle,
                met=g.met,
                shortfall=g.shortfall,
            )
            for g in c.regimes
        ],
    )


def find_person(user: Any, body: HoursIn, source: str) -> Person:
    """By public id, or by ID number and name, among the persons ``user`` may record hours for:
    an unknown person, a wrong name and a person the caller may not record for all get the
    same 422 (no identity oracle; registry.selectors.person_by_identity)."""
    among = services.recordable_q(user, source)
    if body.person is not None:
        person = Person.objects.filter(among, public_id=body.person).first()
        if person is None:
            raise ValidationError({"person": str(NO_SUCH_PERSON)})
        return person
    if not body.id_number or not body.person_name:
        raise ValidationError({"person": "give person, or id_number and person_name"})
    try:
        facts = validators.validate_id_number(body.id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    person = person_by_identity(id_number=facts.number, name=body.person_name, among=among)
    if person is None:
        raise ValidationError({"id_number": str(NO_SUCH_PERSON)})
    return person


@router.post("/hours", response={201: RecordOut, **ERRORS}, summary="Report study hours")
def hours_create(request: HttpRequest, body: HoursIn) -> Status[RecordOut]:
    user = actor(request)
    source = Source.API if user.role in (Role.TRAINER, Role.CERTIFIER) else Source.ACTIVITY
    person = find_person(user, body, source)
    record = services.record_create(
        actor=user,
        person=person,
        kind=body.kind,
        hours=body.hours,
        occurred_on=body.occurred_on,
        title=body.title,
        source=source,
        provider=body.provider or user.organisation,
        source_ref=body.source_ref,
        note=body.note,
    )
    return Status(201, record_out(record, superseded=False))


@router.get("/hours", response={200: RecordPage, **ERRORS}, summary="Study records in scope")
def hours_list(request: HttpRequest, filters: Query[RecordFilters]) -> dict[str, Any]:
    user = actor(request)
    qs = selectors.record_list(user=user, year=filters.year)
    if filters.person is not None:
        # by the person's id among the records in scope: an unknown person and one outside
        # the caller's scope both give an empty page, so the answer tells nothing of either
        qs = qs.filter(person__public_id=filters.person)
    qs = qs.order_by("-occurred_on", "-pk")
    count = qs.count()
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": count, "items": [record_out(r) for r in items]}


@router.get(
    "/hours/compliance",
    response={200: CompliancePage, **ERRORS},
    summary="Serving (and, with prospective, bound prospective) CQOs' yearly compliance",
)
def hours_compliance(request: HttpRequest, query: Query[ComplianceQuery]) -> dict[str, Any]:
    user = actor(request)
    rows = selectors.compliance_rows(
        user=user,
        year=query.year,
        region=query.region,
        short_only=query.short_only,
        prospective=query.prospective,
    )
    page = rows[query.offset : query.offset + query.limit]
    return {
        "count": len(rows),
        "items": [compliance_out(r.person, r.compliance, r.enterprise) for r in page],
    }


@router.get("/hours/{record_id}", response={200: RecordOut, **ERRORS}, summary="One record")
def hours_get(request: HttpRequest, record_id: uuid.UUID) -> RecordOut:
    record = selectors.record_get(user=actor(request), public_id=record_id)
    superseded = StudyRecord.objects.filter(corrects=record).exists()
    return record_out(record, superseded=superseded)


@router.get(
    "/hours/{record_id}/proof",
    response={200: dict[str, Any], **ERRORS},
    summary="The hour proof bundle: leaf, inclusion proof, signed checkpoint and opening",
)
def hours_proof(request: HttpRequest, record_id: uuid.UUID) -> dict[str, Any]:
    record = selectors.record_get(user=actor(request), public_id=record_id)
    return services.proof_bundle(record)


@router.get(
    "/persons/{person_id}/compliance",
    response={200: HourComplianceOut, **ERRORS},
    summary="One person's study-hour compliance for a year",
)
def person_compliance(
    request: HttpRequest, person_id: uuid.UUID, year: int = Query(..., ge=2000, le=2100)
) -> HourComplianceOut:
    from cqo.registry import selectors as registry

    person = registry.person_get(user=actor(request), public_id=person_id)
    return compliance_out(person, selectors.compliance_for(person, year))
