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
    ("level", "required", "expected"),
    [
        ("province", "province", True),
        ("province", "city", True),
        ("province", "county", True),
        ("city", "province", False),
        ("city", "city", True),
        ("city", "county", True),  # jiangsu-2020 §五: basic may be merged into the city's
        ("county", "city", False),
        ("county", "county", True),
        ("nowhere", "county", False),
    ],
)
def test_it_orders_administrative_levels(level: str, required: str, expected: bool) -> None:
    assert rules.level_at_least(level, required) is expected


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
    role: str, organiser: bool = False, institution: bool = False, region: bool = False
) -> rules.IssuerFacts:
    return rules.IssuerFacts(
        role=role, is_organiser=organiser, is_institution=institution, governs_region=region
    )


SHAANXI = ["qualified_institution"]
JIANGSU = ["organiser", "qualified_institution"]
HANGZHOU = ["government_quality_department", "qualified_institution"]


@pytest.mark.parametrize(
    ("who", "allowed", "expected"),
    [
        # shaanxi-2021 §五(一): a qualified 承办机构 only
        (facts("trainer", institution=True), SHAANXI, "qualified_institution"),
        (facts("trainer", organiser=True), SHAANXI, "qualified_institution"),
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
        (facts("trainer", organiser=True), HANGZHOU, "qualified_institution"),
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
