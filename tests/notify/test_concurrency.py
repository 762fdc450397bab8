"""Two workers holding the same delivery at the same moment (a task delivered twice after a
lost acknowledgement): the claim lets one of them send; the other sends nothing.

transaction=True: each worker claims on a connection of its own, as two worker processes do.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from cqo.notify import delivery, sending, services
from cqo.notify.kinds import Channel
from cqo.notify.models import OutboxMessage
from cqo.test import at_once, build_personas
from tests.notify.conftest import HOURS, context

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_workers_delivering_one_row_at_once_send_it_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = build_personas()
    # the row waits for the workers below, not for the one the commit would call
    monkeypatch.setattr(services, "_enqueue", lambda message_id: None)
    rows = services.notice_send(recipient=p.cqo, kind=HOURS, subject="s", context=context())
    row = next(r for r in rows if r.channel == Channel.EMAIL)
    sent: list[int] = []
    lock = threading.Lock()

    def slow_send(message: OutboxMessage, address: Any) -> None:
        with lock:
            sent.append(message.pk)
        time.sleep(0.3)  # the other worker arrives while this one is sending

    monkeypatch.setattr(delivery, "deliver", slow_send)
    outcomes = at_once(
        lambda: sending.message_deliver(message_id=row.pk),
        lambda: sending.message_deliver(message_id=row.pk),
    )
    assert sent == [row.pk]
    statuses = sorted(o.status for o in outcomes)
    # the loser saw the row sending (or already sent) and left it alone
    assert statuses in (["sending", "sent"], ["sent", "sent"]), outcomes
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and row.attempts == 1
