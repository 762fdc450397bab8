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
    key_industries: KeyConfig | None = None
    entered: bool = False


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
    entered: bool = False  # the targets were entered for the region (or a region above it)
    source: str = ""  # the official title of the pack the inherited targets come from


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
