"""Reading alliances, their members and a CQO's own community panel, inside the viewer's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.community.models import Alliance, Membership, Registration, Submission
from cqo.community.selectors.scope import (
    NOTHING,
    PublicId,
    authed,
    body_scope,
    can_manage,
    get_by_public_id,
    home_regions,
    person_of,
)
from cqo.registry.models import Appointment, Person

MEMBER_STATES = ("approved", "pending", "rejected", "left")


def alliance_q(user: User) -> Q:
    if not authed(user):
        return NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        return access.region_q(user, "region")
    if user.role in (Role.CQO, Role.ENTERPRISE):
        return Q(region_id__in=home_regions(user))
    # a certification body's staff organise exchange events (level-standard §11)
    if (scope := body_scope(user)) is not None:
        return access.region_q(scope, "region")
    return NOTHING


def alliance_list(*, user: User, q: str = "") -> QuerySet[Alliance]:
    qs = Alliance.objects.filter(alliance_q(user)).select_related("region")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(region__name__contains=q))
    return qs.annotate(
        member_count=Count("memberships", filter=Q(memberships__state="approved"), distinct=True)
    ).order_by("region_id", "name", "pk")


def alliance_get(*, user: User, public_id: PublicId) -> Alliance:
    alliance = get_by_public_id(Alliance, public_id, "region")
    if not Alliance.objects.filter(alliance_q(user), pk=alliance.pk).exists():
        raise Http404
    return alliance


def membership_of(user: User, alliance: Alliance) -> Membership | None:
    """The user's open (pending or approved) membership, if any."""
    person = person_of(user)
    if person is None:
        return None
    return (
        Membership.objects.filter(
            alliance=alliance, person=person, state__in=["pending", "approved"]
        )
        .order_by("-pk")
        .first()
    )


def is_member(user: User, alliance: Alliance) -> bool:
    m = membership_of(user, alliance)
    return m is not None and m.state == Membership.State.APPROVED


def is_officer(user: User, alliance: Alliance) -> bool:
    m = membership_of(user, alliance)
    return m is not None and m.state == Membership.State.APPROVED and m.role == "officer"


def can_organise(user: User, alliance: Alliance) -> bool:
    """Who may publish and run the alliance's exchange events: its managing regulators, its
    officers (shaanxi-2021 §五(三) 推动建立“首席质量官联盟”“首席质量官之家”等自治活动…举办
    首席质量官沙龙; jiangsu-2020 §七 支持其开展质量论坛、经验分享等交流活动), and the staff of a
    certification body whose region holds the alliance's (level-standard §11 认定主体宜组织开展
    首席质量官经验交流活动)."""
    if not authed(user):
        return False
    if can_manage(user, alliance.region):
        return True
    scope = body_scope(user)
    if scope is not None:
        return access.region_contains(scope, alliance.region)
    return user.role == Role.CQO and is_officer(user, alliance)


def can_moderate(user: User, alliance: Alliance) -> bool:
    """The alliance's officers moderate its space; its managing regulators may too."""
    return is_officer(user, alliance) or can_manage(user, alliance.region)


def can_read_space(user: User, alliance: Alliance) -> bool:
    """The exchange space is for members; the managing regulators read it too."""
    return is_member(user, alliance) or can_manage(user, alliance.region)


def member_list(
    *, user: User, alliance: Alliance, q: str = "", state: str = "approved"
) -> QuerySet[Membership]:
    """The member directory: members and managers only; name and enterprise, nothing else."""
    if not (can_read_space(user, alliance)):
        raise Http404
    qs = Membership.objects.filter(alliance=alliance).select_related("person", "decided_by")
    if state and (state == "approved" or can_manage(user, alliance.region)):
        qs = qs.filter(state=state)
    elif not can_manage(user, alliance.region):
        qs = qs.filter(state="approved")
    if q:
        qs = qs.filter(person__name__contains=q)
    return qs.order_by("-role", "person__name", "pk")


def member_state(raw: str) -> str:
    """The directory's state filter from the query string; anything else shows the members."""
    return raw if raw in MEMBER_STATES else "approved"


def officers(alliance: Alliance) -> QuerySet[Membership]:
    return alliance.memberships.filter(state="approved", role="officer").select_related("person")


def pending_applications(user: User, alliance: Alliance) -> QuerySet[Membership] | list[Any]:
    """Applications waiting for a decision, for the managing regulators only."""
    if not can_manage(user, alliance.region):
        return []
    return alliance.memberships.filter(state="pending").select_related("person")


def enterprise_name(person: Person) -> str:
    """The enterprise of the person's latest filed (else submitted) appointment."""
    appt = (
        Appointment.objects.filter(person=person)
        .exclude(status=Appointment.Status.DRAFT)
        .select_related("enterprise")
        .order_by("-start_date", "-pk")
        .first()
    )
    return appt.enterprise.name if appt else ""


def membership_get(*, user: User, public_id: PublicId) -> Membership:
    m = get_by_public_id(Membership, public_id, "alliance__region", "person")
    alliance_get(user=user, public_id=m.alliance.public_id)
    mine = m.person.user_id == user.pk
    if not (mine or can_manage(user, m.alliance.region) or is_member(user, m.alliance)):
        raise Http404
    return m


def my_community(user: User) -> dict[str, Any] | None:
    """A CQO's own memberships, upcoming enrolments and cases (the index page's panel)."""
    person = person_of(user)
    if person is None:
        return None
    return {
        "memberships": Membership.objects.filter(person=person)
        .exclude(state__in=["left"])
        .select_related("alliance")
        .order_by("-applied_at")[:20],
        "registrations": Registration.objects.filter(
            person=person, state="registered", event__ends_at__gte=timezone.now()
        )
        .select_related("event")
        .order_by("event__starts_at")[:20],
        "submissions": Submission.objects.filter(person=person)
        .select_related("competition")
        .order_by("-submitted_at")[:20],
    }
