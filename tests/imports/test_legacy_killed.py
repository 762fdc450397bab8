"""A worker killed in the middle of migrating an archive file: the file is one transaction, so
none of its rows reach the registry or the hour log, and the job the broker redelivers migrates
the whole file exactly once.

The worker is a real process (legacy_child.py) on the test database, killed with SIGKILL after
it has written whole batches of study hours (records and log entries) not yet committed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files import File

from cqo.hours.models import Source, StudyRecord
from cqo.imports import tasks
from cqo.imports.legacy import hours as hours_kind
from cqo.imports.legacy import services as legacy
from cqo.imports.legacy.models import LegacyFile
from cqo.ledger.models import LedgerEntry
from cqo.test import build_personas
from tests.imports.legacy_files import write_csv
from tests.imports.test_legacy_hours import HEADER
from tests.imports.test_worker_killed import database_url

ROWS = 3 * hours_kind.BATCH + 500


@pytest.fixture
def reader_mode() -> str:
    return "csv"


def start_worker(file_id: int, pause: float) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url()}
    return subprocess.Popen(  # noqa: S603  (our own module, no shell)
        [
            sys.executable,
            "-m",
            "tests.imports.legacy_child",
            str(file_id),
            str(settings.MEDIA_ROOT),
            str(pause),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def kill_after_two_batches(worker: subprocess.Popen[str]) -> int:
    """Let the worker write two batches, then SIGKILL it; the rows it reached."""
    assert worker.stdout is not None
    for line in worker.stdout:
        _word, done, total = line.split()
        if int(done) > 2 * hours_kind.BATCH + 100 and int(done) < int(total):
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
            return int(done)
    raise AssertionError(f"the worker ended before it could be killed: {worker.wait()}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_migration_writes_nothing_and_the_redelivered_job_migrates_every_row_once(
    tmp_path: Path, settings: Any
) -> None:
    settings.CQO_IMPORTS_INLINE = False
    p = build_personas()
    person = p.person
    rows = [
        [person.name, person.id_number, "2019-03-05", "线下培训", "1", "培训班", "", f"K{i}"]
        for i in range(ROWS)
    ]
    path = write_csv(tmp_path / "学时.csv", rows, HEADER, encoding="gb18030")
    with open(path, "rb") as handle:
        lf = legacy.legacy_create(
            actor=p.province, kind=LegacyFile.Kind.HOURS, upload=File(handle, name=path.name)
        )
    log_before = LedgerEntry.objects.count()

    worker = start_worker(lf.pk, pause=0.02)
    reached = kill_after_two_batches(worker)
    assert worker.returncode == -signal.SIGKILL
    assert reached > 2 * hours_kind.BATCH

    # nothing of the file is in the hour log, and the file is not done
    assert not StudyRecord.objects.filter(source=Source.MIGRATED).exists()
    assert LedgerEntry.objects.count() == log_before
    lf.refresh_from_db()
    assert lf.status == LegacyFile.Status.RUNNING
    # a worker receiving the job for the first time leaves a running file to its owner
    assert tasks.run_legacy.apply(args=[lf.pk]).get() == LegacyFile.Status.RUNNING

    # the broker redelivers the job of the lost worker
    tasks.run_legacy.push_request(delivery_info={"redelivered": True})
    try:
        assert tasks.run_legacy(lf.pk) == LegacyFile.Status.DONE
        assert tasks.run_legacy(lf.pk) == LegacyFile.Status.DONE  # a second redelivery: nothing
    finally:
        tasks.run_legacy.pop_request()
    lf.refresh_from_db()
    assert lf.counts["created"] == ROWS
    assert StudyRecord.objects.filter(source=Source.MIGRATED).count() == ROWS
    assert LedgerEntry.objects.count() == log_before + ROWS
