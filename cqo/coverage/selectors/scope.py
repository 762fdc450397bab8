"""What the viewer may see and change: the region asked for, the enterprises in scope, the
targets they may enter or remove (cqo/accounts/access.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.coverage.models import RegionTarget
from cqo.coverage.selectors.population import active_on, region_q
from cqo.reference.models import Region
from cqo.reference.selectors import region_label
from cqo.registry.models import Appointment, Enterprise


def can_view(user: User) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_platform_admin or user.role in (Role.REGULATOR, Role.DEPARTMENT))


def resolve_region(user: User, region_code: str | None) -> Region | None:
    """The region asked for, if the viewer may see it (else 404); None is the whole country
    (the platform admin only)."""
    if not can_view(user):
        raise PermissionDenied
    if not region_code:
        if user.region is not None:
            return user.region
        if user.is_platform_admin:
            return None
        raise Http404
    if region_code == user.region_id and user.region is not None:
        return user.region
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise Http404
    if not user.is_platform_admin and not access.region_contains(user, region):
        raise Http404
    return region


def enterprises(user: User, region: Region | None, as_of: dt.date) -> QuerySet[Enterprise]:
    """Enterprises in the viewer's scope and the region, each marked ``has_cqo``."""
    active = Appointment.objects.filter(active_on(as_of), enterprise=OuterRef("pk"))
    return (
        Enterprise.objects.filter(access.enterprise_q(user))
        .filter(region_q(region))
        .annotate(has_cqo=Exists(active))
    )


def target_list(user: User, region_code: str | None) -> QuerySet[RegionTarget]:
    """Targets entered for regions in the viewer's scope (their own region's included)."""
    if not can_view(user):
        return RegionTarget.objects.none()
    qs = RegionTarget.objects.select_related(
        "region", "entered_by__region", "entered_by__enterprise", "set_by_region"
    )
    if not user.is_platform_admin:
        if user.region is None:
            return qs.none()
        qs = qs.filter(region_q(user.region))
    if region_code:
        qs = qs.filter(region_id=region_code)
    return qs


def enterable_regions(user: User) -> list[Region]:
    """Cities and counties the viewer may enter targets for (can_enter_for)."""
    if not can_view(user):
        return []
    qs = Region.objects.exclude(level=Region.Level.PROVINCE).order_by("code")
    if not user.is_platform_admin:
        if user.region is None or user.role != Role.REGULATOR:
            return []
        own = user.region
        if own.level == Region.Level.PROVINCE:
            qs = qs.filter(province_code=own.code)
        elif own.level == Region.Level.CITY:
            qs = qs.filter(city_code=own.code)
        else:
            return []
    return [r for r in qs[:3000] if can_enter_for(user, r)]


def target_get(user: User, public_id: uuid.UUID) -> RegionTarget | None:
    """An entered target in the viewer's scope."""
    return target_list(user, None).filter(public_id=public_id).first()


# Who enters targets (cqo/coverage/services.py) ------------------------------------------------


def rank_of(level: str) -> int:
    return RegionTarget.RANKS.get(level, 0)


def setter_of(user: User, region: Region) -> tuple[str, Region]:
    """The level and region a target entered by ``user`` for ``region`` is set by: the
    regulator's own, or for the platform admin the province of the region."""
    if user.role == Role.REGULATOR and user.region is not None:
        return user.region.level, user.region
    return Region.Level.PROVINCE, Region.objects.get(code=region.province_code)


def can_enter_for(user: User, region: Region) -> bool:
    """Whether ``user`` may enter a target for ``region`` (strictly below the user's region)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if region.level == Region.Level.PROVINCE:
        return False  # the province's targets are the pack's (SPEC §12.10)
    if user.is_platform_admin:
        return True
    if user.role != Role.REGULATOR or user.region is None:
        return False
    return user.region.code != region.code and access.region_contains(user, region)


def can_delete(user: User, target: RegionTarget) -> bool:
    """The level that set a target or one above it removes it; a lower level cannot."""
    if not can_enter_for(user, target.region):
        return False
    level, _region = setter_of(user, target.region)
    return rank_of(level) <= target.rank


def with_deletable(user: User, targets: Iterable[RegionTarget]) -> None:
    """Mark each target ``deletable`` by the viewer (a lower level may not remove a higher
    level's target)."""
    for t in targets:
        t.deletable = can_delete(user, t)  # type: ignore[attr-defined]


def coverage_trail(user: User, region: Region | None) -> list[dict[str, str]]:
    """The drill-down trail to the region: the province and city above it, as far as the
    viewer's scope allows."""
    trail: list[dict[str, str]] = []
    if region is None:
        return trail
    for code in (region.province_code, region.city_code, region.code):
        if code and code not in [t["code"] for t in trail]:
            trail.append({"code": code, "label": region_label(code)})
    own = user.region
    if own is not None and not user.is_platform_admin:
        codes = [t["code"] for t in trail]
        trail = trail[codes.index(own.code) :] if own.code in codes else trail[-1:]
    return trail
