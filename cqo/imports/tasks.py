"""Enterprise-list imports on a Celery worker (config/celery.py)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from cqo.imports import job
from cqo.imports.legacy import job as legacy_job


@shared_task(name="cqo.imports.tasks.run_import", bind=True, acks_late=True)
def run_import(self: Any, list_id: int) -> str:
    """Run one queued import. The import is one transaction, so a worker killed midway writes
    nothing; the broker then redelivers the task (acks late, rejected on worker loss) and the
    next worker starts the list again from its stored file."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return job.run_import(list_id, retake=redelivered).status


@shared_task(name="cqo.imports.tasks.run_legacy", bind=True, acks_late=True)
def run_legacy(self: Any, file_id: int) -> str:
    """Migrate one queued archive file. The file is one transaction: a worker killed midway
    writes nothing of it, and the job the broker redelivers migrates the file from the start."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return legacy_job.run_legacy(file_id, retake=redelivered).status
