"""The person's part of a filing: their declarations (level-standard §5.1.5; SPEC §12.11), and a
filing they start themselves where the governing pack allows it (SPEC §12.23), which they hand
to the enterprise; the enterprise confirms it (then submits it as any other) or returns it."""

from __future__ import annotations

import uuid
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from cqo.accounts.api import ERRORS
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.reference.enums import AppointingAuthority, PositionRank, SelectionMethod
from cqo.registry import inputs, services
from cqo.registry.api.common import actor
from cqo.registry.api.filings import _filing, _filing_out
from cqo.registry.api.schemas import FilingFields, FilingOut
from cqo.registry.models import Appointment, Enterprise

router = Router()

Code = Annotated[str, Field(max_length=41, pattern=r"^[a-z][a-z0-9_]{1,40}$")]


class DeclareIn(Schema):
    declarations: list[Code] = Field(
        max_length=50,
        description="codes of the governing pack's declaration conditions the person declares "
        "(every filing: disqualifications, level-standard §5.1.5); the rest are withdrawn",
    )


class PrepareIn(FilingFields):
    """A filing the person starts (SPEC §12.23): the enterprise by USCC and the appointment."""

    # checked by the service (an unknown or malformed one is a 422 on ``uscc``), as the
    # enterprise registration's own body field is
    uscc: str = Field(
        max_length=max_length(Enterprise, "uscc"),
        description="统一社会信用代码 of the enterprise that appoints the person",
    )
    post: str = Field(max_length=max_length(Appointment, "post"))
    rank: PositionRank
    appointing_authority: AppointingAuthority
    selection_method: SelectionMethod
    start_date: dates.EventDate


class ReturnToPersonIn(Schema):
    reason: str = Field(
        max_length=max_length(Appointment, "preparation_note"),
        description="what the person must correct",
    )


def _terms(payload: FilingFields) -> services.AppointmentTerms:
    values = payload.model_dump(mode="json", exclude_unset=True)
    return inputs.of(services.AppointmentTerms, values)


@router.post("/filings/{public_id}/declare", response={200: FilingOut, **ERRORS})
def filing_declare(request: HttpRequest, public_id: uuid.UUID, payload: DeclareIn) -> FilingOut:
    """The person named declares (their own token), e.g. that none of the level-standard §5.1.5
    disqualifications applies; a filing is blocked without it (SPEC §12.11)."""
    user, appt = _filing(request, public_id)
    codes = tuple(payload.declarations)
    return _filing_out(services.appointment_declare(actor=user, appointment=appt, codes=codes))


@router.post("/filings/prepare", response={201: FilingOut, **ERRORS})
def filing_prepare(request: HttpRequest, payload: PrepareIn) -> Status[FilingOut]:
    """A signed-in CQO starts the filing of their appointment (SPEC §12.23); refused where the
    governing pack has the enterprise file (shenzhen-guide §4.7)."""
    terms = _terms(payload)
    appt = services.filing_prepare(actor=actor(request), uscc=payload.uscc, terms=terms)
    return Status(201, _filing_out(appt))


@router.patch("/filings/{public_id}/prepared", response={200: FilingOut, **ERRORS})
def filing_prepared_update(
    request: HttpRequest, public_id: uuid.UUID, payload: FilingFields
) -> FilingOut:
    """The person changes the filing they started while they still hold it."""
    user, appt = _filing(request, public_id)
    appt = services.filing_prepared_update(actor=user, appointment=appt, terms=_terms(payload))
    return _filing_out(appt)


@router.post("/filings/{public_id}/hand-over", response={200: FilingOut, **ERRORS})
def filing_hand_over(request: HttpRequest, public_id: uuid.UUID) -> FilingOut:
    """The person hands the filing to the enterprise (and so confirms the appointment)."""
    user, appt = _filing(request, public_id)
    return _filing_out(services.filing_hand_over(actor=user, appointment=appt))


@router.post("/filings/{public_id}/enterprise-confirm", response={200: FilingOut, **ERRORS})
def filing_enterprise_confirm(request: HttpRequest, public_id: uuid.UUID) -> FilingOut:
    """The enterprise's clerk confirms what the person filled in; then POST …/submit."""
    user, appt = _filing(request, public_id)
    return _filing_out(services.filing_enterprise_confirm(actor=user, appointment=appt))


@router.post("/filings/{public_id}/return-to-person", response={200: FilingOut, **ERRORS})
def filing_return_to_person(
    request: HttpRequest, public_id: uuid.UUID, payload: ReturnToPersonIn
) -> FilingOut:
    """The enterprise's clerk returns the filing to the person with what to correct."""
    user, appt = _filing(request, public_id)
    appt = services.filing_return_to_person(actor=user, appointment=appt, reason=payload.reason)
    return _filing_out(appt)
