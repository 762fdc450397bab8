"""Courses and their sessions (SPEC §5)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.registry.api.common import actor, page
from cqo.training import selectors, services
from cqo.training.api.outputs import course_out, session_out
from cqo.training.api.schemas import (
    CourseFilters,
    CourseIn,
    CourseOut,
    CoursePage,
    SessionFilters,
    SessionIn,
    SessionOut,
    SessionPage,
    StatusIn,
)

router = Router()


# Courses and sessions -------------------------------------------------------------------------


@router.get("/training/courses", response={200: CoursePage, **ERRORS})
def course_list(request: HttpRequest, filters: Query[CourseFilters]) -> dict[str, Any]:
    user = actor(request)
    qs = selectors.course_list(
        user=user, q=filters.q.strip(), tier=filters.tier or "", region=filters.region or ""
    )
    count, items = page(qs.order_by("-created_at", "-pk"), filters)
    return {"count": count, "items": [course_out(user, c, with_sessions=False) for c in items]}


def course_terms(payload: CourseIn) -> services.CourseTerms:
    return services.CourseTerms(
        title=payload.title,
        tier=payload.tier,
        region=payload.region or "",
        forms=tuple(str(f) for f in payload.forms),
        hours=payload.hours,
        method=str(payload.method),
        pass_mark=payload.pass_mark,
        min_attendance=payload.min_attendance,
        plan=str(payload.plan) if payload.plan else "",
        institution=payload.institution or "",
        description=payload.description,
    )


@router.post("/training/courses", response={201: CourseOut, **ERRORS})
def course_create(request: HttpRequest, payload: CourseIn) -> Status[CourseOut]:
    """A regulator (at the tier's organising level or above, in its region), a certification
    body or a training institution opens a course."""
    user = actor(request)
    course = services.course_create(actor=user, terms=course_terms(payload))
    return Status(201, course_out(user, course))


@router.get("/training/courses/{course_id}", response={200: CourseOut, **ERRORS})
def course_detail(request: HttpRequest, course_id: uuid.UUID) -> CourseOut:
    user = actor(request)
    return course_out(user, selectors.course_get(user=user, public_id=course_id))


@router.post("/training/courses/{course_id}/sessions", response={201: SessionOut, **ERRORS})
def session_create(
    request: HttpRequest, course_id: uuid.UUID, payload: SessionIn
) -> Status[SessionOut]:
    user = actor(request)
    course = selectors.course_get(user=user, public_id=course_id)
    session = services.session_create(
        actor=user,
        course=course,
        terms=services.SessionTerms(
            start_date=payload.start_date,
            end_date=payload.end_date,
            place=payload.place,
            capacity=payload.capacity,
        ),
    )
    return Status(201, session_out(session))


@router.get("/training/sessions", response={200: SessionPage, **ERRORS})
def session_list(request: HttpRequest, filters: Query[SessionFilters]) -> dict[str, Any]:
    """Sessions in scope; a CQO sees the open sessions serving their region and their own."""
    user = actor(request)
    course = None
    if filters.course is not None:
        course = selectors.course_get(user=user, public_id=filters.course)
    qs = selectors.session_list(
        user=user, course=course, status=filters.status or "", q=filters.q.strip()
    )
    count, items = page(qs.order_by("-start_date", "-pk"), filters)
    return {"count": count, "items": [session_out(s) for s in items]}


@router.get("/training/sessions/{session_id}", response={200: SessionOut, **ERRORS})
def session_detail(request: HttpRequest, session_id: uuid.UUID) -> SessionOut:
    return session_out(selectors.session_get(user=actor(request), public_id=session_id))


@router.post("/training/sessions/{session_id}/status", response={200: SessionOut, **ERRORS})
def session_status(request: HttpRequest, session_id: uuid.UUID, payload: StatusIn) -> SessionOut:
    """open ⇄ closed; held once the session has ended (final)."""
    user = actor(request)
    session = selectors.session_get(user=user, public_id=session_id)
    session = services.session_set_status(actor=user, session=session, status=payload.status)
    return session_out(session)
