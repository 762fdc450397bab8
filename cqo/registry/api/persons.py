"""Persons (备案人), addressed by UUID: registration, invitation and claim, profile (SPEC §3).

Personal numbers go out masked unless ``?unmask=true`` is asked for and allowed; each unmasked
view is logged by ``services.personal_reveal`` (SPEC §10).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Status

from cqo.accounts import access, throttle
from cqo.accounts.api import ERRORS, ErrorOut
from cqo.accounts.models import User
from cqo.reference.selectors import region_label
from cqo.registry import inputs, selectors, services
from cqo.registry.api.common import actor, build, page
from cqo.registry.api.schemas import (
    AccountOut,
    ClaimIn,
    InviteOut,
    PersonFields,
    PersonFilters,
    PersonIn,
    PersonItem,
    PersonOut,
    PersonPage,
    QualificationOut,
    RegisterIn,
    RegisterOut,
)
from cqo.registry.models import Person

router = Router()


def _person_item(person: Person) -> PersonItem:
    return build(PersonItem, person, region=person.region_id, registered=person.user_id is not None)


def _person_out(person: Person, user: User, revealed: dict[str, str] | None = None) -> PersonOut:
    revealed = revealed or {}
    contact = access.can_see_contact(user, person)
    return build(
        PersonOut,
        person,
        contact_visible=contact,
        email=person.email if contact else "",
        mailing_address=person.mailing_address if contact else "",
        region=person.region_id,
        region_name=region_label(person.region_id),
        registered=person.user_id is not None,
        invited_by=person.invited_by.uscc if person.invited_by else None,
        qualifications=[build(QualificationOut, q) for q in person.qualifications.all()],
        id_number=revealed.get("id_number"),
        mobile=revealed.get("mobile"),
    )


@router.post("/register", auth=None, response={201: RegisterOut, 422: ErrorOut, 429: ErrorOut})
def person_register(request: HttpRequest, payload: RegisterIn) -> Status[Any]:
    """线上注册 (shaanxi-2021 §五(一)): anyone may register as a serving or prospective CQO and
    then sign in with ``POST /auth/token``. The enterprise's clerk files the appointment.
    429 when this address has registered ``CQO_REGISTER_PER_HOUR`` accounts within the hour."""
    refused = throttle.registration_refused(request)
    if refused is not None:
        return Status(429, {"detail": [{"field": "__all__", "message": refused}]})
    user, person = services.person_register(
        details=inputs.of(services.PersonDetails, payload.model_dump(mode="json"))
    )
    throttle.registration_counted(request)
    return Status(201, RegisterOut(username=user.username, person=_person_out(person, user)))


@router.get("/persons", response={200: PersonPage, **ERRORS})
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    qs = selectors.person_list(user=actor(request), q=filters.q, region=filters.region or "")
    count, items = page(qs.order_by("name", "pk"), filters)
    return {"count": count, "items": [_person_item(p) for p in items]}


@router.post("/persons/invite", response={201: InviteOut, **ERRORS})
def person_invite(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    details = inputs.of(services.PersonDetails, payload.model_dump(mode="json"))
    user = actor(request)
    person, token = services.person_invite(actor=user, details=details)
    return Status(201, {"person": _person_out(person, user), "invite_token": token})


# Declared before /persons/{public_id}: the first matching path wins, and "claim" would
# otherwise be taken for a public id.
@router.post("/persons/claim", auth=None, response={201: AccountOut, 422: ErrorOut})
def person_claim(request: HttpRequest, payload: ClaimIn) -> Status[AccountOut]:
    """The invited person takes over the profile the clerk recorded; the token works once."""
    user = services.person_claim(
        token=payload.token,
        username=payload.username,
        password=payload.password,
        id_number=payload.id_number,
    )
    return Status(201, AccountOut(username=user.username))


@router.get("/persons/{public_id}", response={200: PersonOut, **ERRORS})
def person_detail(request: HttpRequest, public_id: uuid.UUID, unmask: bool = False) -> PersonOut:
    user = actor(request)
    person = selectors.person_get(user=user, public_id=public_id)
    revealed = {}
    if unmask:
        try:
            # visible=True: person_get above has already found the person in the viewer's scope.
            revealed = {
                field: services.personal_reveal(
                    actor=user, person=person, field=field, visible=True
                )
                for field in ("id_number", "mobile")
            }
        except PermissionDenied:
            revealed = {}  # not allowed: the masked values only, as without ?unmask
    return _person_out(person, user, revealed)


@router.patch("/persons/{public_id}", response={200: PersonOut, **ERRORS})
def person_update(request: HttpRequest, public_id: uuid.UUID, payload: PersonFields) -> PersonOut:
    user = actor(request)
    person = selectors.person_get(user=user, public_id=public_id)
    details = inputs.of(services.PersonDetails, payload.model_dump(mode="json", exclude_unset=True))
    return _person_out(services.person_update(actor=user, person=person, details=details), user)
