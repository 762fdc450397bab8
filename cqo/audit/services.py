from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from cqo.audit.models import AuditEntry
from cqo.lib import bounds

log = logging.getLogger(__name__)

# Caches kept from the audit trail (the coverage aggregate, the talent search index): the task
# to run after a transaction that wrote an entry of one of their target types
_FOLLOWERS: dict[str, tuple[frozenset[str], Callable[[], None]]] = {}


def follow(task: str, target_types: Iterable[str]) -> None:
    """Run the Celery task ``task`` (dotted path) once after each committed transaction that
    wrote audit entries of these target types: on a worker when a broker is configured, else
    in this process right after the commit. So the caches catch up when the registry changes,
    not on the next read (a read then finds little or nothing to apply)."""

    def run() -> None:
        job = import_string(task)
        if settings.CELERY_TASK_ALWAYS_EAGER:
            job()  # no broker: here, without a round trip through Celery
        else:
            job.delay()

    _FOLLOWERS[task] = (frozenset(target_types), run)


def _notify(target_type: str) -> None:
    for types, run in _FOLLOWERS.values():
        if target_type not in types:
            continue
        # once per transaction (a list import writes many entries)
        if any(hook[1] is run for hook in connection.run_on_commit):
            continue
        # robust: a failure is logged; the change itself is committed and the next read or the
        # periodic job applies it
        transaction.on_commit(run, robust=True)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str, dict)):
        return value
    return str(value)


# A value as the trail keeps it (JSON): what ``snapshot`` makes of a field, and the [before,
# after] pairs of a change.
Plain = str | int | float | bool | None | Sequence["Plain"] | Mapping[str, "Plain"]


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Plain]:
    """Values of ``fields`` as JSON-safe data, for a before/after comparison."""
    return {name: _plain(getattr(obj, name)) for name in fields}


_EMPTY: tuple[Any, ...] = (None, "", [], {})


def diff(before: Mapping[str, Plain], after: Mapping[str, Plain]) -> dict[str, list[Plain]]:
    """Fields whose value changed; "no value" in any form (None, "", []) counts as one value."""
    changed: dict[str, list[Plain]] = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new and not (old in _EMPTY and new in _EMPTY):
            changed[key] = [old, new]
    return changed


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target_type: str,
    target_id: str,
    target_repr: str = "",
    changes: Mapping[str, Plain] | None = None,
    note: str = "",
) -> AuditEntry:
    user = actor if isinstance(actor, AbstractBaseUser) and actor.is_authenticated else None
    entry = AuditEntry.objects.create(
        actor_id=user.pk if user is not None else None,
        actor_name=(user.get_username() if user else "system"),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_repr=str(target_repr)[: bounds.max_length(AuditEntry, "target_repr")],
        changes=changes or {},
        note=note[: bounds.max_length(AuditEntry, "note")],
    )
    _notify(target_type)
    return entry


def audit_records(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target_type: str,
    items: Sequence[tuple[str, str, Mapping[str, Plain], str]],
) -> None:
    """``audit_record`` for many records of one type at once (a batch of an archive file):
    one entry each, ``items`` giving (target id, target repr, changes, note), stored together
    with one prepared INSERT (``bulk_create`` spends most of a batch's time preparing each value
    of each entry in Python), all at the same time."""
    if not items:
        return
    user = actor if isinstance(actor, AbstractBaseUser) and actor.is_authenticated else None
    actor_id, actor_name = (user.pk, user.get_username()) if user is not None else (None, "system")
    repr_max = bounds.max_length(AuditEntry, "target_repr")
    note_max = bounds.max_length(AuditEntry, "note")
    meta = AuditEntry._meta
    at = meta.get_field("at").get_db_prep_save(timezone.now(), connection)
    changes_field = meta.get_field("changes")
    rows = [
        (
            at,
            actor_id,
            actor_name,
            action,
            target_type,
            str(target_id),
            str(target_repr)[:repr_max],
            changes_field.get_db_prep_save(changes or {}, connection),
            note[:note_max],
        )
        for target_id, target_repr, changes, note in items
    ]
    ops = connection.ops
    names = ("at", "actor_id", "actor_name", "action", "target_type", "target_id", "target_repr",
             "changes", "note")  # fmt: skip
    columns = ", ".join(ops.quote_name(name) for name in names)
    insert = f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES "  # noqa: S608 — names from the model
    with connection.cursor() as cursor:
        cursor.executemany(f"{insert}({', '.join(['%s'] * len(names))})", rows)
    _notify(target_type)
