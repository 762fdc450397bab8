"""The expert's scoring sheet over the Annex A cells (level-standard §9.3; SPEC §12.5)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.certification import rules, selectors, services
from cqo.certification.guidance import GUIDANCE, LEADS
from cqo.certification.models import (
    Application,
)
from cqo.certification.services._common import spec_for
from cqo.certification.views.applications import _app, _cells
from cqo.policy import schema

# The scoring sheet -----------------------------------------------------------------------------


def _sheet_context(
    app: Application, seat: Any, values: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    _v, _p, spec = spec_for(app.body)
    parsed, _errs = rules.parse_scores(spec, values, partial=True)
    grading = rules.grade(spec, parsed)
    return {
        "app": app,
        "seat": seat,
        "spec": spec,
        "rows": _sheet_rows(spec, values, errors),
        "grading": grading,
        "subtotals": [(p, grading.subtotals[p.code]) for p in rules.primaries(spec)],
        "errors": errors,
        "locked": seat.submitted_at is not None,
    }


def _sheet_rows(
    spec: schema.Certification, values: dict[str, Any], errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """One row per scored cell, under its primary indicator (a primary with no cells is scored
    itself), with the value typed, its errors and its guidance."""
    children = {
        p.code: [c for c in spec.indicators if c.parent == p.code] for p in rules.primaries(spec)
    }
    rows = []
    for top in rules.primaries(spec):
        for cell in children[top.code] or [top]:
            rows.append(
                {
                    "top": top,
                    "cell": cell,
                    "value": values.get(cell.code, ""),
                    "errors": errors.get(cell.code, []),
                    "first": cell is (children[top.code] or [top])[0],
                    "guidance": GUIDANCE.get(cell.code, []),
                    "lead": LEADS.get(cell.code, ""),
                    "span": len(children[top.code]) or 1,
                }
            )
    return rows


@login_required
def sheet(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """认定评分表: one expert's scores per Annex A cell, each bounded by its maximum; the
    subtotals, the unmet 表 B.1 minimums and the grade update as the expert types (HTMX)."""
    app = _app(request, public_id)
    seat = selectors.my_seat(request.user, app)
    if seat is None:
        raise PermissionDenied
    values: dict[str, Any] = dict(seat.scores or {})
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = {c.code: request.POST.get(c.code, "").strip() for c in _cells(app)}
        submit = request.POST.get("submit") == "1"
        try:
            services.sheet_save(
                actor=request.user,
                app=app,
                scores=tuple(values.items()),
                comments=request.POST.get("comments", ""),
                submit=submit,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"scores": exc.messages}
            status = 422
        else:
            messages.success(request, _("评分表已提交") if submit else _("评分表草稿已保存"))
            return redirect("certification:sheet", public_id=app.public_id)
        seat.comments = request.POST.get("comments", "")
    ctx = _sheet_context(app, seat, values, errors)
    return render(request, "certification/sheet.html", ctx, status=status)


@login_required
@require_POST
def sheet_preview(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The sheet's totals for the values typed so far (HTMX partial; nothing is saved)."""
    app = _app(request, public_id)
    seat = selectors.my_seat(request.user, app)
    if seat is None:
        raise PermissionDenied
    values = {c.code: request.POST.get(c.code, "").strip() for c in _cells(app)}
    _v, _p, spec = spec_for(app.body)
    _parsed, errs = rules.parse_scores(spec, values, partial=True)
    ctx = _sheet_context(app, seat, values, {k: [v] for k, v in errs.items()})
    return render(request, "certification/_sheet_totals.html", ctx)
