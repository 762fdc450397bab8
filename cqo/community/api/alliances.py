"""Alliances and membership over the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.community import selectors, services
from cqo.community.api.converters import (
    _paged,
    alliance_out,
    membership_out,
)
from cqo.community.api.schemas import (
    UUID,
    AllianceIn,
    AllianceOut,
    AlliancePage,
    ApplyIn,
    MemberQuery,
    MembershipDecisionIn,
    MembershipOut,
    MembershipPage,
    RoleIn,
    SearchQuery,
)
from cqo.registry.api.common import actor

router = Router()

# Alliances ------------------------------------------------------------------------------------


@router.get("/community/alliances", response={200: AlliancePage, **ERRORS})
def alliances(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    """Alliances and homes inside the caller's scope."""
    return _paged(selectors.alliance_list(user=actor(request), q=query.q), query, alliance_out)


@router.post("/community/alliances", response={201: AllianceOut, **ERRORS})
def alliance_create(request: HttpRequest, body: AllianceIn) -> Status[AllianceOut]:
    """A regulator sets up an alliance for its region or one below."""
    a = services.alliance_create(
        actor=actor(request),
        name=body.name,
        kind=body.kind,
        region=body.region,
        description=body.description,
    )
    return Status(201, alliance_out(a))


@router.get("/community/alliances/{alliance_id}", response={200: AllianceOut, **ERRORS})
def alliance_detail(request: HttpRequest, alliance_id: UUID) -> AllianceOut:
    return alliance_out(selectors.alliance_get(user=actor(request), public_id=alliance_id))


@router.post("/community/alliances/{alliance_id}/join", response={201: MembershipOut, **ERRORS})
def alliance_join(request: HttpRequest, alliance_id: UUID, body: ApplyIn) -> Status[MembershipOut]:
    """A CQO applies to join; the managing regulator decides."""
    user = actor(request)
    a = selectors.alliance_get(user=user, public_id=alliance_id)
    m = services.membership_apply(actor=user, alliance=a, statement=body.statement)
    return Status(201, membership_out(m))


@router.get("/community/alliances/{alliance_id}/members", response={200: MembershipPage, **ERRORS})
def alliance_members(
    request: HttpRequest, alliance_id: UUID, query: Query[MemberQuery]
) -> dict[str, Any]:
    """The member directory (members and managers): name, enterprise and office only."""
    user = actor(request)
    a = selectors.alliance_get(user=user, public_id=alliance_id)
    qs = selectors.member_list(user=user, alliance=a, q=query.q, state=query.state)
    return _paged(qs, query, membership_out)


@router.post(
    "/community/memberships/{membership_id}/decide", response={200: MembershipOut, **ERRORS}
)
def membership_decide(
    request: HttpRequest, membership_id: UUID, body: MembershipDecisionIn
) -> MembershipOut:
    user = actor(request)
    m = selectors.membership_get(user=user, public_id=membership_id)
    return membership_out(
        services.membership_decide(actor=user, membership=m, approve=body.approve, note=body.note)
    )


@router.post("/community/memberships/{membership_id}/role", response={200: MembershipOut, **ERRORS})
def membership_role(request: HttpRequest, membership_id: UUID, body: RoleIn) -> MembershipOut:
    user = actor(request)
    m = selectors.membership_get(user=user, public_id=membership_id)
    return membership_out(
        services.membership_set_role(
            actor=user, membership=m, role=body.role, officer_title=body.officer_title
        )
    )


@router.post(
    "/community/memberships/{membership_id}/leave", response={200: MembershipOut, **ERRORS}
)
def membership_leave(request: HttpRequest, membership_id: UUID) -> MembershipOut:
    user = actor(request)
    m = selectors.membership_get(user=user, public_id=membership_id)
    return membership_out(services.membership_leave(actor=user, membership=m))
