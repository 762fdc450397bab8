"""Importing official enterprise lists (SPEC §3 "Bulk import", §12.10).

``list_create`` stores the uploaded file and queues the import; ``run_import(list_id)`` does it.
``run_import`` is a plain function of the list's id, so it runs in a thread of the web process
(the embedded default, started after the upload commits), synchronously in the management
command, or as a Celery task on a worker (``cqo.imports.tasks``); it does nothing for a list
that is no longer queued, so a retried task is harmless.

Every row is checked (``rules.check_stream``: in this process, or for a large xlsx in the
process reading it, ``readers.checked``) and the good ones are upserted by USCC with one
``INSERT … ON CONFLICT (uscc) DO UPDATE`` per chunk (executemany), all inside one transaction:
in the default all-or-nothing mode one bad row rolls the whole file back, and the xlsx error
report lists every bad row with its row number, column, value and the rule broken. Only the
list's fields of an enterprise are written; its CQO data (filings, contacts, conditions) never.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import random
import tempfile
import threading
from collections.abc import Callable, Iterable
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
from cqo.lib import clock
from cqo.lib.codes import make_uscc
from cqo.reference.models import Industry, Region
from cqo.registry.models import Enterprise

log = logging.getLogger(__name__)

# Rows per executemany and per existence query (one bound variable per USCC; SQLite ≥ 3.32
# allows 32766).
CHUNK = 1000
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


class Upserter:
    """INSERT … ON CONFLICT (uscc) DO UPDATE of the list's columns, a chunk at a time."""

    def __init__(self, lst: EnterpriseList, columns: list[str], stamp: dt.datetime) -> None:
        meta = Enterprise._meta
        q = connection.ops.quote_name
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.table = q(meta.db_table)
        # the USCC, then the file's columns, then the rest: a row's parameters are then three
        # slices joined, not a loop over its columns (a million rows pay for every step)
        rest = [f.attname for f in fields if f.attname != "uscc" and f.attname not in columns]
        self.insert_columns = ["uscc", *columns, *rest]
        when = connection.ops.adapt_datetimefield_value(stamp)
        self.defaults: dict[str, Any] = {}
        for f in fields:
            if f.attname in ("created_at", "updated_at"):
                self.defaults[f.attname] = when
            elif f.attname == "last_list_id":
                self.defaults[f.attname] = lst.pk
            else:
                self.defaults[f.attname] = f.get_default()
        self.given = columns
        updated = [*columns, "last_list_id", "updated_at"]
        # Names come from the model's _meta, quoted; every value is a bound parameter.
        names = ", ".join(q(c) for c in self.insert_columns)
        marks = ", ".join(["%s"] * len(self.insert_columns))
        sets = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in updated)
        conflict = f"ON CONFLICT ({q('uscc')}) DO UPDATE SET {sets}"
        self.sql = f"INSERT INTO {self.table} ({names}) VALUES ({marks}) {conflict}"  # noqa: S608
        self.rest = tuple(self.defaults[c] for c in rest)
        # PostgreSQL: rows stream into a temporary table by COPY, then one INSERT … SELECT
        # upserts them (an executemany of upserts waits on the server row by row here: about
        # 8,000 rows/s); the table goes with the import's transaction
        self.copy = connection.vendor == "postgresql"
        self.staged = False
        stage = q(f"cqo_import_stage_{lst.pk}")  # one per list: imports may share a transaction
        self.stage_sql = {
            # the written columns with their types, no constraints (the checks ran already)
            "create": f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {names} FROM {self.table} WITH NO DATA",
            "copy": f"COPY {stage} ({names}) FROM STDIN",
            "upsert": f"INSERT INTO {self.table} ({names}) SELECT {names} FROM {stage} "  # noqa: S608
            f"{conflict}",
            "clear": f"TRUNCATE {stage}",
        }

    def existing(self, usccs: list[str]) -> dict[str, str]:
        """USCC → region of those already registered."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT uscc, region_id FROM {self.table} WHERE uscc IN "  # noqa: S608 (names quoted, values bound)
                f"({', '.join(['%s'] * len(usccs))})",
                usccs,
            )
            return dict(cursor.fetchall())

    def write(self, rows: list[tuple[str, tuple[Any, ...]]]) -> None:
        """Upsert checked rows: (USCC, the values of ``columns`` in order; a row that passed
        its checks has no None in a text column)."""
        rest = self.rest
        with connection.cursor() as cursor:
            if not self.copy:
                cursor.executemany(self.sql, [(uscc, *values, *rest) for uscc, values in rows])
                return
            sql = self.stage_sql
            if not self.staged:
                cursor.execute(sql["create"])
                self.staged = True
            with cursor.cursor.copy(sql["copy"]) as copy:
                for uscc, values in rows:
                    copy.write_row((uscc, *values, *rest))
            cursor.execute(sql["upsert"])
            cursor.execute(sql["clear"])


def _import(lst: EnterpriseList, outcome: Outcome, on_progress: ProgressFn | None) -> bool:
    """Reads, checks and writes the list; True when the rows were written (committed)."""
    ref = load_reference(lst)
    actor_scope = _actor_scope(lst.created_by)
    events, outcome.file_rows = readers.checked(lst.file.path, lst.file_name, ref)
    _kind, header, header_row, outcome.processed = next(events)
    columns = rules.written_columns(header)
    stamp = lst.started_at or timezone.now()
    upserter = Upserter(lst, columns, stamp)
    all_or_nothing = lst.mode == EnterpriseList.Mode.ALL_OR_NOTHING
    seen = outcome.seen
    pending: list[tuple[str, tuple[Any, ...]]] = []  # (USCC, values) of good rows
    uscc_label = str(rules.COLUMN_BY_KEY["uscc"].label)

    def report(errors: list[rules.RowError]) -> None:
        if outcome.report is None:
            outcome.report = ErrorReport()
        outcome.report.add(errors)
        outcome.bad += 1

    def flush() -> None:
        if not pending:
            return
        existing = upserter.existing([uscc for uscc, _values in pending])
        good: list[tuple[str, tuple[Any, ...]]] = []
        for row in pending:
            uscc = row[0]
            region = existing.get(uscc)
            if region is not None:
                info = ref.regions.get(region)
                if (
                    actor_scope is None
                    or info is None
                    or not rules.in_scope(actor_scope, info, region)
                ):
                    number = seen[int(uscc, 36)]
                    report(
                        [
                            rules.RowError(
                                number,
                                uscc_label,
                                uscc,
                                _("该企业已在导入人辖区以外登记，不能通过本名录修改"),
                            )
                        ]
                    )
                    continue
                outcome.updated += 1
            else:
                outcome.created += 1
            good.append(row)
        outcome.ok += len(good)
        if good and not (all_or_nothing and outcome.bad):
            upserter.write(good)
        pending.clear()

    # Every foreign key written (region, industry, this list) was checked against the loaded
    # reference tables above, so SQLite's per-row parent lookups (half the write time) are
    # switched off for the write; a no-op inside an outer transaction and on PostgreSQL.
    with connection.constraint_checks_disabled(), transaction.atomic():
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
                if len(pending) >= CHUNK:
                    flush()
            if on_progress is not None:
                on_progress(outcome.processed, outcome.file_rows)
        flush()
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
    lst.message = message
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
