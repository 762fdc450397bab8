"""Breaking the database connection under a running request, on both backends.

On PostgreSQL the connection's server process is terminated from a second connection
(``pg_terminate_backend``), as a database restart does. SQLite has no server: there the next
statement on the connection raises the ``OperationalError`` a failing database gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.db.backends.sqlite3 import base as sqlite_base


def terminate_backend(pid: int) -> None:
    import psycopg

    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"], "port": db["PORT"]}
    if db["PASSWORD"]:
        params["password"] = db["PASSWORD"]
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def break_connection(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Call it to make the default connection fail at its next statement."""
    armed: list[bool] = []
    if connection.vendor == "sqlite":
        execute = sqlite_base.SQLiteCursorWrapper.execute

        def failing(self: Any, query: str, params: Any = None) -> Any:
            if armed:
                armed.clear()
                raise OperationalError("disk I/O error")
            return execute(self, query, params)

        monkeypatch.setattr(sqlite_base.SQLiteCursorWrapper, "execute", failing)

    def kill() -> None:
        if connection.vendor == "postgresql":
            # a statement first: the request's health check (CONN_HEALTH_CHECKS) has then passed,
            # as when the server goes away in the middle of a request, not before it
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            terminate_backend(connection.connection.info.backend_pid)
        else:
            armed.append(True)

    yield kill
