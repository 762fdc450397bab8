"""Scheduled work of the certification app (config/celery.py; CQO_DAILY_JOBS)."""

from __future__ import annotations

from celery import shared_task

from cqo.certification import services
from cqo.lib import clock


@shared_task(name="cqo.certification.tasks.certification_remind")
def certification_remind() -> int:
    """Daily: remind holders and enterprises 90, 30 and 7 days before a level certificate
    expires to apply for re-certification (level-standard §9.4.1.3)."""
    return len(services.send_reminders(clock.today()))
