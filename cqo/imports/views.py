"""Pages of the official enterprise-list import: upload and history, one import's progress and
result, the error report and the template downloads; and the same for the migration of a
province's archive files (历史数据迁移)."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.documents import document_response
from cqo.imports import selectors, services
from cqo.imports.forms import ImportForm, LegacyForm, legacy_kinds
from cqo.imports.legacy import selectors as legacy_selectors
from cqo.imports.legacy import services as legacy_services
from cqo.imports.legacy.catalogue import KINDS
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.models import EnterpriseList
from cqo.lib.forms import apply_errors

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_importer(request: AuthedHttpRequest) -> None:
    if not selectors.may_import(request.user):
        raise PermissionDenied


@login_required
def list_index(request: AuthedHttpRequest) -> HttpResponse:
    _require_importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lst = services.list_create(
                actor=request.user,
                upload=data["file"],
                as_of=data["as_of"],
                region=data["region"] or None,
                mode=data["mode"],
                reference_year=data["reference_year"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("名录已上传，正在导入"))
            return redirect("imports:list_detail", public_id=lst.public_id)
    if request.method == "GET":
        form.initial["region"] = request.user.region_id or ""
    page = Paginator(selectors.list_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "imports/list_index.html", {"form": form, "page": page})


def _context(lst: EnterpriseList) -> dict[str, Any]:
    done, total = selectors.progress_of(lst)
    percent = 100 if lst.finished else (round(done * 100 / total) if total else 0)
    return {"lst": lst, "done": done, "total": total, "percent": min(percent, 100)}


@login_required
def list_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require_importer(request)
    lst = selectors.list_get(user=request.user, public_id=public_id)
    return render(request, "imports/list_detail.html", _context(lst))


@login_required
def list_progress(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The HTMX-polled progress fragment; it stops polling once the import has finished."""
    _require_importer(request)
    lst = selectors.list_get(user=request.user, public_id=public_id)
    return render(request, "imports/_progress.html", _context(lst))


@login_required
def list_errors(request: AuthedHttpRequest, public_id: uuid.UUID) -> FileResponse:
    _require_importer(request)
    lst = selectors.list_get(user=request.user, public_id=public_id)
    if not lst.error_report:
        raise Http404
    try:
        handle = lst.error_report.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = PurePath(lst.error_report.name or "errors.xlsx").name
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def template_download(request: AuthedHttpRequest) -> HttpResponse:
    _require_importer(request)
    response = HttpResponse(services.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="enterprise-list-template.xlsx"'
    return response


# The archive migration ------------------------------------------------------------------------


def _require_migrator(request: AuthedHttpRequest) -> None:
    if not legacy_services.may_migrate(request.user):
        raise PermissionDenied


@login_required
def legacy_index(request: AuthedHttpRequest) -> HttpResponse:
    _require_migrator(request)
    form = LegacyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lf = legacy_services.legacy_create(
                actor=request.user,
                kind=data["kind"],
                upload=data["file"],
                dry_run=data["dry_run"],
                mode=data["mode"],
                start=True,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("文件已上传，正在处理"))
            return redirect("imports:legacy_detail", public_id=lf.public_id)
    page = Paginator(legacy_selectors.legacy_file_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "imports/legacy_index.html",
        {"form": form, "page": page, "kinds": legacy_kinds()},
    )


def _legacy_context(lf: LegacyFile) -> dict[str, Any]:
    done, total = legacy_selectors.legacy_progress(lf)
    finished = lf.finished_at is not None
    percent = 100 if finished else (round(done * 100 / total) if total else 0)
    return {
        "lf": lf,
        "finished": finished,
        "done": done,
        "total": total,
        "percent": min(percent, 100),
        "may_confirm": legacy_services.may_confirm(lf),
    }


@login_required
def legacy_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require_migrator(request)
    lf = legacy_selectors.legacy_file_get(user=request.user, public_id=public_id)
    return render(request, "imports/legacy_detail.html", _legacy_context(lf))


@login_required
def legacy_progress(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The HTMX-polled progress fragment; it stops polling once the file is finished."""
    _require_migrator(request)
    lf = legacy_selectors.legacy_file_get(user=request.user, public_id=public_id)
    return render(request, "imports/_legacy_progress.html", _legacy_context(lf))


@login_required
def legacy_errors(request: AuthedHttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The error report names persons and their ID numbers: every download is in the file's
    change log."""
    _require_migrator(request)
    lf = legacy_selectors.legacy_file_get(user=request.user, public_id=public_id)
    return document_response(
        user=request.user,
        file=lf.error_report,
        target_type="legacy_file",
        target_id=str(lf.public_id),
        target_repr=lf.file_name,
        what=_("下载错误报告"),
    )


@login_required
@require_POST
def legacy_confirm(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require_migrator(request)
    source = legacy_selectors.legacy_file_get(user=request.user, public_id=public_id)
    try:
        lf = legacy_services.legacy_confirm(actor=request.user, source=source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("imports:legacy_detail", public_id=source.public_id)
    messages.success(request, _("已按此文件开始正式导入"))
    return redirect("imports:legacy_detail", public_id=lf.public_id)


@login_required
def legacy_template(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    _require_migrator(request)
    if kind not in KINDS:
        raise Http404
    response = HttpResponse(legacy_services.legacy_template(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="legacy-{kind}-template.xlsx"'
    return response
