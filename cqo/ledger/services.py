"""Writes of the hour log (SPEC §5 "Tamper-evident record", §12.14): append entries, sign
checkpoints, issue bundles. Other apps call these; only this app writes the log's tables.

- ``append(entry)`` / ``append_many(entries)``: the next leaves of the tree. One writer at a
  time: the head row is locked (``select_for_update``; on SQLite the IMMEDIATE transaction
  already holds the database's write lock). Complete subtrees of 64, 128, … leaves are hashed
  and stored as they complete, so proofs never walk the leaves.
- ``checkpoint(size=None)``: the signed C2SP checkpoint of the tree (now, or at ``size``).
- ``bundle(index)``: what an hour proof carries so anyone can verify it offline
  (format: ``cqo/ledger/verify.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import itertools
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.ledger import merkle, note, selectors
from cqo.ledger.models import Checkpoint, LedgerEntry, LedgerHead, LedgerNode
from cqo.ledger.selectors import (
    CHUNK,
    CHUNK_LEVEL,
    LedgerCorrupt,
    inclusion_proof,
    public_vkey,
)

__all__ = [
    "append",
    "append_many",
    "bundle",
    "checkpoint",
    "inclusion_proof",
    "public_vkey",
]

MAX_ENTRY_BYTES = 64 * 1024  # an entry is a commitment, not a document


def append(entry: bytes) -> LedgerEntry:
    """Append one entry; returns it with its ``index``."""
    return append_many([entry])[0]


@transaction.atomic
def append_many(entries: list[bytes]) -> list[LedgerEntry]:
    """Append entries in the given order, atomically; returns them with their indexes."""
    data = _entries_bytes(entries)
    if not data:
        return []
    first = _lock_head()
    with _gc_paused(len(data) >= 1000):
        sha = merkle._sha256
        hashes = [sha(b"\x00" + e).digest() for e in data]
        now = timezone.now()
        stamp = LedgerEntry._meta.get_field("created_at").get_db_prep_save(now, connection)
        rows = list(zip(range(first, first + len(data)), data, itertools.repeat(stamp)))
        _insert("entry", rows)
        _insert("node", _completed_nodes(first, hashes))
        _set_head(first + len(data))
        return _entries_as_stored(first, data, now)


def _insert(table: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert prepared rows: ``executemany`` of one prepared INSERT, or for many rows on
    PostgreSQL a ``COPY``, whose rows stream without a round trip each (five times the rate).
    ``bulk_create`` does the same work with Python per object and per value on top, which caps
    it near 35,000 rows/s (bench/ledger.py)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) >= 100:
            with cursor.cursor.copy(_sql()[f"{table}_copy"]) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(_sql()[table], rows)


@contextlib.contextmanager
def _gc_paused(pause: bool) -> Iterator[None]:
    """Everything a large batch allocates lives until it returns, so the cyclic collector's
    passes meanwhile free nothing and re-scan the growing batch: a third of the time of a
    10,000-entry append. Reference counting still frees garbage; the collector resumes after."""
    enabled = pause and gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _entries_as_stored(first: int, data: list[bytes], now: dt.datetime) -> list[LedgerEntry]:
    """The rows just inserted as model instances, as ``from_db`` would give them, built without
    ``Model.__init__`` (3.5 µs each: as much as hashing and storing the entry together)."""
    db, new, state_class = connection.alias, LedgerEntry.__new__, ModelState
    out = []
    for index, e in zip(range(first, first + len(data)), data, strict=True):
        state = state_class()
        state.adding, state.db = False, db
        row = new(LedgerEntry)
        row.__dict__.update(_state=state, index=index, entry=e, created_at=now)
        out.append(row)
    return out


@functools.cache
def _sql() -> dict[str, str]:
    q = connection.ops.quote_name
    entry, node, head = (q(m._meta.db_table) for m in (LedgerEntry, LedgerNode, LedgerHead))
    lock = (
        f" {connection.ops.for_update_sql()}" if connection.features.has_select_for_update else ""
    )
    entry_columns = ", ".join(q(c) for c in ("index", "entry", "created_at"))
    node_columns = ", ".join(q(c) for c in ("level", "index", "hash"))
    # names come from our models, quoted; every value is a parameter
    return {
        "entry": f"INSERT INTO {entry} ({entry_columns}) VALUES (%s, %s, %s)",  # noqa: S608
        "entry_copy": f"COPY {entry} ({entry_columns}) FROM STDIN",
        "node": f"INSERT INTO {node} ({node_columns}) VALUES (%s, %s, %s)",  # noqa: S608
        "node_copy": f"COPY {node} ({node_columns}) FROM STDIN",
        "head_lock": f"SELECT {q('size')} FROM {head} WHERE {q('id')} = 1{lock}",  # noqa: S608
        "head_set": f"UPDATE {head} SET {q('size')} = %s WHERE {q('id')} = 1",  # noqa: S608
    }


def _entries_bytes(entries: list[bytes]) -> list[bytes]:
    entries = list(entries)
    if all(type(e) is bytes for e in entries) and max(map(len, entries), default=0) <= (
        MAX_ENTRY_BYTES
    ):
        return entries
    return [_entry_bytes(e) for e in entries]


def _entry_bytes(entry: Any) -> bytes:
    if isinstance(entry, bytearray | memoryview):
        entry = bytes(entry)
    if not isinstance(entry, bytes):
        raise ValidationError({"entry": _("存证条目应为字节串")})
    if len(entry) > MAX_ENTRY_BYTES:
        raise ValidationError({"entry": _("存证条目不得超过 64 KiB")})
    return entry


def _lock_head() -> int:
    """Lock the head row until the transaction ends and return the tree size.

    ``SELECT … FOR UPDATE`` as ``select_for_update()`` writes it (PostgreSQL: concurrent
    appends queue here; SQLite has no row locks and needs none, the IMMEDIATE transaction holds
    the database's write lock). Plain SQL because the ORM's query building would be most of
    the time of a one-entry append.
    """
    with connection.cursor() as cursor:
        cursor.execute(_sql()["head_lock"])
        row = cursor.fetchone()
    if row is None:
        # the first append ever: create the row (a racing first append waits on its key)
        head, _created = LedgerHead.objects.select_for_update().get_or_create(pk=1)
        return head.size
    return int(row[0])


def _set_head(size: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_sql()["head_set"], [size])


def _completed_nodes(first: int, new_hashes: list[bytes]) -> list[tuple[int, int, bytes]]:
    """The complete subtrees of level >= ``CHUNK_LEVEL`` (6) that appending ``new_hashes``
    after ``first``
    leaves completes, as ``(level, index, hash)``.

    At each level the new nodes are ``first >> level`` … ``end >> level``; a parent whose left
    child was completed by an earlier append takes it from the stored nodes.
    """
    end = first + len(new_hashes)
    if end >> CHUNK_LEVEL == first >> CHUNK_LEVEL:
        return []  # no chunk of 64 leaves completes
    chunk_start = first - first % CHUNK
    leaves = selectors.leaf_hashes(chunk_start, first) + new_hashes
    lo = first >> CHUNK_LEVEL
    complete_end = end - end % CHUNK  # leaves past it wait for their chunk to fill
    level_hashes = [
        merkle.root(leaves[j : j + CHUNK]) for j in range(0, complete_end - chunk_start, CHUNK)
    ]
    # left siblings completed earlier: level L holds one iff (first >> L) is odd
    wanted = [
        (lv, (first >> lv) - 1)
        for lv in range(CHUNK_LEVEL, end.bit_length() + 1)
        if (first >> lv) & 1
    ]
    stored = selectors.stored_nodes(wanted)
    if len(stored) != len(wanted):
        raise LedgerCorrupt("a completed subtree node the next append needs is not stored")
    out = [(CHUNK_LEVEL, lo + j, h) for j, h in enumerate(level_hashes)]
    level = CHUNK_LEVEL
    while True:
        parent_lo, parent_hi = first >> (level + 1), end >> (level + 1)
        if parent_lo >= parent_hi:
            break
        if 2 * parent_lo < lo:
            level_hashes = [stored[(level, lo - 1)], *level_hashes]
            lo -= 1
        level_hashes = [
            merkle.node_hash(level_hashes[2 * j], level_hashes[2 * j + 1])
            for j in range(parent_hi - parent_lo)
        ]
        level, lo = level + 1, parent_lo
        out += [(level, lo + j, h) for j, h in enumerate(level_hashes)]
    return out


def checkpoint(size: int | None = None) -> Checkpoint:
    """The signed checkpoint of the tree of ``size`` entries (default: all of them), signing
    and storing it when none exists yet. Ed25519 signatures are deterministic, so two requests
    racing to sign the same size would write the same note; the unique size keeps one."""
    current = selectors.tree_size()
    size = current if size is None else size
    if not 0 <= size <= current:
        raise ValidationError({"size": _("超出日志范围：日志现有 %(size)s 条") % {"size": current}})
    existing = Checkpoint.objects.filter(size=size).first()
    if existing is not None:
        return signed_now(existing)
    root = selectors.root(size)
    text = note.checkpoint_text(selectors.origin(), size, root)
    signed = note.sign(text, selectors.origin(), selectors.signing_key())
    for key in selectors.previous_keys():
        signed = note.cosign(signed, selectors.origin(), key)
    if selectors.signs_sm2():  # the national suite: an SM2 line after the Ed25519 ones
        signed = note.cosign(signed, selectors.origin(), selectors.sm2_signing_key())
    try:
        with transaction.atomic():
            return Checkpoint.objects.create(size=size, root=root, note=signed)
    except IntegrityError:
        return signed_now(Checkpoint.objects.get(size=size))


def signed_now(cp: Checkpoint) -> Checkpoint:
    """A stored checkpoint as served: signed by the current key too.

    One signed before a key rotation carries only a previous key's signature (CQO_LEDGER_KEYS_OLD).
    When that signature verifies and its text is the row's own size and root, the current key's
    line is added to what is served (Ed25519 is deterministic: the same line every time); the
    stored row stays as it was signed (checkpoints are append-only). A note that no configured
    key signed is served as stored, never signed anew: a note written behind the platform's back
    must fail verification, not gain a signature. Under the national suite a checkpoint without
    the SM2 line (stored before the suite was set) gains it on the same condition."""
    cosigned = note.cosign(cp.note, selectors.origin(), selectors.signing_key())
    if cosigned != cp.note and not _signed_by_previous_key(cp):
        return cp
    if selectors.signs_sm2():
        # a checkpoint stored before the national suite was set gains its SM2 line the same way
        # (SM2 signatures are randomised: a new, equally valid, line at each serving)
        sm2 = note.cosign(cosigned, selectors.origin(), selectors.sm2_signing_key())
        if sm2 != cosigned and (cosigned != cp.note or _signed_by_current_key(cp)):
            cosigned = sm2
    if cosigned == cp.note:
        return cp
    return Checkpoint(pk=cp.pk, size=cp.size, root=cp.root, note=cosigned, created_at=cp.created_at)


def _signed_by_current_key(cp: Checkpoint) -> bool:
    return _signed_by(cp, [selectors.verifier()])


def _signed_by_previous_key(cp: Checkpoint) -> bool:
    return _signed_by(cp, selectors.previous_verifiers())


def _signed_by(cp: Checkpoint, verifiers: list[note.Verifier]) -> bool:
    for verifier in verifiers:
        try:
            parsed = note.parse_checkpoint(note.open_note(cp.note, verifier))
        except note.NoteError:
            continue
        if (parsed.origin, parsed.size, parsed.root) == (verifier.name, cp.size, bytes(cp.root)):
            return True
    return False


def bundle(index: int) -> dict[str, Any]:
    """A verifiable bundle for the entry at ``index``: the entry, its inclusion proof and the
    latest checkpoint that covers it (signed now if the latest does not). Callers may add keys
    (the hour proof adds ``"opening"``); ``cqo.ledger.verify.verify_bundle`` checks it."""
    entry = selectors.entry_get(index)
    head = selectors.latest_checkpoint()
    if head is None or head.size <= index:
        head = checkpoint()
    head = signed_now(head)
    proof = inclusion_proof(index, head.size)
    return {
        "version": 1,
        "index": index,
        "entry": note.b64(bytes(entry.entry)),
        "inclusion_proof": [note.b64(h) for h in proof],
        "checkpoint": head.note,
    }
