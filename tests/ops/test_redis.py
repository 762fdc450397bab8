"""Against a real Redis (CQO_TEST_REDIS_URL): an enterprise-list import queued through the
broker and run by a Celery worker process, and the readiness check of the broker.

Skipped when CQO_TEST_REDIS_URL is unset; when it is set, an unreachable Redis fails the tests
(CI sets it and must not pass without running them).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.core.files import File
from django.db import connection
from django.test import Client

from config.celery import app as celery_app
from cqo.imports import services
from cqo.imports.models import EnterpriseList
from cqo.ops import views
from cqo.registry.models import Enterprise
from cqo.test import build_personas, new_uscc
from tests.imports.conftest import write_xlsx
from tests.imports.test_import import row

pytestmark = pytest.mark.redis

WORKER_START_SECONDS = 60
IMPORT_SECONDS = 90


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("CQO_TEST_REDIS_URL", "")
    if not url:
        pytest.skip("CQO_TEST_REDIS_URL is not set: no Redis to run the broker tests against")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        pytest.fail(f"CQO_TEST_REDIS_URL is set but Redis at {url} is unreachable: {exc}")
    return url


def database_url() -> str:
    """The test database (not the configured one) as a URL for the worker's settings."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(params['NAME']).resolve()}"
    user = quote(params["USER"] or "", safe="")
    password = quote(params["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    host, port = params["HOST"] or "127.0.0.1", params["PORT"] or 5432
    return f"postgres://{auth}{host}:{port}/{params['NAME']}"


def forget_connections() -> None:
    # not app.close(): that also unregisters the app, and tasks imported later would not bind
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@pytest.fixture
def queue(redis_url: str, settings: Any) -> Iterator[str]:
    """This test's own queue on the test Redis, and this process sending its tasks there."""
    name = f"cqo-test-{uuid.uuid4().hex}"
    conf = celery_app.conf
    saved = {k: conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    settings.CELERY_BROKER_URL = redis_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=name)
    # the app keeps its producer pool and queue table once built: build them again for this
    # broker and queue, and again afterwards for the in-process default
    forget_connections()
    yield name
    forget_connections()
    conf.update(saved)
    client = redis.Redis.from_url(redis_url)
    leftovers = list(client.scan_iter(match=f"*{name}*"))  # the queue and kombu's bindings
    if leftovers:
        client.delete(*leftovers)


@pytest.fixture
def worker(queue: str, redis_url: str, tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A Celery worker process consuming this test's queue against the test database; its
    data directory (media files) is the test's. Yields the worker's log file."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.ops.worker_settings",
        "CQO_TEST_QUEUE": queue,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CQO_DATA_DIR": str(tmp_path),
        # the keys of this process, so the worker reads and writes the same encrypted fields
        "CQO_SECRETS_FILE": str(Path(django_settings.DATA_DIR) / "secrets.json"),
    }
    env.pop("REDIS_URL", None)
    env.pop("CQO_ENV", None)
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "--hostname",
                f"{queue}@localhost",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + WORKER_START_SECONDS
            while b"ready." not in log_path.read_bytes():
                assert process.poll() is None, log_path.read_text(errors="replace")
                assert time.monotonic() < deadline, log_path.read_text(errors="replace")
                time.sleep(0.2)
            yield log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_runs_an_import_on_a_celery_worker_through_redis(worker: Path, tmp_path: Path) -> None:
    personas = build_personas()
    new = [new_uscc(), new_uscc()]
    path = write_xlsx(
        tmp_path / "list.xlsx",
        [row(new[0], name="经由队列导入的企业"), row(new[1]), row(personas.enterprise_a.uscc)],
    )
    with open(path, "rb") as handle:
        # committed at once (no test transaction): the worker gets the task after the commit
        lst = services.list_create(
            actor=personas.county_a,
            upload=File(handle, name=path.name),
            as_of=dt.date(2026, 1, 31),
        )
    deadline = time.monotonic() + IMPORT_SECONDS
    while lst.status in (EnterpriseList.Status.QUEUED, EnterpriseList.Status.RUNNING):
        assert time.monotonic() < deadline, worker.read_text(errors="replace")
        time.sleep(0.5)
        lst.refresh_from_db()
    assert lst.status == EnterpriseList.Status.DONE, lst.message
    assert (lst.rows_total, lst.created_count, lst.updated_count) == (3, 2, 1)
    assert Enterprise.objects.get(uscc=new[0]).name == "经由队列导入的企业"
    # the worker, not this process, did it
    assert "cqo.imports.tasks.run_import[" in worker.read_text(errors="replace")


@pytest.mark.django_db
def test_it_reports_redis_ready(
    redis_url: str, client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "_migrated", False)
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}
