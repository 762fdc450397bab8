"""Structured logs: a request id per request, in the response and in every record."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from cqo.ops.logs import JsonFormatter

DEAD_REDIS = "redis://127.0.0.1:18199/0"


def request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "cqo.request"]


@pytest.mark.django_db
def test_it_keeps_the_request_id_it_was_given(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cqo.request")
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-7f3a.42"
    (record,) = request_records(caplog)
    assert record.request_id == "lb-7f3a.42"  # type: ignore[attr-defined]
    assert record.method == "GET"  # type: ignore[attr-defined]
    assert record.path == "/accounts/login/"  # type: ignore[attr-defined]
    assert record.status == 200  # type: ignore[attr-defined]
    assert isinstance(record.duration_ms, float) and record.duration_ms >= 0  # type: ignore[attr-defined]
    assert record.user_id is None  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["", "two words", "x" * 129, "a\nb", "名字"])
def test_it_replaces_a_missing_or_unsafe_request_id(
    client: Client, caplog: pytest.LogCaptureFixture, given: str
) -> None:
    caplog.set_level(logging.INFO, logger="cqo.request")
    headers = {"HTTP_X_REQUEST_ID": given} if given else {}
    response = client.get("/accounts/login/", **headers)
    rid = response["X-Request-ID"]
    assert rid != given and len(rid) == 32 and int(rid, 16) >= 0
    (record,) = request_records(caplog)
    assert record.request_id == rid  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_it_logs_the_user_id_and_no_personal_data(
    client: Client, personas: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cqo.request")
    client.force_login(personas.clerk_a)
    response = client.get("/", HTTP_X_REQUEST_ID="req-1")
    (record,) = request_records(caplog)
    assert record.user_id == personas.clerk_a.pk  # type: ignore[attr-defined]
    assert record.status == response.status_code  # type: ignore[attr-defined]
    line = JsonFormatter().format(record)
    assert personas.clerk_a.username not in line
    assert json.loads(line)["user_id"] == personas.clerk_a.pk


@pytest.mark.django_db
def test_it_puts_the_request_id_in_every_record_of_the_request(
    client: Client, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CELERY_BROKER_URL = DEAD_REDIS  # makes /readyz log a warning of its own
    caplog.set_level(logging.DEBUG)
    client.get("/readyz", HTTP_X_REQUEST_ID="probe-9")
    warning = next(r for r in caplog.records if r.name == "cqo.ops.views")
    assert "redis" in warning.getMessage()
    assert warning.request_id == "probe-9"  # type: ignore[attr-defined]
    # Django's own record of the 503, made after the middleware returned
    unavailable = next(r for r in caplog.records if r.name == "django.request")
    assert unavailable.status_code == 503  # type: ignore[attr-defined]
    assert unavailable.request_id == "probe-9"  # type: ignore[attr-defined]
    # outside a request, records carry no id
    logging.getLogger("cqo.test").warning("after")
    assert caplog.records[-1].request_id is None  # type: ignore[attr-defined]


def test_it_formats_a_record_as_one_json_line() -> None:
    record = logging.LogRecord("cqo.request", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    record.request_id = "abc"
    record.status = 404
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "INFO"
    assert data["name"] == "cqo.request"
    assert data["message"] == "GET /x"
    assert data["request_id"] == "abc"
    assert data["status"] == 404
    assert data["time"].endswith("+00:00")


def test_it_turns_gunicorns_access_atoms_into_fields() -> None:
    atoms = {
        "h": "127.0.0.1",
        "m": "GET",
        "U": "/readyz",
        "s": "200",
        "B": 57,
        "D": 12345,
        "{x-request-id}o": "r-1",
        "a": "curl/8",
    }
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s %(s)s", (atoms,), None
    )
    data = json.loads(JsonFormatter().format(record))
    assert data["message"] == "GET /readyz 200"
    assert (data["remote_addr"], data["method"], data["path"], data["status"]) == (
        "127.0.0.1",
        "GET",
        "/readyz",
        200,
    )
    assert (data["bytes"], data["duration_ms"], data["request_id"]) == (57, 12.3, "r-1")
    assert "curl/8" not in json.dumps(data)


def test_it_logs_json_lines_on_stdout_in_production(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CQO_ENV": "production",
        "CQO_DATA_DIR": str(tmp_path),
        "CQO_SECRETS_FILE": str(Path(django_settings.DATA_DIR) / "secrets.json"),
    }
    env.pop("DATABASE_URL", None)
    code = "import logging; logging.getLogger('cqo.check').info('hello', extra={'n': 3})"
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    (hello,) = [d for d in lines if d.get("name") == "cqo.check"]
    assert hello["message"] == "hello" and hello["n"] == 3 and hello["level"] == "INFO"
