"""Tampering with the stored log behind the platform's back (plain SQL, as someone with the
database would) is found by ``manage.py ledger_audit`` at its first divergence, and makes the
bundles issued from the tampered log fail ``verify_bundle``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cqo.ledger import merkle, note, selectors, services
from cqo.ledger.audit import ledger_audit
from cqo.ledger.models import Checkpoint, LedgerEntry, LedgerHead, LedgerNode
from cqo.ledger.verify import verify_bundle
from tests.ledger.helpers import entries_for

pytestmark = pytest.mark.django_db

N = 700  # ten complete chunks of 64, stored nodes on levels 6 to 9, and a partial chunk


def sql(statement: str, params: list[Any] | None = None) -> None:
    tables = {
        "entry": LedgerEntry._meta.db_table,
        "node": LedgerNode._meta.db_table,
        "checkpoint": Checkpoint._meta.db_table,
        "head": LedgerHead._meta.db_table,
    }
    with connection.cursor() as cursor:
        cursor.execute(statement.format(**tables), params or [])


@pytest.fixture
def log() -> list[bytes]:
    entries = entries_for(N)
    services.append_many(entries[:100])
    services.checkpoint()  # 100
    services.append_many(entries[100:512])
    services.checkpoint()  # 512, a multiple of 64 and 256
    services.append_many(entries[512:])
    services.checkpoint(600)
    services.checkpoint()  # 700
    return entries


def test_it_finds_nothing_wrong_with_an_untouched_log(log: list[bytes]) -> None:
    report = ledger_audit()
    assert report.ok, report.reason
    assert (report.size, report.entries, report.nodes, report.checkpoints) == (N, N, 18, 4)


def test_it_audits_an_empty_log() -> None:
    assert ledger_audit().ok
    services.checkpoint()
    report = ledger_audit()
    assert report.ok and report.checkpoints == 1


def test_it_checks_consistency_between_checkpoints_of_every_size(small_chunks: int) -> None:
    for entry in entries_for(150):
        services.append(entry)
        services.checkpoint()
    report = ledger_audit(batch=7)  # batches that cut through chunks and checkpoints
    assert report.ok, report.reason
    assert report.checkpoints == 150 and report.nodes > 70


def test_the_command_reports_success(log: list[bytes], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("ledger_audit")
    assert "ledger OK: tree size 700" in capsys.readouterr().out


def _swap(a: int, b: int) -> None:
    parked = 10**9
    sql('UPDATE {entry} SET "index" = %s WHERE "index" = %s', [parked, a])
    sql('UPDATE {entry} SET "index" = %s WHERE "index" = %s', [a, b])
    sql('UPDATE {entry} SET "index" = %s WHERE "index" = %s', [b, parked])


def _flip_signature(size: int) -> None:
    cp = Checkpoint.objects.get(size=size)
    body, block = cp.note.split("\n\n")
    sig_line, *others = block.splitlines()  # the Ed25519 line (an SM2 one may follow)
    prefix, b64 = sig_line.rsplit(" ", 1)
    raw = bytearray(note.b64decode(b64))
    raw[10] ^= 1
    lines = "".join(f"{line}\n" for line in [f"{prefix} {note.b64(bytes(raw))}", *others])
    sql("UPDATE {checkpoint} SET note = %s WHERE size = %s", [f"{body}\n\n{lines}", size])


def _sign_with_another_key(size: int) -> None:
    cp = Checkpoint.objects.get(size=size)
    text = cp.note.split("\n\n")[0] + "\n"
    forged = note.sign(text, selectors.origin(), Ed25519PrivateKey.generate())
    sql("UPDATE {checkpoint} SET note = %s WHERE size = %s", [forged, size])


def _sign_a_wrong_root(size: int) -> None:
    # the platform's own key signing a root that is not the tree's (a bug or a stolen key)
    wrong = merkle.leaf_hash(b"wrong")
    signed = note.sign(
        note.checkpoint_text(selectors.origin(), size, wrong),
        selectors.origin(),
        selectors.signing_key(),
    )
    sql("UPDATE {checkpoint} SET note = %s, root = %s WHERE size = %s", [signed, wrong, size])


TAMPERS: dict[str, tuple[Callable[[], None], str, str, int | None]] = {
    # name: (tamper, divergence kind, position, an index whose bundle must now fail)
    "altered entry bytes": (
        lambda: sql('UPDATE {entry} SET entry = %s WHERE "index" = 300', [b"entry-3000"]),
        "node",
        "6/4",  # the stored hash of its chunk, entries 256-319
        300,
    ),
    "altered entry before a checkpoint": (
        lambda: sql('UPDATE {entry} SET entry = %s WHERE "index" = 40', [b"forged"]),
        "node",
        "6/0",  # its chunk of 64 completes before checkpoint 100
        41,  # the sibling's proof carries leaf 40's hash
    ),
    "rewritten in the last chunk": (
        lambda: sql('UPDATE {entry} SET entry = %s WHERE "index" = 650', [b"forged"]),
        "checkpoint",
        "700",
        650,
    ),
    "removed entry": (lambda: sql('DELETE FROM {entry} WHERE "index" = 123'), "entry", "123", None),
    "removed last entry": (
        lambda: sql('DELETE FROM {entry} WHERE "index" = 699'),
        "entry",
        "699",
        None,
    ),
    "removed last entry and head": (
        lambda: (
            sql('DELETE FROM {entry} WHERE "index" = 699'),
            sql("UPDATE {head} SET size = 699"),
        ),
        "checkpoint",
        "700",
        None,
    ),
    "reordered entries": (lambda: _swap(260, 261), "node", "6/4", 260),
    "reordered before a checkpoint": (lambda: _swap(90, 91), "checkpoint", "100", 90),
    "altered stored node": (
        lambda: sql('UPDATE {node} SET hash = %s WHERE level = 8 AND "index" = 0', [b"\x00" * 32]),
        "node",
        "8/0",
        511,
    ),
    "removed stored node": (
        lambda: sql("DELETE FROM {node} WHERE level = 9"),
        "node",
        "9/0",
        None,
    ),
    "extra stored node": (
        lambda: sql('INSERT INTO {node} (level, "index", hash) VALUES (8, 7, %s)', [b"\x00" * 32]),
        "node",
        "8/7",
        None,
    ),
    # bundles carry the latest checkpoint (700): see the test below for a forged one
    "forged checkpoint signature": (lambda: _flip_signature(512), "checkpoint", "512", None),
    "checkpoint signed by another key": (
        lambda: _sign_with_another_key(100),
        "checkpoint",
        "100",
        None,
    ),
    "signed root that is not the tree's": (
        lambda: _sign_a_wrong_root(600),
        "checkpoint",
        "600",
        None,
    ),
    "checkpoint root column altered": (
        lambda: sql("UPDATE {checkpoint} SET root = %s WHERE size = 600", [b"\x01" * 32]),
        "checkpoint",
        "600",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_it_reports_the_first_divergence(case: str, log: list[bytes]) -> None:
    tamper, kind, position, bad_index = TAMPERS[case]
    # a bundle issued before the tampering stays valid: it is self-contained
    before = services.bundle(bad_index if bad_index is not None else 0)
    tamper()
    report = ledger_audit()
    assert not report.ok
    assert (report.kind, report.position) == (kind, position), report.reason
    with pytest.raises(CommandError, match="DIVERGENCE"):
        call_command("ledger_audit")
    vkey = services.public_vkey()
    assert verify_bundle(before, vkey).ok
    if bad_index is not None:
        after = services.bundle(bad_index)
        assert not verify_bundle(after, vkey).ok


def test_a_bundle_with_a_tampered_checkpoint_fails_verification(log: list[bytes]) -> None:
    _flip_signature(700)
    result = verify_bundle(services.bundle(650), services.public_vkey())
    assert (result.ok, result.code) == (False, "bad_signature")
    _sign_with_another_key(700)
    result = verify_bundle(services.bundle(650), services.public_vkey())
    assert (result.ok, result.code) == (False, "unsigned")


def test_it_adds_the_level_6_and_7_nodes_a_log_of_256_leaf_chunks_lacks() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cqo.ledger.migrations.0002_store_subtrees_from_64_leaves")
    services.append_many(entries_for(1000))
    services.checkpoint()
    before = set(LedgerNode.objects.values_list("level", "index", "hash"))
    sql("DELETE FROM {node} WHERE level IN (6, 7)")
    assert not ledger_audit().ok
    migration.forwards(apps, None)
    assert set(LedgerNode.objects.values_list("level", "index", "hash")) == before
    assert ledger_audit().ok
