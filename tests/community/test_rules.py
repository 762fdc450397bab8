"""The community's pure rules, table-driven at their boundaries: phases, scoring bounds, the
mean judge score, the ranking with ties (cqo.community.rules docstring), attachments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cqo.community import rules

D = Decimal
T0 = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)


def entry(key: str, score: str, minutes: int) -> rules.Entry:
    return rules.Entry(key, T0 + dt.timedelta(minutes=minutes), D(score))


WINDOWS = {
    "submission_opens": dt.date(2026, 5, 1),
    "submission_closes": dt.date(2026, 5, 31),
    "judging_opens": dt.date(2026, 6, 10),
    "judging_closes": dt.date(2026, 6, 20),
}


@pytest.mark.parametrize(
    ("day", "published", "expected"),
    [
        (dt.date(2026, 4, 30), False, "upcoming"),
        (dt.date(2026, 5, 1), False, "submission"),
        (dt.date(2026, 5, 31), False, "submission"),
        (dt.date(2026, 6, 1), False, "waiting"),
        (dt.date(2026, 6, 10), False, "judging"),
        (dt.date(2026, 6, 20), False, "judging"),
        (dt.date(2026, 6, 21), False, "closed"),
        (dt.date(2026, 6, 15), True, "published"),
    ],
)
def test_it_places_a_day_in_its_phase(day: dt.date, published: bool, expected: str) -> None:
    assert rules.phase(today=day, published=published, **WINDOWS) == expected


def test_it_requires_the_windows_in_order() -> None:
    d = dt.date
    assert rules.window_errors(*WINDOWS.values()) == {}
    assert set(rules.window_errors(d(2026, 5, 2), d(2026, 5, 1), None, None)) == {
        "submission_closes"
    }
    # judging may not open on the day submission closes
    assert set(rules.window_errors(None, d(2026, 5, 31), d(2026, 5, 31), None)) == {"judging_opens"}
    assert set(rules.window_errors(None, None, d(2026, 6, 2), d(2026, 6, 1))) == {"judging_closes"}


@pytest.mark.parametrize(
    ("points", "ok"),
    [
        ("0", True),
        ("20", True),
        ("19.9", True),
        ("20.1", False),
        ("-0.1", False),
        ("10.25", False),
        ("NaN", False),
        ("Infinity", False),
    ],
)
def test_it_bounds_points_by_the_criterion_maximum(points: str, ok: bool) -> None:
    assert (rules.points_error(D(points), 20) is None) is ok


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([], None),
        (["80"], D("80.00")),
        (["80", "81"], D("80.50")),
        (["80", "80", "81"], D("80.33")),
        (["80", "81", "81"], D("80.67")),
        (["80.1", "80.0", "80.0", "80.0", "80.0", "80.0", "80.0", "80.0"], D("80.01")),
    ],
)
def test_it_takes_the_mean_of_the_judges_totals_half_up(
    totals: list[str], expected: Decimal | None
) -> None:
    assert rules.case_score([D(t) for t in totals]) == expected


def test_it_ranks_tied_cases_together_ordered_by_submission_time_then_number() -> None:
    placed = rules.rank(
        [
            entry("c-late", "85.50", 30),
            entry("a-top", "90.00", 50),
            entry("b-early", "85.50", 10),
            entry("z-same-time", "85.50", 10),
            entry("d-low", "70.00", 0),
        ],
        awards=2,
    )
    assert [(p.key, p.rank, p.awarded) for p in placed] == [
        ("a-top", 1, True),
        ("b-early", 2, True),  # tied at 2: earlier submission first
        ("z-same-time", 2, True),  # same score and time: case number decides the order
        ("c-late", 2, True),  # a tie at the last awarded rank awards every tied case
        ("d-low", 5, False),  # competition ranking: the next rank skips the tied places
    ]


def test_it_does_not_depend_on_the_input_order() -> None:
    items = [entry("a", "80", 3), entry("b", "80", 1), entry("c", "79.99", 0)]
    assert rules.rank(items, awards=1) == rules.rank(list(reversed(items)), awards=1)
    assert [p.rank for p in rules.rank(items, awards=1)] == [1, 1, 3]


def test_it_keeps_judges_off_their_own_and_their_enterprise_s_cases() -> None:
    judge = rules.JudgeIdentity(person_id=7, enterprise_ids=frozenset({3}))
    assert rules.conflicted(judge, person_id=7, enterprise_id=9)
    assert rules.conflicted(judge, person_id=8, enterprise_id=3)
    assert not rules.conflicted(judge, person_id=8, enterprise_id=9)
    assert not rules.conflicted(
        rules.JudgeIdentity(None, frozenset()), person_id=8, enterprise_id=9
    )


@pytest.mark.parametrize(
    ("name", "size", "head", "ok"),
    [
        ("case.pdf", 1000, b"%PDF-1.7", True),
        ("case.PDF", 1000, b"%PDF-1.7", True),
        ("slides.pptx", 1000, b"PK\x03\x04", True),
        ("photo.png", 10, b"\x89PNG\r\n\x1a\n", True),
        ("photo.jpg", rules.MAX_ATTACHMENT_BYTES, b"\xff\xd8\xff\xe0", True),
        ("photo.jpg", rules.MAX_ATTACHMENT_BYTES + 1, b"\xff\xd8\xff\xe0", False),
        ("case.pdf", 0, b"", False),
        ("case.exe", 100, b"MZ", False),
        ("noext", 100, b"%PDF", False),
        ("fake.pdf", 100, b"MZ\x90\x00", False),
    ],
)
def test_it_checks_attachment_type_and_size(name: str, size: int, head: bytes, ok: bool) -> None:
    assert (rules.attachment_error(name, size, head) is None) is ok
