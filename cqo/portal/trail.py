"""The audit administrator's page (三员分立, GB/T 22239-2019 8.1.5.2): the whole audit trail,
newest first, filtered, each change in the words of the pages; the hash chain's last
verification; the filtered entries exported as xlsx, the export itself audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit import display
from cqo.audit import selectors as audit
from cqo.audit.models import AuditEntry, AuditVerification
from cqo.audit.services import audit_record
from cqo.lib.excel import xlsx_file
from cqo.portal.forms import TrailFilterForm

PAGE_SIZE = 50  # 平台默认: entries a page shows (display.ROWS_MAX bounds it)
# 平台默认: the entries counted for the page numbers; past it the page says "more than" and
# asks for a narrower filter, so no request counts millions of rows
COUNT_MAX = 10_000
# 平台默认: rows of one export. An export is written within the request (an xlsx is one zip,
# finished only at its end): at this bound it takes about 20 s on one core, within the web
# timeout (CQO_TIMEOUT, 60 s), and about 10 MB.
EXPORT_MAX = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``COUNT_MAX`` entries (and knows whether there are more)."""

    @cached_property
    def _counted(self) -> int:
        entries = cast(QuerySet[AuditEntry], self.object_list)
        return entries[: COUNT_MAX + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_MAX)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_MAX


@login_required
def audit_trail(request: AuthedHttpRequest) -> HttpResponse | FileResponse:
    # the audit administrator's duty only (cqo/accounts/duties.py)
    if not access.can_read_audit(request.user):
        raise PermissionDenied
    form = TrailFilterForm(request.GET)
    valid = form.is_valid()
    entries = audit.trail_search(filters=form.filters()) if valid else AuditEntry.objects.none()
    if valid and request.GET.get("export") == "xlsx":
        return _export(request, entries)
    page = _CappedPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    status = audit.chain_status()
    return render(
        request,
        "portal/audit_trail.html",
        {
            "form": form,
            "page": page,
            "rows": display.trail_rows(list(page)),
            "count_max": COUNT_MAX,
            "export_max": EXPORT_MAX,
            "status": status,
            "algorithms": _algorithms(status.last),
            "query": _query(request, drop=("page", "export")),
        },
    )


def _algorithms(last: AuditVerification | None) -> list[str]:
    codes = last.algorithms.split(",") if last is not None else []
    return [AuditEntry.Algorithm(c).label for c in codes if c in AuditEntry.Algorithm.values]


def _query(request: AuthedHttpRequest, *, drop: tuple[str, ...]) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


def _export(
    request: AuthedHttpRequest, entries: QuerySet[AuditEntry]
) -> HttpResponse | FileResponse:
    # the entries as they stand now (those written while the file is made are not in it), by
    # id: one scan of the filter, then each chunk read by its ids (memory: the ids, bounded)
    ids = list(entries.values_list("id", flat=True)[: EXPORT_MAX + 1])
    if len(ids) > EXPORT_MAX:
        messages.error(
            request,
            _(
                "一次最多导出 %(max)s 条审计记录，当前筛选结果超过此数。请缩小日期范围或增加"
                "筛选条件后再导出。"
            )
            % {"max": number_format(EXPORT_MAX, force_grouping=True)},
        )
        return HttpResponseRedirect(f"{request.path}?{_query(request, drop=('export',))}")
    rows = display.all_rows(_chunks(ids))
    handle = xlsx_file(_headers(), (_cells(row) for row in rows), sheet=_("审计日志"))
    # GB/T 22239-2019 8.1.5.2 a): the audit administrator's operations are audited too
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        target_type="audit_trail",
        target_id="*",
        target_repr=_("审计日志"),
        changes={"count": len(ids)},
        note=_query(request, drop=("export",)),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        handle, as_attachment=True, filename=f"audit-trail-{stamp}.xlsx", content_type=XLSX
    )


def _headers() -> list[str]:
    return [
        _("链序号"),
        _("时间"),
        _("操作人"),
        _("操作"),
        _("对象类型"),
        _("对象"),
        _("变更内容"),
        _("说明"),
    ]


def _chunks(ids: list[int]) -> Iterator[AuditEntry]:
    """The entries of ``ids`` in that order, read a chunk at a time (no cursor held open)."""
    for start in range(0, len(ids), display.EXPORT_CHUNK):
        part = ids[start : start + display.EXPORT_CHUNK]
        found = AuditEntry.objects.in_bulk(part)
        yield from (found[pk] for pk in part if pk in found)


def _cells(row: display.Row) -> list[Any]:
    entry = row.entry
    return [
        entry.seq if entry.seq is not None else _("待封存"),
        f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S}",
        row.actor,
        row.action,
        row.kind,
        row.target,
        "\n".join(f"{c.label}：{c.before} → {c.after}" for c in row.changes),
        row.note,
    ]
