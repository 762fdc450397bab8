"""Importing official enterprise lists (SPEC §3 "Bulk import", §12.10).

``list_create`` stores the uploaded file and queues the import; ``run_import(list_id)`` does it.
``run_import`` is a plain function of the list's id, so it runs in a thread of the web process
(the embedded default, started after the upload commits), synchronously in the management
command, or as a Celery task on a worker (``cqo.imports.tasks``); it does nothing for a list
that is no longer queued, so a retried task is harmless.

Every row is checked (``rules.check_stream``: in this process, or for a large xlsx in the
process reading it, ``readers.checked``) and the good ones are upserted by USCC a chunk at a time
(``Upserter``: an executemany of ``INSERT … ON CONFLICT (uscc) DO UPDATE`` on SQLite; on
PostgreSQL a COPY into a stage table and one ``INSERT … SELECT … ON CONFLICT``, written by a
thread while the next chunk is read), all inside one transaction:
in the default all-or-nothing mode one bad row rolls the whole file back, and the xlsx error
report lists every bad row with its row number, column, value and the rule broken. Only the
list's fields of an enterprise are written; its CQO data (filings, contacts, conditions) never.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import os
import random
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record
from cqo.imports import readers, rules
from cqo.imports.models import EnterpriseList
from cqo.lib import clock, uploads
from cqo.lib.bounds import line_validators, max_length
from cqo.lib.codes import make_uscc
from cqo.reference.models import Industry, Region
from cqo.registry.models import Enterprise

log = logging.getLogger(__name__)

# Rows per write. SQLite: per executemany and per existence query (one bound variable per USCC;
# SQLite ≥ 3.32 allows 32766). PostgreSQL: per COPY and upsert, so that each statement's fixed
# cost (planning, the stage's TRUNCATE) is spread over many rows; at most three chunks are held
# (one being read, one queued, one being written).
CHUNK = 1000
PG_CHUNK = 10_000
MAX_FILE_BYTES = 512 * 1024 * 1024

ProgressFn = Callable[[int, int], None]


def may_import(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_platform_admin or user.role == Role.REGULATOR)
    )


# Queueing -------------------------------------------------------------------------------------


def _store(upload: File) -> str:
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    if size == 0:
        raise ValidationError({"file": _("文件为空")})
    if size > MAX_FILE_BYTES:
        raise ValidationError({"file": _("文件不能超过512MB")})
    return digest.hexdigest()


@transaction.atomic
def list_create(
    *,
    actor: User,
    upload: File,
    as_of: dt.date,
    region: str | None = None,
    mode: str = EnterpriseList.Mode.ALL_OR_NOTHING,
    reference_year: int | None = None,
    start: bool = True,
) -> EnterpriseList:
    """Stores the file and queues its import (started when the transaction commits)."""
    if not may_import(actor):
        raise PermissionDenied(_("只有市场监管部门和平台管理员可以导入企业名录"))
    errors: dict[str, list[str]] = {}
    code = (region or "").strip() or (actor.region_id or "")
    region_obj = Region.objects.filter(code=code).first()
    if region_obj is None:
        errors["region"] = [_("行政区划代码不存在（GB/T 2260）")]
    elif not actor.is_platform_admin and not access.region_contains(actor, region_obj):
        errors["region"] = [_("只能导入本辖区的企业名录")]
    if as_of > clock.today():
        errors["as_of"] = [_("名录截止日期不能晚于今天")]
    if mode not in EnterpriseList.Mode.values:
        errors["mode"] = [_("导入方式无效")]
    year = reference_year or as_of.year
    if not 1949 <= year <= clock.today().year + 1:
        errors["reference_year"] = [_("年度应在1949年至明年之间")]
    name = Path(upload.name or "").name[:255]
    try:
        readers.kind_of(name)
        # size, type by content, zip/xlsx bombs: refused before the file is stored or parsed
        uploads.check_list(upload)
    except ValidationError as exc:
        errors["file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    sha256 = _store(upload)
    lst = EnterpriseList(
        region=region_obj,
        as_of=as_of,
        reference_year=year,
        file_name=name,
        sha256=sha256,
        mode=mode,
        created_by=actor,
    )
    lst.file.save(name, upload, save=False)
    lst.save()
    if start:
        pk = lst.pk
        transaction.on_commit(lambda: launch(pk))
    return lst


def launch(list_id: int) -> None:
    """Queues the import for a Celery worker when a broker is configured; otherwise runs it in
    a thread of this process (CQO_IMPORTS_INLINE: right here)."""
    if getattr(settings, "CQO_IMPORTS_INLINE", False):
        run_import(list_id)
        return
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from cqo.imports.tasks import run_import as task

        task.delay(list_id)
        return
    thread = threading.Thread(
        target=_run_in_thread, args=(list_id,), name=f"cqo-import-{list_id}", daemon=True
    )
    thread.start()


def _run_in_thread(list_id: int) -> None:
    try:
        run_import(list_id)
    except Exception:
        log.exception("enterprise list import %s failed", list_id)
    finally:
        connection.close()


# Progress -------------------------------------------------------------------------------------
# The import's own transaction holds the rows it counts, so progress goes to the cache (the
# process's memory by default; Redis once Celery workers run imports), not to the list's row.


def _progress_key(list_id: int) -> str:
    return f"cqo:imports:progress:{list_id}"


def progress_of(lst: EnterpriseList) -> tuple[int, int]:
    """(rows processed, rows in the file) of a list, live while it runs."""
    if lst.status == EnterpriseList.Status.RUNNING:
        live = cache.get(_progress_key(lst.pk))
        if live:
            return live
    return lst.progress, max(lst.progress, lst.rows_total)


# The import -----------------------------------------------------------------------------------


def load_reference(lst: EnterpriseList) -> rules.Reference:
    regions: dict[str, rules.RegionInfo] = {}
    parents = set(
        Region.objects.filter(parent__isnull=False).values_list("parent_id", flat=True).distinct()
    )
    for code, level, province, city in Region.objects.values_list(
        "code", "level", "province_code", "city_code"
    ):
        regions[code] = rules.RegionInfo(level, province, city, code in parents)
    divisions = frozenset(
        Industry.objects.filter(level=Industry.Level.DIVISION).values_list("code", flat=True)
    )
    return rules.Reference(
        regions=regions,
        divisions=divisions,
        scope={"level": lst.region.level, "code": lst.region_id},
        reference_year=lst.reference_year,
        this_year=clock.today().year,
        limits={key: max_length(Enterprise, key) for key in rules.LIMITED},
        lines={
            key: validator.limit
            for key in rules.LIMITED
            for validator in line_validators(Enterprise, key)
        },
    )


def _actor_scope(actor: User | None) -> dict[str, str] | None:
    """The importer's own subtree, for enterprises already registered (None: no one's)."""
    if actor is None or not actor.is_active:
        return None
    if actor.is_platform_admin:
        return {"level": "all", "code": ""}
    if actor.role == Role.REGULATOR and actor.region is not None:
        return {"level": actor.region.level, "code": actor.region.code}
    return None


class ErrorReport:
    """The row-by-row error report, written as the rows are read (xlsxwriter constant_memory)."""

    HEADERS = ("行号", "列", "值", "违反的规则")

    def __init__(self) -> None:
        handle, self.path = tempfile.mkstemp(suffix=".xlsx", prefix="cqo-import-errors-")
        os.close(handle)
        self.book = xlsxwriter.Workbook(self.path, {"constant_memory": True})
        self.sheet = self.book.add_worksheet(_("错误明细")[:31])
        bold = self.book.add_format({"bold": True, "bg_color": "#E7EEF7", "border": 1})
        for col, (head, width) in enumerate(zip(self.HEADERS, (8, 22, 30, 60), strict=True)):
            self.sheet.write_string(0, col, _(head), bold)
            self.sheet.set_column(col, col, width)
        self.sheet.freeze_panes(1, 0)
        self.line = 0

    def add(self, errors: Iterable[rules.RowError]) -> None:
        for err in errors:
            self.line += 1
            self.sheet.write_number(self.line, 0, err.row)
            self.sheet.write_string(self.line, 1, err.column)
            self.sheet.write_string(self.line, 2, err.value[:500])
            self.sheet.write_string(self.line, 3, err.rule)

    def close(self) -> str:
        self.book.close()
        return self.path


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


def may_change(actor_scope: dict[str, str] | None, ref: rules.Reference, region: str) -> bool:
    """Whether the importer may change an enterprise already registered in ``region``: only
    within their own subtree."""
    info = ref.regions.get(region)
    return (
        actor_scope is not None and info is not None and rules.in_scope(actor_scope, info, region)
    )


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
        # The stage holds the USCC and the file's columns, typed as the table's, without
        # constraints (the checks ran already); the other columns are the same for every row,
        # so the upsert adds them as parameters rather than COPY carrying them a million times.
        # One stage per list (imports may share a transaction); it goes with the transaction.
        stage = q(f"cqo_import_stage_{lst.pk}")
        given = ", ".join(q(c) for c in ["uscc", *columns])
        constants = "".join(f", CAST(%s AS {f.db_type(connection)})" for f in rest)
        uscc = q("uscc")
        self.stage_sql = {
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
        connection.ensure_connection()
        self.raw = connection.connection
        self.wrap_errors = connection.wrap_database_errors
        with connection.cursor() as cursor:
            # The table's foreign keys are DEFERRABLE INITIALLY DEFERRED (as Django makes
            # them): deferred, a million rows queue millions of checks that all run in the
            # COMMIT, alone, once the file is read. Checked at the end of each upsert instead,
            # they run while the next chunk is read: the same checks (and every key was checked
            # against the reference tables already), the same outcome. ``finish`` defers them
            # again; a rollback (to a savepoint too) restores them by itself. (The COMMIT is
            # then short: the WAL is flushed as it is written, so synchronous_commit = off would
            # save a few milliseconds per file, not worth an import reported done and then
            # lost in a crash.)
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'f' AND condeferrable AND condeferred",
                [meta.db_table],
            )
            self.deferred = ", ".join(q(name) for (name,) in cursor.fetchall())
            if self.deferred:
                cursor.execute(f"SET CONSTRAINTS {self.deferred} IMMEDIATE")
        self.staged = False
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cqo-import-writer")

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


def _import(lst: EnterpriseList, outcome: Outcome, on_progress: ProgressFn | None) -> bool:
    """Reads, checks and writes the list; True when the rows were written (committed)."""
    ref = load_reference(lst)
    actor_scope = _actor_scope(lst.created_by)
    events, outcome.file_rows = readers.checked(lst.file.path, lst.file_name, ref)
    _kind, header, header_row, outcome.processed = next(events)
    columns = rules.written_columns(header)
    stamp = lst.started_at or timezone.now()
    all_or_nothing = lst.mode == EnterpriseList.Mode.ALL_OR_NOTHING
    seen = outcome.seen
    pending: list[tuple[str, tuple[Any, ...]]] = []  # (USCC, values) of good rows
    uscc_label = str(rules.COLUMN_BY_KEY["uscc"].label)
    in_flight: Callable[[], Written] | None = None  # the chunk being written

    def report(errors: list[rules.RowError]) -> None:
        if outcome.report is None:
            outcome.report = ErrorReport()
        outcome.report.add(errors)
        outcome.bad += 1

    def settle() -> None:
        """Wait for the chunk being written and count it; its refused rows in row order."""
        nonlocal in_flight
        if in_flight is None:
            return
        done, in_flight = in_flight(), None
        outcome.created += done.created
        outcome.updated += done.updated
        outcome.ok += done.created + done.updated
        for uscc in sorted(done.refused, key=lambda u: seen[int(u, 36)]):
            report(
                [
                    rules.RowError(
                        seen[int(uscc, 36)],
                        uscc_label,
                        uscc,
                        _("该企业已在导入人辖区以外登记，不能通过本名录修改"),
                    )
                ]
            )

    def flush() -> None:
        nonlocal pending, in_flight
        if not pending:
            return
        rows, pending = pending, []
        # once a row is bad an all-or-nothing import only checks the rest (a chunk already
        # queued may still be written: the transaction is rolled back all the same)
        job = upserter.submit(rows, write=not (all_or_nothing and outcome.bad))
        settle()  # the previous chunk, written while these rows were read
        in_flight = job
        if not upserter.threaded:
            settle()

    # Every foreign key written (region, industry, this list) was checked against the loaded
    # reference tables above, so SQLite's per-row parent lookups (half the write time) are
    # switched off for the write; a no-op inside an outer transaction and on PostgreSQL.
    with connection.constraint_checks_disabled(), transaction.atomic():
        upserter = Upserter(lst, columns, stamp, functools.partial(may_change, actor_scope, ref))
        chunk = upserter.chunk
        try:
            for _kind, read, batch in events:
                outcome.processed += read
                outcome.total += len(batch)
                for number, uscc, uscc_ok, values, errors in batch:
                    if uscc_ok:
                        key = int(uscc, 36)
                        first = seen.get(key)
                        if first is not None:
                            errors.append(
                                rules.RowError(
                                    number,
                                    uscc_label,
                                    uscc,
                                    _("文件中统一社会信用代码重复（与第%(row)d行相同）")
                                    % {"row": first},
                                )
                            )
                        else:
                            seen[key] = number
                    if errors:
                        report(errors)
                        continue
                    pending.append((uscc, values))
                    if len(pending) >= chunk:
                        flush()
                if on_progress is not None:
                    on_progress(outcome.processed, outcome.file_rows)
            flush()
            settle()
        finally:
            upserter.close()  # nothing may still run on the connection when the block ends
        upserter.finish()
        if on_progress is not None:
            on_progress(outcome.processed, outcome.processed)
        if outcome.total == 0:
            raise ValidationError(
                _("第%(row)d行表头之下没有数据行") % {"row": header_row}, code="no_rows"
            )
        if all_or_nothing and outcome.bad:
            transaction.set_rollback(True)
            return False
        _finish(lst, outcome, EnterpriseList.Status.DONE, "")
        return True


def _finish(lst: EnterpriseList, outcome: Outcome, status: str, message: str) -> None:
    lst.status = status
    lst.message = message[: max_length(EnterpriseList, "message")]
    lst.rows_total = outcome.total
    lst.rows_ok = outcome.ok if status == EnterpriseList.Status.DONE else 0
    lst.rows_bad = outcome.bad
    written = status == EnterpriseList.Status.DONE
    lst.created_count = outcome.created if written else 0
    lst.updated_count = outcome.updated if written else 0
    lst.progress = outcome.processed
    lst.finished_at = timezone.now()
    fields = [
        "status",
        "message",
        "rows_total",
        "rows_ok",
        "rows_bad",
        "created_count",
        "updated_count",
        "progress",
        "finished_at",
    ]
    if outcome.report is not None and not lst.error_report:
        path = outcome.report.close()
        try:
            with open(path, "rb") as handle:
                lst.error_report.save(
                    f"{Path(lst.file_name).stem}-errors.xlsx", File(handle), save=False
                )
        finally:
            os.unlink(path)
        fields.append("error_report")
    lst.save(update_fields=fields)
    audit_record(
        actor=lst.created_by,
        action="create",
        target_type="enterprise_list",
        target_id=str(lst.public_id),
        target_repr=f"{lst.file_name} ({lst.region_id} {lst.as_of})",
        changes={
            "file": [None, lst.file_name],
            "sha256": [None, lst.sha256],
            "status": [None, lst.status],
            "mode": [None, lst.mode],
            "as_of": [None, lst.as_of.isoformat()],
            "rows_total": [None, lst.rows_total],
            "rows_ok": [None, lst.rows_ok],
            "rows_bad": [None, lst.rows_bad],
            "created": [None, lst.created_count],
            "updated": [None, lst.updated_count],
        },
        note=message,
    )


def run_import(
    list_id: int, *, on_progress: ProgressFn | None = None, retake: bool = False
) -> EnterpriseList:
    """The job: import a queued list. Safe to call twice (a second call does nothing), except
    with ``retake``: the broker redelivered the job because the worker running it died, so a
    list left running (its transaction, and with it every row, rolled back) starts again."""
    claimable = [EnterpriseList.Status.QUEUED]
    if retake:
        claimable.append(EnterpriseList.Status.RUNNING)
    claimed = EnterpriseList.objects.filter(pk=list_id, status__in=claimable).update(
        status=EnterpriseList.Status.RUNNING, started_at=timezone.now()
    )
    lst = EnterpriseList.objects.select_related("region", "created_by__region").get(pk=list_id)
    if not claimed:
        return lst
    key = _progress_key(lst.pk)

    def progress(done: int, total: int) -> None:
        cache.set(key, (done, max(done, total)), 3600)
        if on_progress is not None:
            on_progress(done, total)

    outcome = Outcome()
    try:
        written = _import(lst, outcome, progress)
    except ValidationError as exc:
        with transaction.atomic():
            _finish(lst, outcome, EnterpriseList.Status.FAILED, " ".join(exc.messages))
        return lst
    except Exception:
        with transaction.atomic():
            _finish(lst, outcome, EnterpriseList.Status.FAILED, _("导入时发生内部错误"))
        raise
    finally:
        cache.delete(key)
    if not written:
        with transaction.atomic():
            _finish(
                lst,
                outcome,
                EnterpriseList.Status.FAILED,
                _("有%(bad)d行错误，全部未导入；请按错误报告修改后重新导入") % {"bad": outcome.bad},
            )
    return lst


# The template ---------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """The import template: the documented header and one example row, codes as text. The
    header is always the official Chinese one (what ``rules`` matches), whatever the UI
    language."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return _template_xlsx()


def _template_xlsx() -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet(_("企业名录"))
    bold = book.add_format({"bold": True, "bg_color": "#E7EEF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    example = {
        "uscc": "91610113MA6TXXXX0X",
        "name": _("西安示例精密制造有限公司"),
        "region": "610113",
        "industry": "34",
        "size": _("中型"),
        "above_scale": _("是"),
        "above_scale_year": "2025",
        "quality_award": _("无"),
        "quality_award_year": "",
        "special_equipment_licence": "",
        "employees": "320",
        "nature": _("民营"),
        "registered_address": _("陕西省西安市雁塔区科技路1号"),
        "main_products": _("精密轴承、数控机床零部件"),
    }
    example["uscc"] = make_uscc("610113", random.Random(1))  # noqa: S311 (an example value)
    for col, column in enumerate(rules.COLUMNS):
        label = f"{column.label}{'*' if column.required else ''}"
        sheet.write_string(0, col, label, bold)
        sheet.set_column(col, col, max(12, len(label) * 2 + 2), text)
        sheet.write_string(1, col, str(example[column.key]), text)
    sheet.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()
