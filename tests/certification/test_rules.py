"""The pure rules, table-driven at every boundary (level-standard §5.2, Annex A and B;
SPEC §12.3–§12.5, §12.16)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from cqo.certification import rules
from cqo.policy import schema

D = Decimal


@pytest.fixture(scope="module")
def spec() -> schema.Certification:
    from pathlib import Path

    text = (
        Path(__file__).resolve().parents[2] / "cqo" / "policy" / "packs" / "level-standard.toml"
    ).read_text()
    found = schema.parse(text).certification
    assert found is not None
    return found


# A sheet whose primary subtotals are given: 8.1 → 8.1.1 (rest 0), 8.4 → 8.4.1/8.4.2, 8.5 → 8.5.1…
def sheet(a: str, i: str, k: str, ab: str, p: str) -> dict[str, Decimal]:
    out = {
        c: D(0)
        for c in [
            "8.1.1",
            "8.1.2",
            "8.2",
            "8.3",
            "8.4.1",
            "8.4.2",
            "8.4.3",
            "8.4.4",
            "8.5.1",
            "8.5.2",
            "8.5.3",
            "8.5.4",
            "8.5.5",
        ]
    }
    out["8.1.1"] = min(D(a), D(100))
    out["8.1.2"] = D(a) - out["8.1.1"]
    out["8.2"], out["8.3"] = D(i), D(k)
    out["8.4.2"] = min(D(ab), D(100))
    out["8.4.1"] = min(D(ab) - out["8.4.2"], D(80))
    out["8.4.3"] = D(ab) - out["8.4.2"] - out["8.4.1"]
    rest = D(p)
    for code, mx in (("8.5.1", 150), ("8.5.3", 100), ("8.5.2", 60), ("8.5.4", 50), ("8.5.5", 40)):
        out[code] = min(rest, D(mx))
        rest -= out[code]
    return out


@pytest.mark.parametrize(
    ("scores", "total", "grade", "unmet"),
    [
        # B.1: the minimums sum to exactly 300 (40+50+40+90+80)
        (("40", "50", "40", "90", "80"), "300", "AAA", []),
        (("40", "50", "40", "90", "79.9"), "299.9", None, ["8.5"]),
        # each 表 B.1 minimum one below (0.1) and at, with a total well above 300
        (("39.9", "80", "90", "150", "200"), "559.9", None, ["8.1"]),
        (("40", "80", "90", "150", "200"), "560", "AAA", []),
        (("100", "49.9", "90", "150", "200"), "589.9", None, ["8.2"]),
        (("100", "50", "90", "150", "200"), "590", "AAA", []),
        (("100", "80", "39.9", "150", "200"), "569.9", None, ["8.3"]),
        (("100", "80", "40", "150", "200"), "570", "AAA", []),
        (("100", "80", "90", "89.9", "200"), "559.9", None, ["8.4"]),
        (("100", "80", "90", "90", "200"), "560", "AAA", []),
        (("100", "80", "90", "150", "79.9"), "499.9", None, ["8.5"]),
        (("100", "80", "90", "150", "80"), "500", "AAA", []),
        # 表 B.2 half-open bands with one-decimal panel means
        (("100", "80", "90", "150", "179.9"), "599.9", "AAA", []),
        (("100", "80", "90", "150", "180"), "600", "AAAA", []),
        (("150", "80", "90", "200", "279.9"), "799.9", "AAAA", []),
        (("150", "80", "90", "200", "280"), "800", "AAAAA", []),
        (("150", "80", "90", "280", "400"), "1000", "AAAAA", []),
        # several minimums unmet at once
        (("0", "0", "0", "0", "0"), "0", None, ["8.1", "8.2", "8.3", "8.4", "8.5"]),
    ],
)
def test_it_grades_every_annex_b_boundary(spec, scores, total, grade, unmet) -> None:
    g = rules.grade(spec, sheet(*scores))
    assert g.total == D(total)
    assert g.grade == grade
    assert [u.code for u in g.unmet] == unmet
    assert sum(g.subtotals.values()) == D(total)


def test_it_names_thirteen_cells(spec) -> None:
    assert [c.code for c in rules.cells(spec)] == [
        "8.1.1",
        "8.1.2",
        "8.2",
        "8.3",
        "8.4.1",
        "8.4.2",
        "8.4.3",
        "8.4.4",
        "8.5.1",
        "8.5.2",
        "8.5.3",
        "8.5.4",
        "8.5.5",
    ]
    assert sum(c.max for c in rules.cells(spec)) == 1000


def full(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "8.1.1": 80,
        "8.1.2": 40,
        "8.2": 70,
        "8.3": 70,
        "8.4.1": 60,
        "8.4.2": 80,
        "8.4.3": 45,
        "8.4.4": 30,
        "8.5.1": 110,
        "8.5.2": 40,
        "8.5.3": 60,
        "8.5.4": 35,
        "8.5.5": 20,
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"8.1.1": 100.1}, "8.1.1"),
        ({"8.5.5": 41}, "8.5.5"),
        ({"8.2": 81}, "8.2"),
        ({"8.3": -1}, "8.3"),
        ({"8.4.1": "abc"}, "8.4.1"),
        ({"8.4.2": "NaN"}, "8.4.2"),
        ({"8.4.3": 10.25}, "8.4.3"),
        ({"8.4.4": True}, "8.4.4"),
        ({"9.9": 1}, "9.9"),
        ({"8.1": 100}, "8.1"),  # a first-level indicator with cells is not itself scored
        ({"8.5.1": None}, "8.5.1"),
    ],
)
def test_it_rejects_bad_scores_keyed_by_code(spec, overrides, code) -> None:
    scores, errors = rules.parse_scores(spec, full(**overrides))
    assert code in errors
    assert code not in scores


def test_it_accepts_each_maximum_and_zero(spec) -> None:
    scores, errors = rules.parse_scores(spec, {c.code: c.max for c in rules.cells(spec)})
    assert errors == {}
    assert rules.grade(spec, scores).total == 1000
    scores, errors = rules.parse_scores(
        spec, dict.fromkeys((c.code for c in rules.cells(spec)), "0")
    )
    assert errors == {} and rules.grade(spec, scores).grade is None


def test_it_requires_every_cell_unless_partial(spec) -> None:
    values = full()
    del values["8.5.4"]
    _s, errors = rules.parse_scores(spec, values)
    assert list(errors) == ["8.5.4"]
    _s, errors = rules.parse_scores(spec, values, partial=True)
    assert errors == {}


def test_it_means_the_panel_to_one_decimal_half_up() -> None:
    means = rules.panel_scores([{"8.2": D("70")}, {"8.2": D("71")}, {"8.2": D("71")}])
    assert means == {"8.2": D("70.7")}  # 70.666…
    assert rules.panel_scores([{"8.2": D("70")}, {"8.2": D("70.5")}]) == {"8.2": D("70.3")}  # 70.25
    assert rules.panel_scores([]) == {}


P = rules.Period


@pytest.mark.parametrize(
    ("periods", "on", "months"),
    [
        ([P(dt.date(2024, 6, 15), None, True)], dt.date(2026, 6, 14), 24),  # exactly 2 years
        ([P(dt.date(2024, 6, 15), None, True)], dt.date(2026, 6, 13), 23),
        ([P(dt.date(2024, 6, 15), None, False)], dt.date(2026, 6, 14), 0),  # other posts
        # overlaps counted once
        (
            [
                P(dt.date(2018, 1, 1), dt.date(2022, 12, 31), True),
                P(dt.date(2020, 1, 1), None, True),
            ],
            dt.date(2026, 12, 31),
            108,
        ),
        # gaps are not counted; leftover days add up at 31 a month
        (
            [
                P(dt.date(2020, 1, 1), dt.date(2020, 1, 16), True),
                P(dt.date(2021, 1, 1), dt.date(2021, 1, 15), True),
            ],
            dt.date(2026, 1, 1),
            1,
        ),
        # time after the application date is not counted
        ([P(dt.date(2025, 1, 1), dt.date(2030, 1, 1), True)], dt.date(2026, 1, 1), 12),
        ([P(dt.date(2027, 1, 1), None, True)], dt.date(2026, 1, 1), 0),
    ],
)
def test_it_counts_related_months(periods, on, months) -> None:
    assert rules.related_months(periods, on) == months


@pytest.mark.parametrize(
    ("months", "level"),
    [(0, None), (23, None), (24, "AAA"), (47, "AAA"), (48, "AAAA"), (95, "AAAA"), (96, "AAAAA")],
)
def test_it_allows_levels_by_years_with_n_included(spec, months, level) -> None:
    assert rules.level_by_years(spec, months) == level


@pytest.mark.parametrize(
    ("levels", "awarded"),
    [
        (("AAAAA", "AAAA", "AAAAA"), "AAAA"),
        (("AAA", "AAAAA", "AAAAA"), "AAA"),
        (("AAAAA", "AAAAA", "AAAA"), "AAAA"),
        ((None, "AAA", "AAA"), None),
        (("AAAA", "AAAA", None), None),
    ],
)
def test_it_awards_the_lowest_level(levels, awarded) -> None:
    assert rules.lowest(*levels) == awarded


def test_it_numbers_and_reissues_traceably() -> None:
    n = rules.certificate_number("SXZX", 2026, 7)
    assert re.fullmatch(r"CQO2026-SXZX-00007-[0-9A-Z]{6}", n) and rules.number_valid(n)
    assert rules.reissue_number(n, 1) == f"{n}-R1"
    assert rules.reissue_number(f"{n}-R1", 2) == f"{n}-R2"
    assert rules.number_valid(f"{n}-R2")
    assert rules.original_number(f"{n}-R2") == n
    assert not rules.number_valid("../etc/passwd")


def test_it_numbers_certificates_so_that_a_neighbour_cannot_be_guessed() -> None:
    numbers = {rules.certificate_number("SXZX", 2026, 7) for _ in range(200)}
    # the same sequence number gets a fresh random part each time
    assert len(numbers) == 200
    # the neighbour's number with this one's check part: the check character gives it away
    first = rules.certificate_number("SXZX", 2026, 7)
    assert not rules.number_valid(first.replace("-00007-", "-00008-"))


def test_it_refuses_a_mistyped_check_part() -> None:
    n = rules.certificate_number("SXZX", 2026, 7)
    body, check = n[:-1], n[-1]
    for other in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if other != check:
            assert not rules.number_valid(body + other)
    swapped = n[:-3] + n[-2] + n[-3] + n[-1]
    assert swapped == n or not rules.number_valid(swapped)


@pytest.mark.parametrize(
    "number", ["CQO2021-SXZX-00001", "CQO2026-SXZX-12345-R1", "CQO2026-RX-00001-R12"]
)
def test_it_keeps_numbers_issued_without_a_check_part(number: str) -> None:
    assert rules.number_valid(number)


def test_it_reissues_a_body_whose_code_starts_with_r() -> None:
    assert rules.reissue_number("CQO2026-RX-00001", 1) == "CQO2026-RX-00001-R1"
    assert rules.reissue_number("CQO2026-RX-00001-R1", 2) == "CQO2026-RX-00001-R2"


def test_it_shows_the_public_only_the_printed_facts() -> None:
    content = {
        "number": "CQO2026-SXZX-00001",
        "holder": "李堃",
        "holder_id": "6b1f…",
        "organisation": "西安示例精密制造有限公司",
        "level": "AAA",
        "level_label": "首席质量官能力水平 AAA 级",
        "body": "陕西省质量协会",
        "body_uscc": "51610000MJ0000000X",
        "issued_on": "2026-06-15",
        "valid_until": "2029-06-14",
        "reissued_on": "",
        "supersedes": "",
        "application": "0d7e…",
        "total": "612.5",
        "standard": "首席质量官能力水平认定（level-standard 1，2023-01-01 起）",
        "basis": "level-standard §9.4.1.1, 附录B",
    }
    shown = rules.public_facts(content)
    assert shown["holder"] == "李堃" and shown["organisation"] == "西安示例精密制造有限公司"
    assert not {"holder_id", "application", "total", "standard", "basis"} & set(shown)


def test_it_ends_validity_the_day_before_the_anniversary() -> None:
    assert rules.valid_until(dt.date(2026, 6, 15), 3) == dt.date(2029, 6, 14)
    assert rules.valid_until(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 27)


TODAY = dt.date(2026, 6, 15)
UNTIL = dt.date(2028, 1, 1)


@pytest.mark.parametrize(
    ("action", "status", "changed", "until", "ok"),
    [
        ("suspend", "valid", None, UNTIL, True),
        ("discontinue", "valid", None, UNTIL, True),
        ("suspend", "suspended", TODAY, UNTIL, False),
        ("suspend", "valid", None, dt.date(2026, 6, 14), False),  # expired
        ("withdraw", "suspended", TODAY, UNTIL, True),
        ("void", "discontinued", TODAY, UNTIL, True),
        ("void", "withdrawn", TODAY, UNTIL, False),
        ("lift", "valid", None, UNTIL, False),
        ("lift", "suspended", TODAY - dt.timedelta(days=365), UNTIL, True),  # within one year
        ("lift", "suspended", TODAY - dt.timedelta(days=366), UNTIL, False),
        ("lift", "discontinued", TODAY - dt.timedelta(days=10), UNTIL, True),
        ("lift", "discontinued", TODAY - dt.timedelta(days=10), dt.date(2026, 6, 1), False),
        ("lift", "void", TODAY, UNTIL, False),
        ("suspend", "superseded", TODAY, UNTIL, False),
        ("explode", "valid", None, UNTIL, False),
    ],
)
def test_it_allows_supervision_per_section_11(action, status, changed, until, ok) -> None:
    error = rules.supervision_error(
        action=action,
        status=status,
        changed_on=changed,
        valid_until=until,
        today=TODAY,
        lift_within_days=365,
    )
    assert (error is None) is ok


@pytest.mark.parametrize(
    ("left", "due"),
    [(91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)],
)
def test_it_picks_the_most_urgent_reminder(left, due) -> None:
    until = TODAY + dt.timedelta(days=left)
    assert rules.reminder_due(until, TODAY, [90, 30, 7]) == due


def test_it_shows_a_past_valid_certificate_as_expired() -> None:
    assert rules.shown_status("valid", dt.date(2026, 6, 14), TODAY) == "expired"
    assert rules.shown_status("valid", TODAY, TODAY) == "valid"
    assert rules.shown_status("suspended", dt.date(2026, 1, 1), TODAY) == "suspended"
