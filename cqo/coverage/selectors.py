"""Coverage statistics (SPEC §8), scoped by cqo/accounts/access.py.

Each table is one aggregate query over enterprises: COUNT with a conditional EXISTS on the
appointments active on the as-of date (SPEC §12.8); no per-enterprise loop in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.coverage import rules
from cqo.imports.selectors import current_list
from cqo.policy.selectors import governing_for_region, region_chain
from cqo.reference.models import Industry, Region
from cqo.reference.selectors import region_label
from cqo.registry.models import Appointment, Enterprise

COUNTING = (Appointment.Status.FILED, Appointment.Status.ENDED)


@dataclass
class Row:
    key: str
    label: str
    metric: str
    numerator: int
    denominator: int
    share: float | None
    target: float | None = None
    target_year: int | None = None
    target_clause: str = ""
    path: float | None = None
    status: str | None = None
    # the oldest as-of date of the imported lists behind the row's enterprises; None when
    # every enterprise was registered by hand
    list_as_of: dt.date | None = None
    hand_registered: int = 0
    drill: str | None = None  # a child region that can be drilled into


@dataclass
class NewCqoYear:
    year: int
    new_cqos: int  # persons whose first-ever filed appointment is at an above-scale enterprise
    replacements: int  # of those, how many succeeded a filed CQO at the same enterprise
    target: int | None


@dataclass
class Coverage:
    region: Region | None
    as_of: dt.date
    group_by: str
    metric: str
    rows: list[Row]
    pack_label: str = ""
    effective_from: dt.date | None = None
    current_list_as_of: dt.date | None = None  # the region's current imported list, if any
    new_cqos: list[NewCqoYear] = field(default_factory=list)
    new_cqos_per_year: int | None = None
    new_cqos_clause: str = ""


def can_view(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_platform_admin or user.role in (Role.REGULATOR, Role.DEPARTMENT))


def active_on(on: dt.date, prefix: str = "") -> Q:
    """Appointments active on ``on`` (SPEC §12.8): filed by that day, started, and the end date
    (the last day served, inclusive) not before it."""
    p = f"{prefix}__" if prefix else ""
    return (
        Q(**{f"{p}status__in": COUNTING})
        & Q(**{f"{p}filed_at__date__lte": on})
        & Q(**{f"{p}start_date__lte": on})
        & (Q(**{f"{p}ended_on__isnull": True}) | Q(**{f"{p}ended_on__gte": on}))
    )


def metric_q(metric: str) -> Q:
    if metric == "above_scale":
        return Q(above_scale=True)
    if metric == "msme":
        return Q(size__in=rules.MSME_SIZES)
    if metric == "key_industry_msme":
        return Q(size__in=rules.MSME_SIZES) & (
            Q(industry_id__in=rules.KEY_INDUSTRY_DIVISIONS) | ~Q(special_equipment_licence="")
        )
    if metric == "quality_award":
        return Q(quality_award__in=rules.AWARDS)
    return Q()  # "all"


def region_q(region: Region | None, prefix: str = "") -> Q:
    p = f"{prefix}__" if prefix else ""
    if region is None:
        return Q()
    if region.level == Region.Level.PROVINCE:
        return Q(**{f"{p}region__province_code": region.code})
    if region.level == Region.Level.CITY:
        return Q(**{f"{p}region__city_code": region.code})
    return Q(**{f"{p}region_id": region.code})


def resolve_region(user: Any, region_code: str | None) -> Region | None:
    """The region asked for, if the viewer may see it (else 404); None is the whole country
    (the platform admin only)."""
    if not can_view(user):
        raise PermissionDenied
    if not region_code:
        if user.region is not None:
            return user.region  # type: ignore[no-any-return]
        if user.is_platform_admin:
            return None
        raise Http404
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise Http404
    if not user.is_platform_admin and not access.region_contains(user, region):
        raise Http404
    return region


def enterprises(user: Any, region: Region | None, as_of: dt.date) -> QuerySet[Enterprise]:
    """Enterprises in the viewer's scope and the region, each marked ``has_cqo``."""
    active = Appointment.objects.filter(active_on(as_of), enterprise=OuterRef("pk"))
    return (
        Enterprise.objects.filter(access.enterprise_q(user))
        .filter(region_q(region))
        .annotate(has_cqo=Exists(active))
    )


def _aggregates(metric: str, suffix: str = "") -> dict[str, Any]:
    mq = metric_q(metric)
    return {
        f"den{suffix}": Count("pk", filter=mq),
        f"num{suffix}": Count("pk", filter=mq & Q(has_cqo=True)),
        f"as_of{suffix}": Min("last_list__as_of", filter=mq),
        f"hand{suffix}": Count("pk", filter=mq & Q(last_list__isnull=True)),
    }


def _child_key(region: Region | None) -> tuple[str, str | None]:
    """The enterprise field grouping by child region, and the child level."""
    if region is None:
        return "region__province_code", Region.Level.PROVINCE
    if region.level == Region.Level.PROVINCE:
        return "region__city_code", Region.Level.CITY
    if region.level == Region.Level.CITY:
        return "region_id", Region.Level.COUNTY
    return "region_id", None  # a county: itself only


def coverage(
    user: Any,
    region_code: str | None,
    as_of: dt.date,
    group_by: str = "region",
    metric: str = "above_scale",
) -> Coverage:
    """Coverage rows for the region grouped by child region, GB/T 4754 section, size class or
    the four target metrics; ``metric`` ("all" or one of rules.METRICS) is the population of
    the first three groupings."""
    if group_by not in rules.GROUP_BYS:
        raise ValueError(group_by)
    if metric != "all" and metric not in rules.METRICS:
        raise ValueError(metric)
    region = resolve_region(user, region_code)
    qs = enterprises(user, region, as_of)

    targets: list[Any] = []
    effective_from: dt.date | None = None
    pack_label = ""
    new_per_year: int | None = None
    new_clause = ""
    governing = None
    if region is not None:
        try:
            governing = governing_for_region(region, as_of)
        except LookupError:  # no pack in force yet on that date: no targets
            governing = None
    if region is not None and governing is not None:
        targets = list(governing.rules.targets)
        source = governing.section_source("targets") or governing.version
        effective_from = source.effective_from
        pack_label = governing.label
        if governing.rules.new_cqos is not None:
            new_per_year = governing.rules.new_cqos.per_year
            new_clause = governing.rules.new_cqos.clause

    def row(key: str, label: str, m: str, agg: dict[str, Any], s: str = "") -> Row:
        num, den = agg[f"num{s}"] or 0, agg[f"den{s}"] or 0
        r = Row(
            key=key,
            label=label,
            metric=m,
            numerator=num,
            denominator=den,
            share=rules.share(num, den),
            list_as_of=agg[f"as_of{s}"],
            hand_registered=agg[f"hand{s}"] or 0,
        )
        points = rules.targets_for(targets, m)
        goal = rules.current_target(points, as_of)
        if goal is not None and effective_from is not None:
            r.target, r.target_year, r.target_clause = goal.share, goal.year, goal.clause
            r.path = rules.path_value(points, as_of, effective_from)
            r.status = rules.status(r.share, r.path)
        return r

    rows: list[Row] = []
    if group_by == "group":
        aggs: dict[str, Any] = {}
        for i, m in enumerate(rules.METRICS):
            aggs.update(_aggregates(m, f"_{i}"))
        agg = qs.aggregate(**aggs)
        labels = metric_labels()
        rows = [row(m, labels[m], m, agg, f"_{i}") for i, m in enumerate(rules.METRICS)]
    else:
        if group_by == "region":
            key_field, child_level = _child_key(region)
        elif group_by == "section":
            key_field, child_level = "industry__parent_id", None
        else:
            key_field, child_level = "size", None
        grouped = qs.values(k=F(key_field)).annotate(**_aggregates(metric))
        found: dict[Any, dict[str, Any]] = {a["k"]: dict(a) for a in grouped}
        names = _labels(group_by, found.keys())
        for key in sorted(found, key=lambda k: (k is None, k or "")):
            r = row(key or "", names.get(key or "", key or "—"), metric, found[key])
            if child_level is not None and key:
                r.drill = key
            rows.append(r)

    return Coverage(
        region=region,
        as_of=as_of,
        group_by=group_by,
        metric=metric,
        rows=rows,
        pack_label=pack_label,
        effective_from=effective_from,
        current_list_as_of=_current_list_as_of(region),
        new_cqos=new_cqos_by_year(user, region, targets_per_year=new_per_year),
        new_cqos_per_year=new_per_year,
        new_cqos_clause=new_clause,
    )


def metric_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "all": _("全部企业"),
        "above_scale": _("规模以上企业"),
        "msme": _("中小微企业"),
        "key_industry_msme": _("重点行业中小微企业"),
        "quality_award": _("政府质量奖（含提名奖）企业"),
    }


def _labels(group_by: str, keys: Any) -> dict[str, str]:
    codes = [k for k in keys if k]
    if group_by == "region":
        return {c: region_label(c) for c in codes}
    if group_by == "section":
        return {
            i.code: f"{i.code} {i.name}"
            for i in Industry.objects.filter(code__in=codes).only("code", "name")
        }
    from cqo.reference import enums

    return {c: str(enums.EnterpriseSize(c).label) for c in codes if c in enums.EnterpriseSize}


def _current_list_as_of(region: Region | None) -> dt.date | None:
    if region is None:
        return None
    for code in region_chain(region):
        lst = current_list(region_code=code)
        if lst is not None:
            return lst.as_of
    return None


def new_cqos_by_year(
    user: Any, region: Region | None, targets_per_year: int | None = None
) -> list[NewCqoYear]:
    """New CQOs by filing year (SPEC §12.12): persons whose first-ever filed appointment (in any
    region) is at an above-scale enterprise in the region; ``replacements`` counts those that
    succeeded an earlier filed CQO of the same enterprise. One query."""
    filed = Appointment.objects.filter(status__in=COUNTING, filed_at__isnull=False)
    earlier_own = filed.filter(person=OuterRef("person"), filed_at__lt=OuterRef("filed_at"))
    predecessor = filed.filter(
        enterprise=OuterRef("enterprise"), filed_at__lt=OuterRef("filed_at")
    ).exclude(person=OuterRef("person"))
    qs = (
        Appointment.objects.filter(access.appointment_q(user))
        .filter(region_q(region, "enterprise"))
        .filter(status__in=COUNTING, filed_at__isnull=False, enterprise__above_scale=True)
        .annotate(first=~Exists(earlier_own), replacing=Exists(predecessor))
        .filter(first=True)
        .values(year=ExtractYear("filed_at"))
        .annotate(
            n=Count("person", distinct=True),
            r=Count("person", filter=Q(replacing=True), distinct=True),
        )
        .order_by("year")
    )
    return [
        NewCqoYear(year=a["year"], new_cqos=a["n"], replacements=a["r"], target=targets_per_year)
        for a in qs
    ]
