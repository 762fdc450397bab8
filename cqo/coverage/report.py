"""The per-region report for the government quality-work assessment (政府质量工作考核,
shaanxi-2021 §六(三), jiangsu-2020 §八; SPEC §8), and training compliance by region and tier
(SPEC §8 "share of CQOs meeting their 学时, by region and tier").

Sections: coverage against targets per metric; new CQOs per year against the yearly number with
replacements shown separately (SPEC §12.12); filing timeliness; training-plan delivery; hour
compliance. As data, xlsx (one sheet per section) and PDF (WeasyPrint, Noto CJK).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from django.db.models import Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.coverage import aggregate, selectors
from cqo.coverage.templatetags.coverage_tags import tier_status
from cqo.hours.selectors import compliance_rows
from cqo.lib.pdf import html_to_pdf
from cqo.policy.selectors import cite
from cqo.reference.models import Region
from cqo.reference.selectors import region_label
from cqo.registry.models import Appointment
from cqo.registry.selectors import filing_due
from cqo.training.models import TrainingCertificate, TrainingPlan
from cqo.training.selectors import with_delivered

OPEN = (Appointment.Status.DRAFT, Appointment.Status.SUBMITTED, Appointment.Status.RETURNED)
# a CQO's tier is the highest tier of a valid training certificate they hold (SPEC §8 "by tier";
# the sources attach tiers to training, not to persons — decided here)
TIER_ORDER = ("advanced", "enhancement", "basic")


@dataclass
class Timeliness:
    due_days: int
    filed: int  # filings decided (filed) in the year
    on_time: int  # of those, filed within due_days of the appointment's start
    overdue: int  # appointments started more than due_days before the as-of date, not yet filed
    returned: int  # filings returned in the year and not (yet) filed
    due_is_default: bool = True  # no document sets the period: the platform's default

    @property
    def share(self) -> float | None:
        return self.on_time / self.filed if self.filed else None


@dataclass
class PlanRow:
    region: str
    organisation: str
    planned: int
    delivered: int

    @property
    def share(self) -> float | None:
        return min(self.delivered / self.planned, 1.0) if self.planned else None


@dataclass
class ComplianceRow:
    key: str
    label: str
    tier: str  # "" = every tier
    required: int  # serving CQOs with a requirement (not exempt, the pack has a minimum)
    met: int

    @property
    def share(self) -> float | None:
        return self.met / self.required if self.required else None


@dataclass
class Report:
    region: Region | None
    label: str
    as_of: dt.date
    year: int
    coverage: selectors.Coverage
    timeliness: Timeliness
    plans: list[PlanRow]
    compliance: list[ComplianceRow]
    generated_at: dt.datetime = field(default_factory=timezone.now)
    # coverage of above-scale enterprises by child region (a province's cities, a city's
    # counties); empty for a county, whose total is its only row
    by_region: list[Any] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(p.planned for p in self.plans)

    @property
    def delivered(self) -> int:
        return sum(p.delivered for p in self.plans)

    @property
    def delivery_share(self) -> float | None:
        return min(self.delivered / self.planned, 1.0) if self.planned else None

    @property
    def year_new(self) -> Any:
        return next((n for n in self.coverage.new_cqos if n.year == self.year), None)

    @property
    def compliance_total(self) -> ComplianceRow | None:
        return next((c for c in self.compliance if c.key == "" and c.tier == ""), None)


def _in_region(region: Region | None, prefix: str) -> Q:
    return selectors.region_q(region, prefix)


def timeliness(user: User, region: Region | None, as_of: dt.date) -> Timeliness:
    """Filing timeliness (SPEC §3 "filings overdue"; the due period is the governing pack's
    ``filing.due_days``, as on the registry's 指导督促 page): filings of the year filed within
    the period after the appointment's start, and the appointments overdue on the as-of date."""
    rule = filing_due(region, as_of)
    due = rule.days
    year = as_of.year
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
    scope = Appointment.objects.filter(access.appointment_q(user)).filter(
        _in_region(region, "enterprise")
    )
    filed = scope.filter(filed_at__gte=start, filed_at__lt=end).values_list(
        "filed_at", "start_date"
    )
    n = ok = 0
    for filed_at, started in filed.iterator(chunk_size=5000):
        n += 1
        if (timezone.localdate(filed_at) - started).days <= due:
            ok += 1
    overdue = scope.filter(status__in=OPEN, start_date__lt=as_of - dt.timedelta(days=due)).count()
    returned = scope.filter(status=Appointment.Status.RETURNED).count()
    return Timeliness(due, n, ok, overdue, returned, rule.platform_default)


def plans(user: User, region: Region | None, year: int) -> list[PlanRow]:
    """The year's training plans of the region's regulators and those below (planned vs held
    sessions, cqo/training)."""
    qs = TrainingPlan.objects.filter(year=year, region__isnull=False)
    if region is not None:
        qs = qs.filter(
            Q(region_id=region.code)
            | Q(region__city_code=region.code)
            | Q(region__province_code=region.code)
        )
    return [
        PlanRow(p.region_id or "", p.organisation, p.planned_sessions, p.delivered)  # type: ignore[attr-defined]
        for p in with_delivered(qs).order_by("region_id")
    ]


def _child(region: Region | None, code: str) -> str:
    city, prov = aggregate.regions().get(code, ("", ""))
    if region is None:
        return prov
    if region.level == Region.Level.PROVINCE:
        return city
    if region.level == Region.Level.CITY:
        return code
    return ""  # a county: its total is its only row


def training_compliance(user: User, region: Region | None, year: int) -> list[ComplianceRow]:
    """Share of serving CQOs meeting their yearly 学时 (cqo/hours), by child region and by tier
    (the highest tier of a valid training certificate held; "" for none) — the first row is
    the region's total."""
    rows = compliance_rows(user=user, year=year, region=region.code if region else "")
    persons = [r.person.pk for r in rows]
    tiers: dict[int, str] = {}
    for holder, tier in (
        TrainingCertificate.objects.filter(
            holder_id__in=persons, status=TrainingCertificate.Status.VALID
        )
        .exclude(tier="")
        .values_list("holder_id", "tier")
    ):
        if holder not in tiers or TIER_ORDER.index(tier) < TIER_ORDER.index(tiers[holder]):
            tiers[holder] = tier
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        met = r.compliance.met
        if met is None:
            continue
        tier = tiers.get(r.person.pk, "none")
        for key in dict.fromkeys(("", _child(region, r.region_id))):
            for t in ("", tier):
                counts[(key, t)][0] += 1
                counts[(key, t)][1] += 1 if met else 0
    counts.setdefault(("", ""), [0, 0])
    out = []
    for (key, tier), (req, n_met) in sorted(counts.items(), key=lambda kv: (kv[0][0] != "", kv[0])):
        label = _("合计") if key == "" else region_label(key)
        out.append(ComplianceRow(key, label, tier, req, n_met))
    return out


def build(user: User, region_code: str | None, as_of: dt.date) -> Report:
    cov = selectors.coverage(user, region_code, as_of, "group")
    region = cov.region
    label = region_label(region.code) if region else _("全国")
    return Report(
        region=region,
        label=label,
        as_of=as_of,
        year=as_of.year,
        coverage=cov,
        timeliness=timeliness(user, region, as_of),
        plans=plans(user, region, as_of.year),
        compliance=training_compliance(user, region, as_of.year),
        by_region=(
            selectors.coverage(user, region_code, as_of, "region", "above_scale").rows
            if region is None or region.level != Region.Level.COUNTY
            else []
        ),
    )


def tier_labels() -> dict[str, str]:
    return {
        "": _("全部"),
        "none": _("无培训合格证"),
        "basic": _("基础培训"),
        "enhancement": _("提升培训"),
        "advanced": _("高级培训"),
    }


@dataclass(frozen=True)
class Pct:
    """A share written to the workbook as a number formatted as a percentage."""

    value: float | None


Sheet = tuple[str, list[str], list[list[Any]]]  # name, headers, rows


def to_xlsx(r: Report) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#E7EEF7", "border": 1})
    title = book.add_format({"bold": True, "font_size": 12})
    pct = book.add_format({"num_format": "0.0%"})
    count = book.add_format({"num_format": "#,##0"})
    for name, headers, rows in [*_coverage_sheets(r), *_standing_sheets(r), *_delivery_sheets(r)]:
        ws = book.add_worksheet(name[:31])
        ws.write_string(
            0,
            0,
            f"{_('首席质量官制度推进情况考核报告')} · {r.label} · "
            f"{_('截止日期')} {r.as_of.isoformat()}",
            title,
        )
        for c, h in enumerate(headers):
            ws.write_string(1, c, h, bold)
            ws.set_column(c, c, max(10, min(40, len(h) * 2 + 4)))
        for i, row in enumerate(rows, start=2):
            for c, v in enumerate(row):
                if isinstance(v, Pct):
                    if v.value is not None:
                        ws.write_number(i, c, v.value, pct)
                elif isinstance(v, int) and not isinstance(v, bool):
                    ws.write_number(i, c, v, count)
                elif isinstance(v, float):
                    ws.write_number(i, c, v)
                elif v is not None:
                    ws.write_string(i, c, str(v))
    book.close()
    return buf.getvalue()


def _coverage_sheets(r: Report) -> list[Sheet]:
    labels = selectors.metric_labels()
    headers = [
        _("口径"),
        _("已建立制度企业数"),
        _("企业总数"),
        _("覆盖率"),
        _("目标"),
        _("目标年度"),
        _("进度要求"),
        _("目标依据"),
        _("名录截止日期"),
    ]
    rows: list[list[Any]] = [
        [
            labels[x.metric],
            x.numerator,
            x.denominator,
            Pct(x.share),
            Pct(x.target),
            x.target_year or "",
            Pct(x.path),
            cite(x.target_clause),
            x.list_as_of.isoformat() if x.list_as_of else _("手工登记"),
        ]
        for x in r.coverage.rows
    ]
    by_region = [
        [x.label, x.numerator, x.denominator, Pct(x.share), Pct(x.target), x.target_year or ""]
        for x in r.by_region
    ]
    return [
        (_("覆盖率与目标"), headers, rows),
        (
            _("各地区覆盖率"),
            [
                _("地区"),
                _("已建立制度企业数"),
                _("规模以上企业数"),
                _("覆盖率"),
                _("目标"),
                _("目标年度"),
            ],
            by_region,
        ),
        (
            _("新增首席质量官"),
            [_("年度"), _("新增"), _("其中接替前任"), _("年度目标")],
            [[n.year, n.new_cqos, n.replacements, n.target or ""] for n in r.coverage.new_cqos],
        ),
    ]


def _standing_sheets(r: Report) -> list[Sheet]:
    """The pack's starting figure and its goals that are not shares by a year (shaanxi-2021
    §三 全面推行, jiangsu-2020 §一.2 three training tiers running)."""
    c = r.coverage
    rows: list[list[Any]] = []
    if c.start is not None:
        rows.append(
            [_("进度要求起点"), r.label, selectors.metric_labels()[c.start.metric], c.start.cqos,
             c.start.denominator, Pct(c.start.share), c.start.citation]
        )  # fmt: skip
    for s in c.standing:
        if s.kind == "rollout":
            rows.append(
                [s.label, r.label, _("全面推行（未设年度）"), s.numerator, s.denominator,
                 Pct(s.share), s.citation]
            )  # fmt: skip
        for t in s.tiers:
            rows.append(
                [s.label, t.label, t.tier_name, t.held, "", tier_status(t.status), s.citation]
            )
    if not rows:
        return []
    headers = [_("目标"), _("地区"), _("口径或培训层级"), _("已建立制度企业数或已举办期数"),
               _("企业总数"), _("结果"), _("依据")]  # fmt: skip
    return [(_("其他工作目标"), headers, rows)]


def _delivery_sheets(r: Report) -> list[Sheet]:
    t = r.timeliness
    tiers = tier_labels()
    return [
        (
            _("备案及时性"),
            [
                _("本年已备案"),
                _("按期备案"),
                _("按期率"),
                _("逾期未备案"),
                _("被退回"),
                _("期限（天）"),
            ],
            [[t.filed, t.on_time, Pct(t.share), t.overdue, t.returned, t.due_days]],
        ),
        (
            _("培训计划完成"),
            [_("行政区划"), _("制定单位"), _("计划期数"), _("已举办期数"), _("完成率")],
            [
                [region_label(p.region), p.organisation, p.planned, p.delivered, Pct(p.share)]
                for p in r.plans
            ],
        ),
        (
            _("学时达标"),
            [_("地区"), _("培训层级"), _("应达标人数"), _("已达标人数"), _("达标率")],
            [
                [c.label, tiers.get(c.tier, c.tier), c.required, c.met, Pct(c.share)]
                for c in r.compliance
            ],
        ),
    ]


def to_pdf(r: Report) -> bytes:
    html = render_to_string(
        "coverage/report_pdf.html",
        {
            "r": r,
            "labels": selectors.metric_labels(),
            "tiers": tier_labels(),
            "printed_at": timezone.localtime(),
            "plans": [(region_label(p.region), p) for p in r.plans],
        },
    )
    return html_to_pdf(html)


def download_response(r: Report, kind: str) -> HttpResponse:
    """The report as a PDF or xlsx attachment, named by region, date and the day it was made."""
    stamp = timezone.localtime().strftime("%Y%m%d")
    code = r.region.code if r.region else "all"
    if kind == "pdf":
        response = HttpResponse(to_pdf(r), content_type="application/pdf")
    else:
        response = HttpResponse(
            to_xlsx(r),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = (
        f'attachment; filename="cqo-assessment-{code}-{r.as_of.isoformat()}-{stamp}.{kind}"'
    )
    return response
