"""Reads of the hour log: tree size, entries, roots and proofs (public: no scope, the log holds
no personal data, SPEC §12.14).

A proof names subtrees (``cqo.ledger.merkle``); complete subtrees of 64 leaves and more are
stored (``LedgerNode``), smaller ones are hashed from the entries of one chunk of 64 (leaf
hashes are not stored). So an inclusion proof reads the chunk of its leaf, the last (partial)
chunk of the tree and O(log n) stored nodes: one query (with the tree size), whatever the
size of the log. The hot paths use plain SQL through Django's connection (same SQL on SQLite
and PostgreSQL): the ORM's per-query cost would dominate a proof.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from cqo.ledger import merkle, note
from cqo.ledger.models import Checkpoint, LedgerEntry, LedgerHead, LedgerNode
from cqo.lib import crypto

# Complete subtrees of 64 leaves and more are stored: a proof then hashes at most two chunks of
# 64 leaf hashes (126 hashes), where chunks of 256 took 510 — most of a proof's time.
CHUNK_LEVEL = 6
CHUNK = 1 << CHUNK_LEVEL
_SIZE_ROW, _LEAF_ROW = -1, -2  # row kinds of subtree_hashes' query beside node levels


class LedgerCorrupt(Exception):
    """Stored leaves or nodes that a consistent log must have are missing."""


# Keys -----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _private_key(seed: str) -> Ed25519PrivateKey:
    try:
        raw = base64.urlsafe_b64decode(seed.strip() + "=" * (-len(seed.strip()) % 4))
    except ValueError as exc:
        raise ImproperlyConfigured("CQO_LEDGER_KEY is not url-safe base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("CQO_LEDGER_KEY must encode a 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(raw)


def signing_key() -> Ed25519PrivateKey:
    return _private_key(settings.CQO_LEDGER_KEY)


def previous_keys() -> list[Ed25519PrivateKey]:
    """The keys signed with before the current one (CQO_LEDGER_KEYS_OLD): during a rotation
    they still cosign new checkpoints, so verifiers that pin the old key keep working until they
    take the new one."""
    return [_private_key(seed) for seed in settings.CQO_LEDGER_KEYS_OLD if seed.strip()]


def previous_vkeys() -> list[str]:
    return [note.vkey(origin(), note.raw_public_key(k)) for k in previous_keys()]


def previous_verifiers() -> list[note.Verifier]:
    return [note.parse_vkey(v) for v in previous_vkeys()]


def audit_verifiers() -> list[note.Verifier]:
    """The keys whose signatures the audit accepts on stored checkpoints: the current key, the
    previous ones still cosigning (CQO_LEDGER_KEYS_OLD) and the retired ones, named by their
    public verifier keys only (CQO_LEDGER_RETIRED_VKEYS): the checkpoints stored before a
    rotation keep the signature they were made with."""
    retired = [note.parse_vkey(v.strip()) for v in settings.CQO_LEDGER_RETIRED_VKEYS if v.strip()]
    return [verifier(), *previous_verifiers(), *retired]


def origin() -> str:
    """The log's origin line, also the name of its signing key (C2SP: the two should match)."""
    name = settings.CQO_LEDGER_ORIGIN
    if not note.valid_name(name):
        raise ImproperlyConfigured("CQO_LEDGER_ORIGIN must be non-empty, without spaces or '+'")
    return name


def public_key() -> bytes:
    return note.raw_public_key(signing_key())


def public_vkey() -> str:
    """The verifier key everyone checks our checkpoints with: ``<name>+<key id>+<base64>``."""
    return note.vkey(origin(), public_key())


def verifier() -> note.Verifier:
    return note.parse_vkey(public_vkey())


def sm2_signing_key() -> note.Sm2Key:
    """The SM2 key (CQO_SM2_KEY) whose line checkpoints carry beside the Ed25519 one under the
    national suite (cqo/ledger/note.py)."""
    return _sm2_note_key(crypto.sm2_private_key())


@functools.lru_cache(maxsize=4)
def _sm2_note_key(private: bytes) -> note.Sm2Key:
    return note.Sm2Key(private)  # its public key is computed once


def sm2_vkey() -> str:
    """The SM2 verifier key: ``<name>+<key id>+<base64(0xff ‖ 04 ‖ x ‖ y)>``."""
    return note.vkey(origin(), crypto.sm2_public_key(), note.ALG_SM2)


def sm2_verifier() -> note.Verifier:
    return note.parse_vkey(sm2_vkey())


def signs_sm2() -> bool:
    return crypto.signs_national()


def published_vkeys() -> list[str]:
    """The verifier keys the platform publishes: Ed25519, and SM2 under the national suite."""
    return [public_vkey(), *([sm2_vkey()] if signs_sm2() else [])]


# Tree -----------------------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _sql() -> dict[str, str]:
    entry, node, head = (m._meta.db_table for m in (LedgerEntry, LedgerNode, LedgerHead))
    idx, lvl, h = _q("index"), _q("level"), _q("hash")
    # names come from our models, quoted; every value is a parameter
    return {
        "size": f"SELECT {_q('size')} FROM {_q(head)} WHERE {_q('id')} = 1",  # noqa: S608
        "leaves": f"SELECT {_q('entry')} FROM {_q(entry)} "  # noqa: S608
        f"WHERE {idx} >= %s AND {idx} < %s ORDER BY {idx}",
        "nodes": f"SELECT {lvl}, {idx}, {h} FROM {_q(node)} WHERE ",  # noqa: S608
        "node_level": f"({lvl} = %s AND {idx} IN (",
        # the rows of subtree_hashes' single query: (kind or level, index or size, hash)
        "size_row": f"SELECT {_SIZE_ROW}, {_q('size')}, NULL FROM {_q(head)} "  # noqa: S608
        f"WHERE {_q('id')} = 1",
        "leaf_rows": f"SELECT {_LEAF_ROW}, {idx}, {_q('entry')} FROM {_q(entry)} "  # noqa: S608
        f"WHERE {idx} >= %s AND {idx} < %s",
    }


def tree_size() -> int:
    """The number of entries in the log (committed appends only)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql()["size"])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def leaf_hashes(start: int, end: int) -> list[bytes]:
    """The leaf hashes of entries ``[start, end)``, which must all exist (hashed from the
    entries: they are not stored)."""
    if end <= start:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_sql()["leaves"], [start, end])
        rows = cursor.fetchall()
    if len(rows) != end - start:
        raise LedgerCorrupt(f"entries {start}..{end - 1} are not all stored")
    sha = merkle._sha256
    return [sha(b"\x00" + bytes(r[0])).digest() for r in rows]


def stored_nodes(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Stored subtree hashes by ``(level, index)``; absent keys are left out."""
    keys = list(keys)
    if not keys:
        return {}
    where, params = _node_terms(keys)
    with connection.cursor() as cursor:
        cursor.execute(_sql()["nodes"] + where, params)
        rows = cursor.fetchall()
    return {(int(level), int(index)): bytes(h) for level, index, h in rows}


def _node_terms(keys: Iterable[tuple[int, int]]) -> tuple[str, list[int]]:
    """``(level = 6 AND index IN (…)) OR …``: one indexed lookup per level."""
    by_level: dict[int, list[int]] = {}
    for level, index in keys:
        by_level.setdefault(level, []).append(index)
    terms, params = [], []
    for level, indexes in sorted(by_level.items()):
        terms.append(_sql()["node_level"] + ", ".join(["%s"] * len(indexes)) + "))")
        params += [level, *indexes]
    return "(" + " OR ".join(terms) + ")", params


def subtree_hashes(keys: Iterable[tuple[int, int]], size: int) -> dict[tuple[int, int], bytes]:
    """The hashes of complete subtrees ``(level, index)`` of the tree of ``size`` entries:
    stored nodes for level >= 8, hashed from their chunk's leaf hashes below.

    One query reads the tree's size, the stored nodes and the chunks' leaf hashes: a proof
    needs two chunks (its leaf's and the tree's last), and a round trip per read would be
    most of its time on a networked database. ``ValidationError`` on ``size`` when the tree is
    smaller than ``size``.
    """
    keys = set(keys)
    high = sorted(k for k in keys if k[0] >= CHUNK_LEVEL)
    low = keys.difference(high)
    chunks = sorted({(index << level) >> CHUNK_LEVEL for level, index in low})
    ranges = [(c * CHUNK, min(c * CHUNK + CHUNK, size)) for c in chunks]

    sql = _sql()
    parts, params = [sql["size_row"]], []
    if high:
        where, node_params = _node_terms(high)
        parts.append(sql["nodes"] + where)
        params += node_params
    for start, end in ranges:
        parts.append(sql["leaf_rows"])
        params += [start, end]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()

    _check_size(size, current=next((int(r[1]) for r in rows if r[0] == _SIZE_ROW), 0))
    out = {(int(r[0]), int(r[1])): bytes(r[2]) for r in rows if r[0] >= 0}
    if len(out) != len(high):
        missing = sorted(set(high) - out.keys())[0]
        raise LedgerCorrupt(f"the subtree node {missing[0]}/{missing[1]} is not stored")
    leaves = sorted((r[1], r[2]) for r in rows if r[0] == _LEAF_ROW)
    if len(leaves) != sum(end - start for start, end in ranges):
        raise LedgerCorrupt(f"the entries of the chunks {chunks} are not all stored")
    levels, offset, sha = {}, 0, merkle._sha256
    for c, (start, end) in zip(chunks, ranges, strict=True):
        hashes = [
            sha(b"\x00" + bytes(e)).digest() for _, e in leaves[offset : offset + end - start]
        ]
        levels[c] = merkle.complete_levels(hashes)
        offset += end - start
    for level, index in low:
        c = (index << level) >> CHUNK_LEVEL
        out[(level, index)] = levels[c][level][index - (c << (CHUNK_LEVEL - level))]
    return out


def _hash_ranges(ranges: list[tuple[int, int]], size: int) -> list[bytes]:
    keys = {k for start, end in ranges for k in merkle.subtrees(start, end)}
    hashes = subtree_hashes(keys, size)
    return merkle.range_hashes(ranges, lambda level, index: hashes[(level, index)])


def _check_size(size: int, field: str = "size", current: int | None = None) -> None:
    current = tree_size() if current is None else current
    if not 0 <= size <= current:
        raise ValidationError({field: _("超出日志范围：日志现有 %(size)s 条") % {"size": current}})


def _check_bound(size: int, field: str) -> None:
    """A size no tree can have is refused before it reaches SQL's 64-bit integers."""
    if not 0 <= size <= note.MAX_TREE_SIZE:
        _check_size(size, field)  # names the current size


def root(size: int) -> bytes:
    """The Merkle Tree Hash of the first ``size`` entries."""
    _check_bound(size, "size")
    if size == 0:
        return merkle.EMPTY_ROOT
    return _hash_ranges([(0, size)], size)[0]


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1."""
    _check_bound(size, "size")
    if not 0 <= index < size:
        raise ValidationError({"index": _("序号应小于树的大小 %(size)s") % {"size": size}})
    return _hash_ranges(merkle.inclusion_ranges(index, size), size)


def consistency_proof(first: int, second: int) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1, for 0 < first <= second."""
    _check_bound(second, "to")
    if not 0 < first <= second:
        raise ValidationError({"from": _("应满足 0 < from ≤ to")})
    try:
        return _hash_ranges(merkle.consistency_ranges(first, second), second)
    except ValidationError as exc:
        raise ValidationError({"to": exc.message_dict["size"]}) from exc


def entry_get(index: int) -> LedgerEntry:
    current = tree_size()
    if not 0 <= index < current:
        raise ValidationError(
            {"index": _("超出日志范围：日志现有 %(size)s 条") % {"size": current}}
        )
    entry = LedgerEntry.objects.filter(index=index).first()
    if entry is None:
        raise LedgerCorrupt(f"entry {index} is not stored")
    return entry


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()
