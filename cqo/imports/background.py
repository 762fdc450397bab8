"""Starting an import's job after its upload commits: on a Celery worker when a broker is
configured, otherwise in a thread of the web process (the embedded default), or right here when
CQO_IMPORTS_INLINE is set (tests, the demo). The enterprise-list import and the archive migration
start their jobs so."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


def start_job(
    job_id: int, *, run: Callable[[int], object], queue: Callable[[int], object], name: str
) -> None:
    """Runs ``run(job_id)`` here or in a thread, or hands ``job_id`` to ``queue`` (which sends
    the job's Celery task) when a broker is configured."""
    if getattr(settings, "CQO_IMPORTS_INLINE", False):
        run(job_id)
        return
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        queue(job_id)
        return
    thread = threading.Thread(
        target=_run_in_thread, args=(run, job_id, name), name=f"{name}-{job_id}", daemon=True
    )
    thread.start()


def _run_in_thread(run: Callable[[int], object], job_id: int, name: str) -> None:
    try:
        run(job_id)
    except Exception:
        log.exception("%s %s failed", name, job_id)
    finally:
        # the thread's own database connection, not left open for the server to time out
        connection.close()
