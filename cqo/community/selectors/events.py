"""Reading the alliances' events and their registrations, inside the viewer's scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cqo.accounts.models import User
from cqo.community.models import Alliance, Event, Registration
from cqo.community.selectors.alliances import alliance_get, alliance_q, can_organise
from cqo.community.selectors.scope import PublicId, get_by_public_id, person_of


def event_list(*, user: User, alliance: Alliance | None = None, q: str = "") -> QuerySet[Event]:
    qs = Event.objects.filter(alliance__in=Alliance.objects.filter(alliance_q(user)))
    if alliance is not None:
        qs = qs.filter(alliance=alliance)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(venue__contains=q))
    return (
        qs.select_related("alliance")
        .annotate(
            registered=Count(
                "registrations", filter=Q(registrations__state="registered"), distinct=True
            )
        )
        .order_by("-starts_at", "pk")
    )


def event_get(*, user: User, public_id: PublicId) -> Event:
    event = get_by_public_id(Event, public_id, "alliance__region")
    alliance_get(user=user, public_id=event.alliance.public_id)
    return event


def registrations(event: Event) -> QuerySet[Registration]:
    return event.registrations.select_related("person", "study_record").order_by(
        "registered_at", "pk"
    )


def registration_of(user: User, event: Event) -> Registration | None:
    person = person_of(user)
    if person is None:
        return None
    return event.registrations.filter(person=person).first()


def registrations_seen(user: User, event: Event) -> list[Registration]:
    """The organiser sees every registration; a CQO their own only."""
    if can_organise(user, event.alliance):
        return list(registrations(event))
    mine = registration_of(user, event)
    return [mine] if mine else []


def registration_get(*, user: User, public_id: PublicId) -> Registration:
    reg = get_by_public_id(Registration, public_id, "event__alliance__region", "person")
    event_get(user=user, public_id=reg.event.public_id)
    if not (reg.person.user_id == user.pk or can_organise(user, reg.event.alliance)):
        raise Http404
    return reg
