"""The answers' shapes: coverage rows, new CQOs by year, key-industry plans, goals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cqo.policy import schema
from cqo.reference.models import Region


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
    review_clause: str = ""
    province_new_cqos_per_year: int | None = None
    key_industries: KeyConfig | None = None
    entered: bool = False
    # the pack's goals that are not shares by a year (roll-out, training tiers)
    standing: list[Standing] = field(default_factory=list)
    start: StartFigure | None = None  # the pack's starting figure the path begins from


@dataclass(frozen=True)
class StartFigure:
    """The pack's starting figure (``[baseline]``, e.g. jiangsu-2020 前言 近万名) as the share of
    the enterprises the pack governs in its metric: where the path to the first target starts."""

    cqos: int
    approximate: bool
    metric: str
    denominator: int  # the enterprises of the metric in the pack's regions
    share: float
    clause: str
    note: str = ""
    citation: str = ""  # the clause as users read it (rules.citation)


@dataclass(frozen=True)
class TierRow:
    """One organising region's tier in the year (jiangsu-2020 §一.2, §五)."""

    region: str
    label: str
    tier: str
    tier_name: str
    level: str
    held: int  # sessions held in the year
    status: str  # rules.RUNNING / MERGED / NOT_RUNNING


@dataclass(frozen=True)
class TierSummary:
    tier: str
    tier_name: str
    level: str
    running: int  # organising regions where it ran (merged included)
    total: int


@dataclass
class Standing:
    """A goal of the pack that is not a share by a year: ``rollout`` (全面推行 among named
    producers, with their current coverage) or ``training_tiers`` (each tier ran in the year)."""

    kind: str
    label: str
    clause: str
    citation: str = ""  # the clause as users read it (rules.citation)
    year: int | None = None  # None: a standing goal with no year (全面推行)
    numerator: int = 0
    denominator: int = 0
    share: float | None = None
    divisions: tuple[str, ...] = ()
    licence: bool = False
    running: bool | None = None  # training_tiers: the whole mechanism ran in the region
    summary: list[TierSummary] = field(default_factory=list)
    tiers: list[TierRow] = field(default_factory=list)


@dataclass(frozen=True)
class KeyConfig:
    """Key industries of a pack (SPEC §12.9): GB/T 4754 divisions and the licence flag."""

    divisions: tuple[str, ...] = ()
    licence: bool = False
    clause: str = ""


@dataclass(frozen=True)
class KeyPlan:
    """The key-industry configuration of a region on a date, and of the sub-regions whose own
    pack says otherwise (level, code, config), most specific first."""

    base: KeyConfig
    exceptions: tuple[tuple[str, str, KeyConfig], ...] = ()


@dataclass
class Goals:
    targets: list[Goal]
    effective_from: dt.date | None = None
    label: str = ""
    new_per_year: int | None = None
    new_clause: str = ""
    review_clause: str = ""  # [work_review]: what the assessment report cites as its basis
    # the pack's yearly number is the province's (shaanxi-2021 §六(一) 全省每年新增): a city or
    # county is compared with no target of its own; this is the province's, shown as such
    province_new_per_year: int | None = None
    entered: bool = False  # the targets were entered for the region (or a region above it)
    source: str = ""  # the official title of the pack the inherited targets come from
    # the pack's targets of other kinds (schema.RolloutTarget, schema.TrainingTiersTarget)
    standing: list[schema.RolloutTarget | schema.TrainingTiersTarget] = field(default_factory=list)
    start: StartFigure | None = None
    # the governing pack's training tiers and whether counties may merge (for training_tiers)
    tiers: list[schema.Tier] = field(default_factory=list)
    county_may_merge: bool = False

    def start_share(self, metric: str) -> float:
        """Where the path of ``metric`` starts: the pack's starting figure, else 0."""
        return self.start.share if self.start is not None and self.start.metric == metric else 0.0


@dataclass(frozen=True)
class EnteredTarget:
    metric: str
    year: int
    share: float
    clause: str
    rank: int = 0  # the level that set it (RegionTarget.RANKS: 0 the province)
    setter: str = ""  # who set it: 陕西省（省级）


# a target a region is held to: the pack's province-wide one, or one entered for the region
Goal = schema.Target | EnteredTarget
