"""Coverage targets (SPEC §12.10): the pack's, and those entered for cities and counties."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from cqo.coverage import rules
from cqo.coverage.models import RegionTarget
from cqo.coverage.selectors.population import key_plan, metric_q, region_q
from cqo.coverage.selectors.types import EnteredTarget, Goal, Goals, StartFigure
from cqo.policy import schema
from cqo.policy.selectors import (
    Governing,
    governing_for_region,
    region_chain,
)
from cqo.reference.models import Region
from cqo.registry.models import Enterprise

# every level: the ranks below which entered targets count
ALL_LEVELS = 3


def entered_targets(codes: list[str], above: int = ALL_LEVELS) -> dict[str, list[EnteredTarget]]:
    """Targets entered for these regions (SPEC §12.10) by a level of rank below ``above``,
    by region."""

    out: dict[str, list[EnteredTarget]] = {}
    rows = RegionTarget.objects.filter(region_id__in=codes).select_related(
        "region", "set_by_region"
    )
    for t in rows:
        if t.rank >= above:
            continue
        out.setdefault(t.region_id, []).append(
            EnteredTarget(
                t.metric,
                t.year,
                float(t.share),
                _("%(setter)s为%(region)s录入的目标")
                % {"setter": t.setter, "region": t.region.name},
                t.rank,
                t.setter,
            )
        )
    return out


def merge_entered(
    inherited: list[Goal],
    entered: list[EnteredTarget],
    start: dt.date | None,
    start_shares: dict[str, float] | None = None,
) -> list[Goal]:
    """The targets of a region from those it inherits and those entered for it (SPEC §12.10):
    the province's replace the inherited ones of their metric (it assigns each region its
    task); a lower level's are added beside them where they ask for more than those do in
    their year (rules.demand from ``start``), so that a lower level never loosens a higher
    one's, even after the higher one changed its own (a year's higher share counts,
    rules.targets_for)."""
    top = [t for t in entered if t.rank == 0]
    mine = {t.metric for t in top}
    kept = [t for t in inherited if getattr(t, "metric", None) not in mine] + top
    stricter = [
        t
        for t in entered
        if t.rank > 0
        and (
            start is None
            or rules.stricter(
                t.share,
                rules.demand(
                    rules.targets_for(kept, t.metric),
                    t.year,
                    start,
                    (start_shares or {}).get(t.metric, 0.0),
                ),
            )
        )
    ]
    return kept + stricter


def region_goals(region: Region | None, as_of: dt.date, above: int = ALL_LEVELS) -> Goals:
    """The region's targets: the governing pack's (province-wide), then for each metric those
    the province entered for the region's city and for the region itself, and the stricter
    ones a lower level added (SPEC §12.10; ``above``: only those set by levels of a lower
    rank, what binds a level of that rank)."""
    if region is None:
        return Goals([])
    governing = governing_for_region(region, as_of)
    targets = governing.rules.targets
    goals = Goals([t for t in targets if isinstance(t, schema.Target)], label=governing.label)
    goals.standing = [t for t in targets if not isinstance(t, schema.Target)]
    source = governing.section_source("targets") or governing.version
    goals.effective_from = source.effective_from
    goals.source = source.source or source.name
    if governing.rules.new_cqos is not None:
        # a province-wide number (全省每年新增): the province's target, not its cities' or
        # counties' (SPEC §12.10 inherits percentages, not counts)
        if region.level == Region.Level.PROVINCE:
            goals.new_per_year = governing.rules.new_cqos.per_year
        goals.province_new_per_year = governing.rules.new_cqos.per_year
        goals.new_clause = governing.rules.new_cqos.clause
    if governing.rules.work_review is not None:
        goals.review_clause = governing.rules.work_review.clause
    if governing.rules.training is not None:
        goals.tiers = list(governing.rules.training.tiers)
        goals.county_may_merge = governing.rules.training.county_may_merge
    goals.start = _start_figure(governing, as_of)
    starts = {goals.start.metric: goals.start.share} if goals.start else {}
    if region.level != Region.Level.PROVINCE:
        # its city first (a county inherits what the province set for its city), then itself
        chain = [c for c in reversed(region_chain(region)) if c != region.province_code]
        entered = entered_targets(chain, above)
        for code in chain:
            if entered.get(code):
                goals.targets = merge_entered(
                    goals.targets, entered[code], goals.effective_from, starts
                )
                goals.entered = True
    return goals


def _start_figure(governing: Governing, as_of: dt.date) -> StartFigure | None:
    """The pack's starting figure as a share (jiangsu-2020 前言): its count of CQOs over the
    enterprises of its metric in the regions of the pack that states it. Province-wide like the
    targets it leads to, so it is counted over the whole pack region, not the viewer's scope: only
    the resulting share and that count are shown, never an enterprise."""
    baseline = governing.rules.baseline
    version = governing.section_source("baseline")
    if baseline is None or version is None:
        return None
    codes = list(version.content.get("pack", {}).get("regions") or [])
    regions = list(Region.objects.filter(code__in=codes))
    inside = Q(pk__in=[])
    for region in regions:
        inside |= region_q(region)
    plan = key_plan(regions[0], as_of) if regions else None
    den = Enterprise.objects.filter(inside).filter(metric_q(baseline.metric, plan)).count()
    return StartFigure(
        cqos=baseline.cqos,
        approximate=baseline.approximate,
        metric=baseline.metric,
        denominator=den,
        share=rules.start_share(baseline.cqos, den),
        clause=baseline.clause,
        note=baseline.note,
        citation=rules.citation(baseline.clause, (version.source or version.name).split()[0]),
    )
