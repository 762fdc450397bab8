"""Enrolment, attendance and results (SPEC §5)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.registry.api.common import actor, page
from cqo.registry.api.schemas import PageQuery
from cqo.training import selectors, services
from cqo.training.api.outputs import enrolment_out
from cqo.training.api.schemas import (
    EnrolIn,
    EnrolmentOut,
    EnrolmentPage,
    ResultIn,
    SessionAttendanceIn,
)
from cqo.training.models import (
    Enrolment,
)

router = Router()


# Enrolment, attendance, results ---------------------------------------------------------------


@router.get("/training/sessions/{session_id}/enrolments", response={200: EnrolmentPage, **ERRORS})
def enrolment_list(
    request: HttpRequest, session_id: uuid.UUID, filters: Query[PageQuery]
) -> dict[str, Any]:
    """The session's enrolment list (a CQO sees only their own enrolment)."""
    user = actor(request)
    session = selectors.session_get(user=user, public_id=session_id)
    qs = selectors.roster(user=user, session=session)
    count, items = page(qs.select_related("session"), filters)
    return {"count": count, "items": [enrolment_out(e) for e in items]}


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
            actor=user,
            session=session,
            id_number=payload.id_number or "",
            person_name=payload.person_name or "",
        )
    return Status(201, enrolment_out(enrolment))


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
    return enrolment_out(enrolment)


@router.post("/training/enrolments/{enrolment_id}/result", response={200: EnrolmentOut, **ERRORS})
def result_mark(request: HttpRequest, enrolment_id: uuid.UUID, payload: ResultIn) -> EnrolmentOut:
    user, enrolment = _enrolment(request, enrolment_id)
    enrolment = services.result_mark(actor=user, enrolment=enrolment, score=payload.score)
    return enrolment_out(enrolment)
