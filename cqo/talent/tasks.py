"""Background work of the talent pool (config/celery.py)."""

from __future__ import annotations

from celery import shared_task

from cqo.talent import index


@shared_task(name="cqo.talent.tasks.talent_refresh")
def talent_refresh() -> str:
    """Every few minutes, and after each audited change it follows: bring the search index up
    to date (built the first time)."""
    return index.refresh()


@shared_task(name="cqo.talent.tasks.talent_follow")
def talent_follow() -> str:
    """After a committed change the index follows: apply it (nothing before the first build)."""
    return index.follow()
