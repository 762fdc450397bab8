"""Coverage over the API (SPEC §8): ``GET /api/v1/oversight/coverage``, the assessment report
(``…/coverage/report`` as JSON, ``report.xlsx``, ``report.pdf``), training compliance
(``…/coverage/training``) and the targets entered for cities and counties
(``…/coverage/targets``)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from cqo.accounts.api import ERRORS
from cqo.coverage import report as reports
from cqo.coverage import selectors, services
from cqo.coverage.models import RegionTarget
from cqo.lib import clock
from cqo.lib.bounds import max_length
from cqo.lib.cache import LocalFront
from cqo.registry.api.common import actor

router = Router(tags=["coverage"])

# answers as sent, kept in each process in front of the shared cache (cqo/lib/cache.py): a
# province's regulators ask a few hundred questions a day, a few kilobytes each
_SENT = LocalFront(size=2048, seconds=selectors.CACHE_SECONDS)


class CoverageQuery(Schema):
    region: str = Field("", pattern=r"^([0-9]{6})?$", description="GB/T 2260 code; blank: own")
    group_by: str = Field("region", pattern=r"^(region|section|size|group)$")
    metric: str = Field(
        "above_scale",
        pattern=r"^(all|above_scale|msme|key_industry_msme|quality_award)$",
        description="population of the region/section/size groupings",
    )
    as_of: dt.date | None = Field(None, description="YYYY-MM-DD; default today")


class RowOut(Schema):
    key: str
    label: str
    metric: str
    numerator: int
    denominator: int
    share: float | None
    target: float | None
    target_year: int | None
    path: float | None
    status: str | None
    list_as_of: dt.date | None = Field(
        description="oldest as-of date of the imported lists behind the row; null when every "
        "enterprise was registered by hand"
    )
    hand_registered: int


class NewCqosOut(Schema):
    year: int
    new_cqos: int
    replacements: int
    target: int | None


class TierRunOut(Schema):
    region: str = Field(description="GB/T 2260 code of the organising region")
    label: str
    tier: str = Field(description="basic, enhancement or advanced")
    level: str = Field(description="organising level: province, city or county")
    held: int = Field(description="sessions held in the as-of year up to the as-of date")
    status: str = Field(description="running, merged (into the city's) or not_running")


class TierSummaryOut(Schema):
    tier: str
    level: str
    running: int
    total: int


class StandingGoalOut(Schema):
    kind: str = Field(description="rollout (no year, 全面推行) or training_tiers")
    label: str
    clause: str
    year: int | None
    numerator: int
    denominator: int
    share: float | None
    running: bool | None = Field(description="training_tiers: every tier ran in the year")
    summary: list[TierSummaryOut]
    tiers: list[TierRunOut]


class CoverageStartOut(Schema):
    cqos: int
    approximate: bool
    metric: str
    denominator: int
    share: float
    clause: str


class CoverageOut(Schema):
    region: str | None
    as_of: dt.date
    group_by: str
    metric: str
    current_list_as_of: dt.date | None
    rows: list[RowOut]
    new_cqos: list[NewCqosOut]
    standing: list[StandingGoalOut] = []
    start: CoverageStartOut | None = Field(
        None, description="the pack's starting figure the target path begins from"
    )


def _standing(c: selectors.Coverage) -> list[StandingGoalOut]:
    return [StandingGoalOut.model_validate(s, from_attributes=True) for s in c.standing]


def _start(c: selectors.Coverage) -> CoverageStartOut | None:
    return CoverageStartOut.model_validate(c.start, from_attributes=True) if c.start else None


@router.get(
    "/oversight/coverage",
    response={200: CoverageOut, **ERRORS},
    summary="Share of enterprises with a filed, active CQO",
)
def coverage(request: HttpRequest, query: Query[CoverageQuery]) -> HttpResponse:
    user = actor(request)
    if not selectors.can_view(user):
        raise PermissionDenied
    as_of = query.as_of or clock.today()
    if not dt.date(2000, 1, 1) <= as_of <= dt.date(2100, 12, 31):
        from django.core.exceptions import ValidationError

        raise ValidationError({"as_of": "as_of must lie between 2000 and 2100"})
    question = (query.region or None, as_of, query.group_by, query.metric)
    # the answer as sent is kept like the figures behind it (selectors.coverage): until the next
    # audited change, the same question from the same scope is answered without building it.
    # The audit head was read with the token (ApiToken.user_for), in the same round trip.
    key = "api:" + selectors.cache_key(user, *question, head=user.audit_head)
    body = _SENT.get(key)
    if body is None:
        c = selectors.coverage(user, *question, cached=False, head=user.audit_head)
        body = CoverageOut(
            region=c.region.code if c.region else None,
            as_of=c.as_of,
            group_by=c.group_by,
            metric=c.metric,
            current_list_as_of=c.current_list_as_of,
            rows=[RowOut.model_validate(r, from_attributes=True) for r in c.rows],
            new_cqos=[NewCqosOut.model_validate(n, from_attributes=True) for n in c.new_cqos],
            standing=_standing(c),
            start=_start(c),
        ).model_dump_json()
        _SENT.set(key, body)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


# The assessment report (shaanxi-2021 §六(三), jiangsu-2020 §八) --------------------------------


class ReportQuery(Schema):
    region: str = Field("", pattern=r"^([0-9]{6})?$", description="GB/T 2260 code; blank: own")
    as_of: dt.date | None = Field(None, description="YYYY-MM-DD; default today")


class TimelinessOut(Schema):
    due_days: int
    filed: int
    on_time: int
    share: float | None
    overdue: int
    returned: int


class TrainingPlanDeliveryOut(Schema):
    region: str
    organisation: str
    planned: int
    delivered: int
    share: float | None


class TrainingComplianceOut(Schema):
    key: str = Field(description="child region code; blank: the region's total")
    label: str
    tier: str = Field(description="highest valid training-certificate tier; blank: all; none")
    required: int
    met: int
    share: float | None


class ReportOut(Schema):
    region: str | None
    label: str
    as_of: dt.date
    year: int
    coverage: list[RowOut]
    new_cqos: list[NewCqosOut]
    new_cqos_per_year: int | None
    timeliness: TimelinessOut
    plans: list[TrainingPlanDeliveryOut]
    planned: int
    delivered: int
    compliance: list[TrainingComplianceOut]
    standing: list[StandingGoalOut] = []
    start: CoverageStartOut | None = None


def _as_of(value: dt.date | None) -> dt.date:
    as_of = value or clock.today()
    if not dt.date(2000, 1, 1) <= as_of <= dt.date(2100, 12, 31):
        raise ValidationError({"as_of": "as_of must lie between 2000 and 2100"})
    return as_of


def _report(request: HttpRequest, query: ReportQuery) -> reports.Report:
    user = actor(request)
    if not selectors.can_view(user):
        raise PermissionDenied
    return reports.build(user, query.region or None, _as_of(query.as_of))


@router.get(
    "/oversight/coverage/report",
    response={200: ReportOut, **ERRORS},
    summary="Per-region report for the government quality-work assessment",
)
def coverage_report(request: HttpRequest, query: Query[ReportQuery]) -> ReportOut:
    r = _report(request, query)
    t = r.timeliness
    return ReportOut(
        region=r.region.code if r.region else None,
        label=r.label,
        as_of=r.as_of,
        year=r.year,
        coverage=[RowOut.model_validate(x, from_attributes=True) for x in r.coverage.rows],
        new_cqos=[NewCqosOut.model_validate(n, from_attributes=True) for n in r.coverage.new_cqos],
        new_cqos_per_year=r.coverage.new_cqos_per_year,
        standing=_standing(r.coverage),
        start=_start(r.coverage),
        timeliness=TimelinessOut(
            due_days=t.due_days,
            filed=t.filed,
            on_time=t.on_time,
            share=t.share,
            overdue=t.overdue,
            returned=t.returned,
        ),
        plans=[
            TrainingPlanDeliveryOut(
                region=p.region,
                organisation=p.organisation,
                planned=p.planned,
                delivered=p.delivered,
                share=p.share,
            )
            for p in r.plans
        ],
        planned=r.planned,
        delivered=r.delivered,
        compliance=[_compliance_out(c) for c in r.compliance],
    )


def _compliance_out(c: reports.ComplianceRow) -> TrainingComplianceOut:
    return TrainingComplianceOut(
        key=c.key, label=c.label, tier=c.tier, required=c.required, met=c.met, share=c.share
    )


def _file(kind: str) -> dict[str, object]:
    types = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    return {
        "responses": {
            200: {
                "description": f"the report as {kind}",
                "content": {types[kind]: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def _download(request: HttpRequest, query: ReportQuery, kind: str) -> HttpResponse:
    r = _report(request, query)
    services.report_export_record(actor=actor(request), report=r, kind=kind)
    return reports.download_response(r, kind)


@router.get("/oversight/coverage/report.xlsx", response=ERRORS, openapi_extra=_file("xlsx"))
def coverage_report_xlsx(request: HttpRequest, query: Query[ReportQuery]) -> HttpResponse:
    return _download(request, query, "xlsx")


@router.get("/oversight/coverage/report.pdf", response=ERRORS, openapi_extra=_file("pdf"))
def coverage_report_pdf(request: HttpRequest, query: Query[ReportQuery]) -> HttpResponse:
    return _download(request, query, "pdf")


# Training compliance (SPEC §8) ------------------------------------------------------------------


class TrainingQuery(Schema):
    region: str = Field("", pattern=r"^([0-9]{6})?$", description="GB/T 2260 code; blank: own")
    year: int | None = Field(None, ge=2000, le=2100, description="default: this year")


class TrainingOut(Schema):
    region: str | None
    year: int
    rows: list[TrainingComplianceOut]


@router.get(
    "/oversight/coverage/training",
    response={200: TrainingOut, **ERRORS},
    summary="Share of serving CQOs meeting their yearly study hours, by region and tier",
)
def training_compliance(request: HttpRequest, query: Query[TrainingQuery]) -> TrainingOut:
    user = actor(request)
    if not selectors.can_view(user):
        raise PermissionDenied
    region = selectors.resolve_region(user, query.region or None)
    year = query.year or clock.today().year
    rows = reports.training_compliance(user, region, year)
    return TrainingOut(
        region=region.code if region else None,
        year=year,
        rows=[_compliance_out(c) for c in rows],
    )


# Targets entered for cities and counties (SPEC §12.10) -------------------------------------------


class RegionTargetIn(Schema):
    region: str = Field(pattern=r"^[0-9]{6}$", description="a city or county below yours")
    metric: str = Field(pattern=r"^(above_scale|msme|key_industry_msme|quality_award)$")
    year: int = Field(ge=2000, le=2100)
    share: float = Field(gt=0, le=1, description="0–1, e.g. 0.8 for 80 %")
    note: str = Field("", max_length=max_length(RegionTarget, "note"))


class RegionTargetOut(Schema):
    id: uuid.UUID
    region: str
    region_label: str
    metric: str
    year: int
    share: float
    note: str
    entered_by: str
    set_by_level: str = Field(description="the level that set it: province, city or county")
    set_by_region: str = Field(description="the region of the level that set it")
    set_by: str = Field(description="who set it, as the page shows it: 陕西省（省级）")
    updated_at: dt.datetime


def _target_out(t: RegionTarget) -> RegionTargetOut:
    from cqo.reference.selectors import region_label

    return RegionTargetOut(
        id=t.public_id,
        region=t.region_id,
        region_label=region_label(t.region_id),
        metric=t.metric,
        year=t.year,
        share=float(t.share),
        note=t.note,
        entered_by=t.entered_by.get_full_name() or t.entered_by.username,
        set_by_level=t.set_by_level,
        set_by_region=t.set_by_region_id,
        set_by=t.setter,
        updated_at=t.updated_at,
    )


class TargetsQuery(Schema):
    region: str = Field("", pattern=r"^([0-9]{6})?$", description="only this region's")


@router.get(
    "/oversight/coverage/targets",
    response={200: list[RegionTargetOut], **ERRORS},
    summary="Targets entered for cities and counties in scope",
)
def target_list(request: HttpRequest, query: Query[TargetsQuery]) -> list[RegionTargetOut]:
    user = actor(request)
    if not selectors.can_view(user):
        raise PermissionDenied
    return [_target_out(t) for t in selectors.target_list(user, query.region or None)[:1000]]


@router.post(
    "/oversight/coverage/targets",
    response={200: RegionTargetOut, **ERRORS},
    summary="Enter (or change) your level's target for a city or county; a lower level's "
    "must be stricter than the levels above ask for",
)
def target_save(request: HttpRequest, body: RegionTargetIn) -> RegionTargetOut:
    user = actor(request)
    if not selectors.can_view(user):
        raise PermissionDenied
    entry = services.TargetEntry(
        region=body.region,
        metric=body.metric,
        year=body.year,
        share=Decimal(repr(body.share)),
        note=body.note,
    )
    return _target_out(services.target_save(actor=user, entry=entry))


@router.delete(
    "/oversight/coverage/targets/{target_id}",
    response={204: None, **ERRORS},
    summary="Remove an entered target (the region inherits again); not a higher level's",
)
def target_delete(request: HttpRequest, target_id: uuid.UUID) -> Status[None]:
    user = actor(request)
    if not selectors.can_view(user):
        raise PermissionDenied
    target = selectors.target_get(user, target_id)
    if target is None:
        raise Http404
    services.target_delete(actor=user, target=target)
    return Status(204, None)
