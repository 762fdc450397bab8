"""Appending to the hour log, its stored subtrees, proofs from storage, checkpoints and bundles
(cqo/ledger/services.py, selectors.py), checked against the log recomputed in memory."""

from __future__ import annotations

import base64
import random
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cqo.ledger import merkle, note, selectors, services
from cqo.ledger.models import AppendOnly, Checkpoint, LedgerEntry, LedgerNode
from cqo.ledger.verify import verify_bundle
from tests.ledger.helpers import entries_for, leaf_hashes_of

pytestmark = pytest.mark.django_db


def stored_nodes() -> dict[tuple[int, int], bytes]:
    return {(n.level, n.index): bytes(n.hash) for n in LedgerNode.objects.all()}


def expected_nodes(hashes: list[bytes], chunk_level: int) -> dict[tuple[int, int], bytes]:
    levels = merkle.complete_levels(hashes)
    return {
        (level, i): h
        for level in range(chunk_level, len(levels))
        for i, h in enumerate(levels[level])
    }


def test_it_appends_entries_at_consecutive_indexes() -> None:
    first = services.append(b"hello")
    batch = services.append_many([b"a", b"b", b""])
    assert first.index == 0
    assert [e.index for e in batch] == [1, 2, 3]
    assert selectors.tree_size() == 4
    stored = LedgerEntry.objects.get(index=2)
    assert bytes(stored.entry) == b"b"
    assert bytes(stored.leaf_hash) == merkle.leaf_hash(b"b")
    assert stored.created_at is not None


def test_it_returns_the_entries_as_stored() -> None:
    rows = services.append_many(entries_for(3))
    for row in rows:
        db = LedgerEntry.objects.get(index=row.index)
        assert (row.index, row.entry, row.leaf_hash) == (
            db.index,
            bytes(db.entry),
            bytes(db.leaf_hash),
        )
        assert abs((row.created_at - db.created_at).total_seconds()) < 1e-3
        assert row._state.adding is False and row._state.db == "default"
        assert row.pk == row.index


def test_it_accepts_byte_like_entries_and_refuses_others() -> None:
    assert services.append(bytearray(b"x")).entry == b"x"
    assert services.append_many([]) == []
    for bad in ["text", 5, None, b"x" * (services.MAX_ENTRY_BYTES + 1)]:
        with pytest.raises(ValidationError) as caught:
            services.append(bad)  # type: ignore[arg-type]
        assert "entry" in caught.value.message_dict
    assert selectors.tree_size() == 1


def test_a_batch_with_a_bad_entry_appends_nothing() -> None:
    with pytest.raises(ValidationError):
        services.append_many([b"ok", "not bytes", b"ok"])  # type: ignore[list-item]
    assert selectors.tree_size() == 0
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("chunked", [False, True])
def test_it_stores_every_complete_subtree_as_it_completes(
    chunked: bool, request: pytest.FixtureRequest
) -> None:
    chunk_level = 2 if chunked else selectors.CHUNK_LEVEL
    if chunked:
        request.getfixturevalue("small_chunks")
    rng = random.Random(7)  # noqa: S311  (reproducible test data)
    entries: list[bytes] = []
    target = 300 if chunked else 2600
    while len(entries) < target:
        batch = entries_for(rng.choice([1, 1, 2, 3, 5, 17, 64, 255, 256, 257, 700]), len(entries))
        services.append_many(batch)
        entries += batch
        assert stored_nodes() == expected_nodes(leaf_hashes_of(entries), chunk_level)
    assert selectors.tree_size() == len(entries)


def test_its_roots_and_proofs_from_storage_match_the_log_in_memory(small_chunks: int) -> None:
    rng = random.Random(11)  # noqa: S311  (reproducible test data)
    entries = entries_for(300)
    hashes = leaf_hashes_of(entries)
    for n in range(1, 301):
        services.append(entries[n - 1])
        assert selectors.root(n) == merkle.root(hashes[:n])
        for i in {0, n - 1, rng.randrange(n)}:
            assert selectors.inclusion_proof(i, n) == merkle.inclusion_proof(i, hashes[:n])
        for m in {1, n, rng.randrange(1, n + 1)}:
            assert selectors.consistency_proof(m, n) == merkle.consistency_proof(m, hashes[:n])
    # proofs for older tree sizes stay valid as the log grows
    for n in range(1, 301):
        root = merkle.root(hashes[:n])
        for i in _some(n, rng):
            assert merkle.verify_inclusion(i, n, hashes[i], selectors.inclusion_proof(i, n), root)


def _some(n: int, rng: random.Random) -> set[int]:
    return {0, n - 1, *(rng.randrange(n) for _ in range(3))}


def test_its_proofs_cross_stored_chunks_of_256() -> None:
    entries = entries_for(1500)
    services.append_many(entries)
    hashes = leaf_hashes_of(entries)
    rng = random.Random(3)  # noqa: S311  (reproducible test data)
    for n in (255, 256, 257, 511, 512, 513, 1024, 1025, 1500):
        assert selectors.root(n) == merkle.root(hashes[:n])
        for i in _some(n, rng):
            assert selectors.inclusion_proof(i, n) == merkle.inclusion_proof(i, hashes[:n])
        for m in _some(n, rng) - {0}:
            assert selectors.consistency_proof(m, n) == merkle.consistency_proof(m, hashes[:n])


def test_it_refuses_proofs_beyond_the_tree() -> None:
    services.append_many(entries_for(10))
    for call, field in [
        (lambda: selectors.inclusion_proof(0, 11), "size"),
        (lambda: selectors.inclusion_proof(10, 10), "index"),
        (lambda: selectors.inclusion_proof(-1, 10), "index"),
        (lambda: selectors.consistency_proof(3, 11), "to"),
        (lambda: selectors.consistency_proof(0, 10), "from"),
        (lambda: selectors.consistency_proof(5, 4), "from"),
        (lambda: selectors.entry_get(10), "index"),
        (lambda: selectors.root(11), "size"),
    ]:
        with pytest.raises(ValidationError) as caught:
            call()
        assert field in caught.value.message_dict


def test_a_rolled_back_append_leaves_no_trace() -> None:
    services.append_many(entries_for(5))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.append_many(entries_for(300, 5))
        raise RuntimeError("the caller's transaction fails")
    assert selectors.tree_size() == 5
    assert not LedgerNode.objects.exists()
    services.append_many(entries_for(300, 100))
    hashes = leaf_hashes_of(entries_for(5) + entries_for(300, 100))
    assert selectors.root(305) == merkle.root(hashes)


# Append-only ----------------------------------------------------------------------------------


def test_it_refuses_to_update_or_delete_through_the_orm() -> None:
    services.append_many(entries_for(300))
    services.checkpoint()
    entry = LedgerEntry.objects.get(index=1)
    for model in (LedgerEntry, LedgerNode, Checkpoint):
        with pytest.raises(AppendOnly):
            model.objects.all().delete()
        with pytest.raises(AppendOnly):
            model.objects.filter(pk__isnull=False).update(pk=1)
        row = model.objects.first()
        with pytest.raises(AppendOnly):
            row.delete()
        with pytest.raises(AppendOnly):
            row.save()
    entry.entry = b"changed"
    with pytest.raises(AppendOnly):
        entry.save()
    assert bytes(LedgerEntry.objects.get(index=1).entry) == b"entry-1"


# Checkpoints and bundles ----------------------------------------------------------------------


def test_it_signs_a_c2sp_checkpoint_of_the_current_tree() -> None:
    services.append_many(entries_for(20))
    cp = services.checkpoint()
    root = merkle.root(leaf_hashes_of(entries_for(20)))
    assert (cp.size, bytes(cp.root)) == (20, root)
    body, signature = cp.note.split("\n\n")
    assert body == f"cqo-platform.local/hours\n20\n{note.b64(root)}"
    assert signature.startswith("— cqo-platform.local/hours ")
    verifier = note.parse_vkey(services.public_vkey())
    assert note.open_note(cp.note, verifier) == body + "\n"
    raw = note.b64decode(signature.splitlines()[0].split(" ")[2])  # (an SM2 line may follow)
    assert raw[:4] == verifier.key_id and len(raw) == 68


def test_it_keeps_one_checkpoint_per_size() -> None:
    services.append_many(entries_for(3))
    first = services.checkpoint()
    assert services.checkpoint().pk == first.pk
    assert services.checkpoint(3).pk == first.pk
    older = services.checkpoint(2)
    assert older.size == 2 and bytes(older.root) == merkle.root(leaf_hashes_of(entries_for(2)))
    assert Checkpoint.objects.count() == 2
    with pytest.raises(ValidationError):
        services.checkpoint(4)


def test_it_signs_the_empty_tree() -> None:
    cp = services.checkpoint()
    assert cp.size == 0 and bytes(cp.root) == merkle.EMPTY_ROOT


def test_it_issues_bundles_that_verify_offline() -> None:
    services.append_many(entries_for(40))
    vkey = services.public_vkey()
    for i in (0, 17, 39):
        b = services.bundle(i)
        result = verify_bundle(b, vkey)
        assert result.ok, result.reason
        assert result.entry == f"entry-{i}".encode() and result.size == 40
    assert Checkpoint.objects.count() == 1  # the covering checkpoint is reused
    services.append(b"later")
    assert verify_bundle(services.bundle(3), vkey).size == 40  # still covered
    assert verify_bundle(services.bundle(40), vkey).size == 41  # signed anew
    with pytest.raises(ValidationError):
        services.bundle(41)


def test_it_publishes_the_vkey_of_its_configured_key(settings: Any) -> None:
    vkey = services.public_vkey()
    assert vkey.startswith("cqo-platform.local/hours+")
    assert note.parse_vkey(vkey).vkey == vkey
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    settings.CQO_LEDGER_KEY = base64.urlsafe_b64encode(seed).decode()
    expected = note.vkey(
        "cqo-platform.local/hours",
        Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw(),
    )
    assert services.public_vkey() == expected != vkey


def test_the_log_tables_use_the_primary_key_as_the_leaf_index() -> None:
    services.append_many(entries_for(3))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {LedgerEntry._meta.db_table}")  # noqa: S608
        assert cursor.fetchone()[0] == 3
    assert LedgerEntry._meta.pk.name == "index"
