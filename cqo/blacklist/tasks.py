"""Scheduled work of the blacklist app (config/celery.py; CQO_DAILY_JOBS)."""

from __future__ import annotations

from celery import shared_task

from cqo.blacklist import services


@shared_task(name="cqo.blacklist.tasks.blacklist_activate")
def blacklist_activate() -> int:
    """Daily: apply exit listings whose start date has come (SPEC §12.15)."""
    return len(services.activate_due_listings(None))
