"""Events, registrations and attendance over the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.community import selectors, services
from cqo.community.api.converters import (
    _paged,
    event_out,
    registration_out,
)
from cqo.community.api.schemas import (
    UUID,
    AttendanceOut,
    EventAttendanceIn,
    EventIn,
    EventOut,
    EventPage,
    ReasonIn,
    RegistrationOut,
    SearchQuery,
)
from cqo.registry.api.common import actor

router = Router()

# Events ---------------------------------------------------------------------------------------


@router.get("/community/events", response={200: EventPage, **ERRORS})
def events(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    return _paged(selectors.event_list(user=actor(request), q=query.q), query, event_out)


@router.post("/community/alliances/{alliance_id}/events", response={201: EventOut, **ERRORS})
def event_create(request: HttpRequest, alliance_id: UUID, body: EventIn) -> Status[EventOut]:
    user = actor(request)
    a = selectors.alliance_get(user=user, public_id=alliance_id)
    terms = services.EventTerms(
        kind=body.kind,
        title=body.title,
        venue=body.venue,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        counts_hours=body.counts_hours,
        hours=body.hours,
        description=body.description,
    )
    return Status(201, event_out(services.event_create(actor=user, alliance=a, terms=terms)))


@router.get("/community/events/{event_id}", response={200: EventOut, **ERRORS})
def event_detail(request: HttpRequest, event_id: UUID) -> EventOut:
    return event_out(selectors.event_get(user=actor(request), public_id=event_id))


@router.post("/community/events/{event_id}/register", response={201: RegistrationOut, **ERRORS})
def event_register(request: HttpRequest, event_id: UUID) -> Status[RegistrationOut]:
    user = actor(request)
    e = selectors.event_get(user=user, public_id=event_id)
    return Status(201, registration_out(services.registration_create(actor=user, event=e)))


@router.post(
    "/community/registrations/{registration_id}/cancel", response={200: RegistrationOut, **ERRORS}
)
def registration_cancel(request: HttpRequest, registration_id: UUID) -> RegistrationOut:
    user = actor(request)
    r = selectors.registration_get(user=user, public_id=registration_id)
    return registration_out(services.registration_cancel(actor=user, registration=r))


@router.get(
    "/community/events/{event_id}/registrations", response={200: list[RegistrationOut], **ERRORS}
)
def event_registrations(request: HttpRequest, event_id: UUID) -> list[RegistrationOut]:
    """The organiser's list; a CQO gets their own registration only."""
    user = actor(request)
    e = selectors.event_get(user=user, public_id=event_id)
    return [registration_out(r) for r in selectors.registrations_seen(user, e)]


@router.post("/community/events/{event_id}/attendance", response={200: AttendanceOut, **ERRORS})
def event_attendance(
    request: HttpRequest, event_id: UUID, body: EventAttendanceIn
) -> AttendanceOut:
    """Mark who attended (the rest are absent); counts as 学时 when the event says so."""
    user = actor(request)
    e = selectors.event_get(user=user, public_id=event_id)
    counts = services.attendance_record(
        actor=user, event=e, attended=[str(x) for x in body.attended]
    )
    return AttendanceOut(**counts)


@router.post("/community/events/{event_id}/cancel", response={200: EventOut, **ERRORS})
def event_cancel(request: HttpRequest, event_id: UUID, body: ReasonIn) -> EventOut:
    user = actor(request)
    e = selectors.event_get(user=user, public_id=event_id)
    return event_out(services.event_cancel(actor=user, event=e, reason=body.reason))
