"""Statements that run on every request, prepared once per database connection.

Django's PostgreSQL backend binds parameters on the client, so the server parses and plans each
statement afresh. For a lookup asked on every request (the bearer token's user, the public
certificate verification) planning costs more than running it, and the ORM building the
statement costs more again. A ``Select`` is written once per database vendor from the models'
own fields; ``fetch_one`` runs it through psycopg's server-side binding cursor, which prepares it
on the connection the first time and executes the prepared plan afterwards. Values come back
through the same converters the ORM applies (SQLite's dates and booleans, JSON, encrypted fields),
ready for ``Model.from_db``.

Errors are wrapped as Django's (``connection.wrap_database_errors``), so a broken connection is
marked unusable and cqo/lib/faults.py answers 503 exactly as for any other query. When Django is
recording queries (DEBUG, ``CaptureQueriesContext``) or an execute wrapper is installed (the
fault tests cut the database through one), the statement goes through Django's cursor instead,
so every tool that watches queries still sees it.

Behind a pooler in transaction mode, prepared statements need PgBouncer 1.21 or later with
``max_prepared_statements`` set (docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Field

Converter = tuple[int, list[Callable[..., Any]], Any]


@dataclass
class Select:
    sql: str  # ``%s`` placeholders
    fields: list[Field[Any, Any]]  # the leading columns, converted as the ORM converts them
    converters: list[Converter]

    @classmethod
    def build(cls, sql: str, fields: Sequence[Field[Any, Any]]) -> Select:
        convs: list[Converter] = []
        for i, f in enumerate(fields):
            col = f.get_col(f.model._meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                convs.append((i, found, col))
        return cls(sql, list(fields), convs)

    def fetch_one(self, params: Sequence[Any]) -> list[Any] | None:
        """The first row, converted, or None."""
        row = fetch_one(self.sql, params)
        if row is None:
            return None
        values = list(row)
        for i, converters, col in self.converters:
            value = values[i]
            for convert in converters:
                value = convert(value, col, connection)
            values[i] = value
        return values


def columns(alias: str, fields: Sequence[Field[Any, Any]]) -> str:
    """The fields' columns, quoted and qualified by the table alias, for a Select's SQL."""
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(str(f.column))}" for f in fields)


_BUILT: dict[tuple[str, str], Select] = {}


def select(name: str, build: Callable[[], Select]) -> Select:
    """The statement ``name`` for the current database vendor, built on first use."""
    key = (name, connection.vendor)
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = build()
    return found


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (``%s`` placeholders) as the driver returns it, or None."""
    if (
        connection.vendor != "postgresql"
        or connection.queries_logged
        or connection.execute_wrappers
    ):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()  # type: ignore[no-any-return]
    import psycopg

    # what Django's cursor() does first: the per-request health check (CONN_HEALTH_CHECKS)
    # reopens a connection the server dropped, and a broken transaction is refused
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    connection.close_if_health_check_failed()
    with connection.wrap_database_errors:
        connection.ensure_connection()
        raw = connection.connection
        # Django turns psycopg's automatic preparing off for the connection (prepare_threshold
        # None, for poolers); it is let on for this one statement, which psycopg then prepares
        # once and finds prepared afterwards
        threshold, raw.prepare_threshold = raw.prepare_threshold, 0
        try:
            with psycopg.Cursor(raw) as cursor:
                cursor.execute(sql, params, prepare=True)
                return cursor.fetchone()
        finally:
            raw.prepare_threshold = threshold
