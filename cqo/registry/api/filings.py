"""Filings: appointments and their 备案, addressed by UUID, through the workflow draft → submitted
→ filed (or returned) → ended (SPEC §3), and the printed Annex A form."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Status

from cqo.accounts import access
from cqo.accounts.api import ERRORS
from cqo.accounts.models import User
from cqo.audit.selectors import audit_trail
from cqo.registry import inputs, printing, selectors, services
from cqo.registry.api.common import actor, build, or_none, page
from cqo.registry.api.schemas import (
    ApproveIn,
    AuditOut,
    CheckOut,
    EligibilityOut,
    EndIn,
    FilingFields,
    FilingFilters,
    FilingIn,
    FilingItem,
    FilingOut,
    FilingPage,
    RenewIn,
    ReturnIn,
)
from cqo.registry.models import Appointment

router = Router()


def _filing_links(appt: Appointment) -> dict[str, Any]:
    return {
        "enterprise": appt.enterprise.uscc,
        "enterprise_name": appt.enterprise.name,
        "person": appt.person.public_id,
        "person_name": appt.person.name,
    }


def filing_item(appt: Appointment) -> FilingItem:
    return build(FilingItem, appt, **_filing_links(appt))


def _filing_out(appt: Appointment) -> FilingOut:
    trail = audit_trail(target_type="appointment", target_id=str(appt.public_id))
    return build(
        FilingOut,
        appt,
        **_filing_links(appt),
        region=appt.enterprise.region_id,
        concurrent_role=or_none(appt.concurrent_role),
        appointing_authority=or_none(appt.appointing_authority),
        selection_method=or_none(appt.selection_method),
        treatment=or_none(appt.treatment),
        end_reason=or_none(appt.end_reason),
        filing_authority=appt.filing_authority_id,
        filed_by=appt.filed_by.get_username() if appt.filed_by else None,
        # a migrated filing was neither checked nor evaluated on the platform
        checks=[] if appt.migrated else [build(CheckOut, c) for c in selectors.filing_checks(appt)],
        eligibility=None
        if appt.migrated
        else EligibilityOut.model_validate(selectors.eligibility_view(appt)),
        route=selectors.filing_route(appt).label
        if appt.status == Appointment.Status.SUBMITTED
        else None,
        audit=[build(AuditOut, e, actor=e.actor_name) for e in trail],
    )


def _filing(request: HttpRequest, public_id: uuid.UUID) -> tuple[User, Appointment]:
    user = actor(request)
    return user, selectors.appointment_get(user=user, public_id=public_id)


@router.get("/filings", response={200: FilingPage, **ERRORS})
def filing_list(request: HttpRequest, filters: Query[FilingFilters]) -> dict[str, Any]:
    qs = selectors.appointment_list(
        user=actor(request), status=filters.status or "", q=filters.q, region=filters.region or ""
    )
    count, items = page(qs.order_by("-updated_at", "-pk"), filters)
    return {"count": count, "items": [filing_item(a) for a in items]}


@router.post("/filings", response={201: FilingOut, **ERRORS})
def filing_create(request: HttpRequest, payload: FilingIn) -> Status[FilingOut]:
    terms = inputs.of(services.AppointmentTerms, payload.model_dump(mode="json"))
    appt = services.appointment_create(actor=actor(request), terms=terms)
    return Status(201, _filing_out(appt))


@router.get("/filings/{public_id}", response={200: FilingOut, **ERRORS})
def filing_detail(request: HttpRequest, public_id: uuid.UUID) -> FilingOut:
    _, appt = _filing(request, public_id)
    return _filing_out(appt)


@router.patch("/filings/{public_id}", response={200: FilingOut, **ERRORS})
def filing_update(request: HttpRequest, public_id: uuid.UUID, payload: FilingFields) -> FilingOut:
    user, appt = _filing(request, public_id)
    terms = inputs.of(
        services.AppointmentTerms, payload.model_dump(mode="json", exclude_unset=True)
    )
    return _filing_out(services.appointment_update(actor=user, appointment=appt, terms=terms))


@router.post("/filings/{public_id}/submit", response={200: FilingOut, **ERRORS})
def filing_submit(request: HttpRequest, public_id: uuid.UUID) -> FilingOut:
    user, appt = _filing(request, public_id)
    return _filing_out(services.filing_submit(actor=user, appointment=appt))


@router.post("/filings/{public_id}/confirm", response={200: FilingOut, **ERRORS})
def filing_confirm(request: HttpRequest, public_id: uuid.UUID) -> FilingOut:
    """The person named confirms the appointment (their own token); until then the enterprise
    sees none of their contact data (SPEC §12.23)."""
    user, appt = _filing(request, public_id)
    return _filing_out(services.appointment_confirm(actor=user, appointment=appt))


@router.post("/filings/{public_id}/approve", response={200: FilingOut, **ERRORS})
def filing_approve(
    request: HttpRequest, public_id: uuid.UUID, payload: ApproveIn | None = None
) -> FilingOut:
    user, appt = _filing(request, public_id)
    note = payload.note if payload else ""
    return _filing_out(services.filing_approve(actor=user, appointment=appt, note=note))


@router.post("/filings/{public_id}/return", response={200: FilingOut, **ERRORS})
def filing_return(request: HttpRequest, public_id: uuid.UUID, payload: ReturnIn) -> FilingOut:
    user, appt = _filing(request, public_id)
    return _filing_out(services.filing_return(actor=user, appointment=appt, reason=payload.reason))


@router.post("/filings/{public_id}/end", response={200: FilingOut, **ERRORS})
def filing_end(request: HttpRequest, public_id: uuid.UUID, payload: EndIn) -> FilingOut:
    user, appt = _filing(request, public_id)
    appt = services.appointment_end(
        actor=user,
        appointment=appt,
        ended_on=payload.ended_on,
        reason=payload.reason.value,
        note=payload.note,
    )
    return _filing_out(appt)


@router.post("/filings/{public_id}/renew", response={200: FilingOut, **ERRORS})
def filing_renew(request: HttpRequest, public_id: uuid.UUID, payload: RenewIn) -> FilingOut:
    user, appt = _filing(request, public_id)
    appt = services.appointment_renew(
        actor=user, appointment=appt, term_end=payload.term_end, note=payload.note
    )
    return _filing_out(appt)


@router.get(
    "/filings/{public_id}/form.pdf",
    response=ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "表 A.1 企业首席质量官备案登记表 (shenzhen-guide Annex A), A4 PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def filing_form(request: HttpRequest, public_id: uuid.UUID, full: bool = False) -> HttpResponse:
    """The filing form as printed. Personal numbers are masked; ``?full=true`` prints them in
    full for a viewer allowed to see them (and masked for anyone else), and each such print is
    logged like any other unmasking (SPEC §10)."""
    user, appt = _filing(request, public_id)
    if appt.migrated:  # filed before the platform: the paper filing is the record
        raise Http404
    unmasked = full and access.can_reveal_personal(user, appt.person, visible=True)
    contact = access.can_see_contact(user, appt.person)
    if unmasked:
        # The form prints both numbers, so both views are logged, as GET /persons/{id} does.
        for field in ("id_number", "mobile"):
            services.personal_reveal(actor=user, person=appt.person, field=field, visible=True)
    response = HttpResponse(
        printing.render_filing_form(appt, unmasked=unmasked, contact=contact),
        content_type="application/pdf",
    )
    name = appt.filing_number or str(appt.public_id)[:8]
    response["Content-Disposition"] = f'inline; filename="filing-{name}.pdf"'
    return response
