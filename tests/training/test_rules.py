"""The pure rules of training, table-driven at every boundary."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from cqo.training import rules


@pytest.mark.parametrize(
    ("method", "pass_mark", "min_attendance", "attendance", "score", "expected"),
    [
        # exam / assignment: the score reaches the pass mark (inclusive)
        ("exam", 60, None, 100, Decimal("60"), True),
        ("exam", 60, None, 100, Decimal("59"), False),
        ("exam", 60, None, 100, Decimal("59.9"), False),
        ("exam", 60, None, 100, Decimal("100"), True),
        ("exam", 0, None, 100, Decimal("0"), True),
        ("exam", 100, None, 100, Decimal("99.9"), False),
        ("assignment", 75, None, 50, Decimal("75"), True),
        ("assignment", 75, None, 50, Decimal("74"), False),
        # incomplete: no attendance yet, or attended but not yet scored
        ("exam", 60, None, None, Decimal("90"), None),
        ("exam", 60, None, 100, None, None),
        # absent: failed whatever the score
        ("exam", 60, None, 0, Decimal("90"), False),
        # attendance: the share attended reaches the minimum (inclusive)
        ("attendance", None, 80, 80, None, True),
        ("attendance", None, 80, 79, None, False),
        ("attendance", None, 80, 100, None, True),
        ("attendance", None, 100, 99, None, False),
        ("attendance", None, 1, 1, None, True),
        ("attendance", None, 80, 0, None, False),
        ("attendance", None, 80, None, None, None),
    ],
)
def test_it_decides_who_passed(
    method: str,
    pass_mark: int | None,
    min_attendance: int | None,
    attendance: int | None,
    score: Decimal | None,
    expected: bool | None,
) -> None:
    assert (
        rules.passed(
            method=method,
            pass_mark=pass_mark,
            min_attendance=min_attendance,
            attendance=attendance,
            score=score,
        )
        is expected
    )


@pytest.mark.parametrize(
    ("forms", "kind"),
    [
        (["online"], "online_self_study"),
        (["lecture"], "offline_training"),
        (["lecture", "online"], "offline_training"),
        (["case_study", "group_discussion", "site_visit"], "offline_training"),
    ],
)
def test_it_picks_the_study_record_kind_from_the_forms(forms: list[str], kind: str) -> None:
    assert rules.record_kind(forms) == kind


def facts(
    role: str,
    organiser: bool = False,
    institution: bool = False,
    region: bool = False,
    qualified: bool | None = None,
) -> rules.IssuerFacts:
    """``qualified`` defaults to whether the actor is the course's 承办机构 (a qualified one)."""
    return rules.IssuerFacts(
        role=role,
        is_organiser=organiser,
        is_institution=institution,
        governs_region=region,
        is_qualified=institution if qualified is None else qualified,
    )


SHAANXI = ["qualified_institution"]
JIANGSU = ["organiser", "qualified_institution"]
HANGZHOU = ["government_quality_department", "qualified_institution"]


@pytest.mark.parametrize(
    ("who", "allowed", "expected"),
    [
        # shaanxi-2021 §五(一): a qualified 承办机构 only
        (facts("trainer", institution=True), SHAANXI, "qualified_institution"),
        # the 承办机构 without a valid qualification on the day, and an institution that
        # organised a course itself (no longer possible: it only runs the organiser's)
        (facts("trainer", institution=True, qualified=False), SHAANXI, None),
        (facts("trainer", organiser=True, qualified=True), SHAANXI, None),
        (facts("regulator", organiser=True, region=True), SHAANXI, None),
        (facts("certifier", organiser=True), SHAANXI, None),
        (facts("trainer"), SHAANXI, None),  # a trainer with nothing to do with the course
        # jiangsu-2020 §五: the organiser or a qualified 承办机构
        (facts("regulator", organiser=True, region=True), JIANGSU, "organiser"),
        (facts("certifier", organiser=True), JIANGSU, "organiser"),
        (facts("trainer", institution=True), JIANGSU, "qualified_institution"),
        (facts("regulator", region=True), JIANGSU, None),
        # hangzhou-spec: the government quality department or a qualified institution
        (facts("regulator", region=True), HANGZHOU, "government_quality_department"),
        (facts("regulator"), HANGZHOU, None),
        (facts("certifier", organiser=True), HANGZHOU, None),
        (facts("trainer", institution=True), HANGZHOU, "qualified_institution"),
        (facts("trainer", institution=True, qualified=False), HANGZHOU, None),
        (facts("cqo"), HANGZHOU, None),
    ],
)
def test_it_allows_only_the_packs_issuers(
    who: rules.IssuerFacts, allowed: list[str], expected: str | None
) -> None:
    assert rules.issuer_kind(who, allowed) == expected


def test_it_numbers_certificates_traceably() -> None:
    n = rules.certificate_number("610000", 2026, 1)
    assert re.fullmatch(r"PX610000202600001-[0-9A-Z]{6}", n) and rules.number_valid(n)
    assert rules.certificate_number("320581", 2026, 12345).startswith("PX320581202612345-")
    assert rules.certificate_prefix("610000", 2026) == "PX6100002026"


def test_it_numbers_certificates_so_that_a_neighbour_cannot_be_guessed() -> None:
    n = rules.certificate_number("610000", 2026, 1)
    assert len({rules.certificate_number("610000", 2026, 1) for _ in range(200)}) == 200
    body, check = n[:-1], n[-1]
    assert all(
        not rules.number_valid(body + c)
        for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if c != check
    )


@pytest.mark.parametrize("number", ["PX610000202600001", "PX320581202612345", "PX6100002026123456"])
def test_it_keeps_numbers_issued_without_a_check_part(number: str) -> None:
    assert rules.number_valid(number)


@pytest.mark.parametrize("number", ["PX1", "PX610000202600001-", "px610000202600001", "PX 1"])
def test_it_refuses_a_malformed_number(number: str) -> None:
    assert not rules.number_valid(number)


def test_it_shows_the_public_only_the_printed_facts() -> None:
    content = {
        "number": "PX610000202600001",
        "holder": "李堃",
        "holder_id": "6b1f…",
        "course": "首席质量官基础培训",
        "course_id": "0d7e…",
        "hours": "24.0",
        "score": "85.0",
        "attendance": "100",
        "region": "610000",
        "pack": "shaanxi-2021",
        "issuer": "陕西省质量协会",
        "issued_on": "2026-06-15",
    }
    shown = rules.public_facts(content)
    assert shown["holder"] == "李堃" and shown["course"] == "首席质量官基础培训"
    assert not {"holder_id", "course_id", "score", "attendance", "region", "pack"} & set(shown)


def test_it_hashes_content_independently_of_key_order() -> None:
    a = {"number": "PX1", "holder": "李堃", "hours": "24.0"}
    b = {"hours": "24.0", "holder": "李堃", "number": "PX1"}
    assert rules.content_hash(a) == rules.content_hash(b)
    assert len(rules.content_hash(a)) == 64
    assert rules.content_hash(a) != rules.content_hash({**a, "hours": "24.5"})


@pytest.mark.parametrize(
    ("level", "tier_level", "merge", "expected"),
    [
        # each tier by the regulator of its level (shaanxi-2021 §五(一), jiangsu-2020 §五)
        ("province", "province", False, True),
        ("city", "city", False, True),
        ("county", "county", False, True),
        ("province", "city", False, False),
        ("province", "county", True, False),
        ("city", "province", True, False),
        ("county", "city", True, False),
        # jiangsu-2020 §五: basic merged into the city's, only where the pack allows it
        ("city", "county", True, True),
        ("city", "county", False, False),
        ("", "county", True, False),  # not a regulator
    ],
)
def test_only_the_tiers_level_organises_it(
    level: str, tier_level: str, merge: bool, expected: bool
) -> None:
    assert rules.may_organise_tier(level, tier_level, county_may_merge=merge) is expected


@pytest.mark.parametrize(
    ("hours", "attendance", "full_at", "expected"),
    [
        # SPEC §12.25: prorated by the share attended, rounded down to a tenth
        ("8", 0, None, "0"),
        ("8", 1, None, "0"),  # 0.08 rounds down
        ("8", 49, None, "3.9"),  # 3.92
        ("8", 50, None, "4"),
        ("8", 51, None, "4"),  # 4.08
        ("8", 99, None, "7.9"),  # 7.92
        ("8", 100, None, "8"),
        ("24", 75, None, "18"),
        ("2.5", 50, None, "1.2"),  # 1.25 rounds down
        # a pack minimum for full 学时: at it and above full, below it prorated
        ("8", 80, 80, "8"),
        ("8", 79, 80, "6.3"),  # 6.32
        ("8", 50, 50, "8"),
        ("8", 49, 50, "3.9"),
        ("8", 0, 50, "0"),
    ],
)
def test_it_counts_the_hours_attended(
    hours: str, attendance: int, full_at: int | None, expected: str
) -> None:
    assert rules.earned_hours(Decimal(hours), attendance, full_at) == Decimal(expected)
