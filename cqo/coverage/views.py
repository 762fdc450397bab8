"""The coverage page (SPEC §8): drill-down by region, as-of date, groupings, chart, export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cqo.accounts.types import AuthedHttpRequest
from cqo.coverage import rules, selectors
from cqo.lib import clock
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


@login_required
def coverage_page(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_view(user):
        raise PermissionDenied
    g = request.GET
    group_by = g.get("group_by", "region")
    if group_by not in rules.GROUP_BYS:
        group_by = "region"
    metric = g.get("metric", "above_scale")
    if metric != "all" and metric not in rules.METRICS:
        metric = "above_scale"
    as_of = _as_of(g.get("as_of", ""))
    region_code = g.get("region", "").strip()[:6] or None
    c = selectors.coverage(user, region_code, as_of, group_by, metric)
    labels = selectors.metric_labels()
    statuses = {rules.ON_TRACK: _("达到进度"), rules.BEHIND: _("落后于进度")}

    if g.get("export") == "xlsx":
        headers = [
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
        rows = [
            (
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
            for r in c.rows
        ]
        return xlsx_response(request, "coverage", headers, rows, "coverage")

    # the drill-down trail: the province and city above the region, as far as the scope allows
    trail: list[dict[str, str]] = []
    if c.region is not None:
        for code in (c.region.province_code, c.region.city_code, c.region.code):
            if code and code not in [t["code"] for t in trail]:
                trail.append({"code": code, "label": region_label(code)})
        own = user.region
        if own is not None and not user.is_platform_admin:
            codes = [t["code"] for t in trail]
            trail = trail[codes.index(own.code) :] if own.code in codes else trail[-1:]
    chart: dict[str, Any] | None = None
    if group_by == "region" and c.rows:
        chart = {
            "labels": [r.label for r in c.rows],
            "shares": [round((r.share or 0) * 100, 1) for r in c.rows],
            "path": [None if r.path is None else round(r.path * 100, 1) for r in c.rows],
            "name": labels.get(metric, metric),
            "pathName": _("进度要求"),
        }
    return render(
        request,
        "coverage/coverage.html",
        {
            "c": c,
            "trail": trail,
            "group_by": group_by,
            "metric": metric,
            "metrics": [("all", labels["all"])] + [(m, labels[m]) for m in rules.METRICS],
            "tabs": [
                ("region", _("按行政区划")),
                ("section", _("按行业门类")),
                ("size", _("按企业规模")),
                ("group", _("按目标口径")),
            ],
            "labels": labels,
            "statuses": statuses,
            "region_code": c.region.code if c.region else "",
            "chart": chart,
        },
    )
