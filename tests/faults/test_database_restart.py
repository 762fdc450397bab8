"""The database restarting during requests (issue 8 faults): the request that was using the
connection answers 503 with Retry-After and changes nothing, the next request reconnects, and a
client that retries files an appointment exactly once.

The requests go through the WSGI application itself (not django.test.Client), so Django's
per-request connection handling — close_old_connections and the health check of
CONN_HEALTH_CHECKS — runs as it does under gunicorn. transaction=True: each request commits on a
connection of its own making, as in production.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from werkzeug.test import Client

from config.wsgi import application
from cqo.accounts.models import ApiToken
from cqo.audit.models import AuditEntry
from cqo.registry import services
from cqo.registry.models import Appointment
from cqo.test import appointment_data, build_personas, declare
from tests.faults.conftest import terminate_backend

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user)}"}


@pytest.fixture
def world() -> dict[str, Any]:
    p = build_personas()
    appt = services.appointment_create(
        actor=p.clerk_a, terms=services.AppointmentTerms(**appointment_data(p.person))
    )
    declare(appt)  # the person's declaration every filing needs (SPEC §12.11)
    return {"p": p, "appt": appt, "clerk": bearer(p.clerk_a), "county": bearer(p.county_a)}


def test_it_reconnects_when_the_server_dropped_an_idle_connection(world: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server to restart")
    client = Client(application)
    assert client.get("/api/v1/auth/me", headers=world["clerk"]).status_code == 200
    assert connection.connection is not None  # kept between requests (CONN_MAX_AGE)
    old_pid = connection.connection.info.backend_pid
    terminate_backend(old_pid)
    # The health check at the start of the request finds the connection dead and opens a new
    # one before the request uses it: the client never sees the restart.
    response = client.get("/api/v1/auth/me", headers=world["clerk"])
    assert response.status_code == 200, response.text
    assert response.get_json()["username"] == "clerk_a"
    assert connection.connection.info.backend_pid != old_pid


def transitions(appt: Appointment) -> list[dict[str, Any]]:
    entries = AuditEntry.objects.filter(target_type="appointment", target_id=str(appt.public_id))
    changes = entries.filter(action="transition").order_by("pk").values_list("changes", flat=True)
    return [c for c in changes if "status" in c]  # not the person's declaration


def kill_during_audit(monkeypatch: pytest.MonkeyPatch, kill: Callable[[], None]) -> list[str]:
    """Break the connection inside the service, after its changes and before its commit."""
    real = services.filings._appointment_audit
    fired: list[str] = []

    def dying(*args: Any, **kwargs: Any) -> Any:
        if not fired:
            fired.append(args[2])
            kill()
        return real(*args, **kwargs)

    monkeypatch.setattr(services.filings, "_appointment_audit", dying)
    return fired


def test_a_submission_cut_off_by_the_database_answers_503_and_the_retry_submits_once(
    world: dict[str, Any], break_connection: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client(application)
    appt = world["appt"]
    url = f"/api/v1/filings/{appt.public_id}/submit"
    fired = kill_during_audit(monkeypatch, break_connection)

    response = client.post(url, headers=world["clerk"])
    assert fired == ["transition"]
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"].isdigit()
    assert response.get_json()["detail"][0]["message"].startswith("数据库暂时不可用")
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.DRAFT  # nothing half-saved

    retry = client.post(url, headers=world["clerk"])
    assert retry.status_code == 200, retry.text
    assert client.post(url, headers=world["clerk"]).status_code == 422  # already submitted
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.SUBMITTED
    assert [t["status"] for t in transitions(appt)] == [["draft", "submitted"]]


def test_an_approval_cut_off_by_the_database_leaves_one_filing_after_the_retry(
    world: dict[str, Any], break_connection: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client(application)
    appt = services.filing_submit(actor=world["p"].clerk_a, appointment=world["appt"])
    url = f"/api/v1/filings/{appt.public_id}/approve"
    fired = kill_during_audit(monkeypatch, break_connection)

    response = client.post(url, headers=world["county"])
    assert fired == ["transition"]
    assert response.status_code == 503, response.text
    appt.refresh_from_db()
    # the filed status, its number and the frozen form were saved before the audit: all gone
    assert (appt.status, appt.filing_number, appt.filed_at) == ("submitted", None, None)

    retry = client.post(url, headers=world["county"])
    assert retry.status_code == 200, retry.text
    again = client.post(url, headers=world["county"])
    assert again.status_code == 422, again.text  # a second retry files nothing more
    filed = Appointment.objects.filter(enterprise=world["p"].enterprise_a, status="filed")
    assert list(filed.values_list("pk", "filing_number")) == [
        (appt.pk, retry.get_json()["filing_number"])
    ]
    assert [t["status"] for t in transitions(appt)] == [
        ["draft", "submitted"],
        ["submitted", "filed"],
    ]


def test_a_page_cut_off_by_the_database_answers_a_chinese_503_page(
    world: dict[str, Any], break_connection: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqo.blacklist import views

    client = Client(application)
    assert client.get("/public/blacklist/").status_code == 200
    real = views.selectors.public_list

    def dying(**kwargs: Any) -> Any:
        monkeypatch.setattr(views.selectors, "public_list", real)
        break_connection()
        return real(**kwargs)

    monkeypatch.setattr(views.selectors, "public_list", dying)
    response = client.get("/public/blacklist/")
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Retry-After"].isdigit()
    assert "数据库暂时不可用" in response.text
    assert client.get("/public/blacklist/").status_code == 200  # the next request reconnects
