"""/healthz and /readyz: public, never cached, naming the check that failed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import OperationalError
from django.test import Client

from cqo.ops import views

# nothing listens here: a port of the range this project's tests keep for themselves
DEAD_REDIS = "redis://127.0.0.1:18199/0"


@pytest.fixture(autouse=True)
def _recheck_migrations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "_migrated", False)


def test_it_answers_healthz_without_the_database(client: Client) -> None:
    # no django_db mark: any query would fail the test
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_it_refuses_post_to_healthz(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_it_is_ready_with_the_database_migrated_and_no_broker(
    client: Client, settings: Any
) -> None:
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "redis": "not configured"},
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_is_not_ready_with_a_migration_unapplied(client: Client, settings: Any) -> None:
    settings.CELERY_BROKER_URL = ""
    ((app, name),) = MigrationLoader(connection).graph.leaf_nodes("audit")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == "migrations"
    assert body["checks"] == {"database": "ok", "migrations": "fail"}


@pytest.mark.django_db
def test_it_is_not_ready_when_the_database_fails(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CELERY_BROKER_URL = ""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "failed": "database",
        "error": "OperationalError",
        "checks": {"database": "fail"},
    }


@pytest.mark.django_db
def test_it_is_not_ready_when_the_redis_broker_is_unreachable(
    client: Client, settings: Any
) -> None:
    settings.CELERY_BROKER_URL = DEAD_REDIS
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == "redis"
    assert body["checks"] == {"database": "ok", "migrations": "ok", "redis": "fail"}


@pytest.mark.django_db
def test_it_needs_no_login(client: Client, personas: Any, settings: Any) -> None:
    settings.CELERY_BROKER_URL = ""
    for path in ("/healthz", "/readyz"):
        assert client.get(path).status_code == 200
    client.force_login(personas.clerk_a)
    assert client.get("/readyz").status_code == 200
