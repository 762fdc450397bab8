"""The coverage page (SPEC §8): drill-down by region, as-of date, groupings, chart, export."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.coverage import report as reports
from cqo.coverage import rules, selectors, services
from cqo.coverage.models import Metric
from cqo.lib import clock
from cqo.policy.selectors import NoPackInForce
from cqo.reference.selectors import region_label
from cqo.registry.views._common import xlsx_response


def _as_of(raw: str) -> dt.date:
    try:
        value = dt.date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return clock.today()
    if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
        return clock.today()
    return value


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


@dataclass(frozen=True)
class _Question:
    region_code: str | None
    as_of: dt.date
    group_by: str
    metric: str


def _question(g: QueryDict) -> _Question:
    group_by = g.get("group_by", "region")
    metric = g.get("metric", "above_scale")
    return _Question(
        region_code=g.get("region", "").strip()[:6] or None,
        as_of=_as_of(g.get("as_of", "")),
        group_by=group_by if group_by in rules.GROUP_BYS else "region",
        metric=metric if metric == "all" or metric in rules.METRICS else "above_scale",
    )


@login_required
def coverage_page(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_view(user):
        raise PermissionDenied
    q = _question(request.GET)
    try:
        c = selectors.coverage(user, q.region_code, q.as_of, q.group_by, q.metric)
    except NoPackInForce as exc:
        return _unanswered(request, exc, q.as_of, q.region_code, q.group_by, q.metric)
    if request.GET.get("export") == "xlsx":
        return _coverage_xlsx(request, c)
    compliance = reports.training_compliance(user, c.region, q.as_of.year)
    if request.GET.get("export") == "training":
        return _training_xlsx(request, compliance)
    context = _coverage_context(c, q, compliance, selectors.coverage_trail(user, c.region))
    return render(request, "coverage/coverage.html", context)


def _statuses() -> dict[str, str]:
    return {rules.ON_TRACK: _("达到进度"), rules.BEHIND: _("落后于进度")}


def _coverage_xlsx(request: AuthedHttpRequest, c: selectors.Coverage) -> HttpResponse:
    labels, statuses = selectors.metric_labels(), _statuses()
    rows = [_coverage_row(r, labels, statuses) for r in c.rows]
    return xlsx_response(request, "coverage", _coverage_headers(), rows, "coverage")


def _coverage_headers() -> list[str]:
    return [
        _("分组"),
        _("口径"),
        _("已建立制度企业数"),
        _("企业总数"),
        _("覆盖率"),
        _("目标"),
        _("目标年度"),
        _("进度要求"),
        _("状态"),
        _("名录截止日期"),
        _("手工登记企业数"),
    ]


def _coverage_row(
    r: selectors.Row, labels: dict[str, str], statuses: dict[str, str]
) -> tuple[Any, ...]:
    return (
        r.label,
        labels.get(r.metric, r.metric),
        r.numerator,
        r.denominator,
        _pct(r.share),
        _pct(r.target),
        r.target_year or "",
        _pct(r.path),
        statuses.get(r.status or "", ""),
        r.list_as_of.isoformat() if r.list_as_of else _("手工登记"),
        r.hand_registered,
    )


def _chart(c: selectors.Coverage, metric: str, labels: dict[str, str]) -> dict[str, Any] | None:
    if c.group_by != "region" or not c.rows:
        return None
    # a bar names its region as the region shown names it: 雁塔区 under 陕西省西安市
    parent = region_label(c.region.code) if c.region is not None else ""
    return {
        "labels": [r.label.removeprefix(parent) or r.label for r in c.rows],
        "shares": [round((r.share or 0) * 100, 1) for r in c.rows],
        "path": [None if r.path is None else round(r.path * 100, 1) for r in c.rows],
        "name": labels.get(metric, metric),
        "pathName": _("进度要求"),
    }


def _coverage_context(
    c: selectors.Coverage,
    q: _Question,
    compliance: list[reports.ComplianceRow],
    trail: list[dict[str, str]],
) -> dict[str, Any]:
    labels = selectors.metric_labels()
    return {
        "c": c,
        "trail": trail,
        "group_by": q.group_by,
        "metric": q.metric,
        "metrics": [("all", labels["all"])] + [(m, labels[m]) for m in rules.METRICS],
        "tabs": [
            ("region", _("按行政区划")),
            ("section", _("按行业门类")),
            ("size", _("按企业规模")),
            ("group", _("按目标口径")),
        ],
        "labels": labels,
        "statuses": _statuses(),
        "region_code": c.region.code if c.region else "",
        "chart": _chart(c, q.metric, labels),
        "compliance": compliance,
        "tiers": reports.tier_labels(),
        "year": q.as_of.year,
    }


def _unanswered(
    request: AuthedHttpRequest,
    exc: NoPackInForce,
    as_of: dt.date,
    region_code: str | None,
    group_by: str = "region",
    metric: str = "above_scale",
) -> HttpResponse:
    """An as-of date before any pack governs the region: the message and the date to change."""
    return render(
        request,
        "coverage/unanswered.html",
        {
            "error": exc.text(),
            "as_of": as_of,
            "region_code": region_code or "",
            "group_by": group_by,
            "metric": metric,
        },
        status=422,
    )


def _training_xlsx(request: AuthedHttpRequest, rows: list[reports.ComplianceRow]) -> HttpResponse:
    tiers = reports.tier_labels()
    return xlsx_response(
        request,
        "training-compliance",
        [_("地区"), _("培训层级"), _("应达标人数"), _("已达标人数"), _("达标率")],
        [(r.label, tiers.get(r.tier, r.tier), r.required, r.met, _pct(r.share)) for r in rows],
        "training_compliance",
    )


@login_required
def report_download(request: AuthedHttpRequest) -> HttpResponse:
    """The assessment report (shaanxi-2021 §六(三), jiangsu-2020 §八) as PDF or xlsx."""
    user = request.user
    if not selectors.can_view(user):
        raise PermissionDenied
    kind = request.GET.get("format", "pdf")
    if kind not in ("pdf", "xlsx"):
        raise Http404
    region_code = request.GET.get("region", "").strip()[:6] or None
    as_of = _as_of(request.GET.get("as_of", ""))
    try:
        r = reports.build(user, region_code, as_of)
    except NoPackInForce as exc:
        return _unanswered(request, exc, as_of, region_code)
    services.report_export_record(actor=user, report=r, kind=kind, note=request.GET.urlencode())
    return reports.download_response(r, kind)


_TARGET_FIELDS = ("region", "metric", "year", "share", "note")


def _entry(values: dict[str, str]) -> services.TargetEntry:
    """The form's values as the service takes them; the form takes the share in percent."""
    try:
        year: int | None = int(values["year"].strip())
    except ValueError:
        year = None
    try:
        share: Decimal | None = Decimal(str(float(values["share"]) / 100))
    except ValueError:
        share = None
    return services.TargetEntry(
        region=values["region"],
        metric=values["metric"].strip(),
        year=year,
        share=share,
        note=values["note"],
    )


@login_required
def targets_page(request: AuthedHttpRequest) -> HttpResponse:
    """Targets entered for cities and counties (SPEC §12.10), and the form to enter one."""
    user = request.user
    if not selectors.can_view(user):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in _TARGET_FIELDS}
        try:
            services.target_save(actor=user, entry=_entry(values))
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("目标已保存"))
            return redirect("coverage:targets")
    return _targets(request, values, errors)


def _targets(
    request: AuthedHttpRequest, values: dict[str, str], errors: dict[str, list[str]]
) -> HttpResponse:
    user = request.user
    q = request.GET.get("region", "").strip()[:6]
    page = Paginator(selectors.target_list(user, q or None), 50).get_page(request.GET.get("page"))
    selectors.with_deletable(user, page)
    return render(
        request,
        "coverage/targets.html",
        {
            "page": page,
            "q": q,
            "errors": errors,
            "values": values,
            "metrics": Metric.choices,
            "regions": selectors.enterable_regions(user),
            "labels": selectors.metric_labels(),
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def target_delete(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    user = request.user
    target = selectors.target_get(user, _uuid(public_id))
    if target is None:
        raise Http404
    try:
        services.target_delete(actor=user, target=target)
    except PermissionDenied as exc:  # a higher level's target: say who set it
        messages.error(request, str(exc))
        return redirect("coverage:targets")
    messages.success(request, _("目标已删除，该地区恢复沿用上级目标"))
    return redirect("coverage:targets")


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Http404 from exc
