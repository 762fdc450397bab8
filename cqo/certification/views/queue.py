"""The certification home and the body's application queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.certification import exports, selectors
from cqo.certification.models import (
    Level,
)
from cqo.certification.views._common import A, _choice, _page, _q
from cqo.registry.views._common import xlsx_response


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role in (Role.CQO, Role.ENTERPRISE):
        return redirect("certification:mine")
    if user.is_platform_admin and selectors.staff_body(user) is None:
        return redirect("certification:body_list")
    return redirect("certification:queue")


# The queue ------------------------------------------------------------------------------------


def _queue_filters(request: HttpRequest) -> dict[str, str]:
    return {
        "status": _choice(request, "status", list(A.values)),
        "level": _choice(request, "level", list(Level.values)),
        "q": _q(request),
    }


@login_required
def queue(request: AuthedHttpRequest) -> HttpResponse:
    """认定申请 of the body (its staff), of their panels (experts), of the bodies a regulator
    supervises, or all (admin)."""
    user = request.user
    if user.role not in (Role.CERTIFIER, Role.REGULATOR) and not user.is_platform_admin:
        raise PermissionDenied
    qs = selectors.application_list(user=user, **_queue_filters(request))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            request,
            "level-applications",
            exports.application_headers(),
            (exports.application_row(a) for a in qs.iterator()),
            selectors.APPLICATION,
        )
    return render(
        request,
        "certification/queue.html",
        {
            "page": _page(request, qs),
            "open_reviews": selectors.open_reviews(user)[:20],
            "notices": selectors.listing_notices(user)[:10],
            "statuses": A.choices,
            "levels": Level.choices,
            "tab": "queue",
        },
    )
