"""A worker killed in the middle of an import (issue 8 faults): the import is one transaction,
so none of the file's rows reach the registry, the list is not shown as done, and the job the
broker redelivers (acks late, rejected on worker loss: config/settings.py) imports every row
exactly once.

The worker is a real process (import_child.py) on the test database, killed with SIGKILL while
its transaction has rows written and not committed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection

from cqo.imports import services, tasks
from cqo.imports.models import EnterpriseList
from cqo.registry.models import Enterprise
from cqo.test import build_personas, new_uscc
from tests.imports.conftest import write_csv
from tests.imports.test_import import AS_OF, row

ROWS = 3000


@pytest.fixture
def reader_mode() -> str:
    # a CSV is read in this process whatever the xlsx slicing settings: one run is enough
    return "csv"


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(list_id: int, pause: float) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url()}
    return subprocess.Popen(  # noqa: S603  (our own module, no shell)
        [
            sys.executable,
            "-m",
            "tests.imports.import_child",
            str(list_id),
            str(settings.MEDIA_ROOT),
            str(pause),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def kill_half_way(worker: subprocess.Popen[str]) -> int:
    """SIGKILL the worker once it reported rows processed and not all; the rows it reached."""
    assert worker.stdout is not None
    deadline = time.monotonic() + 120
    for line in worker.stdout:
        _word, done, total = line.split()
        if 0 < int(done) < int(total):
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
            return int(done)
        assert time.monotonic() < deadline, "the worker made no progress"
    raise AssertionError(f"the worker ended before it could be killed: {worker.wait()}")


# transaction=True: the worker's connection sees what this test committed (the list and its
# file); serialized_rollback=True restores the reference data after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_import_writes_nothing_and_the_redelivered_job_imports_every_row_once(
    tmp_path: Path, settings: Any
) -> None:
    settings.CQO_IMPORTS_INLINE = False
    p = build_personas()
    usccs = [new_uscc() for _ in range(ROWS)]
    path = write_csv(tmp_path / "list.csv", [row(u) for u in usccs])
    with open(path, "rb") as handle:
        lst = services.list_create(
            actor=p.province,
            upload=File(handle, name=path.name),
            as_of=AS_OF,
            region=None,
            start=False,
        )

    worker = start_worker(lst.pk, pause=0.05)
    reached = kill_half_way(worker)
    assert worker.returncode == -signal.SIGKILL
    assert reached > 0

    # nothing of the file is in the registry, and the list is not done
    assert not Enterprise.objects.filter(uscc__in=usccs).exists()
    lst.refresh_from_db()
    assert lst.status == EnterpriseList.Status.RUNNING
    assert (lst.created_count, lst.rows_ok) == (0, 0)
    # a worker receiving the job for the first time leaves a running list to its owner
    assert tasks.run_import.apply(args=[lst.pk]).get() == EnterpriseList.Status.RUNNING

    # the broker redelivers the job of the lost worker
    tasks.run_import.push_request(delivery_info={"redelivered": True})
    try:
        status = tasks.run_import(lst.pk)
        lst.refresh_from_db()
        assert status == EnterpriseList.Status.DONE, (lst.message, lst.rows_bad, lst.rows_total)
        # a second redelivery of a finished job changes nothing
        assert tasks.run_import(lst.pk) == EnterpriseList.Status.DONE
    finally:
        tasks.run_import.pop_request()
    lst.refresh_from_db()
    assert (lst.status, lst.created_count, lst.rows_ok) == ("done", ROWS, ROWS)
    imported = Enterprise.objects.filter(uscc__in=usccs)
    assert imported.count() == ROWS
    assert sorted(imported.values_list("uscc", flat=True)) == sorted(usccs)
