"""Concurrent appends (SPEC §12.14): the head row serialises writers, so every entry gets its
own index, each call's entries stay together and in order, and the stored tree checks out."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from cqo.ledger import services
from cqo.ledger.audit import ledger_audit
from cqo.ledger.models import LedgerEntry

WRITERS, CALLS = 4, 12


# transaction=True: each writer commits on its own connection, as concurrent requests do (on
# SQLite the IMMEDIATE transaction queues them, on PostgreSQL the head row's lock). The first
# append of all also races to create the head row. serialized_rollback=True restores the
# reference data of the data migrations after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_get_distinct_consecutive_indexes() -> None:
    barrier = threading.Barrier(WRITERS, timeout=30)
    errors: list[BaseException] = []
    calls: dict[int, list[list[int]]] = {w: [] for w in range(WRITERS)}

    def writer(w: int) -> None:
        try:
            barrier.wait()
            for c in range(CALLS):
                batch = [f"w{w}-c{c}-{k}".encode() for k in range(1 + (w * 37 + c * 11) % 90)]
                rows = (
                    services.append_many(batch) if len(batch) > 1 else [services.append(batch[0])]
                )
                calls[w].append([r.index for r in rows])
        except BaseException as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors

    indexes = sorted(i for per_writer in calls.values() for call in per_writer for i in call)
    assert indexes == list(range(len(indexes)))
    for w, per_writer in calls.items():
        for c, call in enumerate(per_writer):
            assert call == list(range(call[0], call[0] + len(call)))  # one call, one run
            stored = LedgerEntry.objects.filter(index__in=call).order_by("index")
            assert [bytes(e.entry) for e in stored] == [
                f"w{w}-c{c}-{k}".encode() for k in range(len(call))
            ]
    services.checkpoint()
    report = ledger_audit()
    assert report.ok, report.reason
    assert report.size == len(indexes) > 256 * 3
