"""Delivering a row: the claim that lets only one worker send, retries with back-off, giving
up, the rule for a row left ``sending`` by a worker that died, the sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from cqo.notify import delivery, rules, sending, services, tasks
from cqo.notify.kinds import Channel
from cqo.notify.models import ContactDetails, OutboxMessage
from cqo.test import Personas
from tests.notify.conftest import HOURS, context

pytestmark = pytest.mark.django_db

S = OutboxMessage.Status


@pytest.fixture
def email_row(personas: Personas) -> OutboxMessage:
    rows = services.notice_send(
        recipient=personas.cqo, kind=HOURS, subject="s", context=context(), url="/hours/"
    )
    return next(r for r in rows if r.channel == Channel.EMAIL)


def failing(times: int, *, permanent: bool = False) -> Any:
    calls: list[int] = []

    def deliver(message: OutboxMessage, address: Any) -> None:
        calls.append(message.attempts)
        if len(calls) <= times:
            raise delivery.DeliveryError("邮件服务器暂时不可用", permanent=permanent)

    deliver.calls = calls  # type: ignore[attr-defined]
    return deliver


def test_only_one_claim_of_a_row_wins(email_row: OutboxMessage) -> None:
    now = timezone.now()
    first = sending.message_claim(message_id=email_row.pk, now=now)
    second = sending.message_claim(message_id=email_row.pk, now=now)
    assert first is not None and first.status == S.SENDING and first.attempts == 1
    assert second is None


def test_a_second_worker_sends_nothing(email_row: OutboxMessage) -> None:
    assert sending.message_deliver(message_id=email_row.pk).status == S.SENT
    # the same task delivered again (acks_late after a lost acknowledgement)
    assert sending.message_deliver(message_id=email_row.pk).status == S.SENT
    assert len(mail.outbox) == 1


def test_a_worker_that_lost_its_claim_does_not_overwrite_the_row(
    email_row: OutboxMessage,
) -> None:
    start = timezone.now() - dt.timedelta(seconds=rules.SENDING_STALE_SECONDS + 1)
    mine = sending.message_claim(message_id=email_row.pk, now=start)
    assert mine is not None
    # presumed dead; another worker takes the row over and sends it
    assert sending.message_deliver(message_id=email_row.pk).status == S.SENT
    # the first one wakes up: its finish changes nothing
    sending._again(mine, "迟到的失败", shown="")
    email_row.refresh_from_db()
    assert email_row.status == S.SENT and email_row.last_error == ""


def test_a_row_left_sending_is_left_alone_until_stale(email_row: OutboxMessage) -> None:
    now = timezone.now()
    assert sending.message_claim(message_id=email_row.pk, now=now) is not None
    # the worker died; its task redelivered at once finds the row taken
    assert sending.message_deliver(message_id=email_row.pk).status == S.SENDING
    assert sending.due_for_sweep(now) == []
    later = now + dt.timedelta(seconds=rules.SENDING_STALE_SECONDS)
    assert email_row.pk in sending.due_for_sweep(later)
    again = sending.message_claim(message_id=email_row.pk, now=later)
    assert again is not None and again.attempts == 2
    # sent again under the same key: the receiving side drops a repeat
    assert again.idempotency_key == email_row.idempotency_key


def test_it_retries_with_exponential_back_off(
    email_row: OutboxMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "deliver", failing(3))
    waits = [sending.message_deliver(message_id=email_row.pk).retry_in for _ in range(3)]
    assert waits == [60, 120, 240]
    email_row.refresh_from_db()
    assert email_row.status == S.QUEUED and email_row.attempts == 3
    assert email_row.last_error == "邮件服务器暂时不可用"
    assert email_row.next_attempt_at is not None
    assert sending.message_deliver(message_id=email_row.pk).status == S.SENT


def test_it_gives_up_after_the_last_attempt(
    email_row: OutboxMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "deliver", failing(99))
    outcomes = [sending.message_deliver(message_id=email_row.pk) for _ in range(6)]
    assert [o.status for o in outcomes] == [S.QUEUED] * 4 + [S.FAILED, S.FAILED]
    email_row.refresh_from_db()
    assert email_row.status == S.FAILED and email_row.attempts == rules.MAX_ATTEMPTS
    # a server that was down says nothing about the address
    assert (
        not ContactDetails.objects.filter(user=email_row.recipient)
        .exclude(email_failure="")
        .exists()
    )


def test_a_refused_address_fails_at_once_and_is_kept(
    email_row: OutboxMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "deliver", failing(1, permanent=True))
    assert sending.message_deliver(message_id=email_row.pk).status == S.FAILED
    details = ContactDetails.objects.get(user=email_row.recipient)
    assert details.email_failure == "邮件服务器暂时不可用"


def test_on_a_worker_the_task_retries_after_the_back_off(
    email_row: OutboxMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "deliver", failing(1))
    asked: list[int] = []

    def retry(*, countdown: int) -> Exception:
        asked.append(countdown)
        return Retry()

    monkeypatch.setattr(tasks.deliver, "retry", retry)
    with pytest.raises(Retry):
        tasks.deliver.run(email_row.pk)  # as a worker runs it
    assert asked == [60]
    assert tasks.deliver.run(email_row.pk) == S.SENT


def test_without_a_broker_a_failed_try_waits_for_the_sweep(
    email_row: OutboxMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "deliver", failing(1))
    assert tasks.deliver.apply(args=[email_row.pk]).get() == S.QUEUED
    email_row.refresh_from_db()
    assert email_row.attempts == 1 and email_row.next_attempt_at is not None
    later = email_row.next_attempt_at + dt.timedelta(seconds=rules.SENDING_STALE_SECONDS)
    assert email_row.pk in sending.due_for_sweep(later)


def test_a_row_without_an_address_fails_with_the_reason(personas: Personas) -> None:
    personas.cqo.email = ""
    personas.cqo.save(update_fields=["email"])
    rows = services.notice_send(recipient=personas.cqo, kind=HOURS, subject="s", context=context())
    row = next(r for r in rows if r.channel == Channel.EMAIL)
    assert sending.message_deliver(message_id=row.pk).status == S.FAILED
    row.refresh_from_db()
    assert row.last_error == "未登记电子邮箱"


def test_the_sweep_hands_lost_rows_to_a_worker(
    email_row: OutboxMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an hour ago, and the enqueue was lost with the broker
    OutboxMessage.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert tasks.outbox_sweep.apply().get() == 2  # the e-mail and the SMS
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {S.SENT}
    assert tasks.outbox_sweep.apply().get() == 0


def test_an_administrator_resends_as_a_new_send(
    email_row: OutboxMessage, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    sending.message_deliver(message_id=email_row.pk)
    email_row.refresh_from_db()
    key = email_row.idempotency_key
    with django_capture_on_commit_callbacks(execute=True):
        services.message_resend(actor=personas.admin, message=email_row)
    email_row.refresh_from_db()
    assert email_row.status == S.SENT and email_row.resends == 1
    assert email_row.idempotency_key != key
    assert len(mail.outbox) == 2


def test_a_fault_of_the_platform_is_tried_again_then_fails(
    email_row: OutboxMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(message: OutboxMessage, address: Any) -> None:
        raise KeyError("template")

    monkeypatch.setattr(delivery, "deliver", broken)
    outcomes = [sending.message_deliver(message_id=email_row.pk) for _ in range(rules.MAX_ATTEMPTS)]
    assert [o.status for o in outcomes] == [S.QUEUED] * (rules.MAX_ATTEMPTS - 1) + [S.FAILED]
    email_row.refresh_from_db()
    assert email_row.last_error == "平台发送通知时出错"
