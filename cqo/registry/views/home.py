"""The home page (工作台) and the regulators' 指导督促 page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.reference.selectors import region_label
from cqo.registry import forms, selectors
from cqo.registry.views._common import (
    page_of,
)

# Home -------------------------------------------------------------------------------------------


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    ctx: dict[str, Any] = {}
    if user.role in (Role.REGULATOR, Role.DEPARTMENT, Role.ADMIN) or user.is_superuser:
        queue = selectors.oversight_queue(user=user)
        ctx["counts"] = {
            "enterprises": selectors.enterprise_list(user=user).count(),
            "without_cqo": queue["without_cqo"].count(),
            "submitted": queue["submitted"].count(),
            "returned": queue["returned"].count(),
            "filed": selectors.appointment_list(user=user, status="filed").count(),
        }
        ctx["submitted"] = queue["submitted"][:10]
    if user.role == Role.ENTERPRISE:
        ctx["enterprise"] = user.enterprise
        ctx["appointments"] = selectors.appointment_list(user=user)[:10]
        ctx["reminders"] = selectors.reminders_for(user=user).filter(read_at__isnull=True)
    if user.role == Role.CQO:
        from cqo.hours.selectors import reminders_for

        ctx["person"] = getattr(user, "person", None)
        ctx["hour_reminders"] = reminders_for(user)
        ctx["appointments"] = selectors.appointment_list(user=user)
    if user.role in (Role.REGULATOR,):
        ctx["scope_label"] = region_label(user.region_id)
    if user.role == Role.DEPARTMENT:
        # SPEC §12.20: a department reads the filings of its industries in its region
        ctx["scope_label"] = (
            f"{region_label(user.region_id)} · {user.organisation or user.department}"
        )
    return render(request, "registry/home.html", ctx)


@login_required
def oversight(request: AuthedHttpRequest) -> HttpResponse:
    """指导督促 (shaanxi-2021 §五(三), jiangsu-2020 §七)."""
    if not (request.user.is_regulator or request.user.is_platform_admin):
        raise PermissionDenied
    from cqo.hours.selectors import compliance_rows
    from cqo.lib import clock

    queue = selectors.oversight_queue(user=request.user)
    year = clock.today().year
    hours = compliance_rows(user=request.user, year=year)
    return render(
        request,
        "registry/oversight.html",
        {
            # SPEC §8 training compliance: serving CQOs meeting their pack's yearly 学时
            "hours_year": year,
            "hours_total": len(hours),
            "hours_met": sum(1 for r in hours if r.compliance.met),
            "hours_short": sum(1 for r in hours if r.compliance.met is False),
            "without": page_of(request, queue["without_cqo"].order_by("-above_scale", "name")),
            "submitted": queue["submitted"][:50],
            "returned": queue["returned"][:50],
            "overdue": queue["overdue"][:50],
            "due_days": settings.CQO_FILING_DUE_DAYS,
            "reminder_form": forms.ReminderForm(),
        },
    )
