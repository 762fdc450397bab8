"""Many rows of one model stored with multi-row INSERTs, every value a parameter, their ids read
back (RETURNING) as ``bulk_create`` does: ``bulk_create`` spends most of a large batch's time
preparing each value of each object in Python, which a caller that prepared its rows once (an
archive's certificates) does not need again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def insert_returning(
    objs: Sequence[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (values already prepared for the database, in ``columns`` order) into
    the table of ``objs``, one row an object, and give each object its primary key and the
    state of a saved one."""
    if not objs:
        return
    ops = connection.ops
    meta = objs[0]._meta
    table, marks = ops.quote_name(meta.db_table), f"({', '.join(['%s'] * len(columns))})"
    names = ", ".join(ops.quote_name(name) for name in columns)
    insert = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 — names from the model
    returning = f" RETURNING {ops.quote_name(meta.pk.attname)}"
    size = max(1, min(ops.bulk_batch_size(list(columns), list(objs)), 1000))  # SQLite: 999
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                insert + ", ".join([marks] * len(chunk)) + returning,
                [value for row in chunk for value in row],
            )
            for obj, (pk,) in zip(objs[start : start + size], cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False  # saved, as bulk_create leaves it
                obj._state.db = connection.alias
