"""Who sees and manages what in the community (SPEC §1, §9): the viewer's home regions, the
managing regulators of a region, and the lookup by public id that answers 404 outside scope.

An alliance or a case competition belongs to a region (province, city or county). Regulators
of that region or above manage it and see it (cqo.accounts.access.region_q); a CQO sees those
of the regions their enterprises or their registration lie in (the region itself, its city and
its province); a clerk those of their enterprise's regions; a judge the competitions they judge.
Everything else answers 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, Q
from django.http import Http404
from django.utils import timezone

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.certification.selectors import staff_body
from cqo.reference.models import Region
from cqo.registry.models import Appointment, Person

NOTHING = Q(pk__in=[])
PublicId = uuid.UUID | str
M = TypeVar("M", bound=Model)


def now() -> dt.datetime:
    """The community's clock for event times (one seam, so tests can move it)."""
    return timezone.now()


def authed(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def person_of(user: User) -> Person | None:
    if not authed(user) or user.role != Role.CQO:
        return None
    return Person.objects.filter(user=user).select_related("region").first()


def _chain(region: Region | None) -> set[str]:
    if region is None:
        return set()
    return {c for c in (region.code, region.city_code, region.province_code) if c}


def home_regions(user: User) -> set[str]:
    """The region codes whose alliances a CQO or clerk sees: each region their enterprises (any
    non-draft appointment) or their registration lie in, with its city and province."""
    if not authed(user):
        return set()
    codes: set[str] = set()
    if user.role == Role.CQO:
        person = person_of(user)
        if person is None:
            return set()
        codes |= _chain(person.region)
        appts = (
            Appointment.objects.filter(person=person)
            .exclude(status=Appointment.Status.DRAFT)
            .select_related("enterprise__region")
        )
        for appt in appts:
            codes |= _chain(appt.enterprise.region)
    elif user.role == Role.ENTERPRISE and user.enterprise is not None:
        codes |= _chain(user.enterprise.region)
    return codes


def can_manage(user: User, region: Region) -> bool:
    """Regulators of the region or above (and the platform admin) manage its alliance or call."""
    if not authed(user):
        return False
    if user.is_platform_admin:
        return True
    return user.role == Role.REGULATOR and access.region_contains(user, region)


@dataclass(frozen=True)
class _RegionHolder:
    """A region in the shape access.py reads a scope from (``.region``)."""

    region: Region | None


def body_scope(user: User) -> _RegionHolder | None:
    """A certification body's staff act in the region of the body's supervising authority
    (level-standard §7.3), the region its records are read in; None for anyone else."""
    body = staff_body(user)
    return _RegionHolder(body.supervising_region) if body is not None else None


def can_create(user: User) -> bool:
    """Who may set up an alliance or open a call at all (the region is checked on saving)."""
    return bool(user.is_regulator or user.is_platform_admin)


def get_by_public_id(model: type[M], public_id: PublicId, *related: str) -> M:
    try:
        return model._default_manager.select_related(*related).get(public_id=public_id)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
