"""Concurrent writers and checkpoints keep one consistent tree (issue 8 faults, SPEC §12.14):
while several writers append and take checkpoints at once, every entry lands exactly once at
contiguous indexes, every checkpoint taken on the way is signed and verifies, every leaf has an
inclusion proof against the final checkpoint, and every checkpoint is consistent with every
later one (RFC 9162 §2.1.3, §2.1.4). Appends without checkpoints: test_concurrency.py."""

from __future__ import annotations

import hashlib
import threading
from functools import partial

import pytest

from cqo.ledger import merkle, note, selectors, services
from cqo.ledger.models import LedgerEntry
from cqo.test import at_once

WRITERS, CALLS = 4, 6


# transaction=True: each writer commits on its own connection, as concurrent requests do;
# serialized_rollback=True restores the reference data of the data migrations after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_and_checkpoints_keep_one_verifiable_tree() -> None:
    checkpoints: dict[int, bytes] = {}
    lock = threading.Lock()

    def writer(w: int) -> None:
        for c in range(CALLS):
            batch = [f"w{w}-c{c}-{k}".encode() for k in range(1 + (w * 7 + c * 5) % 13)]
            services.append_many(batch)
            cp = services.checkpoint()
            with lock:
                assert checkpoints.setdefault(cp.size, bytes(cp.root)) == bytes(cp.root)

    errors = [e for e in at_once(*[partial(writer, w) for w in range(WRITERS)]) if e is not None]
    assert not errors, errors

    expected = {
        f"w{w}-c{c}-{k}".encode()
        for w in range(WRITERS)
        for c in range(CALLS)
        for k in range(1 + (w * 7 + c * 5) % 13)
    }
    stored = list(LedgerEntry.objects.order_by("index").values_list("index", "entry"))
    assert [i for i, _e in stored] == list(range(len(stored)))  # contiguous, none twice
    entries = [bytes(e) for _i, e in stored]
    assert len(entries) == len(set(entries)) == len(expected)  # each entry exactly once
    assert set(entries) == expected

    final = services.checkpoint()
    size, root = final.size, bytes(final.root)
    assert size == len(entries)
    leaves = [hashlib.sha256(b"\x00" + e).digest() for e in entries]
    assert root == merkle.root(leaves)
    parsed = note.parse_checkpoint(note.open_note(final.note, selectors.verifier()))
    assert (parsed.size, parsed.root) == (size, root)

    for index, leaf in enumerate(leaves):
        proof = selectors.inclusion_proof(index, size)
        assert merkle.verify_inclusion(index, size, leaf, proof, root), index

    sizes = sorted(checkpoints)
    assert len(sizes) >= 2 and sizes[-1] == size
    for first in sizes:
        assert checkpoints[first] == merkle.root(leaves[:first])
        for second in (s for s in sizes if s > first):
            proof = selectors.consistency_proof(first, second)
            assert merkle.verify_consistency(
                first, second, checkpoints[first], checkpoints[second], proof
            ), (first, second)
