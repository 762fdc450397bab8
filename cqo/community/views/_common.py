"""What the community pages share: the search box, flashing a service's refusal, the form page,
and a POST action's outcome."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cqo.lib.forms import BootstrapForm


def _q(request: HttpRequest) -> str:
    return request.GET.get("q", "").replace("\x00", "").strip()[:50]


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for msgs in (exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}).values():
        for m in msgs:
            messages.error(request, m)


def _act(request: HttpRequest, change: Callable[[], object], done: str) -> None:
    """Run one service call of a POST action: its refusal flashed, else ``done``."""
    try:
        change()
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, done)


def _form_page(
    request: HttpRequest, form: BootstrapForm, title: str, obj: object = None
) -> HttpResponse:
    return render(request, "registry/form.html", {"form": form, "title": title, "object": obj})
