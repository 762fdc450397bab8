"""Health endpoints for the process manager and the load balancer: public, never cached."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

# Once every migration is applied it stays so for the life of the process (code and migrations
# change only with a restart), so the migration graph is loaded until then, not on every probe.
_migrated = False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No database, so a database outage does not get every
    worker restarted."""
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _migrations() -> None:
    global _migrated
    if _migrated:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        raise RuntimeError(f"{len(plan)} unapplied: {names}")
    _migrated = True


def _redis() -> None:
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
    )
    try:
        client.ping()
    finally:
        client.close()


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers, every migration is applied, and the Redis broker answers
    when one is configured. 200 when all pass; 503 naming the first check that failed."""
    checks: list[tuple[str, Callable[[], None]]] = [
        ("database", _database),
        ("migrations", _migrations),
    ]
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://", "unix://")):
        checks.append(("redis", _redis))
    results: dict[str, str] = {}
    for name, check in checks:
        try:
            check()
        except Exception as exc:
            log.warning("readiness check %s failed: %s", name, exc)
            results[name] = "fail"
            return JsonResponse(
                {"status": "fail", "failed": name, "error": type(exc).__name__, "checks": results},
                status=503,
            )
        results[name] = "ok"
    if "redis" not in results:
        results["redis"] = "not configured"
    return JsonResponse({"status": "ok", "checks": results})
