"""The pure rules, table-driven at every boundary (SPEC §12.15: in force from the start date to
the end date inclusive, unless revoked; only an exit in force blocks and ends appointments)."""

from __future__ import annotations

import datetime as dt

import pytest

from cqo.blacklist import rules

START = dt.date(2026, 3, 1)
END = dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("revoked", "end", "on", "state"),
    [
        (False, END, START - dt.timedelta(days=1), rules.PENDING),
        (False, END, START, rules.IN_FORCE),
        (False, END, END, rules.IN_FORCE),  # the end date is the last day in force
        (False, END, END + dt.timedelta(days=1), rules.ENDED),
        (False, None, dt.date(2099, 1, 1), rules.IN_FORCE),
        (False, START, START, rules.IN_FORCE),  # a one-day listing
        (True, END, START, rules.REVOKED),
        (True, None, START - dt.timedelta(days=1), rules.REVOKED),
    ],
)
def test_it_states_a_listing(revoked: bool, end: dt.date | None, on: dt.date, state: str) -> None:
    assert rules.listing_state(revoked=revoked, start=START, end=end, on=on) == state


@pytest.mark.parametrize(
    ("kind", "state", "blocks"),
    [
        ("exit", rules.IN_FORCE, True),
        ("exit", rules.PENDING, False),
        ("exit", rules.ENDED, False),
        ("exit", rules.REVOKED, False),
        ("warning", rules.IN_FORCE, False),
    ],
)
def test_it_blocks_filing_only_for_an_exit_in_force(kind: str, state: str, blocks: bool) -> None:
    assert rules.blocks_filing(kind=kind, state=state) is blocks
    assert rules.ends_appointments(kind=kind, state=state, applied=False) is blocks
    assert rules.ends_appointments(kind=kind, state=state, applied=True) is False


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((START, END), (END, None), True),  # share the last day
        ((START, END), (END + dt.timedelta(days=1), None), False),
        ((START, None), (dt.date(2030, 1, 1), dt.date(2030, 2, 1)), True),
        ((START, END), (dt.date(2025, 1, 1), START - dt.timedelta(days=1)), False),
        ((START, END), (dt.date(2025, 1, 1), START), True),
        ((START, None), (dt.date(2020, 1, 1), None), True),
    ],
)
def test_it_tells_overlapping_periods(
    a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None], overlap: bool
) -> None:
    assert rules.periods_overlap(*a, *b) is overlap
    assert rules.periods_overlap(*b, *a) is overlap
