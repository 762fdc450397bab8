"""Identifier and contact validators (SPEC §2, §10): every check digit, every boundary."""

from __future__ import annotations

import datetime as dt
import random
import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from cqo.lib.codes import make_id_number
from cqo.reference.enums import Gender
from cqo.reference.validators import (
    org_code_check_digit,
    validate_email,
    validate_id_number,
    validate_landline,
    validate_mobile,
    validate_uscc,
    validate_website,
)

# Published on the national enterprise credit information system (Shenzhen enterprises).
REAL_USCCS = ["9144030027939873X7", "91440300192317458F"]
# GB 32100-2015 §4.2: the 31 characters a USCC may use (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN = "IOZSV"

TODAY = dt.date(2026, 6, 15)


def code_of(exc_info: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return exc_info.value.code


def with_uscc_check(head: str) -> str:
    return head + uscc.calc_check_digit(head)


def with_ric_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


# USCC --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", REAL_USCCS)
def test_it_accepts_real_published_usccs(value):
    assert validate_uscc(value) == value


@pytest.mark.parametrize("value", REAL_USCCS)
def test_it_normalises_lower_case_and_separators(value):
    assert validate_uscc(value.lower()) == value
    assert validate_uscc(f" {value[:8]}-{value[8:]} ") == value


def _check_char_substitutions() -> list[tuple[str, str]]:
    cases = []
    for real in REAL_USCCS:
        for c in USCC_ALPHABET + FORBIDDEN:
            if c != real[-1]:
                cases.append((real[:-1] + c, "uscc_format" if c in FORBIDDEN else "uscc_checksum"))
    return cases


@pytest.mark.parametrize(("value", "code"), _check_char_substitutions())
def test_it_rejects_every_other_check_character(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert code_of(exc) == code


def _transpositions() -> list[str]:
    cases = []
    for real in REAL_USCCS:
        for i in range(len(real) - 1):
            if real[i] != real[i + 1]:
                cases.append(real[:i] + real[i + 1] + real[i] + real[i + 2 :])
    return cases


@pytest.mark.parametrize("value", _transpositions())
def test_it_rejects_a_transposition_of_adjacent_characters(value):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    # A letter moved into the all-digit head (positions 1–8) is a format error instead.
    assert code_of(exc) in ("uscc_checksum", "uscc_format")
    if value[:8].isdigit():
        assert code_of(exc) == "uscc_checksum"


@pytest.mark.parametrize(
    "value",
    ["", "9144030027939873X", "9144030027939873X77", "914403002793987", "9144030027939873X7" * 2],
)
def test_it_rejects_a_uscc_of_the_wrong_length(value):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert code_of(exc) == "uscc_length"


@pytest.mark.parametrize("letter", list(FORBIDDEN))
@pytest.mark.parametrize("position", [8, 12, 16])
def test_it_rejects_letters_gb32100_does_not_use(letter, position):
    real = REAL_USCCS[0]
    value = real[:position] + letter + real[position + 1 :]
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert code_of(exc) == "uscc_format"


def test_it_normalises_full_width_digits_typed_with_a_chinese_input_method():
    assert validate_uscc("９１４４０３００２７９３９８７３X７") == REAL_USCCS[0]


@pytest.mark.parametrize("value", ["9A44030027939873X7", "91440Y0027939873X7"])
def test_it_rejects_a_non_digit_in_the_head(value):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert code_of(exc) == "uscc_format"


@pytest.mark.parametrize("wrong", ["0", "1", "5", "9"])
def test_it_rejects_a_uscc_whose_organisation_code_check_fails(wrong):
    body = "27939873"
    assert org_code_check_digit(body) == "X"
    # The GB 32100 mod-31 check is recomputed, so only the GB 11714 check inside is wrong.
    value = with_uscc_check(f"91440300{body}{wrong}")
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert code_of(exc) == "uscc_org_code"


@pytest.mark.parametrize(
    ("body", "check"), [("27939873", "X"), ("19231745", "8"), ("00000000", "0"), ("MA5DC1AB", None)]
)
def test_it_computes_the_gb11714_check_character(body, check):
    digit = org_code_check_digit(body)
    if check is not None:
        assert digit == check
    assert validate_uscc(with_uscc_check(f"91440300{body}{digit}"))


_uscc_chars = st.sampled_from(USCC_ALPHABET)


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    head = draw(st.text(string.digits, min_size=8, max_size=8))
    body = draw(st.text(_uscc_chars, min_size=8, max_size=8))
    return with_uscc_check(head + body + org_code_check_digit(body))


@settings(max_examples=300, deadline=None, database=None)
@given(
    number=valid_usccs(),
    position=st.integers(0, 17),
    replacement=st.sampled_from(string.digits + string.ascii_uppercase),
)
def test_it_rejects_any_single_character_change_of_a_valid_uscc(number, position, replacement):
    assert validate_uscc(number) == number
    if number[position] == replacement:
        replacement = USCC_ALPHABET[(USCC_ALPHABET.find(replacement) + 1) % len(USCC_ALPHABET)]
    corrupted = number[:position] + replacement + number[position + 1 :]
    assert corrupted != number
    with pytest.raises(ValidationError):
        validate_uscc(corrupted)


# Resident ID (GB 11643-1999) ------------------------------------------------------------------


def an_id(region: str = "610113", birth: dt.date = dt.date(1985, 3, 14), gender: str = "M") -> str:
    return make_id_number(region, birth, gender, random.Random(7))  # noqa: S311  (test data)


@pytest.fixture(autouse=True)
def _working_age(settings):
    settings.CQO_MIN_AGE = 16
    settings.CQO_MAX_AGE = 80


def test_it_accepts_a_valid_id_number_and_derives_birth_date_and_gender():
    number = an_id(birth=dt.date(1985, 3, 14), gender="F")
    facts = validate_id_number(number, today=TODAY)
    assert facts.number == number
    assert facts.birth_date == dt.date(1985, 3, 14)
    assert facts.gender == Gender.FEMALE


def test_it_normalises_a_lower_case_x_check_digit():
    rng = random.Random(3)  # noqa: S311  (reproducible test data, not a secret)
    for _ in range(200):
        number = make_id_number("610113", dt.date(1985, 1, 1), "M", rng)
        if number.endswith("X"):
            break
    else:
        pytest.fail("no ID number with check digit X generated")
    assert validate_id_number(number.lower(), today=TODAY).number == number


def test_it_rejects_a_wrong_id_check_digit():
    number = an_id()
    for c in "0123456789X":
        if c == number[-1]:
            continue
        with pytest.raises(ValidationError) as exc:
            validate_id_number(number[:-1] + c, today=TODAY)
        assert code_of(exc) == "id_checksum"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "id_length"),
        ("61011319850314123", "id_length"),
        ("6101131985031412345", "id_length"),
        ("61011319850314A23X", "id_format"),
    ],
)
def test_it_rejects_a_malformed_id_number(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value, today=TODAY)
    assert code_of(exc) == code


@pytest.mark.parametrize("date", ["19990230", "19991301", "19990000", "20010229"])
def test_it_rejects_an_invalid_birth_date(date):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_ric_check(f"610113{date}123"), today=TODAY)
    assert code_of(exc) == "id_birth_date"


def test_it_rejects_a_birth_date_in_the_future():
    number = an_id(birth=dt.date(2026, 6, 16))
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number, today=TODAY)
    assert code_of(exc) == "id_birth_future"


@pytest.mark.parametrize(
    ("birth", "today", "ok"),
    [
        (dt.date(2010, 6, 15), dt.date(2026, 6, 14), False),  # 15 the day before the birthday
        (dt.date(2010, 6, 15), dt.date(2026, 6, 15), True),  # 16 on the birthday
        (dt.date(1946, 6, 15), dt.date(2026, 6, 15), True),  # 80
        (dt.date(1946, 6, 15), dt.date(2027, 6, 14), True),  # still 80
        (dt.date(1946, 6, 15), dt.date(2027, 6, 15), False),  # 81
        (dt.date(2020, 1, 1), dt.date(2026, 6, 15), False),  # a child
    ],
)
def test_it_rejects_an_age_outside_working_life(birth, today, ok):
    number = an_id(region="110101", birth=birth)
    if ok:
        assert validate_id_number(number, today=today).birth_date == birth
    else:
        with pytest.raises(ValidationError) as exc:
            validate_id_number(number, today=today)
        assert code_of(exc) == "id_age"


@pytest.mark.parametrize("region", ["999999", "000000", "610199", "619900"])
def test_it_rejects_an_unknown_address_code(region):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_ric_check(f"{region}19850314123"), today=TODAY)
    assert code_of(exc) == "id_birth_place"


def test_it_rejects_an_address_code_abolished_before_birth():
    # 140113 太原市北郊区 existed 1983–1997; nobody born in 1999 can have been coded there.
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_ric_check("14011319990501123"), today=TODAY)
    assert code_of(exc) == "id_birth_place"


@pytest.mark.parametrize(
    ("region", "birth"),
    [
        ("140113", dt.date(1975, 5, 1)),  # coded 1983–1997, after a 1975 birth
        ("610113", dt.date(1970, 5, 1)),  # 雁塔区 since 1983
        ("310115", dt.date(1965, 5, 1)),  # 浦东新区 since 1992
    ],
)
def test_it_accepts_an_address_code_created_after_the_birth_year(region, birth):
    # GB 11643-1999 §4.1: the address code is the county of permanent residence when the
    # number is assigned (first issue, or a move), not of birth; a code younger than its holder
    # is normal. It only cannot have been abolished before the holder was born.
    number = with_ric_check(f"{region}{birth:%Y%m%d}123")
    assert validate_id_number(number, today=TODAY).birth_date == birth


@pytest.mark.parametrize("digit", range(10))
def test_it_derives_gender_from_the_17th_digit(digit):
    facts = validate_id_number(with_ric_check(f"61011319850314{digit}2{digit}"), today=TODAY)
    assert facts.gender == (Gender.MALE if digit % 2 else Gender.FEMALE)


# Contacts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13800138000", "13800138000"),
        ("199 0000 1111", "19900001111"),
        ("138-0013-8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
    ],
)
def test_it_accepts_and_normalises_mobiles(value, expected):
    assert validate_mobile(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1380013800",
        "138001380001",
        "12800138000",
        "23800138000",
        "1380013800a",
        "029-88886666",
        "+85213800138000",
    ],
)
def test_it_rejects_bad_mobiles(value):
    with pytest.raises(ValidationError) as exc:
        validate_mobile(value)
    assert code_of(exc) == "mobile"


@pytest.mark.parametrize(
    "value",
    ["029-88886666", "010-12345678", "0755-1234567", "075512345678", "0755-12345678-123"],
)
def test_it_accepts_landlines(value):
    assert validate_landline(value) == value


def test_it_strips_spaces_from_a_landline():
    assert validate_landline(" 029 88886666 ") == "02988886666"


@pytest.mark.parametrize(
    "value",
    ["", "88886666", "29-88886666", "029-123456", "029-888866661", "029-8888666a", "13800138000"],
)
def test_it_rejects_bad_landlines(value):
    with pytest.raises(ValidationError) as exc:
        validate_landline(value)
    assert code_of(exc) == "landline"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("likun@example.cn", "likun@example.cn"),
        (" LiKun@Example.CN ", "likun@example.cn"),
        ("li.kun+cqo@mail.example.com.cn", "li.kun+cqo@mail.example.com.cn"),
    ],
)
def test_it_accepts_and_normalises_emails(value, expected):
    assert validate_email(value) == expected


@pytest.mark.parametrize(
    "value", ["", "likun", "likun@", "@example.cn", "li kun@example.cn", "likun@@example.cn"]
)
def test_it_rejects_bad_emails(value):
    with pytest.raises(ValidationError) as exc:
        validate_email(value)
    assert code_of(exc) == "email"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ""),
        ("www.example.cn", "http://www.example.cn"),
        ("https://www.example.com.cn/about?id=1", "https://www.example.com.cn/about?id=1"),
        ("http://example.cn:8080/", "http://example.cn:8080/"),
        ("质量.中国", "http://质量.中国"),
    ],
)
def test_it_accepts_and_normalises_websites(value, expected):
    assert validate_website(value) == expected


@pytest.mark.parametrize(
    "value", ["example", "http://example", "ftp://example.cn", "http://exa mple.cn", "http://.c"]
)
def test_it_rejects_bad_websites(value):
    with pytest.raises(ValidationError) as exc:
        validate_website(value)
    assert code_of(exc) == "website"


def test_it_accepts_full_width_input_from_chinese_input_methods():
    from cqo.reference.validators import validate_id_number, validate_uscc

    assert validate_uscc("９１４４０３００２７９３９８７３Ｘ７") == "9144030027939873X7"
    from cqo.test import new_id_number

    number = new_id_number()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert validate_id_number(full_width).number == number
