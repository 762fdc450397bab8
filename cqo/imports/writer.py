"""Writing an import's checked rows: the outcome counts and the upserter
that writes rows by USCC a chunk at a time (cqo/imports/job.py runs it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Field

from cqo.imports.models import EnterpriseList
from cqo.imports.report import ErrorReport
from cqo.registry.models import Enterprise

# Rows per write. SQLite: per executemany and per existence query (one bound variable per USCC;
# SQLite ≥ 3.32 allows 32766). PostgreSQL: per COPY and upsert, so that each statement's fixed
# cost (planning, the stage's TRUNCATE) is spread over many rows; at most three chunks are held
# (one being read, one queued, one being written).
CHUNK = 1000
PG_CHUNK = 10_000


@dataclass
class Outcome:
    total: int = 0  # data rows (empty rows are not counted)
    ok: int = 0
    bad: int = 0
    created: int = 0
    updated: int = 0
    processed: int = 0  # file rows read, incl. header and empty rows
    file_rows: int = 0
    report: ErrorReport | None = None
    # USCC (as its base-36 number: a third of the memory of a million strings) → first row
    seen: dict[int, int] = field(default_factory=dict)


@dataclass
class Written:
    """One chunk's outcome: rows created and updated (counted whether or not they were
    written), and the USCCs refused: registered outside the importer's subtree (not written)."""

    created: int = 0
    updated: int = 0
    refused: list[str] = field(default_factory=list)


class Upserter:
    """Writes checked rows by USCC (only the list's columns of an enterprise), a chunk at a time,
    after looking up which are registered already: those outside the importer's subtree are
    refused, the others updated; new ones are created.

    SQLite: an existence query and an executemany of ``INSERT … ON CONFLICT (uscc) DO UPDATE``
    per chunk, in this thread. PostgreSQL (an executemany of upserts waits on the server row by
    row there: about 8,000 rows/s): each chunk is COPYed into a temporary stage table, looked up
    with one query and upserted with one ``INSERT … SELECT … ON CONFLICT``, by a writer thread
    on the same connection and transaction, so that the server writes one chunk while this
    thread reads the next (the server's work per row — the row, an entry in each of the table's
    indexes, its foreign-key checks — is the import's largest cost there, and psycopg waits for
    it without holding the GIL).
    ``submit`` returns a function that waits for the chunk's ``Written``; ``close`` waits for
    what is still running, whatever happened."""

    def __init__(
        self,
        lst: EnterpriseList,
        columns: list[str],
        stamp: dt.datetime,
        allowed: Callable[[str], bool],
    ) -> None:
        meta = Enterprise._meta
        q = connection.ops.quote_name
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.table = q(meta.db_table)
        self.allowed = allowed
        # the USCC, then the file's columns, then the rest: a row's parameters are then three
        # slices joined, not a loop over its columns (a million rows pay for every step)
        rest = [f for f in fields if f.attname != "uscc" and f.attname not in columns]
        self.insert_columns = ["uscc", *columns, *(f.attname for f in rest)]
        when = connection.ops.adapt_datetimefield_value(stamp)
        defaults: dict[str, Any] = {}
        for f in fields:
            if f.attname in ("created_at", "updated_at"):
                defaults[f.attname] = when
            elif f.attname == "last_list_id":
                defaults[f.attname] = lst.pk
            else:
                defaults[f.attname] = f.get_default()
        updated = [*columns, "last_list_id", "updated_at"]
        # Names come from the model's _meta, quoted; every value is a bound parameter.
        names = ", ".join(q(c) for c in self.insert_columns)
        sets = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in updated)
        conflict = f"ON CONFLICT ({q('uscc')}) DO UPDATE SET {sets}"
        self.rest = tuple(defaults[f.attname] for f in rest)
        self.threaded = connection.vendor == "postgresql"
        self.chunk = PG_CHUNK if self.threaded else CHUNK
        if not self.threaded:
            marks = ", ".join(["%s"] * len(self.insert_columns))
            self.sql = f"INSERT INTO {self.table} ({names}) VALUES ({marks}) {conflict}"  # noqa: S608
            return
        self.stage_sql = self._stage_sql(lst, columns, rest, names, conflict)
        connection.ensure_connection()
        self.raw = connection.connection
        self.wrap_errors = connection.wrap_database_errors
        self.deferred = self._check_keys_per_statement()
        self.staged = False
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cqo-import-writer")

    def _stage_sql(
        self,
        lst: EnterpriseList,
        columns: list[str],
        rest: list[Field[Any, Any]],
        names: str,
        conflict: str,
    ) -> dict[str, str]:
        """The statements of the PostgreSQL stage. The stage holds the USCC and the file's
        columns, typed as the table's, without constraints (the checks ran already); the other
        columns are the same for every row, so the upsert adds them as parameters rather than
        COPY carrying them a million times. One stage per list (imports may share a
        transaction); it goes with the transaction."""
        q = connection.ops.quote_name
        stage = q(f"cqo_import_stage_{lst.pk}")
        given = ", ".join(q(c) for c in ["uscc", *columns])
        constants = "".join(f", CAST(%s AS {f.db_type(connection)})" for f in rest)
        uscc = q("uscc")
        return {
            "create": f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {given} FROM {self.table} WITH NO DATA",
            "copy": f"COPY {stage} ({given}) FROM STDIN",
            # an index lookup per staged row, whatever the table's statistics say (LIMIT keeps
            # the planner from making it a join): they date from before the import, and a plan
            # that takes a table grown by a million rows for a small one (a hash of all of it
            # per chunk) costs more than the import
            "existing": f"SELECT s.{uscc}, e.{q('region_id')} FROM {stage} s "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT {q('region_id')} FROM {self.table} "
            f"WHERE {uscc} = s.{uscc} LIMIT 1) e",
            "refuse": f"DELETE FROM {stage} WHERE {uscc} = ANY(%s)",  # noqa: S608
            "upsert": f"INSERT INTO {self.table} ({names}) "  # noqa: S608
            f"SELECT {given}{constants} FROM {stage} {conflict}",
            "clear": f"TRUNCATE {stage}",
        }

    @staticmethod
    def _check_keys_per_statement() -> str:
        """The table's foreign keys are DEFERRABLE INITIALLY DEFERRED (as Django makes them):
        deferred, a million rows queue millions of checks that all run in the COMMIT, alone,
        once the file is read. Checked at the end of each upsert instead, they run while the
        next chunk is read: the same checks (and every key was checked against the reference
        tables already), the same outcome. ``finish`` defers them again; a rollback (to a
        savepoint too) restores them by itself. (The COMMIT is then short: the WAL is flushed
        as it is written, so synchronous_commit = off would save a few milliseconds per file,
        not worth an import reported done and then lost in a crash.) Returns the keys made
        immediate."""
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'f' AND condeferrable AND condeferred",
                [Enterprise._meta.db_table],
            )
            deferred = ", ".join(q(name) for (name,) in cursor.fetchall())
            if deferred:
                cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
        return deferred

    def existing(self, usccs: list[str]) -> dict[str, str]:
        """USCC → region of those already registered."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT uscc, region_id FROM {self.table} WHERE uscc IN "  # noqa: S608 (names quoted, values bound)
                f"({', '.join(['%s'] * len(usccs))})",
                usccs,
            )
            return dict(cursor.fetchall())

    def submit(self, rows: list[tuple[str, tuple[Any, ...]]], write: bool) -> Callable[[], Written]:
        """Look up and (``write``) upsert checked rows: (USCC, the values of ``columns`` in
        order; a row that passed its checks has no None in a text column)."""
        if self.threaded:
            return self.pool.submit(self._staged, rows, write).result
        existing = self.existing([uscc for uscc, _values in rows])
        refused = [uscc for uscc, region in existing.items() if not self.allowed(region)]
        if write:
            rest = self.rest
            skip = set(refused)
            with connection.cursor() as cursor:
                cursor.executemany(
                    self.sql,
                    [(uscc, *values, *rest) for uscc, values in rows if uscc not in skip],
                )
        done = Written(len(rows) - len(existing), len(existing) - len(refused), refused)
        return lambda: done

    def _staged(self, rows: list[tuple[str, tuple[Any, ...]]], write: bool) -> Written:
        sql = self.stage_sql
        with self.wrap_errors, self.raw.cursor() as cursor:
            if not self.staged:
                cursor.execute(sql["create"])
                self.staged = True
            with cursor.copy(sql["copy"]) as copy:
                for uscc, values in rows:
                    copy.write_row((uscc, *values))
            cursor.execute(sql["existing"])
            existing = cursor.fetchall()
            refused = [uscc for uscc, region in existing if not self.allowed(region)]
            if write:
                if refused:
                    cursor.execute(sql["refuse"], [refused])
                cursor.execute(sql["upsert"], self.rest)
            cursor.execute(sql["clear"])
        return Written(len(rows) - len(existing), len(existing) - len(refused), refused)

    def close(self) -> None:
        if self.threaded:
            # after a failure, a chunk still queued is dropped, not written
            self.pool.shutdown(wait=True, cancel_futures=True)

    def finish(self) -> None:
        """After the last chunk: the table's foreign keys deferred again for the rest of the
        transaction."""
        if self.threaded and self.deferred:
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS {self.deferred} DEFERRED")
