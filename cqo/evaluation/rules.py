"""Pure rules of the enterprise side (SPEC §7): evaluation periods, scores and bands, the
self-assessment's quantified total, and the quality-cost ratios (shenzhen-guide §5.7.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CATEGORIES = ("prevention", "appraisal", "internal_failure", "external_failure")
FAILURE = ("internal_failure", "external_failure")
CONFORMANCE = ("prevention", "appraisal")
CENT = Decimal("0.01")
# Reporting periods and how many make a year: the periods offered are a platform default (not
# from the documents); the counts are the calendar's.
PARTS = {"yearly": 1, "half_yearly": 2, "quarterly": 4}


# Periods -----------------------------------------------------------------------------------------


def period_bounds(period: str, year: int, part: int) -> tuple[dt.date, dt.date]:
    """The evaluation period (SPEC §12.6: a pack setting, default yearly): ``part`` is 1 for a
    year, 1–2 for a half-year, 1–4 for a quarter."""
    parts = PARTS[period]
    if not 1 <= part <= parts:
        raise ValueError(part)
    months = 12 // parts
    start = dt.date(year, (part - 1) * months + 1, 1)
    end_month = part * months
    end = (
        dt.date(year, 12, 31)
        if end_month == 12
        else dt.date(year, end_month + 1, 1) - dt.timedelta(days=1)
    )
    return start, end


# Evaluation scores -------------------------------------------------------------------------------


def leaves(items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [i for i in items if not i.get("section")]


def score_problems(items: Sequence[Mapping[str, Any]], scores: Mapping[str, Any]) -> dict[str, str]:
    """Each scored item is an integer 0…max (SPEC §12.6); returns {code: problem}."""
    problems: dict[str, str] = {}
    for item in leaves(items):
        value = scores.get(item["code"])
        if value is None or value == "":
            continue
        try:
            number = int(str(value).strip())
            if str(number) != str(value).strip():
                raise ValueError(value)
        except ValueError:
            problems[item["code"]] = "integer"
            continue
        if not 0 <= number <= item["max"]:
            problems[item["code"]] = "range"
    return problems


def total(items: Sequence[Mapping[str, Any]]) -> int | None:
    """The sum of the scored items; None while one is unscored."""
    scores = [i.get("score") for i in leaves(items)]
    if any(s is None for s in scores):
        return None
    return sum(int(str(s)) for s in scores)


def section_totals(items: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in leaves(items):
        if item.get("score") is not None and "." in item["code"]:
            head = item["code"].split(".")[0]
            out[head] = out.get(head, 0) + int(item["score"])
    return out


def table_rows(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the evaluation table as hangzhou-spec 表A.1 prints them: a section's points
    in 分项分值, an item's in 小项分值, the score (a section's: the sum of its items' scores, once
    each is scored), and whether the table prints the points (SPEC §12.6: 4.1–4.2 and 研究成果 are
    the platform's)."""
    subtotals = section_totals(items)
    children: dict[str, list[Mapping[str, Any]]] = {}
    for item in leaves(items):
        children.setdefault(str(item["code"]).split(".")[0], []).append(item)
    rows = []
    for item in items:
        code, section = str(item["code"]), bool(item.get("section"))
        scored = all(c.get("score") is not None for c in children.get(code, []))
        rows.append(
            {
                "code": code,
                "label": item["label"],
                "section": section,
                "section_points": item.get("max") if section else None,
                "item_points": None if section else item.get("max"),
                "printed": item.get("printed", True),
                "score": (subtotals.get(code, 0) if scored else None)
                if section
                else item.get("score"),
            }
        )
    return rows


def band_for(score: int, bands: Iterable[Mapping[str, Any]]) -> str:
    """The enterprise's band whose minimum the score reaches, the highest such; "" without
    bands (SPEC §12.6: no default outcome)."""
    best: tuple[int, str] | None = None
    for band in bands:
        if score >= int(band["min"]) and (best is None or int(band["min"]) > best[0]):
            best = (int(band["min"]), str(band["label"]))
    return best[1] if best else ""


def parse_bands(text: str) -> list[dict[str, Any]]:
    """Bands written one per line as "label minimum" (e.g. "优秀 90"); ValueError names the
    bad line. Highest minimum first."""
    out: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        label, _, minimum = line.rpartition(" ")
        label = label.strip()
        # input bounds on a band: platform defaults (not from the documents)
        if not label or not minimum.isdigit() or len(label) > 30 or int(minimum) > 1000:
            raise ValueError(number)
        out.append({"label": label, "min": int(minimum)})
    labels = [b["label"] for b in out]
    if len(set(labels)) != len(labels) or len({b["min"] for b in out}) != len(out):
        raise ValueError(0)
    return sorted(out, key=lambda b: -b["min"])


# Quality cost (shenzhen-guide §5.7.2) ------------------------------------------------------------


def share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to two places, half up; None without a base."""
    if whole is None or whole == 0:
        return None
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PeriodCost:
    year: int
    quarter: int  # 0 for a whole year
    by_category: dict[str, Decimal]
    revenue: Decimal | None

    @property
    def label(self) -> str:
        return f"{self.year}" if self.quarter == 0 else f"{self.year}Q{self.quarter}"

    @property
    def total(self) -> Decimal:
        return sum((self.by_category[c] for c in CATEGORIES), Decimal(0))

    def category_share(self, category: str) -> Decimal | None:
        """The category's share of the total quality cost (the 比例关系 of §5.7.2.1)."""
        return share(self.by_category[category], self.total)

    @property
    def revenue_share(self) -> Decimal | None:
        return share(self.total, self.revenue)

    @property
    def failure_to_conformance(self) -> Decimal | None:
        """(internal + external failure) / (prevention + appraisal), to two places."""
        base = sum((self.by_category[c] for c in CONFORMANCE), Decimal(0))
        if base == 0:
            return None
        failure = sum((self.by_category[c] for c in FAILURE), Decimal(0))
        return (failure / base).quantize(CENT, rounding=ROUND_HALF_UP)


def periods(
    entries: Iterable[tuple[int, int, str, Decimal]],
    revenues: Mapping[tuple[int, int], Decimal],
) -> list[PeriodCost]:
    """Quarterly cost by category from (year, quarter, category, amount) rows, oldest first;
    a quarter with revenue but no cost is shown with zeros."""
    sums: dict[tuple[int, int], dict[str, Decimal]] = {}
    for year, quarter, category, amount in entries:
        bucket = sums.setdefault((year, quarter), {c: Decimal(0) for c in CATEGORIES})
        bucket[category] += amount
    for key in revenues:
        sums.setdefault(key, {c: Decimal(0) for c in CATEGORIES})
    return [
        PeriodCost(year=k[0], quarter=k[1], by_category=v, revenue=revenues.get(k))
        for k, v in sorted(sums.items())
    ]


def years(quarters: Sequence[PeriodCost]) -> list[PeriodCost]:
    """The quarters summed per year; the revenue only when every quarter with cost has one."""
    out: dict[int, list[PeriodCost]] = {}
    for q in quarters:
        out.setdefault(q.year, []).append(q)
    result = []
    for year, qs in sorted(out.items()):
        by_category = {c: sum((q.by_category[c] for q in qs), Decimal(0)) for c in CATEGORIES}
        revenue = (
            sum((q.revenue for q in qs if q.revenue is not None), Decimal(0))
            if all(q.revenue is not None for q in qs)
            else None
        )
        result.append(PeriodCost(year=year, quarter=0, by_category=by_category, revenue=revenue))
    return result


@dataclass(frozen=True)
class TargetCheck:
    year: int
    category: str  # "" for the total
    amount_max: Decimal | None
    share_max: Decimal | None
    amount: Decimal
    share: Decimal | None
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        """None while the share cannot be computed (no revenue) and only a share is set."""
        results = []
        if self.amount_max is not None:
            results.append(self.amount <= self.amount_max)
        if self.share_max is not None:
            if self.share is None:
                return None if all(results) else False
            results.append(self.share <= self.share_max)
        return all(results)


def check_target(
    year_cost: PeriodCost, category: str, amount_max: Decimal | None, share_max: Decimal | None
) -> TargetCheck:
    amount = year_cost.by_category[category] if category else year_cost.total
    return TargetCheck(
        year=year_cost.year,
        category=category,
        amount_max=amount_max,
        share_max=share_max,
        amount=amount,
        share=share(amount, year_cost.revenue),
    )
