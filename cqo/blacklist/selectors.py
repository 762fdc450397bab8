"""Reads of the warning and exit listings, always through a scope built on cqo.accounts.access
(SPEC §1: scope in the query layer, never by hiding buttons). Outside the scope: 404.

Who sees a listing: the platform admin all; a regulator the listings issued inside its subtree
and those concerning persons in its person scope; the listed person their own; an enterprise's
clerk those of persons ever appointed at the enterprise; trainers and certifiers none.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.audit.models import AuditEntry
from cqo.blacklist import rules
from cqo.blacklist.models import Appeal, Listing
from cqo.lib import clock
from cqo.registry import facts
from cqo.registry.models import Appointment, Person

LISTING = "listing"  # AuditEntry.target_type of a listing
APPEAL = "appeal"  # and of an appeal


# Scope and permissions ------------------------------------------------------------------------


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def listing_q(user: Any, prefix: str = "") -> Q:
    """The listings ``user`` may read."""

    def p(field: str) -> str:
        return f"{prefix}__{field}" if prefix else field

    if not _active(user):
        return access.NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        # A subquery, not a join through appointments: one row per listing, no DISTINCT.
        persons = Person.objects.filter(access.person_q(user)).values("pk")
        return access.region_q(user, p("region")) | Q(**{p("person__in"): persons})
    if user.role == Role.CQO:
        return Q(**{p("person__user"): user})
    if user.role == Role.ENTERPRISE:
        appointed = Appointment.objects.filter(enterprise_id=user.enterprise_id).values("person_id")
        return Q(**{p("person__in"): appointed})
    return access.NOTHING


def can_issue(user: Any, person: Person) -> bool:
    """A regulator whose scope contains the person (registered in its region or appointed
    there), or the platform admin."""
    if not _active(user):
        return False
    if user.is_platform_admin:
        return True
    return (
        user.role == Role.REGULATOR
        and Person.objects.filter(access.person_q(user), pk=person.pk).exists()
    )


def can_manage(user: Any, listing: Listing) -> bool:
    """Revoke, change the end date, decide appeals: the issuing level or a level above it
    (SPEC §12.15 "set by the issuing level"), or the platform admin."""
    if not _active(user):
        return False
    if user.is_platform_admin:
        return True
    return user.role == Role.REGULATOR and access.region_contains(user, listing.region)


def can_appeal(user: Any, listing: Listing) -> bool:
    """Only the listed person, through their own CQO account (SPEC §8 "appeal")."""
    return (
        _active(user)
        and user.role == Role.CQO
        and listing.person.user_id is not None
        and listing.person.user_id == user.pk
    )


def can_see_appeals(user: Any, listing: Listing) -> bool:
    """An appeal is between the person and the regulators; an enterprise's clerk sees the
    listing but not the appeal."""
    if not _active(user):
        return False
    return user.is_platform_admin or user.role == Role.REGULATOR or can_appeal(user, listing)


# In force -------------------------------------------------------------------------------------


def in_force_q(on: dt.date, prefix: str = "") -> Q:
    """Not revoked, started on or before ``on``, and ``on`` not past the (inclusive) end."""

    def p(field: str) -> str:
        return f"{prefix}__{field}" if prefix else field

    return Q(**{p("revoked_at__isnull"): True, p("start_date__lte"): on}) & (
        Q(**{p("end_date__isnull"): True}) | Q(**{p("end_date__gte"): on})
    )


def state_q(state: str, on: dt.date) -> Q:
    if state == Listing.State.REVOKED:
        return Q(revoked_at__isnull=False)
    if state == Listing.State.PENDING:
        return Q(revoked_at__isnull=True, start_date__gt=on)
    if state == Listing.State.ENDED:
        return Q(revoked_at__isnull=True, end_date__lt=on)
    if state == Listing.State.IN_FORCE:
        return in_force_q(on)
    return Q()


def in_force_for_person(person_id: int, on: dt.date) -> list[Listing]:
    """The person's listings (both kinds) in force on ``on``, exit first: what the filing workflow
    checks — an exit blocks a filing, a warning is shown (SPEC §12.11, §12.15). No viewer scope:
    the blacklist takes effect platform-wide."""
    qs = (
        Listing.objects.filter(in_force_q(on), person_id=person_id)
        .select_related("region")
        .annotate(
            _exit_first=Case(
                When(kind=Listing.Kind.EXIT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("_exit_first", "-start_date", "-pk")
    )
    return list(qs)


def due_for_activation(today: dt.date) -> QuerySet[Listing]:
    """Exit listings in force whose effect has not been applied yet."""
    return Listing.objects.filter(
        in_force_q(today), kind=Listing.Kind.EXIT, applied_at__isnull=True
    ).order_by("start_date", "pk")


# Lists and records ----------------------------------------------------------------------------


def listing_list(
    *,
    user: Any,
    kind: str = "",
    state: str = "",
    q: str = "",
    region: str = "",
    person: Person | None = None,
    today: dt.date | None = None,
    appeal: str = "",
) -> QuerySet[Listing]:
    """Listings in scope. ``region`` narrows to listings issued in that region's subtree or
    concerning persons registered there; ``appeal`` to listings with an appeal in that state
    the viewer may see (none for a clerk, who does not see appeals)."""
    today = today or clock.today()
    qs = Listing.objects.filter(listing_q(user))
    if appeal:
        qs = qs.filter(pk__in=appeals_in_scope(user).filter(status=appeal).values("listing_id"))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state_q(state, today))
    if q:
        qs = qs.filter(person__name__icontains=q)
    if region:
        qs = qs.filter(
            Q(region_id=region)
            | Q(region__city_code=region)
            | Q(region__province_code=region)
            | Q(person__region_id=region)
            | Q(person__region__city_code=region)
            | Q(person__region__province_code=region)
        )
    if person is not None:
        qs = qs.filter(person=person)
    return qs.select_related("person", "region", "issued_by", "revoked_by")


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def listing_get(*, user: Any, public_id: Any) -> Listing:
    listing = (
        Listing.objects.filter(listing_q(user), public_id=_uuid(public_id))
        .select_related("person", "region", "issued_by", "revoked_by")
        .first()
    )
    if listing is None:
        raise Http404
    return listing


def appeal_list(*, user: Any, listing: Listing) -> QuerySet[Appeal]:
    if not can_see_appeals(user, listing):
        return Appeal.objects.none()
    return listing.appeals.select_related("filed_by", "decided_by").order_by("-filed_at", "-pk")


def appeals_in_scope(user: Any) -> QuerySet[Appeal]:
    """The appeals ``user`` may see (can_see_appeals): a regulator's against listings in its
    scope, a CQO's own, every one for the platform admin."""
    if not _active(user) or not (user.is_platform_admin or user.role in (Role.REGULATOR, Role.CQO)):
        return Appeal.objects.none()
    return Appeal.objects.filter(listing_q(user, prefix="listing"))


def pending_appeals(*, user: Any) -> QuerySet[Appeal]:
    """Appeals awaiting a decision that ``user`` may see, oldest first."""
    return (
        appeals_in_scope(user)
        .filter(status=Appeal.Status.PENDING)
        .select_related("listing", "listing__person")
        .order_by("filed_at", "pk")
    )


def appeal_get(*, user: Any, public_id: Any) -> Appeal:
    appeal = (
        Appeal.objects.filter(listing_q(user, prefix="listing"), public_id=_uuid(public_id))
        .select_related("listing", "listing__person", "listing__region", "filed_by")
        .first()
    )
    if appeal is None or not can_see_appeals(user, appeal.listing):
        raise Http404
    return appeal


def ended_appointments(*, user: Any, listing: Listing) -> tuple[list[Appointment], int]:
    """The appointments the exit ended that ``user`` may open, and how many others there are
    (at enterprises outside the viewer's scope: counted, not named)."""
    ended = listing.ended_appointments.all()
    visible = list(
        ended.filter(access.appointment_q(user)).select_related("enterprise").order_by("pk")
    )
    return visible, ended.count() - len(visible)


def listing_trail(*, user: Any, listing: Listing) -> QuerySet[AuditEntry]:
    """The listing's history with its appeals' (those the viewer may see)."""
    cond = Q(target_type=LISTING, target_id=str(listing.public_id))
    if can_see_appeals(user, listing):
        ids = [str(a) for a in listing.appeals.values_list("public_id", flat=True)]
        cond |= Q(target_type=APPEAL, target_id__in=ids)
    return AuditEntry.objects.filter(cond)


def public_list(*, section: str = "current", q: str = "", today: dt.date | None = None) -> Any:
    """The public notice (SPEC §1 "public": published warnings/blacklist notices): listings
    marked public that are in force, or (``section="past"``) that have ended or were revoked.
    Listings not yet in force are not shown."""
    today = today or clock.today()
    qs = Listing.objects.filter(public=True)
    if section == "past":
        # a listing revoked before it ever started was never on the notice: not shown
        revoked = state_q(Listing.State.REVOKED, today) & Q(start_date__lte=today)
        qs = qs.filter(state_q(Listing.State.ENDED, today) | revoked)
        qs = qs.order_by("-start_date", "-pk")
    else:
        qs = qs.filter(in_force_q(today)).order_by("-start_date", "-pk")
    if q:
        qs = qs.filter(person__name__icontains=q)
    return qs.select_related("person", "region")


def exit_listed_among(person_ids: Collection[int], on: dt.date) -> frozenset[int]:
    """The blacklist's answer to cqo.registry.facts.EXIT_LISTED: which of the persons have an
    exit listing in force on ``on`` (SPEC §12.15), in one query."""
    return frozenset(
        Listing.objects.filter(in_force_q(on), kind=Listing.Kind.EXIT, person_id__in=person_ids)
        .order_by()
        .values_list("person_id", flat=True)
    )


def listing_facts(person_id: int, on: dt.date) -> tuple[facts.Listing, ...]:
    """The blacklist's answer to the filing workflow (cqo.registry.facts.LISTINGS)."""
    return tuple(
        facts.Listing(
            exit=listing.kind == Listing.Kind.EXIT,
            authority_name=listing.authority_name,
            start_date=listing.start_date,
            end_date=listing.end_date,
            reason=listing.reason,
        )
        for listing in in_force_for_person(person_id, on)
    )


def exit_would_end(listing: Listing, today: dt.date) -> list[str]:
    """The appointments an exit listing in force on ``today`` would end (SPEC §12.15), each as
    the issuer reads it: enterprise, filing number and start; empty for a warning or an exit
    not yet in force."""
    if listing.person_id is None or not rules.ends_appointments(
        kind=listing.kind, state=listing.state_on(today), applied=False
    ):
        return []
    rows = (
        Appointment.objects.filter(person_id=listing.person_id, status=Appointment.Status.FILED)
        .select_related("enterprise")
        .order_by("start_date")[:50]
    )
    return [
        rules.appointment_line(a.enterprise.name, a.filing_number or "", a.start_date) for a in rows
    ]


def served_at(listings: list[Listing]) -> dict[int, str]:
    """For the public notice: the enterprise(s) each listed person served as CQO when the
    listing started — those an exit ended, else the filed appointments running on its start —
    by listing pk. One query for a page of listings."""
    people = {lst.person_id for lst in listings}
    found: dict[int, str] = {}
    if not people:
        return found
    appts = (
        Appointment.objects.filter(
            person_id__in=people,
            status__in=[Appointment.Status.FILED, Appointment.Status.ENDED],
        )
        .select_related("enterprise")
        .only("person_id", "start_date", "ended_on", "enterprise__name")
    )
    by_person: dict[int, list[Appointment]] = {}
    for a in appts:
        by_person.setdefault(a.person_id, []).append(a)
    for lst in listings:
        names = [
            a.enterprise.name
            for a in by_person.get(lst.person_id, [])
            if a.start_date <= lst.start_date
            and (a.ended_on is None or a.ended_on >= lst.start_date)
        ]
        found[lst.pk] = "、".join(dict.fromkeys(names))
    return found
