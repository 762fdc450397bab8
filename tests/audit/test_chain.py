"""The audit trail's hash chain (cqo/audit/chain.py): entries sealed in id order under the head's
lock, each chain value a keyed MAC of the previous one and the entry; a walk of the chain finds a
changed, deleted, renumbered or missing-at-the-end entry (GB/T 22239-2019 8.1.4.3 c))."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from cqo.audit import selectors, services
from cqo.audit.models import AuditChainHead, AuditEntry, AuditVerification
from cqo.test import at_once

pytestmark = pytest.mark.django_db
Break = AuditVerification.Break


def _write(n: int, *, kind: str = "course") -> list[AuditEntry]:
    return [
        services.audit_record(
            actor=None,
            action="update",
            target_type=kind,
            target_id=f"{kind}-{i}",
            target_repr=f"第 {i} 号记录",
            changes={"name": ["旧名称", f"新名称 {i}"], "hours": [1.5, i]},
            note="web",
        )
        for i in range(n)
    ]


def _sql(statement: str, params: tuple[object, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@contextmanager
def behind_the_platform() -> Iterator[None]:
    """Someone with the database's own rights: on PostgreSQL the append-only trigger switched
    off (in the test's transaction, so it is back afterwards)."""
    if connection.vendor == "postgresql":
        _sql("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only")
    yield
    if connection.vendor == "postgresql":
        _sql("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_auditentry_append_only")


def _seq(entry: AuditEntry) -> int:
    entry.refresh_from_db()
    assert entry.seq is not None
    return entry.seq


def test_it_seals_new_entries_in_id_order_with_the_next_numbers() -> None:
    services.audit_seal()
    start = AuditChainHead.objects.get().seq
    entries = _write(3)
    services.audit_records(
        actor=None,
        action="create",
        target_type="course",
        items=[("c-9", "批量记录", {"name": [None, "批量"]}, "import")],
    )
    assert selectors.unsealed_count() == 4
    assert services.audit_seal() == 4
    sealed = list(AuditEntry.objects.filter(seq__gt=start).order_by("seq"))
    assert [e.seq for e in sealed] == [start + 1, start + 2, start + 3, start + 4]
    assert [e.pk for e in sealed] == sorted(e.pk for e in sealed)
    assert sealed[0].pk == entries[0].pk
    assert all(len(e.chain) == 64 and e.alg == "hmac-sha256" for e in sealed)
    assert AuditChainHead.objects.get().seq == start + 4
    assert AuditChainHead.objects.get().chain == sealed[-1].chain
    assert services.audit_seal() == 0  # nothing new
    assert selectors.unsealed_count() == 0


def test_it_seals_a_backlog_in_batches() -> None:
    _write(7)
    assert services.audit_seal(batch=3) >= 7
    assert selectors.unsealed_count() == 0
    assert services.audit_verify(batch=2).ok


def test_a_whole_chain_verifies_and_the_result_is_stored() -> None:
    _write(5)
    result = services.audit_verify()
    assert result.ok and result.breaks == 0 and result.first_break is None
    assert result.checked == AuditEntry.objects.count()
    assert result.last_seq == AuditEntry.objects.count()
    assert result.unsealed == 0
    assert result.algorithms == "hmac-sha256"
    assert result.oldest_at is not None
    assert result.retention_met is None  # the test database is younger than 180 days
    assert selectors.chain_status().last == result


def test_it_finds_a_changed_entry_and_only_that_one() -> None:
    entries = _write(4)
    services.audit_seal()
    changed = _seq(entries[1])
    with behind_the_platform():
        _sql(
            "UPDATE audit_auditentry SET target_repr = %s WHERE id = %s",
            ("改过的记录", entries[1].pk),
        )
    result = services.audit_verify()
    assert not result.ok
    assert (result.first_break, result.break_kind, result.breaks) == (changed, Break.CHANGED, 1)


@pytest.mark.parametrize(
    "column,value",
    [
        ("changes", '{"name": ["旧名称", "别的名称"]}'),
        ("note", "admin"),
        ("actor_name", "someone"),
        ("action", "create"),
        ("alg", "hmac-sm3"),
        ("chain", "0" * 64),
    ],
)
def test_it_finds_a_change_of_any_sealed_column(column: str, value: str) -> None:
    entries = _write(3)
    services.audit_seal()
    with behind_the_platform():
        statement = f"UPDATE audit_auditentry SET {column} = %s WHERE id = %s"  # noqa: S608 — the test's columns
        _sql(statement, (value, entries[1].pk))
    result = services.audit_verify()
    assert (result.first_break, result.break_kind) == (_seq(entries[1]), Break.CHANGED)


def test_it_finds_a_deleted_entry() -> None:
    entries = _write(4)
    services.audit_seal()
    gone = _seq(entries[1])
    with behind_the_platform():
        _sql("DELETE FROM audit_auditentry WHERE id = %s", (entries[1].pk,))
    result = services.audit_verify()
    assert (result.first_break, result.break_kind) == (gone, Break.MISSING)


def test_it_finds_entries_missing_at_the_end() -> None:
    entries = _write(3)
    services.audit_verify()
    last = _seq(entries[-1])
    with behind_the_platform():
        _sql("DELETE FROM audit_auditentry WHERE id = %s", (entries[-1].pk,))
    result = services.audit_verify()
    assert (result.first_break, result.break_kind) == (last, Break.TRUNCATED)


def test_it_finds_the_end_missing_even_when_the_head_is_moved_back() -> None:
    entries = _write(3)
    services.audit_verify()  # the last verification saw the whole chain
    last = _seq(entries[-1])
    with behind_the_platform():
        _sql("DELETE FROM audit_auditentry WHERE id = %s", (entries[-1].pk,))
    before = AuditEntry.objects.get(seq=last - 1)
    AuditChainHead.objects.filter(pk=1).update(seq=last - 1, chain=before.chain)
    result = services.audit_verify()
    assert (result.first_break, result.break_kind) == (last, Break.TRUNCATED)


def test_it_finds_two_entries_swapped() -> None:
    entries = _write(4)
    services.audit_seal()
    a, b = _seq(entries[1]), _seq(entries[2])
    with behind_the_platform():
        _sql("UPDATE audit_auditentry SET seq = -1 WHERE id = %s", (entries[1].pk,))
        _sql("UPDATE audit_auditentry SET seq = %s WHERE id = %s", (a, entries[2].pk))
        _sql("UPDATE audit_auditentry SET seq = %s WHERE id = %s", (b, entries[1].pk))
    result = services.audit_verify()
    assert (result.first_break, result.break_kind) == (a, Break.CHANGED)


def test_a_chain_rebuilt_without_the_key_does_not_verify(settings) -> None:
    entries = _write(3)
    services.audit_seal()
    with behind_the_platform():
        _sql("UPDATE audit_auditentry SET note = %s WHERE id = %s", ("改过", entries[0].pk))
    # whoever has the database but not the key reseals everything with a key of their own
    platform_key = settings.CQO_AUDIT_KEY
    settings.CQO_AUDIT_KEY = "a key of the intruder's own"
    with behind_the_platform():
        _sql("UPDATE audit_auditentry SET seq = NULL, chain = '', alg = ''")
    AuditChainHead.objects.filter(pk=1).update(seq=0, chain="")
    services.audit_seal()
    settings.CQO_AUDIT_KEY = platform_key
    result = services.audit_verify()
    assert (result.first_break, result.break_kind) == (1, Break.CHANGED)


def test_an_entry_committed_late_gets_a_later_number() -> None:
    """A transaction that took its id early and committed after later ones were sealed: its
    entry is sealed on the next run, after them. (Simulated with an id below the sealed ones;
    ``test_concurrent_writers_and_sealers`` does it with real transactions on PostgreSQL.)"""
    first = _write(1)[0]
    AuditEntry.objects.create(
        id=first.pk + 10, action="update", target_type="course", target_id="later"
    )
    services.audit_seal()
    late = AuditEntry.objects.create(
        id=first.pk + 5, action="update", target_type="course", target_id="late"
    )
    services.audit_seal()
    assert _seq(late) == AuditEntry.objects.get(pk=first.pk + 10).seq + 1
    assert services.audit_verify().ok


def test_the_chain_stays_verifiable_across_a_suite_switch(settings) -> None:
    settings.CQO_CRYPTO_SUITE = "international"
    before = _write(2)
    services.audit_seal()
    settings.CQO_CRYPTO_SUITE = "both"
    after = _write(2, kind="person")
    services.audit_seal()
    before[0].refresh_from_db()
    after[0].refresh_from_db()
    assert (before[0].alg, after[0].alg) == ("hmac-sha256", "hmac-sm3")
    settings.CQO_CRYPTO_SUITE = "national"
    result = services.audit_verify()
    assert result.ok
    assert result.algorithms == "hmac-sha256,hmac-sm3"
    settings.CQO_CRYPTO_SUITE = "international"
    assert services.audit_verify().ok


def test_it_reports_an_unknown_algorithm() -> None:
    entries = _write(2)
    services.audit_seal()
    with behind_the_platform():
        _sql("UPDATE audit_auditentry SET alg = %s WHERE id = %s", ("md5", entries[0].pk))
    result = services.audit_verify()
    assert (result.first_break, result.break_kind) == (_seq(entries[0]), Break.ALGORITHM)


def test_deleting_an_account_changes_none_of_its_entries(personas) -> None:
    from cqo.test import make_user

    leaver = make_user("leaver", "cqo")
    entry = services.audit_record(
        actor=leaver, action="update", target_type="course", target_id="x"
    )
    services.audit_seal()
    leaver.delete()
    entry.refresh_from_db()
    assert entry.actor_id is not None and entry.actor_name == "leaver"
    assert services.audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_leave_one_whole_chain() -> None:
    def write_and_seal(i: int) -> int:
        _write(5, kind=f"course{i}")
        return services.audit_seal()

    outcomes = at_once(*(lambda i=i: write_and_seal(i) for i in range(4)))
    assert all(isinstance(o, int) for o in outcomes), outcomes
    services.audit_seal()
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert services.audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_an_entry_of_a_transaction_committed_late_is_sealed_after() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: no transaction commits late")
    written, release = threading.Event(), threading.Event()
    late: list[int] = []

    def slow() -> None:
        try:
            with transaction.atomic():
                late.append(_write(1, kind="slow")[0].pk)
                written.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow)
    thread.start()
    assert written.wait(30)
    quick = _write(1, kind="quick")[0]
    services.audit_seal()  # the slow transaction's entry is not committed yet
    release.set()
    thread.join(30)
    services.audit_seal()
    slow_entry = AuditEntry.objects.get(pk=late[0])
    assert slow_entry.pk < quick.pk
    assert slow_entry.seq == _seq(quick) + 1
    assert services.audit_verify().ok
