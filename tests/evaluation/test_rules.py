"""The pure rules, table-driven at their boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cqo.evaluation import rules

D = Decimal


@pytest.mark.parametrize(
    ("period", "part", "start", "end"),
    [
        ("yearly", 1, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("half_yearly", 1, dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
        ("half_yearly", 2, dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
        ("quarterly", 1, dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("quarterly", 4, dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ],
)
def test_it_bounds_periods(period: str, part: int, start: dt.date, end: dt.date) -> None:
    assert rules.period_bounds(period, 2025, part) == (start, end)


@pytest.mark.parametrize(("period", "part"), [("yearly", 2), ("quarterly", 0), ("half_yearly", 3)])
def test_it_rejects_a_part_outside_the_period(period: str, part: int) -> None:
    with pytest.raises(ValueError):
        rules.period_bounds(period, 2025, part)


ITEMS = [
    {"code": "1", "max": 7, "section": True},
    {"code": "1.1", "max": 3, "section": False},
    {"code": "1.2", "max": 4, "section": False},
]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (0, None),
        (3, None),
        ("3", None),
        (4, "range"),
        (-1, "range"),
        ("1.5", "integer"),
        ("x", "integer"),
        ("", None),
    ],
)
def test_it_bounds_scores(value: object, problem: str | None) -> None:
    assert rules.score_problems(ITEMS, {"1.1": value}).get("1.1") == problem


def test_it_totals_only_complete_forms() -> None:
    items = [dict(i, score=None) for i in ITEMS]
    items[1]["score"] = 3
    assert rules.total(items) is None
    items[2]["score"] = 4
    assert rules.total(items) == 7
    assert rules.section_totals(items) == {"1": 7}


@pytest.mark.parametrize(
    ("score", "band"), [(100, "优秀"), (90, "优秀"), (89, "合格"), (60, "合格"), (59, "")]
)
def test_it_bands_by_the_enterprise_minimums(score: int, band: str) -> None:
    bands = [{"label": "合格", "min": 60}, {"label": "优秀", "min": 90}]
    assert rules.band_for(score, bands) == band
    assert rules.band_for(score, []) == ""


def test_it_parses_bands() -> None:
    assert rules.parse_bands("合格 60\n\n优秀 90") == [
        {"label": "优秀", "min": 90},
        {"label": "合格", "min": 60},
    ]
    for bad in ("优秀", "优秀 x", "优秀 90\n优秀 80", "A 90\nB 90", " 90"):
        with pytest.raises(ValueError):
            rules.parse_bands(bad)


def test_it_computes_shares_half_up() -> None:
    assert rules.share(D(1), D(3)) == D("33.33")
    assert rules.share(D(2), D(3)) == D("66.67")
    assert rules.share(D("0.005"), D(100)) == D("0.01")  # half up, not half even
    assert rules.share(D(1), None) is None and rules.share(D(1), D(0)) is None


def test_it_sums_quarters_and_years() -> None:
    rows = [
        (2025, 1, "prevention", D("100.10")),
        (2025, 1, "prevention", D("0.20")),
        (2025, 2, "external_failure", D("50")),
        (2026, 1, "appraisal", D("10")),
    ]
    quarters = rules.periods(rows, {(2025, 1): D(1000), (2025, 2): D(1000), (2026, 2): D(5)})
    assert [q.label for q in quarters] == ["2025Q1", "2025Q2", "2026Q1", "2026Q2"]
    assert quarters[0].total == D("100.30") and quarters[0].failure_to_conformance == D("0.00")
    assert quarters[1].failure_to_conformance is None  # no prevention or appraisal cost
    years = rules.years(quarters)
    assert years[0].total == D("150.30") and years[0].revenue == D(2000)
    assert years[0].revenue_share == D("7.52")
    assert years[1].revenue is None  # 2026Q1 has cost but no revenue


@pytest.mark.parametrize(
    ("amount_max", "share_max", "met"),
    [
        (D(100), None, True),
        (D(99), None, False),
        (None, D("10.00"), True),
        (None, D("9.99"), False),
        (D(100), D("9.99"), False),
    ],
)
def test_it_checks_targets(amount_max: D | None, share_max: D | None, met: bool) -> None:
    year = rules.PeriodCost(2025, 0, {c: D(25) for c in rules.CATEGORIES}, D(1000))
    assert rules.check_target(year, "", amount_max, share_max).met is met


def test_it_cannot_check_a_share_without_revenue() -> None:
    year = rules.PeriodCost(2025, 0, {c: D(25) for c in rules.CATEGORIES}, None)
    assert rules.check_target(year, "", None, D(5)).met is None
    assert rules.check_target(year, "prevention", D(20), D(5)).met is False


@pytest.mark.parametrize(
    ("start", "ended", "year"),
    [
        (dt.date(2020, 3, 1), None, 2025),  # serving for years: last year
        (dt.date(2026, 2, 1), None, 2026),  # started this year: this year, not before it
        (dt.date(2018, 1, 1), dt.date(2023, 6, 30), 2023),  # ended before last year: its last
        (dt.date(2025, 12, 31), None, 2025),
    ],
)
def test_the_form_proposes_a_year_within_the_appointment(start, ended, year) -> None:
    from types import SimpleNamespace

    from cqo.evaluation.selectors import default_year

    appt = SimpleNamespace(start_date=start, ended_on=ended)
    assert default_year(appt, dt.date(2026, 6, 15)) == year  # type: ignore[arg-type]
    assert default_year(None, dt.date(2026, 6, 15)) == 2025
