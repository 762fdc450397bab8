"""Coverage rules (SPEC §8, §12.8–§12.10, §12.12), pure: no database.

- Coverage counts an enterprise once if it has a filed appointment active on the as-of date
  (SPEC §12.8); the selectors turn that into one COUNT with a conditional EXISTS.
- Groups (SPEC §12.9): above-scale; 中小微 by size class regardless of the above-scale flag (so
  the two denominators may overlap); key-industry 中小微 (the governing pack's
  ``[key_industries]``: by default GB/T 4754 divisions 13, 14, 15, 27 or a special-equipment
  production licence); quality-award winners and nominees.
- Targets are the governing pack's ``[[targets]]``; cities and counties inherit the province's
  percentages unless a target is entered for them (``RegionTarget``, SPEC §12.10). The path
  runs linearly from the last actual figure (when none is
  stored: 0 at the pack's effective date) to each target, reached on 31 December of its year;
  after the last target year the last target holds as a floor.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

METRICS = ("above_scale", "msme", "key_industry_msme", "quality_award")
MSME_SIZES = ("medium", "small", "micro")
AWARDS = ("winner", "nominee")
GROUP_BYS = ("region", "section", "size", "group")

ON_TRACK = "on_track"
BEHIND = "behind"


@dataclass(frozen=True)
class TargetPoint:
    year: int
    share: float
    clause: str = ""

    @property
    def due(self) -> dt.date:
        return dt.date(self.year, 12, 31)


def share(numerator: int, denominator: int) -> float | None:
    """The covered share; None when there is nothing to cover."""
    if denominator <= 0:
        return None
    return numerator / denominator


def targets_for(targets: Iterable[object], metric: str) -> list[TargetPoint]:
    """The pack's targets of one metric by year (the higher share if a year is given twice)."""
    by_year: dict[int, TargetPoint] = {}
    for t in targets:
        if getattr(t, "metric", None) != metric:
            continue
        year, value = int(getattr(t, "year")), float(getattr(t, "share"))  # noqa: B009
        if year not in by_year or by_year[year].share < value:
            by_year[year] = TargetPoint(year, value, str(getattr(t, "clause", "")))
    return [by_year[y] for y in sorted(by_year)]


def current_target(points: list[TargetPoint], on: dt.date) -> TargetPoint | None:
    """The target being worked towards on ``on``: the next one due, else the last (a floor)."""
    if not points:
        return None
    for p in points:
        if on <= p.due:
            return p
    return points[-1]


def path_value(
    points: list[TargetPoint],
    on: dt.date,
    start: dt.date,
    start_share: float = 0.0,
) -> float | None:
    """The share the path asks for on ``on``.

    ``start``/``start_share`` is the last actual figure (or 0 at the pack's effective date when
    none is stored). Linear to the next target due after it; then from target to target; after
    the last target the last share holds as a floor. Before ``start`` the path asks for the
    starting figure.
    """
    if not points:
        return None
    knots: list[tuple[dt.date, float]] = [(start, start_share)]
    knots += [(p.due, p.share) for p in points if p.due > start]
    if len(knots) == 1:  # every target is already due: the last one is the floor
        return points[-1].share
    if on <= start:
        return start_share
    for (d0, v0), (d1, v1) in itertools.pairwise(knots):
        if on <= d1:
            span = (d1 - d0).days
            return v0 + (v1 - v0) * ((on - d0).days / span) if span > 0 else v1
    return knots[-1][1]


def demand(points: list[TargetPoint], year: int, start: dt.date) -> float | None:
    """What targets ask for at the end of ``year``: the value of their path on 31 December
    (the target itself in a target year, the linear path between two, the last as a floor
    after it); None without targets. A lower level's target for that year is stricter only
    when it asks for more (SPEC §12.10: the province's targets bind its cities and counties)."""
    if not points:
        return None
    return path_value(points, dt.date(year, 12, 31), start)


def stricter(share: float, than: float | None) -> bool:
    """A higher coverage share is stricter (with a hair of float slack: equal is not)."""
    return than is None or share > than + 1e-9


def status(actual: float | None, path: float | None) -> str | None:
    """on_track when the actual share reaches the path value (with a hair of float slack)."""
    if path is None or actual is None:
        return None
    return ON_TRACK if actual + 1e-9 >= path else BEHIND
