"""The full audit of the hour log (``manage.py ledger_audit``): recompute everything the log
stores from its entries and report the first place where storage and recomputation diverge.

In one pass over the entries in index order (large chunks, plain SQL):

- every leaf hash is computed from the entry's bytes (leaf hashes are not stored), and the
  indexes must run 0, 1, 2, … up to the head's size (a removed entry is a gap);
- every complete subtree of 64, 128, … leaves is recomputed from those leaf hashes and
  compared with the stored ``LedgerNode`` (reordered entries change them), and no other node may
  be stored;
- at each stored checkpoint's size: its note must carry a valid signature by the platform's key,
  its text must name our origin, its size and the stored root, the root recomputed from the
  entries must equal the signed one, and a consistency proof (RFC 9162 §2.1.4), built from the
  recomputed tree, must verify from the previous checkpoint's signed root to this one.

Memory is O(n / 64) hashes: the recomputed subtree nodes, not the leaves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from cqo.ledger import merkle, note, selectors
from cqo.ledger.models import Checkpoint, LedgerEntry, LedgerNode
from cqo.ledger.selectors import CHUNK, CHUNK_LEVEL

_sha256 = merkle._sha256


@dataclass
class AuditReport:
    ok: bool
    size: int  # the head's size when the audit began
    entries: int = 0  # entries checked
    nodes: int = 0
    checkpoints: int = 0
    kind: str = ""  # where it diverged: "entry", "node", "checkpoint" or "head"
    position: str = ""  # the entry index, node "level/index" or checkpoint size
    reason: str = ""
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.entries / self.seconds if self.seconds else 0.0


class _Divergence(Exception):
    def __init__(self, kind: str, position: object, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.position, self.reason = kind, str(position), reason


class _Tree:
    """The tree recomputed so far: complete subtrees of level >= ``CHUNK_LEVEL`` and the chunk
    being filled."""

    def __init__(self, stored: dict[tuple[int, int], bytes]) -> None:
        self.levels: list[list[bytes]] = [[] for _ in range(CHUNK_LEVEL)]
        self.chunk: list[bytes] = []  # leaf hashes of the chunk being filled
        self.chunks: dict[int, list[bytes]] = {0: self.chunk}  # chunks a proof may read
        self.keep: int | None = None  # the chunk of the previous checkpoint's last leaf
        self.stored = stored
        self.size = 0
        self.nodes_checked = 0

    def feed(self, hashes: list[bytes]) -> None:
        i, n = 0, len(hashes)
        if self.chunk:  # first fill the chunk begun by the previous batch
            i = min(CHUNK - len(self.chunk), n)
            self.chunk.extend(hashes[:i])
            self.size += i
            if len(self.chunk) == CHUNK:
                self._complete_chunk(merkle.root(self.chunk), self.chunk)
        whole = (n - i) >> CHUNK_LEVEL << CHUNK_LEVEL
        if whole:
            # the roots of all whole chunks at once, level by level as the in-memory tree hash
            # does (one list per level, not one per chunk: most of the audit is this loop)
            level, sha = hashes[i : i + whole], _sha256
            for _ in range(CHUNK_LEVEL):
                level = [
                    sha(b"\x01" + level[j] + level[j + 1]).digest() for j in range(0, len(level), 2)
                ]
            for k, h in enumerate(level):
                self.size += CHUNK
                last = k == len(level) - 1
                self._complete_chunk(h, hashes[i + k * CHUNK : i + whole] if last else None)
            i += whole
        if i < n:
            self.chunk.extend(hashes[i:])
            self.size += n - i

    def _complete_chunk(self, h: bytes, leaves: list[bytes] | None) -> None:
        """Check the chunk just completed (root ``h``) and the subtrees it completes; keep its
        leaf hashes (``leaves``) when a later consistency proof may read them."""
        completed = (self.size - 1) >> CHUNK_LEVEL
        level = CHUNK_LEVEL
        while True:
            if len(self.levels) <= level:
                self.levels.append([])
            nodes = self.levels[level]
            index = len(nodes)
            nodes.append(h)
            self._check_node(level, index, h)
            if not index & 1:
                break
            h = merkle.node_hash(nodes[index - 1], h)
            level += 1
        # a consistency proof reads the chunks of the last leaves of its two trees: keep the one
        # just completed and the previous checkpoint's, drop the rest
        self.chunk = []
        self.chunks = {k: v for k, v in self.chunks.items() if k == self.keep}
        if leaves is not None:
            self.chunks[completed] = leaves
        self.chunks[completed + 1] = self.chunk

    def _check_node(self, level: int, index: int, h: bytes) -> None:
        stored = self.stored.pop((level, index), None)
        self.nodes_checked += 1
        if stored is None:
            raise _Divergence("node", f"{level}/{index}", f"node {level}/{index} is not stored")
        if stored != h:
            raise _Divergence(
                "node",
                f"{level}/{index}",
                f"node {level}/{index} (entries {index << level}–{((index + 1) << level) - 1}) "
                "differs from the one recomputed from the entries",
            )

    def subtree(self, level: int, index: int) -> bytes:
        if level >= CHUNK_LEVEL:
            return self.levels[level][index]
        first = index << level
        chunk = self.chunks[first >> CHUNK_LEVEL]
        offset = first % CHUNK
        return merkle.root(chunk[offset : offset + (1 << level)])

    def root(self, size: int) -> bytes:
        if size == 0:
            return merkle.EMPTY_ROOT
        return merkle.range_hashes([(0, size)], self.subtree)[0]

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        return merkle.range_hashes(merkle.consistency_ranges(first, second), self.subtree)


def ledger_audit(
    *, batch: int = 65536, progress: Callable[[int, int], None] | None = None
) -> AuditReport:
    """Audit the whole log; ``progress(done, total)`` is called after each batch."""
    started = time.perf_counter()
    size = selectors.tree_size()
    report = AuditReport(ok=True, size=size)
    tree = _Tree(_stored_nodes())
    try:
        _run(tree, size, report, batch, progress)
    except _Divergence as exc:
        report.ok, report.kind, report.position, report.reason = (
            False,
            exc.kind,
            exc.position,
            exc.reason,
        )
    report.entries = int(report.position) if report.kind == "entry" else min(tree.size, size)
    report.nodes = tree.nodes_checked
    report.seconds = time.perf_counter() - started
    return report


def _stored_nodes() -> dict[tuple[int, int], bytes]:
    rows = LedgerNode.objects.values_list("level", "index", "hash").iterator(chunk_size=20000)
    return {(level, index): bytes(h) for level, index, h in rows}


def _run(
    tree: _Tree,
    size: int,
    report: AuditReport,
    batch: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    verifiers = selectors.audit_verifiers()
    sm2 = selectors.sm2_verifier()
    rows = Checkpoint.objects.order_by("size").values_list("size", "root", "note")
    checkpoints = [(s, bytes(root), signed) for s, root, signed in rows]
    beyond = [c for c in checkpoints if c[0] > size]
    checkpoints = [c for c in checkpoints if c[0] <= size]
    pending = iter(checkpoints)
    due = next(pending, None)
    previous: tuple[int, bytes] | None = None

    def reach(position: int) -> None:
        """Check every checkpoint of size ``position`` (the tree now has that many leaves)."""
        nonlocal due, previous
        while due is not None and due[0] == position:
            previous = _check_checkpoint(tree, verifiers, due, previous, sm2)
            report.checkpoints += 1
            tree.keep = (position - 1) >> CHUNK_LEVEL if position else None
            due = next(pending, None)

    reach(0)
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    idx, entry = (connection.ops.quote_name(c) for c in ("index", "entry"))
    # index is the primary key: a range read walks the table in order, and a range of b - a
    # distinct integers with b - a rows has no gap (a missing entry shows as a short read)
    sql = f"SELECT {entry} FROM {table} "  # noqa: S608  (our names, quoted)
    sql += f"WHERE {idx} >= %s AND {idx} < %s ORDER BY {idx}"
    expected = 0
    with connection.cursor() as cursor:
        while expected < size:
            n = min(batch, size - expected)
            cursor.execute(sql, [expected, expected + n])
            rows = cursor.fetchall()
            if len(rows) != n:
                missing = _first_missing(cursor, table, idx, expected, expected + n)
                raise _Divergence("entry", missing, f"entry {missing} is missing")
            sha = _sha256
            hashes = [sha(b"\x00" + e).digest() for (e,) in rows]
            # feed up to each checkpoint size inside this batch, then check it
            start = 0
            while due is not None and due[0] <= expected + n:
                cut = due[0] - expected
                tree.feed(hashes[start:cut])
                start = cut
                reach(due[0])
            tree.feed(hashes[start:])
            expected += n
            if progress:
                progress(expected, size)
    _check_beyond(tree, size, beyond)


def _first_missing(cursor: Any, table: str, idx: str, start: int, end: int) -> int:
    query = f"SELECT {idx} FROM {table} "  # noqa: S608  (our names, quoted)
    query += f"WHERE {idx} >= %s AND {idx} < %s ORDER BY {idx}"
    cursor.execute(query, [start, end])
    for offset, (i,) in enumerate(cursor.fetchall()):
        if i != start + offset:
            return start + offset
    return end - 1  # only the last one is absent


def _open(signed: str, verifiers: list[note.Verifier]) -> str:
    """The text of a note signed by one of the keys; a line by one of them that does not verify
    rejects it at once."""
    unsigned = note.NoteError("unsigned", "the note carries no signature by the log's keys")
    for verifier in verifiers:
        try:
            return note.open_note(signed, verifier)
        except note.NoteError as exc:
            if exc.code != "unsigned":
                raise
            unsigned = exc if len(verifiers) == 1 else unsigned
    raise unsigned


def _check_checkpoint(
    tree: _Tree,
    verifiers: list[note.Verifier],
    row: tuple[int, bytes, str],
    previous: tuple[int, bytes] | None,
    sm2: note.Verifier | None = None,
) -> tuple[int, bytes]:
    size, stored_root, signed = row[0], bytes(row[1]), row[2]
    try:
        parsed = note.parse_checkpoint(_open(signed, verifiers))
        if sm2 is not None and note.carries(signed, sm2):
            note.open_note(signed, sm2)  # an SM2 line (national suite) must verify too
    except note.NoteError as exc:
        raise _Divergence("checkpoint", size, f"checkpoint {size}: {exc}") from exc
    if parsed.origin != verifiers[0].name or parsed.size != size or parsed.root != stored_root:
        raise _Divergence(
            "checkpoint", size, f"checkpoint {size}: its signed text does not match its record"
        )
    if tree.root(size) != parsed.root:
        raise _Divergence(
            "checkpoint",
            size,
            f"checkpoint {size}: the signed root differs from the root of the entries",
        )
    if previous is not None and previous[0] > 0:
        proof = tree.consistency_proof(previous[0], size)
        if not merkle.verify_consistency(previous[0], size, previous[1], parsed.root, proof):
            raise _Divergence(
                "checkpoint",
                size,
                f"checkpoint {size} is not consistent with checkpoint {previous[0]}",
            )
    return size, parsed.root


def _check_beyond(tree: _Tree, size: int, beyond: list[tuple[int, bytes, str]]) -> None:
    """Rows past the head: an append that committed during the audit, or tampering."""
    if selectors.tree_size() != size:
        return  # the log grew while we read it; what we audited is consistent
    extra = LedgerEntry.objects.filter(index__gte=size).order_by("index").first()
    if extra is not None:
        raise _Divergence("head", extra.index, f"entry {extra.index} lies beyond the head {size}")
    if beyond:
        raise _Divergence(
            "checkpoint", beyond[0][0], f"checkpoint {beyond[0][0]} lies beyond the head {size}"
        )
    if tree.stored:
        level, index = min(tree.stored)
        raise _Divergence(
            "node", f"{level}/{index}", f"node {level}/{index} is stored but not in the tree"
        )
