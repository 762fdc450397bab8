"""Migrating one archive file: ``run_legacy(file_id)`` reads its rows, checks each one, writes
the error report and, unless it is a dry run, writes the good rows in one transaction.

All-or-nothing (the default): one row in error or in conflict and nothing of the file is
written. Good rows: those are written, the others reported. A dry run goes through the very same
steps, the registry's checks and writes included, and rolls the transaction back, so what it
reports is what the file would do. Whatever happens to the process half-way (an error, a kill),
the transaction leaves nothing of the file behind: no record and no ``LegacyOrigin``.

Every record created gets a ``LegacyOrigin`` (file, row); the file gets one audit entry with its
SHA-256 and counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.audit.services import audit_record
from cqo.imports import readers, rules
from cqo.imports.legacy import kinds
from cqo.imports.legacy.catalogue import KINDS
from cqo.imports.legacy.kinds import Outcome, RowResult
from cqo.imports.legacy.models import LegacyFile, LegacyOrigin
from cqo.imports.report import ErrorReport
from cqo.lib.bounds import max_length

ProgressFn = Callable[[int, int], None]

# Progress is told every so many rows (the cache for other processes, the command's bar).
PROGRESS_EVERY = 100
# LegacyOrigin rows stored at once
ORIGIN_BATCH = 2000


def progress_key(file_id: int) -> str:
    return f"cqo:legacy:{file_id}:progress"


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    rows: int = 0  # data rows (empty rows are not counted)
    done: int = 0  # file rows read, the header and empty rows included
    total: int = 0
    report: ErrorReport | None = None

    @property
    def bad(self) -> int:
        return self.counts[Outcome.CONFLICT.value] + self.counts[Outcome.ERROR.value]


def _migrate(lf: LegacyFile, tally: Tally, progress: ProgressFn) -> bool:
    """Reads, checks and (unless a dry run or refused) writes the file; True when written."""
    spec = KINDS[lf.kind]
    if lf.uploaded_by is None:
        raise ValidationError(_("导入人账号已删除"), code="no_actor")
    source = readers.open_source(lf.file.path, lf.file_name)
    tally.total = source.total
    rows = iter(source.rows)
    header, header_row = kinds.find_header(spec.columns, rows)
    handler = spec.rows(lf, lf.uploaded_by)
    if isinstance(handler, kinds.BatchHandler):
        add, finish = handler.add, handler.finish
    else:
        one = handler

        def add(number: int, cells: dict[str, Any]) -> list[tuple[int, RowResult]]:
            return [(number, one(number, cells))]

        def finish() -> list[tuple[int, RowResult]]:
            return []

    origins: list[LegacyOrigin] = []
    with transaction.atomic():
        for number, cells in rows:
            tally.done = number
            if number % PROGRESS_EVERY == 0:
                progress(number, max(number, tally.total))
            if rules.is_empty(cells):
                continue
            tally.rows += 1
            _count(lf, tally, add(number, header.cells(cells)), origins)
        _count(lf, tally, finish(), origins, flush=True)
        progress(tally.done, tally.done)
        if tally.rows == 0:
            raise ValidationError(
                _("第%(row)d行表头之下没有数据行") % {"row": header_row}, code="no_rows"
            )
        refused = lf.mode == LegacyFile.Mode.ALL_OR_NOTHING and tally.bad > 0
        if lf.dry_run or refused:
            transaction.set_rollback(True)
            return False
        return True


def _count(
    lf: LegacyFile,
    tally: Tally,
    results: list[tuple[int, RowResult]],
    origins: list[LegacyOrigin],
    *,
    flush: bool = False,
) -> None:
    """Tally finished rows, report their errors and note where each created record came from
    (stored a batch at a time)."""
    for number, result in results:
        tally.counts[result.outcome.value] += 1
        if result.errors:
            if tally.report is None:
                tally.report = ErrorReport()
            tally.report.add(result.errors)
        if result.target is not None:
            target_type, target_id = result.target
            origins.append(
                LegacyOrigin(file=lf, row=number, target_type=target_type, target_id=target_id)
            )
    if origins and (flush or len(origins) >= ORIGIN_BATCH):
        LegacyOrigin.objects.bulk_create(origins)
        origins.clear()


def _finish(lf: LegacyFile, tally: Tally, status: str, message: str) -> None:
    counts = dict(tally.counts)
    if status == LegacyFile.Status.FAILED:
        counts[Outcome.CREATED.value] = 0  # nothing of a failed file stays written
    lf.status = status
    lf.counts = counts
    lf.rows = tally.rows
    lf.progress_done = tally.done
    lf.progress_total = (
        max(tally.done, tally.total) if status != LegacyFile.Status.FAILED else tally.done
    )
    lf.message = message[: max_length(LegacyFile, "message")]
    lf.finished_at = timezone.now()
    fields = [
        "status",
        "counts",
        "rows",
        "progress_done",
        "progress_total",
        "message",
        "finished_at",
    ]
    if tally.report is not None:
        tally.report.save_to(lf.error_report, lf.file_name)
        tally.report = None
        fields.append("error_report")
    lf.save(update_fields=fields)
    kind = str(lf.get_kind_display())
    audit_record(
        actor=lf.uploaded_by,
        action="create",
        target_type="legacy_file",
        target_id=str(lf.public_id),
        target_repr=lf.file_name,
        changes={
            "file": [None, lf.file_name],
            "kind": [None, lf.kind],
            "sha256": [None, lf.sha256],
            "mode": [None, lf.mode],
            "dry_run": [None, lf.dry_run],
            "status": [None, lf.status],
            "rows": [None, lf.rows],
            "created": [None, counts["created"]],
            "unchanged": [None, counts["unchanged"]],
            "conflicts": [None, counts["conflicts"]],
            "errors": [None, counts["errors"]],
        },
        note=_(
            "%(file)s（%(kind)s）SHA-256 %(sha256)s：新增%(created)d，未变化%(unchanged)d，"
            "冲突%(conflicts)d，错误%(errors)d"
        )
        % {"file": lf.file_name, "kind": kind, "sha256": lf.sha256, **counts},
    )


def _outcome_message(lf: LegacyFile, tally: Tally, written: bool) -> tuple[str, str]:
    bad = tally.bad
    if lf.dry_run:
        if bad and lf.mode == LegacyFile.Mode.ALL_OR_NOTHING:
            message = _(
                "仅检查，未写入。有%(bad)d行错误或冲突：按“有错误行则全部不导入”方式导入时，"
                "整个文件都不会导入"
            ) % {"bad": bad}
        elif bad:
            message = _("仅检查，未写入。有%(bad)d行错误或冲突，导入时这些行不会导入") % {
                "bad": bad
            }
        else:
            message = _("仅检查，未写入。没有发现错误")
        return LegacyFile.Status.CHECKED, message
    if not written:
        return LegacyFile.Status.FAILED, _(
            "有%(bad)d行错误或冲突，全部未导入；请按错误报告修改后重新导入"
        ) % {"bad": bad}
    if bad:
        return LegacyFile.Status.DONE, _(
            "已导入正确的行；%(bad)d行有错误或冲突，未导入，见错误报告"
        ) % {"bad": bad}
    return LegacyFile.Status.DONE, ""


def run_legacy(
    file_id: int, *, on_progress: ProgressFn | None = None, retake: bool = False
) -> LegacyFile:
    """The job: migrate a queued file. Safe to call twice (a second call does nothing), except
    with ``retake``: the broker redelivered the job because the worker running it died, so a
    file left running (its transaction, and with it every row, rolled back) starts again."""
    claimable = [LegacyFile.Status.QUEUED]
    if retake:
        claimable.append(LegacyFile.Status.RUNNING)
    claimed = LegacyFile.objects.filter(pk=file_id, status__in=claimable).update(
        status=LegacyFile.Status.RUNNING
    )
    lf = LegacyFile.objects.select_related("uploaded_by__region").get(pk=file_id)
    if not claimed:
        return lf
    key = progress_key(lf.pk)

    def progress(done: int, total: int) -> None:
        cache.set(key, (done, max(done, total)), 3600)
        if on_progress is not None:
            on_progress(done, total)

    tally = Tally()
    try:
        written = _migrate(lf, tally, progress)
    except ValidationError as exc:  # the file as a whole: unreadable, no header, no rows
        with transaction.atomic():
            _finish(lf, tally, LegacyFile.Status.FAILED, " ".join(exc.messages))
        return lf
    except BaseException:
        with transaction.atomic():
            _finish(lf, tally, LegacyFile.Status.FAILED, _("迁移时发生内部错误，未写入任何数据"))
        raise
    finally:
        cache.delete(key)
    status, message = _outcome_message(lf, tally, written)
    with transaction.atomic():
        _finish(lf, tally, status, message)
    return lf
