from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from cqo.audit import chain, rules, selectors
from cqo.audit.models import AuditChainHead, AuditEntry, AuditVerification
from cqo.lib import bounds, crypto

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


# The hash chain (cqo/audit/chain.py) ------------------------------------------------------------

HEAD = 1  # the chain head's one row
# 平台默认: entries sealed per transaction, so that the head's lock is held well under a second
# and a backlog (a restore, a long outage of the beat) is sealed in steps
SEAL_BATCH = 5000
# 平台默认: entries read per query when the chain is walked: memory stays that of one batch
VERIFY_BATCH = 5000


def _head_locked() -> AuditChainHead:
    """The chain head, locked until the transaction ends: two sealers never interleave. Made
    on first use from the last sealed entry (a fresh or a flushed database)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD).first()
    if head is None:
        last = (
            AuditEntry.objects.filter(seq__isnull=False)
            .order_by("-seq")
            .values_list("seq", "chain")
            .first()
        )
        AuditChainHead.objects.get_or_create(
            pk=HEAD, defaults={"seq": last[0], "chain": last[1]} if last else {}
        )
        head = AuditChainHead.objects.select_for_update().get(pk=HEAD)
    return head


def _write_seals(seals: list[tuple[int, str, str, int]]) -> None:
    """(seq, chain, alg, id) of each entry, with one prepared UPDATE: the only change ever made
    to an entry, and only to one still unsealed (the PostgreSQL trigger allows no other)."""
    ops = connection.ops
    table = ops.quote_name(AuditEntry._meta.db_table)
    seq, value, alg, pk = (ops.quote_name(n) for n in ("seq", "chain", "alg", "id"))
    update = (
        f"UPDATE {table} SET {seq} = %s, {value} = %s, {alg} = %s "  # noqa: S608 — names from the model
        f"WHERE {pk} = %s AND {seq} IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.executemany(update, seals)


def audit_seal(*, batch: int = SEAL_BATCH) -> int:
    """Seal the entries written since the last run, in id order, into the chain; how many.

    Writing an entry takes no lock; this gives the committed unsealed ones the next numbers
    under the head's lock, so an entry whose transaction committed late simply gets a later
    number than entries written after it. Run every minute (CQO_MINUTE_JOBS) and before each
    verification (GB/T 22239-2019 8.1.4.3 c))."""
    key = chain.key_bytes(settings.CQO_AUDIT_KEY)
    alg = crypto.mac_algorithm()
    total = 0
    while True:
        with transaction.atomic():
            head = _head_locked()
            rows = list(
                AuditEntry.objects.filter(seq__isnull=True)
                .order_by("id")
                .values_list(*chain.FIELDS)[:batch]
            )
            if not rows:
                return total
            previous = bytes.fromhex(head.chain) if head.chain else chain.GENESIS
            seq = head.seq
            seals = []
            for row in rows:
                seq += 1
                previous = chain.link(previous, chain.sealed(row, seq=seq, alg=alg), key)
                seals.append((seq, previous.hex(), alg, row[0]))
            _write_seals(seals)
            head.seq, head.chain, head.sealed_at = seq, previous.hex(), timezone.now()
            head.save(update_fields=["seq", "chain", "sealed_at"])
        total += len(rows)
        if len(rows) < batch:
            return total


class _Walk:
    """The chain walked in number order: the first break, how many, what was seen."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.previous: bytes | None = chain.GENESIS  # None: unknown (after a break)
        self.expected = 1
        self.checked = 0
        self.last_seq: int | None = None
        self.algorithms: set[str] = set()
        self.first_break: int | None = None
        self.kind = ""
        self.breaks = 0

    def broken(self, seq: int, kind: str) -> None:
        self.breaks += 1
        if self.first_break is None:
            self.first_break, self.kind = seq, kind

    def feed(self, row: tuple[Any, ...]) -> None:
        _id, seq, stored, alg = row[:4]
        if seq != self.expected:  # numbers missing: entries removed (or renumbered)
            self.broken(self.expected, AuditVerification.Break.MISSING)
            self.previous = None
        try:
            value: bytes | None = bytes.fromhex(stored)
        except ValueError:
            value = None
        if alg not in crypto.MAC_ALGORITHMS:
            self.broken(seq, AuditVerification.Break.ALGORITHM)
        else:
            self.algorithms.add(alg)
            if self.previous is not None and (
                value is None
                or not hmac.compare_digest(
                    chain.link(self.previous, chain.sealed(row), self.key), value
                )
            ):
                self.broken(seq, AuditVerification.Break.CHANGED)
        # the next entry was sealed after this one's stored value: a change stays local
        self.previous = value if value is not None and len(value) == len(chain.GENESIS) else None
        self.expected = seq + 1
        self.last_seq = seq
        self.checked += 1


def audit_verify(
    *, batch: int = VERIFY_BATCH, progress: Callable[[int, int], None] | None = None
) -> AuditVerification:
    """Seal what is pending, then walk the whole chain in number order, a batch at a time,
    recomputing every chain value; store and return the result (the audit administrator's page
    shows the last one). A break: an entry whose content, number or chain value changed, a
    number missing (an entry deleted), the end of the chain missing (the head, or the last
    verification, saw further)."""
    started = timezone.now()
    audit_seal()
    head = AuditChainHead.objects.filter(pk=HEAD).values_list("seq", flat=True).first() or 0
    before = AuditVerification.objects.order_by("-finished_at", "-id").first()
    # entries sealed while the walk runs are the next walk's
    end = max(head, (before.last_seq or 0) if before is not None else 0)
    walk = _Walk(chain.key_bytes(settings.CQO_AUDIT_KEY))
    after = 0
    while True:
        rows = list(
            AuditEntry.objects.filter(seq__gt=after, seq__lte=end)
            .order_by("seq")
            .values_list(*chain.FIELDS)[:batch]
        )
        if not rows:
            break
        for row in rows:
            walk.feed(row)
        after = rows[-1][1]
        if progress is not None:
            progress(walk.checked, end)
    if (walk.last_seq or 0) < end:
        walk.broken((walk.last_seq or 0) + 1, AuditVerification.Break.TRUNCATED)
    finished = timezone.now()
    kept = rules.retention(
        oldest=selectors.oldest_entry_at(),
        started=selectors.platform_started(),
        now=finished,
        days=settings.CQO_AUDIT_RETENTION_DAYS,
    )
    result = AuditVerification.objects.create(
        started_at=started,
        finished_at=finished,
        checked=walk.checked,
        last_seq=walk.last_seq,
        first_break=walk.first_break,
        break_kind=walk.kind,
        breaks=walk.breaks,
        unsealed=selectors.unsealed_count(),
        algorithms=",".join(sorted(walk.algorithms)),
        oldest_at=kept.oldest,
        retention_met=kept.met,
    )
    if not result.ok:
        log.error(
            "audit chain broken at seq %s (%s); %s breaks in %s entries",
            result.first_break,
            result.break_kind,
            result.breaks,
            result.checked,
        )
    return result
