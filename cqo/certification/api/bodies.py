"""Certification bodies, their staff logins and experts (platform admin; level-standard §7)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from cqo.accounts.api import ERRORS
from cqo.certification import selectors, services
from cqo.certification.api.outputs import body_out
from cqo.certification.api.schemas import BodyIn, BodyOut, ExpertIn, MemberIn
from cqo.registry.api.common import actor

router = Router()


# Bodies -------------------------------------------------------------------------------------


@router.get("/certification/bodies", response={200: list[BodyOut], **ERRORS})
def body_list(request: HttpRequest) -> list[BodyOut]:
    return [body_out(b) for b in selectors.body_list(user=actor(request))[:200]]


def body_terms(payload: BodyIn) -> services.BodyTerms:
    return services.BodyTerms(
        code=payload.code,
        name=payload.name,
        uscc=payload.uscc,
        legal_representative=payload.legal_representative,
        kind=str(payload.kind),
        authorising_body=payload.authorising_body,
        authorising_document=payload.authorising_document,
        supervising_authority=payload.supervising_authority,
        supervising_region=payload.supervising_region,
        premises=payload.premises,
        resources=payload.resources,
        pack_slug=payload.pack_slug,
        active=payload.active,
    )


@router.post("/certification/bodies", response={201: BodyOut, **ERRORS})
def body_create(request: HttpRequest, payload: BodyIn) -> Status[BodyOut]:
    """Platform admin only (403 otherwise)."""
    body = services.body_create(actor=actor(request), terms=body_terms(payload))
    return Status(201, body_out(body))


@router.get("/certification/bodies/{body_id}", response={200: BodyOut, **ERRORS})
def body_detail(request: HttpRequest, body_id: uuid.UUID) -> BodyOut:
    return body_out(selectors.body_get(user=actor(request), public_id=body_id))


@router.put("/certification/bodies/{body_id}", response={200: BodyOut, **ERRORS})
def body_update(request: HttpRequest, body_id: uuid.UUID, payload: BodyIn) -> BodyOut:
    user = actor(request)
    body = selectors.body_get(user=user, public_id=body_id)
    return body_out(services.body_update(actor=user, body=body, terms=body_terms(payload)))


@router.post("/certification/bodies/{body_id}/members", response={201: BodyOut, **ERRORS})
def member_add(request: HttpRequest, body_id: uuid.UUID, payload: MemberIn) -> Status[BodyOut]:
    user = actor(request)
    body = selectors.body_get(user=user, public_id=body_id)
    services.member_add(actor=user, body=body, username=payload.username)
    return Status(201, body_out(body))


@router.post("/certification/bodies/{body_id}/experts", response={201: BodyOut, **ERRORS})
def expert_add(request: HttpRequest, body_id: uuid.UUID, payload: ExpertIn) -> Status[BodyOut]:
    user = actor(request)
    body = selectors.body_get(user=user, public_id=body_id)
    services.expert_create(
        actor=user,
        body=body,
        terms=services.ExpertTerms(
            name=payload.name,
            title=payload.title,
            speciality=payload.speciality,
            employer=payload.employer,
            active=payload.active,
        ),
        username=payload.username,
    )
    return Status(201, body_out(body))
