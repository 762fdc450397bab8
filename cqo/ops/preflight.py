"""What production needs before it starts (``make serve-prod``): PostgreSQL and Redis, both
reachable. Each problem is named with what to set."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


def preflight_problems() -> list[str]:
    problems = []
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        problems.append(
            "DATABASE_URL must point at PostgreSQL in production "
            "(e.g. postgres://cqo:PASSWORD@127.0.0.1:5432/cqo); it is "
            + ("unset (SQLite)" if connection.vendor == "sqlite" else connection.vendor)
        )
    else:
        params = connection.settings_dict
        try:
            connection.ensure_connection()
        except Exception as exc:
            problems.append(
                f"PostgreSQL at {params['HOST'] or 'localhost'}:{params['PORT'] or 5432}"
                f"/{params['NAME']} (DATABASE_URL) is unreachable: {exc}".strip()
            )
    broker = settings.CELERY_BROKER_URL
    if not broker:
        problems.append(
            "REDIS_URL (or CELERY_BROKER_URL) must point at Redis in production "
            "(e.g. redis://127.0.0.1:6379/0); it is unset"
        )
    elif not broker.startswith(("redis://", "rediss://", "unix://")):
        problems.append(f"the broker must be Redis (redis://…), not {broker.split(':', 1)[0]}")
    else:
        import redis

        try:
            redis.Redis.from_url(broker, socket_connect_timeout=5, socket_timeout=5).ping()
        except redis.RedisError as exc:
            host = broker.rsplit("@", 1)[-1]  # without a password
            problems.append(
                f"Redis at {host} (REDIS_URL / CELERY_BROKER_URL) is unreachable: {exc}"
            )
    return problems
