"""The rules an appointment migrated from an archive meets (SPEC §12.17 over an enterprise's
history; the historic filing number), table-driven at every boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from cqo.registry import rules

D = dt.date


def t(first: dt.date, ended: dt.date | None, number: str = "OTHER") -> rules.Tenure:
    return rules.Tenure(number, first, ended)


@pytest.mark.parametrize(
    ("new", "other", "overlaps"),
    [
        # the other ended before the new one began, or on the day it began (a handover)
        (t(D(2021, 7, 1), None), t(D(2019, 3, 15), D(2021, 6, 30)), False),
        (t(D(2021, 6, 30), None), t(D(2019, 3, 15), D(2021, 6, 30)), False),
        # ... or one day later: both in office on 2021-06-30
        (t(D(2021, 6, 29), None), t(D(2019, 3, 15), D(2021, 6, 30)), True),
        # the new one ends on the day the other begins, or the day before
        (t(D(2018, 1, 1), D(2019, 3, 15)), t(D(2019, 3, 15), None), False),
        (t(D(2018, 1, 1), D(2019, 3, 16)), t(D(2019, 3, 15), None), True),
        # both running, whichever began first
        (t(D(2020, 1, 1), None), t(D(2019, 3, 15), None), True),
        (t(D(2019, 1, 1), None), t(D(2019, 3, 15), None), True),
        # one inside the other
        (t(D(2020, 1, 1), D(2020, 6, 30)), t(D(2019, 3, 15), D(2021, 6, 30)), True),
        (t(D(2018, 1, 1), D(2022, 1, 1)), t(D(2019, 3, 15), D(2021, 6, 30)), True),
        # beginning on the same day, even ending that day
        (t(D(2019, 3, 15), D(2019, 3, 15)), t(D(2019, 3, 15), None), True),
        # a tenure that ended before it began (ended before it was filed) is never in office
        (t(D(2020, 1, 10), D(2020, 1, 5)), t(D(2019, 3, 15), None), False),
        (t(D(2020, 1, 1), None), t(D(2019, 3, 15), D(2019, 3, 1)), False),
    ],
)
def test_it_finds_a_chief_in_office_on_a_day_the_new_one_is(
    new: rules.Tenure, other: rules.Tenure, overlaps: bool
) -> None:
    assert rules.overlapping_tenure(new, [other]) == (other if overlaps else None)


def test_it_names_the_first_overlapping_tenure() -> None:
    earlier = t(D(2015, 1, 1), D(2017, 12, 31), "A")
    first = t(D(2018, 1, 1), D(2020, 12, 31), "B")
    second = t(D(2021, 1, 1), None, "C")

    found = rules.overlapping_tenure(t(D(2020, 6, 1), None), [earlier, first, second])

    assert found is not None and found.filing_number == "B"


@pytest.mark.parametrize(
    ("start", "filed", "first"),
    [
        (D(2019, 3, 1), D(2019, 3, 15), D(2019, 3, 15)),  # in office once filed
        (D(2019, 4, 1), D(2019, 3, 15), D(2019, 4, 1)),  # filed ahead of the start
        (D(2019, 3, 15), D(2019, 3, 15), D(2019, 3, 15)),
    ],
)
def test_a_tenure_begins_at_the_later_of_filing_and_start(
    start: dt.date, filed: dt.date, first: dt.date
) -> None:
    tenure = rules.tenure(filing_number="N", start_date=start, filed_on=filed, ended_on=None)
    assert tenure.first_day == first


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("", "请填写备案编号"),
        ("A", "2–32"),
        ("AB", ""),
        ("苏质备〔2015〕12号", ""),
        ("X" * 32, ""),
        ("X" * 33, "2–32"),
        ("SX 12", "空白"),
        ("SX\t12", "空白"),
        ("SX\x0012", "空白"),
        ("61011320190000012", "17位数字"),  # the platform's own shape
        ("6101132019000001", ""),  # 16 digits
        ("610113201900000123", ""),  # 18 digits
    ],
)
def test_a_historic_filing_number_is_kept_unless_it_cannot_be_told_apart(
    number: str, problem: str
) -> None:
    found = rules.legacy_filing_number_problem(number, 32)
    assert (problem in found) if problem else found == ""
