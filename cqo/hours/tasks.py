"""Scheduled work of the hours app (config/celery.py; CQO_DAILY_JOBS)."""

from __future__ import annotations

from celery import shared_task

from cqo.hours import services
from cqo.lib import clock


@shared_task(name="cqo.hours.tasks.hours_remind")
def hours_remind() -> int:
    """Daily: on the reminder dates, remind serving CQOs short of the year's 学时 (SPEC §5)."""
    return len(services.send_reminders(clock.today()))
