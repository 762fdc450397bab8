"""The pack's goals that are not coverage shares by a year (``[[targets]]`` of kind ``rollout``
and ``training_tiers``): the roll-out among named producers (shaanxi-2021 §三) and whether the
three training tiers ran in the year (jiangsu-2020 §一.2)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q

from cqo.accounts.models import User
from cqo.coverage import rules
from cqo.coverage.selectors.scope import enterprises
from cqo.coverage.selectors.types import Goals, Standing, TierRow, TierSummary
from cqo.policy import schema
from cqo.reference.models import Region
from cqo.reference.selectors import region_label
from cqo.training.models import Session

_LEVEL_RANK: dict[str, int] = {"province": 0, "city": 1, "county": 2}


def standing_goals(
    user: User, region: Region | None, as_of: dt.date, goals: Goals
) -> list[Standing]:
    """Each standing goal of the governing pack, with the region's current figure."""
    out: list[Standing] = []
    number = goals.source.split()[0] if goals.source else ""
    for target in goals.standing:
        if isinstance(target, schema.RolloutTarget):
            out.append(_rollout(user, region, as_of, target))
        elif region is not None:
            out.append(_training_tiers(region, as_of, target, goals))
        else:
            continue
        out[-1].citation = rules.citation(target.clause, number)
    return out


def _rollout(
    user: User, region: Region | None, as_of: dt.date, target: schema.RolloutTarget
) -> Standing:
    """shaanxi-2021 §三 "在食品、药品、特种设备等生产企业中全面推行": the share of the producers the
    target names (GB/T 4754 divisions, special-equipment licence holders) with a filed CQO, of
    every size; no year, so no path and no status: 全面推行 is shown beside the figure."""
    producers = Q(industry_id__in=target.divisions) if target.divisions else Q(pk__in=[])
    if target.special_equipment_licence:
        producers |= ~Q(special_equipment_licence="")
    got = (
        enterprises(user, region, as_of)
        .filter(producers)
        .aggregate(den=Count("pk"), num=Count("pk", filter=Q(has_cqo=True)))
    )
    num, den = got["num"] or 0, got["den"] or 0
    return Standing(
        kind="rollout",
        label=target.label,
        clause=target.clause,
        numerator=num,
        denominator=den,
        share=rules.share(num, den),
        divisions=tuple(target.divisions),
        licence=target.special_equipment_licence,
    )


def _organisers(region: Region, level: str) -> list[Region]:
    """The regions that organise a tier of ``level`` for ``region``: its ancestor (or itself)
    at that level, or every region of that level inside it (placeholders such as 市辖区 and
    statistical zones organise nothing)."""
    if _LEVEL_RANK[level] <= _LEVEL_RANK[region.level]:
        ancestors: dict[str, str] = {"province": region.province_code, "city": region.city_code}
        code = ancestors.get(level, region.code)
        return list(Region.objects.filter(code=code))
    inside = (
        Q(province_code=region.code)
        if region.level == Region.Level.PROVINCE
        else Q(city_code=region.code)
    )
    return list(Region.objects.filter(inside, level=level, flags="").order_by("code"))


Held = Counter[tuple[str, str]]


def _held(region: Region, as_of: dt.date, tiers: list[str]) -> tuple[Held, Held]:
    """Sessions held in the as-of year up to the as-of date, by tier: ``exact`` by the region
    their course serves, ``within`` by that region and each region above it (a city's
    enhancement course may serve one of its counties)."""
    sessions = (
        Session.objects.filter(
            status=Session.Status.HELD,
            start_date__year=as_of.year,
            start_date__lte=as_of,
            course__tier__in=tiers,
            course__region__province_code=region.province_code,
        )
        .values("course__tier", "course__region_id", "course__region__city_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    exact: Held = Counter()
    within: Held = Counter()
    for s in sessions:
        tier, code, city = s["course__tier"], s["course__region_id"], s["course__region__city_code"]
        exact[(tier, code)] += s["n"]
        for at in dict.fromkeys((code, city, region.province_code)):
            if at:
                within[(tier, at)] += s["n"]
    return exact, within


def _training_tiers(
    region: Region, as_of: dt.date, target: schema.TrainingTiersTarget, goals: Goals
) -> Standing:
    """jiangsu-2020 §一.2: by the target year, each tier (basic by the counties, enhancement by
    the cities, advanced by the province, §五) ran at least one course in the year; a county's
    basic training may be merged into its city's (§五, when the pack says counties may)."""
    levels = {t.code: t for t in goals.tiers if t.code in target.tiers}
    exact, within = _held(region, as_of, list(levels))
    rows: list[TierRow] = []
    for code in target.tiers:
        tier = levels.get(code)
        if tier is None:
            continue
        for at in _organisers(region, tier.level):
            own = within[(code, at.code)]
            # sessions of this tier held for the county's city itself: the merged ones
            merged = exact[(code, at.city_code)] if at.level == Region.Level.COUNTY else 0
            status = rules.tier_status(own, merged, goals.county_may_merge)
            rows.append(
                TierRow(at.code, region_label(at.code), code, tier.name, tier.level, own, status)
            )
    return Standing(
        kind="training_tiers",
        label=target.label,
        clause=target.clause,
        year=target.year,
        running=rules.mechanism_running(r.status for r in rows),
        summary=_summary(rows),
        tiers=rows,
    )


def _summary(rows: list[TierRow]) -> list[TierSummary]:
    out: dict[str, TierSummary] = {}
    for r in rows:
        s = out.get(r.tier) or TierSummary(r.tier, r.tier_name, r.level, 0, 0)
        ran = 1 if r.status in (rules.RUNNING, rules.MERGED) else 0
        out[r.tier] = TierSummary(s.tier, s.tier_name, s.level, s.running + ran, s.total + 1)
    return list(out.values())
