"""A daily run records its notices all at once (notices_send): each once per recipient, kind,
subject and channel, however often the run or a notice within it repeats; opt-outs and inactive
recipients as for one notice; a run racing another keeps only the rows that were new."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import IntegrityError

from cqo.audit.models import AuditEntry
from cqo.notify import services
from cqo.notify.kinds import Channel, Notice
from cqo.notify.models import OptOut, OutboxMessage
from cqo.test import Personas
from tests.notify.conftest import HOURS, RETURNED, context

pytestmark = pytest.mark.django_db


def notice(user: Any, kind: str = HOURS, subject: str = "2026:11-01") -> Notice:
    return Notice(recipient=user, kind=kind, subject=subject, context=context(), url="/hours/")


def test_a_run_records_every_notice_and_hands_the_queued_rows_over_once(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    users = [personas.cqo, personas.clerk_a, personas.province]
    with django_capture_on_commit_callbacks() as handed:
        rows = services.notices_send(notices=[notice(u) for u in users])
    assert len(rows) == 9 and OutboxMessage.objects.count() == 9
    queued = [r.pk for r in rows if r.channel != Channel.SITE]
    assert len(handed) == 1 and sorted(handed[0].args[0]) == sorted(queued)
    # one audit entry per notice, not per row
    assert AuditEntry.objects.filter(target_type="outboxmessage").count() == 3


def test_a_second_run_the_same_day_records_and_hands_over_nothing(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    run = [notice(personas.cqo), notice(personas.clerk_a)]
    services.notices_send(notices=run)
    with django_capture_on_commit_callbacks() as handed:
        assert services.notices_send(notices=run) == []
    assert handed == [] and OutboxMessage.objects.count() == 6


def test_a_notice_given_twice_in_one_run_is_recorded_once(personas: Personas) -> None:
    rows = services.notices_send(notices=[notice(personas.cqo), notice(personas.cqo)])
    assert len(rows) == 3


def test_opt_outs_and_inactive_recipients(personas: Personas) -> None:
    OptOut.objects.create(user=personas.cqo, kind=HOURS)
    personas.clerk_b.is_active = False
    personas.clerk_b.save(update_fields=["is_active"])
    rows = services.notices_send(
        notices=[
            notice(personas.cqo),  # opted out: in the platform only
            notice(personas.cqo, kind=RETURNED, subject="x"),  # legal: every channel
            notice(personas.clerk_b),  # inactive: nothing
        ]
    )
    got = sorted((r.recipient_id, r.kind, r.channel) for r in rows)
    assert got == sorted(
        [
            (personas.cqo.pk, HOURS, "site"),
            (personas.cqo.pk, RETURNED, "email"),
            (personas.cqo.pk, RETURNED, "site"),
            (personas.cqo.pk, RETURNED, "sms"),
        ]
    )


def test_a_run_racing_another_keeps_only_its_new_rows(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    # another process records the clerk's notice between this run's read and its insert
    real = services.selectors.recorded_keys
    raced: list[bool] = []

    def stale(keys: Any) -> set[Any]:
        found = real(keys)
        if not raced:
            raced.append(True)
            services.notices_send(notices=[notice(personas.clerk_a)])
        return found

    monkeypatch.setattr(services.selectors, "recorded_keys", stale)
    rows = services.notices_send(notices=[notice(personas.cqo), notice(personas.clerk_a)])
    monkeypatch.undo()
    assert {r.recipient_id for r in rows} == {personas.cqo.pk}
    assert OutboxMessage.objects.filter(recipient=personas.clerk_a).count() == 3
    assert OutboxMessage.objects.count() == 6


def test_the_unique_key_still_holds_in_the_database(personas: Personas) -> None:
    services.notices_send(notices=[notice(personas.cqo)])
    row = OutboxMessage.objects.filter(recipient=personas.cqo).first()
    assert row is not None
    row.pk = None
    row.public_id = uuid.uuid4()
    with pytest.raises(IntegrityError):
        OutboxMessage.objects.bulk_create([row])
