"""What the enterprise side's pages share: paging, sorting, xlsx export and submitting a form
to its service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.services import audit_record
from cqo.evaluation import selectors
from cqo.evaluation.forms import TermsForm
from cqo.lib.excel import xlsx_bytes
from cqo.lib.forms import apply_errors

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SORTS = {
    "costs": {
        "-period": ["-year", "-quarter"],
        "period": ["year", "quarter"],
        "-amount": ["-amount"],
        "amount": ["amount"],
    },
    "losses": {
        "-date": ["-occurred_on"],
        "date": ["occurred_on"],
        "-amount": ["-amount"],
        "amount": ["amount"],
    },
}

R = TypeVar("R")


def paged(request: HttpRequest, qs: Any) -> Page[Any]:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def xlsx(request: AuthedHttpRequest, name: str, headers: list[str], rows: Any) -> HttpResponse:
    audit_record(
        actor=request.user,
        action="export",
        target_type=selectors.QUALITY,
        target_id=name,
        note=request.GET.urlencode(),
    )
    response = HttpResponse(xlsx_bytes(headers, rows, sheet=name), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def year_param(request: HttpRequest, name: str = "year") -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


def sorted_by(request: HttpRequest, qs: QuerySet[Any], table: str) -> QuerySet[Any]:
    keys = SORTS[table].get(request.GET.get("sort", ""))
    return qs.order_by(*keys, "pk") if keys else qs


def errors_by_key(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def prefixed(post: Any, prefix: str) -> dict[str, str]:
    """The posted fields named ``<prefix><code>``, by code (one per item of a pack's form)."""
    return {k[len(prefix) :]: v for k, v in post.items() if k.startswith(prefix)}


def submit(request: HttpRequest, form: TermsForm, write: Callable[[Any], R]) -> R | None:
    """On a valid POST, ``write(terms)``; its errors go beside the form's fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(form.cleaned_data["terms"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
