"""Reads of imported enterprise lists, scoped by cqo/accounts/access.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.imports.models import EnterpriseList
from cqo.registry.models import Enterprise


def _list_q(user: Any) -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return access.NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        return access.region_q(user, "region")
    return access.NOTHING


def list_list(*, user: Any) -> QuerySet[EnterpriseList]:
    return (
        EnterpriseList.objects.filter(_list_q(user))
        .select_related("region", "created_by")
        .order_by("-created_at", "-id")
    )


def list_get(*, user: Any, public_id: uuid.UUID | str) -> EnterpriseList:
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
