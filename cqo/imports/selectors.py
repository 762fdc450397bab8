"""Reads of imported enterprise lists, scoped by cqo/accounts/access.py."""

from __future__ import annotations

import uuid
from typing import cast

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.imports import rules
from cqo.imports.models import EnterpriseList
from cqo.lib import clock
from cqo.lib.bounds import line_validators, max_length
from cqo.reference.models import Industry, Region
from cqo.registry.models import Enterprise


def _list_q(user: User) -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return access.NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        return access.region_q(user, "region")
    return access.NOTHING


def list_list(*, user: User) -> QuerySet[EnterpriseList]:
    return (
        EnterpriseList.objects.filter(_list_q(user))
        .select_related("region", "created_by")
        .order_by("-created_at", "-id")
    )


def list_get(*, user: User, public_id: uuid.UUID | str) -> EnterpriseList:
    try:
        return list_list(user=user).get(public_id=public_id)
    except (EnterpriseList.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def current_list(*, region_code: str) -> EnterpriseList | None:
    """The region's current list: its latest completed import by as-of date (SPEC §12.10)."""
    return (
        EnterpriseList.objects.filter(region_id=region_code, status=EnterpriseList.Status.DONE)
        .order_by("-as_of", "-finished_at")
        .first()
    )


def list_enterprises(lst: EnterpriseList) -> QuerySet[Enterprise]:
    """Enterprises whose most recent list is this one."""
    return Enterprise.objects.filter(last_list=lst)


def list_created(lst: EnterpriseList) -> QuerySet[Enterprise]:
    """Enterprises this import created: they carry its write timestamp as created_at."""
    if lst.started_at is None:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(last_list=lst, created_at=lst.started_at)


def may_import(user: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_platform_admin or user.role == Role.REGULATOR)
    )


# Progress -------------------------------------------------------------------------------------
# The import's own transaction holds the rows it counts, so progress goes to the cache (the
# process's memory by default; Redis once Celery workers run imports), not to the list's row.


def progress_key(list_id: int) -> str:
    return f"cqo:imports:progress:{list_id}"


def progress_of(lst: EnterpriseList) -> tuple[int, int]:
    """(rows processed, rows in the file) of a list, live while it runs."""
    if lst.status == EnterpriseList.Status.RUNNING:
        live = cache.get(progress_key(lst.pk))
        if live:
            return cast(tuple[int, int], live)
    return lst.progress, max(lst.progress, lst.rows_total)


# What an import checks its rows against -------------------------------------------------------


def load_reference(lst: EnterpriseList) -> rules.Reference:
    regions: dict[str, rules.RegionInfo] = {}
    parents = set(
        Region.objects.filter(parent__isnull=False).values_list("parent_id", flat=True).distinct()
    )
    for code, level, province, city in Region.objects.values_list(
        "code", "level", "province_code", "city_code"
    ):
        regions[code] = rules.RegionInfo(level, province, city, code in parents)
    divisions = frozenset(
        Industry.objects.filter(level=Industry.Level.DIVISION).values_list("code", flat=True)
    )
    return rules.Reference(
        regions=regions,
        divisions=divisions,
        scope={"level": lst.region.level, "code": lst.region_id},
        reference_year=lst.reference_year,
        this_year=clock.today().year,
        limits={key: max_length(Enterprise, key) for key in rules.LIMITED},
        lines={
            key: validator.limit
            for key in rules.LIMITED
            for validator in line_validators(Enterprise, key)
        },
    )


def actor_scope(actor: User | None) -> dict[str, str] | None:
    """The importer's own subtree, for enterprises already registered (None: no one's)."""
    if actor is None or not actor.is_active:
        return None
    if actor.is_platform_admin:
        return {"level": "all", "code": ""}
    if actor.role == Role.REGULATOR and actor.region is not None:
        return {"level": actor.region.level, "code": actor.region.code}
    return None
