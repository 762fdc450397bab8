"""Helpers shared by the registry pages: pagination, xlsx responses, form data."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.audit.services import audit_record
from cqo.lib.excel import xlsx_bytes

PAGE_SIZE = 25
SORTS = {"name": "name", "-name": "-name", "uscc": "uscc", "region_id": "region_id"}


def cqo_status_label(status: str) -> str:
    return {"filed": _("已备案"), "pending": _("办理中"), "none": _("未登记")}.get(status, status)


def page_of(request: HttpRequest, qs: QuerySet[Any]) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def xlsx_response(
    request: HttpRequest, name: str, headers: list[str], rows: Any, what: str
) -> HttpResponse:
    audit_record(
        actor=request.user,
        action="export",
        target_type=what,
        target_id="*",
        note=request.GET.urlencode(),
    )
    response = HttpResponse(
        xlsx_bytes(headers, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def form_data(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items()}
