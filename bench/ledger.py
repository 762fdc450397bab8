"""Benchmarks of the hour log (cqo/ledger), each against a baseline run in the same process.

1. Appending with storage: ``append_many`` in batches and ``append`` one by one, against
   pymerkle's SQLite-backed tree (``SqliteTree``, the common library) on the same entries and
   disk, and against bare hashlib leaf hashing (the limit).
2. Inclusion proofs at ``--ledger-leaves`` leaves (default 10,000,000): the leaves are loaded
   with a fast path (precomputed leaf hashes and subtree nodes, ``executemany``; its time is
   printed), then random proofs are timed and checked against the signed root. pymerkle's proof
   time on the smaller tree of section 1 is printed for comparison.
3. The full audit (``ledger_audit``) against hashing the same tree in memory with hashlib.

Prints figures; asserts only that the proofs and the audit check out. Standalone:
``python bench/ledger.py [--ledger-leaves N]`` (own throw-away database); ``bench/run.py``
calls ``run_ledger()`` at its end, which reads ``--ledger-leaves`` from the command line.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

APPEND_N = 200_000
APPEND_BATCH = 10_000
SINGLE_N = 2_000
PROOFS = 2_000
LOAD_CHUNK = 1 << 16


def _args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--ledger-leaves", type=int, default=10_000_000)
    parser.add_argument("--ledger-append", type=int, default=APPEND_N)
    return parser.parse_known_args(argv)[0]


def _entries(n: int, rng: random.Random) -> list[bytes]:
    """Entries shaped like the hour log's: a JSON commitment and its time, ~120 bytes."""
    return [
        b'{"commitment":"%s","entered_at":"2026-11-21T10:00:00+00:00","type":"study_record","v":1}'
        % rng.randbytes(32).hex().encode()
        for _ in range(n)
    ]


def _line(name: str, seconds: float, n: int, base_name: str, base: float) -> None:
    print(
        f"{name:<42} {seconds * 1000:9.1f} ms  ({n / seconds:10,.0f}/s)   "
        f"{base_name}: {base * 1000:8.1f} ms ({n / base:10,.0f}/s)   "
        f"ours {base / seconds:5.2f}x as fast"
    )


def run_ledger(leaves: int | None = None, append_n: int | None = None) -> None:
    from django.db import connection

    args = _args(sys.argv[1:])
    leaves = args.ledger_leaves if leaves is None else leaves
    append_n = args.ledger_append if append_n is None else append_n
    rng = random.Random(9162)
    print(f"\n-- hour log (cqo/ledger), database {connection.vendor} --")
    figures = _bench_append(append_n, rng)
    figures |= _bench_proofs(leaves, rng, figures)
    figures |= _bench_audit(rng)
    print(
        "targets: append >= 100,000/s: {append:,.0f}/s; >= 5x pymerkle SqliteTree with its "
        "default append_entry (one entry per commit, as ours one per transaction): "
        "{ratio_one:.2f}x; inclusion proof < 1 ms at {size:,} leaves: mean {proof_mean:.0f} "
        "µs, p99 {proof_p99:.0f} µs; audit within 2x of hashing the tree: "
        "{audit_ratio:.2f}x".format(**figures)
    )
    print(
        "  pymerkle's batch append_entries stores leaves only (no interior nodes: its proofs "
        "then take {pm_proof_ms:.1f} ms each at {pm_size:,.0f} leaves); ours in batches of "
        "10,000 also stores every complete subtree of 64+ leaves and runs at {ratio_batch:.2f}x "
        "its rate. 5x its batch rate ({pm_five:,.0f}/s) is more than hashing the tree in memory "
        "alone reaches here ({tree_rate:,.0f}/s).".format(
            pm_proof_ms=figures["pm_proof"] * 1e3, pm_five=5 * figures["pm_rate"], **figures
        )
    )


def _bench_append(append_n: int, rng: random.Random) -> dict[str, float]:
    """1. Appending with storage: ours and pymerkle's SQLite tree, same entries, same disk."""
    from django.db import connection
    from pymerkle import SqliteTree

    from cqo.ledger import services

    entries = _entries(append_n, rng)
    singles = _entries(SINGLE_N, rng)
    workdir = Path(connection.settings_dict["NAME"]).parent
    if connection.vendor != "sqlite" or not workdir.is_dir():
        workdir = Path(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        tree = SqliteTree(str(Path(tmp) / "pymerkle.db"))
        t_pm = _timed(lambda: tree.append_entries(entries))
        t_pm_one = _timed(lambda: [tree.append_entry(e) for e in singles])
        t_ours = _timed(
            lambda: [
                services.append_many(entries[i : i + APPEND_BATCH])
                for i in range(0, append_n, APPEND_BATCH)
            ]
        )
        t_ours_one = _timed(lambda: [services.append(e) for e in singles])
        t_raw = _timed(lambda: [hashlib.sha256(b"\x00" + e).digest() for e in entries])
        # pymerkle's proofs on its own (smaller) tree: the first fills its subroot cache
        size_pm = tree.get_size()
        t_pm_first = _timed(lambda: tree.prove_inclusion(size_pm // 3 + 1, size_pm))
        picks = [rng.randrange(1, size_pm + 1) for _ in range(200)]
        t_pm_proof = _timed(lambda: [tree.prove_inclusion(i, size_pm) for i in picks]) / 200
        tree.close()
    _line(
        f"append_many, batches of {APPEND_BATCH:,}", t_ours, append_n, "pymerkle SqliteTree", t_pm
    )
    print(
        f"{'':<42} raw hashlib leaf hashing (the limit): {append_n / t_raw:10,.0f}/s; "
        f"ours runs at {t_raw / t_ours:.0%} of it"
    )
    _line("append, one per transaction", t_ours_one, SINGLE_N, "pymerkle append_entry", t_pm_one)
    return {
        "append": append_n / t_ours,
        "ratio_batch": t_pm / t_ours,
        "pm_rate": append_n / t_pm,
        "ratio_one": t_pm_one / t_ours_one,
        "pm_size": size_pm,
        "pm_first": t_pm_first,
        "pm_proof": t_pm_proof,
    }


def _bench_proofs(leaves: int, rng: random.Random, pm: dict[str, float]) -> dict[str, float]:
    """2. Inclusion and consistency proofs at ``leaves`` leaves, checked against the root."""
    from cqo.ledger import merkle, selectors, services

    have = selectors.tree_size()
    t_load = _load(max(0, leaves - have), rng)
    size = selectors.tree_size()
    print(
        f"{'load leaves (fast path, executemany)':<42} {t_load:9.1f} s   "
        f"({(size - have) / max(t_load, 1e-9):10,.0f}/s), tree size {size:,}"
    )
    for s in sorted({size // 7, size // 3, size // 2, size - 1}):
        if s > 0:
            services.checkpoint(s)
    head = services.checkpoint()
    indexes = [rng.randrange(size) for _ in range(PROOFS)]
    times, proofs = [], []
    for i in indexes:
        start = time.perf_counter()
        proofs.append(selectors.inclusion_proof(i, size))
        times.append(time.perf_counter() - start)
    for i, proof in list(zip(indexes, proofs, strict=True))[:200]:
        leaf = selectors.leaf_hashes(i, i + 1)[0]
        assert merkle.verify_inclusion(i, size, leaf, proof, bytes(head.root))
    longest = max(len(p) for p in proofs)
    times.sort()
    mean, p99 = statistics.fmean(times), times[int(len(times) * 0.99)]
    print(
        f"{'inclusion proof at ' + format(size, ',') + ' leaves':<42} "
        f"mean {mean * 1e6:7.0f} µs  p50 {times[len(times) // 2] * 1e6:6.0f} µs  "
        f"p99 {p99 * 1e6:6.0f} µs   {longest} hashes ({longest * 32} bytes)"
    )
    print(
        f"{'':<42} pymerkle SqliteTree at {pm['pm_size']:,.0f} leaves: first proof "
        f"{pm['pm_first'] * 1e3:8.1f} ms, then {pm['pm_proof'] * 1e6:7.0f} µs each"
    )
    firsts = [rng.randrange(1, size) for _ in range(200)]
    t_cons = _timed(lambda: [selectors.consistency_proof(m, size) for m in firsts]) / 200
    print(
        f"{'consistency proof at ' + format(size, ',') + ' leaves':<42} mean {t_cons * 1e6:7.0f} µs"
    )
    return {"size": size, "proof_mean": mean * 1e6, "proof_p99": p99 * 1e6}


def _bench_audit(rng: random.Random) -> dict[str, float]:
    """3. The full audit against hashing the same kind of tree in memory (best of three)."""
    from cqo.ledger import merkle
    from cqo.ledger.audit import ledger_audit

    report = ledger_audit()
    assert report.ok, report.reason
    sample = min(report.entries, 1_000_000)
    data = [rng.randbytes(32) for _ in range(sample)]
    t_leaf = min(
        _timed(lambda: [hashlib.sha256(b"\x00" + e).digest() for e in data]) for _ in range(3)
    )
    t_tree = min(_timed(lambda: merkle.root(merkle_leaves(data))) for _ in range(3))
    audit_rate, tree_rate = report.rate, sample / t_tree
    print(
        f"{'ledger_audit (' + str(report.checkpoints) + ' checkpoints)':<42} "
        f"{report.seconds:9.1f} s   ({audit_rate:10,.0f}/s)   hashing the tree in memory: "
        f"{tree_rate:10,.0f}/s (its leaves alone {sample / t_leaf:10,.0f}/s)   "
        f"audit takes {tree_rate / audit_rate:4.2f}x its time"
    )
    return {"audit_ratio": tree_rate / audit_rate, "tree_rate": tree_rate}


def merkle_leaves(data: list[bytes]) -> list[bytes]:
    sha = hashlib.sha256
    return [sha(b"\x00" + e).digest() for e in data]


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _load(count: int, rng: random.Random) -> float:
    """Append ``count`` 32-byte entries with precomputed hashes (aligned batches of 65,536
    after the first) through the same subtree code as ``append_many``, in bulk SQL."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cqo.ledger import services
    from cqo.ledger.models import LedgerEntry, LedgerNode

    q = connection.ops.quote_name
    entry_sql = (  # the statement of services.append_many, over precomputed rows
        f"INSERT INTO {q(LedgerEntry._meta.db_table)} ({q('index')}, {q('entry')}, "  # noqa: S608
        f"{q('created_at')}) VALUES (%s, %s, %s)"
    )
    node_sql = (
        f"INSERT INTO {q(LedgerNode._meta.db_table)} ({q('level')}, {q('index')}, {q('hash')}) "  # noqa: S608
        "VALUES (%s, %s, %s)"
    )
    now = LedgerEntry._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    sha = hashlib.sha256
    start = time.perf_counter()
    done = 0
    while done < count:
        with transaction.atomic():
            first = services._lock_head()
            n = min(count - done, LOAD_CHUNK - first % LOAD_CHUNK)
            blob = rng.randbytes(32 * n)
            data = [blob[j : j + 32] for j in range(0, 32 * n, 32)]
            hashes = [sha(b"\x00" + e).digest() for e in data]
            nodes = services._completed_nodes(first, hashes)
            with connection.cursor() as cursor:
                cursor.executemany(
                    entry_sql,
                    [(first + j, data[j], now) for j in range(n)],
                )
                cursor.executemany(node_sql, nodes)
            services._set_head(first + n)
        done += n
    return time.perf_counter() - start


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    _args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run_ledger()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
