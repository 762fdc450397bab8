"""Coverage statistics (SPEC §8), scoped by cqo/accounts/access.py.

Each table is one aggregate query over enterprises: COUNT with a conditional EXISTS on the
appointments active on the as-of date (SPEC §12.8); no per-enterprise loop in Python.
"""

from __future__ import annotations

from cqo.coverage.selectors.answer import (
    CACHE_SECONDS,
    cache_key,
    coverage,
    metric_labels,
    new_cqos_by_year,
)
from cqo.coverage.selectors.goals import (
    ALL_LEVELS,
    entered_targets,
    merge_entered,
    region_goals,
)
from cqo.coverage.selectors.population import (
    COUNTING,
    active_on,
    key_plan,
    key_q,
    metric_q,
    region_q,
)
from cqo.coverage.selectors.scope import (
    can_delete,
    can_enter_for,
    can_view,
    coverage_trail,
    enterable_regions,
    enterprises,
    rank_of,
    resolve_region,
    setter_of,
    target_get,
    target_list,
    with_deletable,
)
from cqo.coverage.selectors.standing import standing_goals
from cqo.coverage.selectors.types import (
    Coverage,
    EnteredTarget,
    Goal,
    Goals,
    KeyConfig,
    KeyPlan,
    NewCqoYear,
    Row,
    Standing,
    StartFigure,
    TierRow,
    TierSummary,
)

__all__ = [
    "ALL_LEVELS",
    "CACHE_SECONDS",
    "COUNTING",
    "Coverage",
    "EnteredTarget",
    "Goal",
    "Goals",
    "KeyConfig",
    "KeyPlan",
    "NewCqoYear",
    "Row",
    "Standing",
    "StartFigure",
    "TierRow",
    "TierSummary",
    "active_on",
    "cache_key",
    "can_delete",
    "can_enter_for",
    "can_view",
    "coverage",
    "coverage_trail",
    "enterable_regions",
    "entered_targets",
    "enterprises",
    "key_plan",
    "key_q",
    "merge_entered",
    "metric_labels",
    "metric_q",
    "new_cqos_by_year",
    "rank_of",
    "region_goals",
    "region_q",
    "resolve_region",
    "setter_of",
    "standing_goals",
    "target_get",
    "target_list",
    "with_deletable",
]
