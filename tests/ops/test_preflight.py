"""manage.py preflight: production refuses to start without PostgreSQL and Redis."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

DEAD_REDIS = "redis://127.0.0.1:18199/0"


@pytest.mark.django_db
def test_it_names_the_missing_broker_and_a_database_that_is_not_postgresql(
    settings: Any,
) -> None:
    settings.CELERY_BROKER_URL = ""
    with pytest.raises(CommandError) as failure:
        call_command("preflight")
    message = str(failure.value)
    assert "REDIS_URL (or CELERY_BROKER_URL) must point at Redis" in message
    names_database = "DATABASE_URL must point at PostgreSQL" in message
    assert names_database == (connection.vendor != "postgresql")


@pytest.mark.django_db
def test_it_names_an_unreachable_redis(settings: Any) -> None:
    settings.CELERY_BROKER_URL = DEAD_REDIS
    with pytest.raises(CommandError, match=r"Redis at redis://127\.0\.0\.1:18199/0 .* unreachable"):
        call_command("preflight")


@pytest.mark.django_db
def test_it_refuses_a_broker_that_is_not_redis(settings: Any) -> None:
    settings.CELERY_BROKER_URL = "amqp://guest@127.0.0.1//"
    with pytest.raises(CommandError, match="the broker must be Redis"):
        call_command("preflight")
