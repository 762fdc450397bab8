"""The import job: reading, checking and writing one queued enterprise list (SPEC §3 "Bulk
import", §12.10).

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

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.audit.services import audit_record
from cqo.imports import readers, rules, selectors
from cqo.imports.models import EnterpriseList
from cqo.imports.report import ErrorReport
from cqo.imports.writer import Outcome, Upserter, Written
from cqo.lib.bounds import max_length

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]


class _Run:
    """One import's reading loop: good rows go to the upserter a chunk at a time, while the
    previous chunk is written; bad rows (and those refused when written) to the report."""

    def __init__(self, lst: EnterpriseList, outcome: Outcome, upserter: Upserter) -> None:
        self.outcome = outcome
        self.upserter = upserter
        self.all_or_nothing = lst.mode == EnterpriseList.Mode.ALL_OR_NOTHING
        self.pending: list[tuple[str, tuple[Any, ...]]] = []  # (USCC, values) of good rows
        self.in_flight: Callable[[], Written] | None = None  # the chunk being written
        self.uscc_label = str(rules.COLUMN_BY_KEY["uscc"].label)

    def report(self, errors: list[rules.RowError]) -> None:
        if self.outcome.report is None:
            self.outcome.report = ErrorReport()
        self.outcome.report.add(errors)
        self.outcome.bad += 1

    def settle(self) -> None:
        """Wait for the chunk being written and count it; its refused rows in row order."""
        if self.in_flight is None:
            return
        done, self.in_flight = self.in_flight(), None
        outcome, seen = self.outcome, self.outcome.seen
        outcome.created += done.created
        outcome.updated += done.updated
        outcome.ok += done.created + done.updated
        for uscc in sorted(done.refused, key=lambda u: seen[int(u, 36)]):
            message = _("该企业已在导入人辖区以外登记，不能通过本名录修改")
            self.report([rules.RowError(seen[int(uscc, 36)], self.uscc_label, uscc, message)])

    def flush(self) -> None:
        if not self.pending:
            return
        rows, self.pending = self.pending, []
        # once a row is bad an all-or-nothing import only checks the rest (a chunk already
        # queued may still be written: the transaction is rolled back all the same)
        job = self.upserter.submit(rows, write=not (self.all_or_nothing and self.outcome.bad))
        self.settle()  # the previous chunk, written while these rows were read
        self.in_flight = job
        if not self.upserter.threaded:
            self.settle()

    def rows(self, batch: list[rules.Checked]) -> None:
        seen = self.outcome.seen
        self.outcome.total += len(batch)
        for number, uscc, uscc_ok, values, errors in batch:
            if uscc_ok:
                key = int(uscc, 36)
                first = seen.get(key)
                if first is not None:
                    message = _("文件中统一社会信用代码重复（与第%(row)d行相同）") % {"row": first}
                    errors.append(rules.RowError(number, self.uscc_label, uscc, message))
                else:
                    seen[key] = number
            if errors:
                self.report(errors)
                continue
            self.pending.append((uscc, values))
            if len(self.pending) >= self.upserter.chunk:
                self.flush()


def _import(lst: EnterpriseList, outcome: Outcome, on_progress: ProgressFn | None) -> bool:
    """Reads, checks and writes the list; True when the rows were written (committed)."""
    ref = selectors.load_reference(lst)
    scope = selectors.actor_scope(lst.created_by)
    events, outcome.file_rows = readers.checked(lst.file.path, lst.file_name, ref)
    _kind, header, header_row, outcome.processed = next(events)
    columns = rules.written_columns(header)
    stamp = lst.started_at or timezone.now()
    # Every foreign key written (region, industry, this list) was checked against the loaded
    # reference tables above, so SQLite's per-row parent lookups (half the write time) are
    # switched off for the write; a no-op inside an outer transaction and on PostgreSQL.
    with connection.constraint_checks_disabled(), transaction.atomic():
        upserter = Upserter(lst, columns, stamp, functools.partial(rules.may_change, scope, ref))
        run = _Run(lst, outcome, upserter)
        try:
            for _kind, read, batch in events:
                outcome.processed += read
                run.rows(batch)
                if on_progress is not None:
                    on_progress(outcome.processed, outcome.file_rows)
            run.flush()
            run.settle()
        finally:
            upserter.close()  # nothing may still run on the connection when the block ends
        upserter.finish()
        if on_progress is not None:
            on_progress(outcome.processed, outcome.processed)
        if outcome.total == 0:
            raise ValidationError(
                _("第%(row)d行表头之下没有数据行") % {"row": header_row}, code="no_rows"
            )
        if run.all_or_nothing and outcome.bad:
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
        outcome.report.save_to(lst.error_report, lst.file_name)
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
    key = selectors.progress_key(lst.pk)

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
