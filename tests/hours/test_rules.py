"""Yearly compliance as pure functions, at the edges (SPEC §5, §12.7, §12.13)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from cqo.hours import rules

SHAANXI = rules.Requirement(
    Decimal(30), ("online_self_study",), True, "shaanxi-2021 §五(一)", "shaanxi-2021"
)
HANGZHOU = rules.Requirement(
    Decimal(40), ("online_self_study", "offline_training"), False, "hangzhou-spec", "hz"
)
NONE = rules.Requirement(None, (), False, "", "national-default")


def rec(kind: str, hours: str, day: str = "2026-05-01") -> rules.Record:
    return rules.Record(kind, Decimal(hours), dt.date.fromisoformat(day))


@pytest.mark.parametrize(("hours", "met"), [("29.9", False), ("30", True), ("30.5", True)])
def test_the_shaanxi_minimum_just_inside_and_outside(hours, met):
    c = rules.evaluate(
        year=2026, requirement=SHAANXI, records=[rec("online_self_study", hours)], serving=True
    )
    assert c.met is met
    assert c.pack.shortfall == max(Decimal(0), Decimal(30) - Decimal(hours))


def test_only_the_kinds_the_pack_names_count():
    records = [rec("online_self_study", "20"), rec("offline_training", "20")]
    shaanxi = rules.evaluate(year=2026, requirement=SHAANXI, records=records, serving=True)
    hangzhou = rules.evaluate(year=2026, requirement=HANGZHOU, records=records, serving=True)
    assert (shaanxi.pack.counted_hours, shaanxi.met) == (Decimal(20), False)
    assert (hangzhou.pack.counted_hours, hangzhou.met) == (Decimal(40), True)


def test_records_count_in_their_calendar_year_only():
    records = [
        rec("online_self_study", "20", "2025-12-31"),
        rec("online_self_study", "15", "2026-01-01"),
    ]
    c = rules.evaluate(year=2026, requirement=SHAANXI, records=records, serving=True)
    assert c.pack.counted_hours == Decimal(15)


@pytest.mark.parametrize(
    ("start", "exempt"),
    [("2026-09-30", False), ("2026-10-01", False), ("2026-10-02", True), ("2025-11-01", False)],
)
def test_a_cqo_first_appointed_after_1_october_is_exempt_that_year(start, exempt):
    first = dt.date.fromisoformat(start)
    c = rules.evaluate(
        year=2026,
        requirement=SHAANXI,
        records=[],
        serving=True,
        first_start=first if first.year == 2026 else None,
    )
    assert c.exempt is exempt
    assert c.met is (None if exempt else False)


def test_a_prospective_cqo_collects_hours_without_a_requirement():
    c = rules.evaluate(
        year=2026, requirement=SHAANXI, records=[rec("online_self_study", "5")], serving=False
    )
    assert c.met is None and c.pack.counted_hours == Decimal(5)
    assert "拟任" in rules.status_label(c)


def test_no_minimum_in_the_pack_is_no_verdict():
    c = rules.evaluate(year=2026, requirement=NONE, records=[], serving=True)
    assert c.met is None


def test_in_principle_shortfall_is_worded_as_a_warning():
    c = rules.evaluate(year=2026, requirement=SHAANXI, records=[], serving=True)
    assert "原则性要求" in rules.status_label(c)
    strict = rules.evaluate(year=2026, requirement=HANGZHOU, records=[], serving=True)
    assert rules.status_label(strict) == "未达标"


LEVEL = rules.Continuing(10, 1, "level-standard §9.4.1.2")


def test_a_certified_cqo_also_meets_level_standard_9_4_1_2():
    records = [rec("online_self_study", "30"), rec("lecture", "9.5")]
    c = rules.evaluate(
        year=2026, requirement=SHAANXI, records=records, serving=True, continuing=LEVEL
    )
    pack, level = c.regimes
    assert pack.met is True
    assert level.clause == "level-standard §9.4.1.2"
    assert level.met is False  # 39.5 学时 of study, but no training organised
    assert c.continuing is level and c.met is False
    records.append(rec("organised_training", "0"))
    c = rules.evaluate(
        year=2026, requirement=SHAANXI, records=records, serving=True, continuing=LEVEL
    )
    assert c.regimes[1].met is True and c.met is True


@pytest.mark.parametrize(
    ("hours", "organised", "met"),
    [
        ("9.9", 1, False),
        ("10", 1, True),
        ("10", 0, False),
        ("25", 2, True),
    ],
)
def test_the_continuing_education_boundaries_come_from_the_pack(hours, organised, met):
    # level-standard §9.4.1.2: ≥ 10 学时 and ≥ 1 training organised, the certification pack's
    records = [rec("lecture", hours)] + [rec("organised_training", "0")] * organised
    c = rules.evaluate(year=2026, requirement=NONE, records=records, serving=True, continuing=LEVEL)
    assert c.continuing is not None and c.continuing.met is met
    assert c.met is met  # the pack asks nothing; the certificate decides
    stricter = rules.Continuing(12, 1, "example §9")
    c = rules.evaluate(
        year=2026, requirement=NONE, records=records, serving=True, continuing=stricter
    )
    assert c.continuing.required_hours == Decimal(12)


def test_a_prospective_holder_owes_continuing_education_too():
    # the certificate's regime does not depend on serving (level-standard §9.4.1.2)
    c = rules.evaluate(year=2026, requirement=HANGZHOU, records=[], serving=False, continuing=LEVEL)
    assert c.pack.required_hours is None and c.continuing.met is False and c.met is False
    assert rules.status_label(c) == "未达标"


def test_the_older_spelling_needs_the_packs_values():
    with pytest.raises(ValueError):
        rules.evaluate(year=2026, requirement=NONE, records=[], serving=True, certified=True)


@pytest.mark.parametrize(
    ("prospective", "counted", "met", "label"),
    [
        (True, "29.9", False, "未达标（原则性要求，提示）"),
        (True, "30", True, "已达标"),
        (False, "30", None, "拟任（不作要求）"),
    ],
)
def test_a_prospective_cqo_is_bound_where_the_pack_names_them(prospective, counted, met, label):
    # shaanxi-2021 §五(一) "支持拟任和现任首席质量官在线自学…每年累计线上自学应不少于30个学时"
    requirement = dataclasses.replace(SHAANXI, prospective=prospective)
    c = rules.evaluate(
        year=2026,
        requirement=requirement,
        records=[rec("online_self_study", counted)],
        serving=False,
    )
    assert c.met is met and c.required is prospective
    assert rules.status_label(c) == label


@pytest.mark.parametrize(
    ("qualified_only", "qualified", "counted"),
    [(True, True, "40"), (True, False, "0"), (False, False, "40"), (False, True, "40")],
)
def test_only_qualified_institutions_count_where_the_pack_says_so(
    qualified_only, qualified, counted
):
    # hangzhou-spec 聘用与培训·培训 "具备首席质量官培训资质的机构组织的…不少于40学时"
    requirement = dataclasses.replace(HANGZHOU, qualified_only=qualified_only)
    record = rules.Record("offline_training", Decimal(40), dt.date(2026, 5, 1), qualified)
    c = rules.evaluate(year=2026, requirement=requirement, records=[record], serving=True)
    assert c.pack.counted_hours == Decimal(counted)
    assert c.met is (counted == "40")


@pytest.mark.parametrize(
    ("kinds", "qualified_only", "kind", "qualified", "reason"),
    [
        (("offline_training",), False, "offline_training", False, ""),
        (("offline_training",), False, "publication", False, "该类活动不计入本地区年度学时"),
        (("offline_training",), True, "offline_training", True, ""),
        (
            ("offline_training",),
            True,
            "offline_training",
            False,
            "非具备首席质量官培训资质的机构组织，不计入",
        ),
        ((), False, "offline_training", True, "该类活动不计入本地区年度学时"),
    ],
)
def test_a_record_that_does_not_count_says_why(kinds, qualified_only, kind, qualified, reason):
    req = rules.Requirement(
        Decimal(40),
        kinds,
        False,
        "hangzhou-spec 聘用与培训·培训",
        "杭州",
        qualified_only=qualified_only,
    )
    rec = rules.Record(kind, Decimal(8), dt.date(2026, 3, 1), qualified, 7)
    assert rules.reason_not_counted(req, rec) == reason
    c = rules.evaluate(year=2026, requirement=req, records=[rec], serving=True)
    assert c.pack is not None
    assert c.pack.not_counted == (((7, reason),) if reason else ())
