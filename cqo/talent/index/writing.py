"""Writing the index: raw inserts of the rows and links, the tallies, the full build and the
re-derivation of some persons."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from cqo.audit import follow as feed
from cqo.talent.index.cards import AUDIT_TYPES, CHUNK, COLUMNS, LINK_COLUMNS, cards
from cqo.talent.models import (
    TALLY_KEYS,
    SearchLink,
    SearchMark,
    SearchRow,
    SearchTally,
)

# Writing -----------------------------------------------------------------------------------------


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _tables() -> dict[str, tuple[str, list[str]]]:
    return {
        "row": (SearchRow._meta.db_table, COLUMNS),
        "link": (SearchLink._meta.db_table, LINK_COLUMNS),
    }


def _insert(items: Iterable[tuple[str, tuple[Any, ...]]]) -> Counter[str]:
    """Raw inserts (COPY on PostgreSQL) of SearchRow ("row") and SearchLink ("link") rows: the
    ORM would build a model object per row. The rows are taken in batches: they come from
    queries on the same connection, which cannot run while a COPY is open."""
    written: Counter[str] = Counter()
    with connection.cursor() as cursor:
        for batch in _batches(items, CHUNK * 10):
            for kind, (db_table, columns) in _tables().items():
                rows = [row for k, row in batch if k == kind]
                if not rows:
                    continue
                table = connection.ops.quote_name(db_table)
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 (names quoted, values bound)
                        rows,
                    )
                written[kind] += len(rows)
    return written


def _tally(delta: Counter[tuple[Any, ...]]) -> None:
    """Add ``delta`` (persons per TALLY_KEYS; negative for persons who left) to the tallies;
    a tally that reaches nobody is removed."""
    changes = [(*key, n) for key, n in delta.items() if n]
    if not changes:
        return
    table = connection.ops.quote_name(SearchTally._meta.db_table)
    keys = ", ".join(connection.ops.quote_name(k) for k in TALLY_KEYS)
    values = ", ".join(["%s"] * (len(TALLY_KEYS) + 1))
    upsert = (
        f"INSERT INTO {table} ({keys}, persons) VALUES ({values})"  # noqa: S608 (names quoted, values bound)
        f" ON CONFLICT ({keys}) DO UPDATE SET persons = {table}.persons + excluded.persons"
    )
    where = " AND ".join(f"{connection.ops.quote_name(k)} = %s" for k in TALLY_KEYS)
    with connection.cursor() as cursor:
        cursor.executemany(upsert, changes)
        gone = [row[:-1] for row in changes if row[-1] < 0]
        if gone:
            cursor.executemany(f"DELETE FROM {table} WHERE {where} AND persons <= 0", gone)  # noqa: S608


def _tally_all() -> None:
    """Every tally again from the rows with ``gram`` "" (after a full build)."""
    table = connection.ops.quote_name(SearchTally._meta.db_table)
    rows = connection.ops.quote_name(SearchRow._meta.db_table)
    keys = ", ".join(connection.ops.quote_name(k) for k in TALLY_KEYS)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} ({keys}, persons) "  # noqa: S608 (names quoted)
            f"SELECT {keys}, COUNT(*) FROM {rows} WHERE gram = '' GROUP BY {keys}"
        )


@dataclass
class BuildStats:
    persons: int = 0
    rows: int = 0
    links: int = 0


def build(*, settle_seconds: int) -> BuildStats:
    """The whole index from the registry; audit entries younger than ``settle_seconds`` are
    applied again on later reads. The indexes are
    dropped during the load and built once after it: several times faster than maintaining them
    row by row."""
    stats = BuildStats()
    latest = feed.latest_id()
    models = (SearchRow, SearchLink)
    with transaction.atomic():
        SearchMark.objects.all().delete()
        # plain statements: SQLite's schema editor may not run inside a transaction
        editor = connection.schema_editor()
        with connection.cursor() as cursor:
            for model in models:
                for index in model._meta.indexes:
                    name = connection.ops.quote_name(index.name)
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608

        def counted() -> Iterator[tuple[str, tuple[Any, ...]]]:
            for card in cards():
                stats.persons += 1
                yield from card.items()

        written = _insert(counted())
        stats.rows, stats.links = written["row"], written["link"]
        with connection.cursor() as cursor:
            for model in models:
                for index in model._meta.indexes:
                    cursor.execute(str(index.create_sql(model, editor)))
        _tally_all()
        now = timezone.now()
        # what the build read is reflected; entries still settling are applied once more
        watermark, _recent = feed.settle(latest, AUDIT_TYPES, settle_seconds)
        SearchMark.objects.create(audit_id=watermark, built_at=now, refreshed_at=now)
    with connection.cursor() as cursor:
        # the planner's statistics for the new rows (which index fits a search); on PostgreSQL
        # VACUUM also marks the pages all-visible, so counts read the index alone
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        for db_table in (
            SearchRow._meta.db_table,
            SearchTally._meta.db_table,
            SearchLink._meta.db_table,
        ):
            name = connection.ops.quote_name(db_table)
            cursor.execute(f"{'VACUUM ' if vacuum else ''}ANALYZE {name}")
    return stats


def apply_persons(ids: Iterable[int]) -> int:
    """Re-derive the rows and tallies of these persons (a person no longer registered loses
    them). The caller holds the SearchMark lock: one applier at a time."""
    id_list = sorted(set(ids))
    for start in range(0, len(id_list), CHUNK):
        chunk = id_list[start : start + CHUNK]
        rows = SearchRow.objects.filter(person_id__in=chunk)
        new = list(cards(chunk))
        delta = Counter(card.key() for card in new)
        delta.subtract(Counter(rows.filter(gram="").values_list(*TALLY_KEYS)))
        rows.delete()
        SearchLink.objects.filter(person_id__in=chunk).delete()
        _insert(item for card in new for item in card.items())
        _tally(delta)
    return len(id_list)
