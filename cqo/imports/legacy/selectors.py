"""Reads of the archive migration: where a migrated record came from, how far a file is."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.imports.legacy.job import progress_key
from cqo.imports.legacy.models import LegacyFile, LegacyOrigin
from cqo.imports.legacy.services import may_migrate
from cqo.registry.facts import Origin


def _file_q(user: User) -> Q:
    """The platform admin sees every file; a provincial regulator the files migrated by accounts
    of its province (its own included): a file and its error report name persons of the region
    it was migrated for."""
    if not may_migrate(user):
        return access.NOTHING
    if user.is_platform_admin:
        return Q()
    return Q(uploaded_by=user) | access.region_q(user, "uploaded_by__region")


def legacy_file_list(*, user: User) -> QuerySet[LegacyFile]:
    return (
        LegacyFile.objects.filter(_file_q(user))
        .select_related("uploaded_by")
        .order_by("-created_at", "-id")
    )


def legacy_file_get(*, user: User, public_id: uuid.UUID | str) -> LegacyFile:
    try:
        return legacy_file_list(user=user).get(public_id=public_id)
    except (LegacyFile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def legacy_origin(*, target_type: str, target_id: str) -> LegacyOrigin | None:
    """The file and row a record was migrated from (by whom and when: the file's uploader and
    finish time); None for a record made in the platform."""
    return (
        LegacyOrigin.objects.select_related("file__uploaded_by")
        .filter(target_type=target_type, target_id=target_id)
        .first()
    )


def legacy_origins(*, target_type: str, target_ids: Iterable[str]) -> dict[str, LegacyOrigin]:
    """``legacy_origin`` of several records of one type at once (a person's appointments), by
    public id; records made in the platform are absent."""
    ids = [str(i) for i in target_ids]
    if not ids:
        return {}
    return {
        o.target_id: o
        for o in LegacyOrigin.objects.select_related("file__uploaded_by").filter(
            target_type=target_type, target_id__in=ids
        )
    }


def legacy_progress(lf: LegacyFile) -> tuple[int, int]:
    """(rows read, rows in the file) of a running file, else of its finished run."""
    running = cache.get(progress_key(lf.pk))
    if running is not None:
        return running  # type: ignore[no-any-return]
    return lf.progress_done, lf.progress_total


def record_origin(target_type: str, target_id: str) -> Origin | None:
    """``legacy_origin`` as the apps below ask for it (cqo/certification/hooks.py,
    cqo/registry/facts.py ``MIGRATED_FROM``): the file, the row, who migrated it (as pages name
    users) and when the file finished."""
    found = legacy_origin(target_type=target_type, target_id=target_id)
    if found is None:
        return None
    lf = found.file
    by = lf.uploaded_by.label if lf.uploaded_by is not None else "—"
    return Origin(file_name=lf.file_name, row=found.row, by=by, at=lf.finished_at or lf.created_at)
