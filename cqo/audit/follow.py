"""Reading the audit trail as a change feed, for the caches kept from it (the coverage aggregate,
the talent search index).

A cache records a watermark: every entry up to it is reflected. An entry's id is taken when its
transaction writes it, not when it commits, so a slower transaction may still commit a lower id
than one already applied. The watermark is therefore kept just below the first entry of the last
SETTLE seconds, and the entries above it that were applied are remembered (``recent``), so each
is applied once rather than on every read until it settles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from cqo.audit.models import AuditEntry

# at most this many applied ids are remembered above the watermark; the others are applied again
# (applying is idempotent), which costs time, never correctness
RECENT_MAX = 2000

Pending = list[tuple[int, str, str]]  # (entry id, target type, target id)


_HEAD: ContextVar[int | None] = ContextVar("cqo_audit_head", default=None)


def latest_id() -> int:
    """The newest audit entry's id (0 for none), or the one held by ``held_head``. Asked on
    every cached read (the cache keys hold it), so written as the one index lookup it is rather
    than built by the ORM each time."""
    held = _HEAD.get()
    if held is not None:
        return held
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608 (the model's own table)
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


@contextmanager
def held_head(head: int | None) -> Iterator[None]:
    """Within the block ``latest_id()`` answers ``head``, the newest id the caller read moments
    ago (an API request reads it with its token: accounts.ApiToken.user_for): an answer keyed on
    that id is then built from the trail up to it, without asking again. None holds nothing."""
    if head is None:
        yield
        return
    token = _HEAD.set(head)
    try:
        yield
    finally:
        _HEAD.reset(token)


def pending(
    watermark: int, recent: Iterable[int], types: Iterable[str], latest: int, limit: int
) -> Pending | None:
    """Entries of these types after the watermark, up to ``latest``, not yet applied; None when
    there are more than ``limit``."""
    # the applied ids are left out here rather than in the statement: up to RECENT_MAX of them
    # as parameters cost more to send than the few rows they would save
    applied = set(recent)
    rows = [
        row
        for row in AuditEntry.objects.filter(
            pk__gt=watermark, pk__lte=latest, target_type__in=list(types)
        )
        .order_by("pk")
        .values_list("pk", "target_type", "target_id")[: limit + 1 + len(applied)]
        if row[0] not in applied
    ]
    return None if len(rows) > limit else rows


def settle(
    latest: int,
    types: Iterable[str],
    seconds: int,
    recent: Iterable[int] = (),
    applied: Iterable[tuple[int, str, str]] = (),
    watermark: int = 0,
) -> tuple[int, list[int]]:
    """The watermark to keep after applying everything up to ``latest`` (never below the one
    kept so far, ``watermark``: what lay below it was reflected already), and the applied ids
    above it to remember."""
    since = timezone.now() - dt.timedelta(seconds=seconds)
    first = (
        AuditEntry.objects.filter(pk__lte=latest, at__gte=since, target_type__in=list(types))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    watermark = max(watermark, latest if first is None else first - 1)
    kept = sorted({*recent, *(pk for pk, _t, _i in applied)})
    kept = [pk for pk in kept if pk > watermark][-RECENT_MAX:]
    return watermark, kept


def apply_pending(
    mark: Any,
    types: Iterable[str],
    *,
    limit: int,
    seconds: int,
    prepare: Callable[[Pending], Callable[[], object] | None],
) -> bool | None:
    """Bring a cache up to date from its ``mark`` (a row with ``audit_id``, ``recent`` and
    ``refreshed_at``): the entries pending after it, if at most ``limit``, are turned by
    ``prepare`` into the change to make (None: not one to make here), which runs with the mark
    locked and moves the watermark. True when the cache now reflects every entry, False when
    it does not (too many, or not for here), None when another process moved the mark
    meanwhile (ask again)."""
    latest = latest_id()
    if latest <= mark.audit_id:
        return True
    todo = pending(mark.audit_id, mark.recent, types, latest, limit)
    if todo is None:
        return False
    if not todo:
        return True
    change = prepare(todo)
    if change is None:
        return False
    with transaction.atomic():
        locked = (
            type(mark)
            .objects.select_for_update()
            .filter(pk=mark.pk, audit_id=mark.audit_id, refreshed_at=mark.refreshed_at)
        )
        if not locked.exists():
            return None
        change()
        watermark, recent = settle(latest, types, seconds, mark.recent, todo, mark.audit_id)
        locked.update(audit_id=watermark, recent=recent, refreshed_at=timezone.now())
    return True
