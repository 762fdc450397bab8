"""Coverage targets (SPEC §12.10): the pack's, and those entered for cities and counties."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from cqo.coverage import rules
from cqo.coverage.models import RegionTarget
from cqo.coverage.selectors.types import EnteredTarget, Goal, Goals
from cqo.policy.selectors import (
    governing_for_region,
    region_chain,
)
from cqo.reference.models import Region

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
    inherited: list[Goal], entered: list[EnteredTarget], start: dt.date | None
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
                t.share, rules.demand(rules.targets_for(kept, t.metric), t.year, start)
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
    goals = Goals(list(governing.rules.targets), label=governing.label)
    source = governing.section_source("targets") or governing.version
    goals.effective_from = source.effective_from
    goals.source = source.source or source.name
    if governing.rules.new_cqos is not None:
        goals.new_per_year = governing.rules.new_cqos.per_year
        goals.new_clause = governing.rules.new_cqos.clause
    if region.level != Region.Level.PROVINCE:
        # its city first (a county inherits what the province set for its city), then itself
        chain = [c for c in reversed(region_chain(region)) if c != region.province_code]
        entered = entered_targets(chain, above)
        for code in chain:
            if entered.get(code):
                goals.targets = merge_entered(goals.targets, entered[code], goals.effective_from)
                goals.entered = True
    return goals
