"""Concurrent appends (SPEC §12.14): the head row serialises writers, so every entry gets its
own index, each call's entries stay together and in order, and the stored tree checks out."""

from __future__ import annotations

from functools import partial

import pytest

from cqo.ledger import services
from cqo.ledger.audit import ledger_audit
from cqo.ledger.models import LedgerEntry
from cqo.test import at_once

WRITERS, CALLS = 4, 12


# transaction=True: each writer commits on its own connection, as concurrent requests do (on
# SQLite the IMMEDIATE transaction queues them, on PostgreSQL the head row's lock). The first
# append of all also races to create the head row. serialized_rollback=True restores the
# reference data of the data migrations after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_get_distinct_consecutive_indexes() -> None:
    calls: dict[int, list[list[int]]] = {w: [] for w in range(WRITERS)}

    def writer(w: int) -> None:
        for c in range(CALLS):
            batch = [f"w{w}-c{c}-{k}".encode() for k in range(1 + (w * 37 + c * 11) % 90)]
            rows = services.append_many(batch) if len(batch) > 1 else [services.append(batch[0])]
            calls[w].append([r.index for r in rows])

    errors = [e for e in at_once(*[partial(writer, w) for w in range(WRITERS)]) if e is not None]
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
