"""Scheduled work of the coverage app (config/celery.py)."""

from __future__ import annotations

from celery import shared_task

from cqo.coverage import aggregate


@shared_task(name="cqo.coverage.tasks.coverage_refresh")
def coverage_refresh() -> str:
    """Every few minutes: apply the audited changes (or an imported list) to the coverage
    aggregate, so that coverage answers come from it rather than the live query."""
    return aggregate.refresh()


@shared_task(name="cqo.coverage.tasks.coverage_follow")
def coverage_follow() -> str:
    """After a committed change the aggregate follows (an imported list included): apply it, so
    the next coverage answer comes from the aggregate rather than the live query. Nothing is
    built before the first ``coverage_refresh``."""
    return aggregate.follow()
