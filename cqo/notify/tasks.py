"""Delivery of the outbox on Celery workers (config/celery.py); in-process without a broker."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from cqo.notify import sending


# max_retries=None: the number of tries is the outbox's own (rules.MAX_ATTEMPTS, counted on the
# row), which also counts the tries a dead worker made
@shared_task(name="cqo.notify.tasks.deliver", bind=True, acks_late=True, max_retries=None)
def deliver(self: Any, message_id: int) -> str:
    outcome = sending.message_deliver(message_id=message_id)
    # Without a broker (the embedded default) a retry would run at once, inside the request
    # that recorded the notice: the row waits, queued with its next try, for the sweep instead.
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


def dispatch(message_id: int) -> None:
    """Hand a row to a worker when a broker is configured, else deliver it here (without the
    round trip through Celery's eager mode, which still opens a producer connection to no
    broker). Either way a failed try waits, queued with its next try, for the sweep or the
    worker's retry."""
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        sending.message_deliver(message_id=message_id)
    else:
        deliver.delay(message_id)


@shared_task(name="cqo.notify.tasks.outbox_sweep")
def outbox_sweep() -> int:
    """Frequent: hand again to a worker what was lost (sending.py's rule for dead workers)."""
    due = sending.due_for_sweep(timezone.now())
    for message_id in due:
        dispatch(message_id)
    return len(due)
