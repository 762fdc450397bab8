"""Coverage rules (SPEC §8, §12.8–§12.10, §12.12), pure: no database.

- Coverage counts an enterprise once if it has a filed appointment active on the as-of date
  (SPEC §12.8); the selectors turn that into one COUNT with a conditional EXISTS.
- Groups (SPEC §12.9): above-scale; 中小微 by size class regardless of the above-scale flag (so
  the two denominators may overlap); key-industry 中小微 (the governing pack's
  ``[key_industries]``: by default GB/T 4754 divisions 13, 14, 15, 27 or a special-equipment
  production licence); quality-award winners and nominees.
- Targets are the governing pack's ``[[targets]]``; cities and counties inherit the province's
  percentages unless a target is entered for them (``RegionTarget``, SPEC §12.10). The path
  runs linearly from the last actual figure (when none is stored: the pack's starting figure,
  ``[baseline]``, else 0, at the pack's effective date) to each target, reached on 31 December
  of its year; after the last target year the last target holds as a floor.
- Standing goals that are not shares by a year (``[[targets]]`` of kind ``rollout`` and
  ``training_tiers``): roll-out coverage among named producers, and whether each training tier
  ran in the year at its organising level.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

METRICS = ("above_scale", "msme", "key_industry_msme", "quality_award")
MSME_SIZES = ("medium", "small", "micro")
AWARDS = ("winner", "nominee")
GROUP_BYS = ("region", "section", "size", "group")

ON_TRACK = "on_track"
BEHIND = "behind"

# whether a training tier ran in a region in the year (jiangsu-2020 §一.2, §五)
RUNNING = "running"
MERGED = "merged"  # a county's basic training held by its city (jiangsu-2020 §五)
NOT_RUNNING = "not_running"


@dataclass(frozen=True)
class TargetPoint:
    year: int
    share: float
    clause: str = ""

    @property
    def due(self) -> dt.date:
        # a target "到 N 年" is due at the end of year N (SPEC §12.10: the path to the target year)
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
    ahead = [(p.due, p.share) for p in points if p.due > start]
    if ahead:
        # a starting figure above the next target asks for no more than that target (platform
        # default: the path never asks for more than the targets it leads to)
        start_share = min(start_share, ahead[0][1])
    knots: list[tuple[dt.date, float]] = [(start, start_share), *ahead]
    if len(knots) == 1:  # every target is already due: the last one is the floor
        return points[-1].share
    if on <= start:
        return start_share
    for (d0, v0), (d1, v1) in itertools.pairwise(knots):
        if on <= d1:
            span = (d1 - d0).days
            return v0 + (v1 - v0) * ((on - d0).days / span) if span > 0 else v1
    return knots[-1][1]


def demand(
    points: list[TargetPoint], year: int, start: dt.date, start_share: float = 0.0
) -> float | None:
    """What targets ask for at the end of ``year``: the value of their path on 31 December
    (the target itself in a target year, the linear path between two, the last as a floor
    after it); None without targets. A lower level's target for that year is stricter only
    when it asks for more (SPEC §12.10: the province's targets bind its cities and counties)."""
    if not points:
        return None
    return path_value(points, dt.date(year, 12, 31), start, start_share)


# a hair of float slack in comparing shares (platform default: a computation, not a policy value)
SLACK = 1e-9


def stricter(share: float, than: float | None) -> bool:
    """A higher coverage share is stricter (with a hair of float slack: equal is not)."""
    return than is None or share > than + SLACK


def status(actual: float | None, path: float | None) -> str | None:
    """on_track when the actual share reaches the path value (with a hair of float slack)."""
    if path is None or actual is None:
        return None
    return ON_TRACK if actual + SLACK >= path else BEHIND


def start_share(cqos: int, denominator: int) -> float:
    """The share the path starts from when the pack knows how many CQOs there were when it was
    issued (jiangsu-2020 前言 "培育了近万名首席质量官"): one enterprise per CQO (the pack's note
    says so), over the enterprises the pack governs in its metric; at most 100%, and 0 when
    there is nothing to cover."""
    if denominator <= 0 or cqos <= 0:
        return 0.0
    return min(cqos / denominator, 1.0)


def tier_status(held: int, merged_held: int, may_merge: bool) -> str:
    """A tier runs in its organising region when it held at least one session there in the year
    (jiangsu-2020 §一.2 "…培训机制并有效运行", read as one course a year at each level). A county
    that held no basic session is covered by its city's basic sessions when the pack lets
    counties merge basic training into the city's (jiangsu-2020 §五 "可将基础培训和提升培训
    合并到设区市一级实施")."""
    if held > 0:
        return RUNNING
    if may_merge and merged_held > 0:
        return MERGED
    return NOT_RUNNING


def mechanism_running(statuses: Iterable[str]) -> bool | None:
    """The tiered mechanism runs when every organising region's tier runs (merged included);
    None when no region organises any tier."""
    found = list(statuses)
    if not found:
        return None
    return all(s in (RUNNING, MERGED) for s in found)


_SECTION = re.compile(r"^§([一二三四五六七八九十]+)((?:\([一二三四五六七八九十]+\))*)(?:\.(\w+))?$")


def citation(clause: str, number: str) -> str:
    """A pack clause as users read it (SPEC §12.24): the document's number and the section in
    its own numbering, the quoted words after it; the pack id and the platform's decision
    references dropped. "jiangsu-2020 §一.2: 到 2021 年…" under 苏质委办〔2020〕9号 reads
    "苏质委办〔2020〕9号 第一条第2项：到 2021 年…"."""
    shown = []
    for part in clause.split(";"):
        part = part.strip()
        if not part or part.startswith("SPEC"):
            continue
        ref, _sep, quote = part.partition(": ")
        words = ref.split(" ", 1)
        ref = words[1] if len(words) > 1 and re.fullmatch(r"[a-z][a-z0-9-]+", words[0]) else ref
        found = _SECTION.match(ref)
        if found:
            ref = f"第{found[1]}条" + found[2].replace("(", "（").replace(")", "）")
            ref += f"第{found[3]}项" if found[3] else ""
        shown.append(f"{ref}：{quote}" if quote else ref)
    return " ".join([number, *shown]) if shown else number
