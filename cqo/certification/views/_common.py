"""What the certification pages share: paging, the search box and choice filters."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest

from cqo.certification.models import (
    Application,
)

PAGE_SIZE = 25
A = Application.Status


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _q(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:50]


def _choice(request: HttpRequest, key: str, allowed: list[str]) -> str:
    value = request.GET.get(key, "")
    return value if value in allowed else ""
