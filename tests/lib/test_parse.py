"""The shared readers of raw input (cqo/lib/parse.py): a typed value, None for an empty input,
a ValidationError keyed by the field for anything else."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cqo.lib import parse


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), ("", ""), ("  李堃 ", "李堃"), ("a\x00b", "ab"), (12, "12")],
)
def test_it_reads_a_trimmed_text(value: object, expected: str) -> None:
    assert parse.text(value) == expected


def test_it_reads_a_code_in_upper_case() -> None:
    assert parse.code(" sxzx ") == "SXZX"


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), ("", None), ("42", 42), (" 7 ", 7), (0, 0), (-3, -3)]
)
def test_it_reads_an_integer(value: object, expected: int | None) -> None:
    assert parse.integer(value, field="n") == expected


@pytest.mark.parametrize("value", ["abc", "1.5", True, False, "1e3"])
def test_it_names_the_field_of_a_bad_integer(value: object) -> None:
    with pytest.raises(ValidationError) as exc:
        parse.integer(value, field="capacity")
    assert list(exc.value.message_dict) == ["capacity"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("24", Decimal(24)), ("59.9", Decimal("59.9")), (90, Decimal(90))],
)
def test_it_reads_a_decimal(value: object, expected: Decimal | None) -> None:
    assert parse.decimal(value, field="x") == expected


@pytest.mark.parametrize("value", ["many", "NaN", "Infinity", True])
def test_it_names_the_field_of_a_bad_decimal(value: object) -> None:
    with pytest.raises(ValidationError) as exc:
        parse.decimal(value, field="hours")
    assert list(exc.value.message_dict) == ["hours"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("2026-06-15", dt.date(2026, 6, 15)),
        (dt.date(2026, 6, 15), dt.date(2026, 6, 15)),
        (dt.datetime(2026, 6, 15, 9, 30), dt.date(2026, 6, 15)),
    ],
)
def test_it_reads_a_date(value: object, expected: dt.date | None) -> None:
    assert parse.date(value, field="on") == expected


@pytest.mark.parametrize("value", ["2026-13-01", "15/06/2026", "tomorrow"])
def test_it_names_the_field_of_a_bad_date(value: object) -> None:
    with pytest.raises(ValidationError) as exc:
        parse.date(value, field="start_date")
    assert list(exc.value.message_dict) == ["start_date"]


def test_it_reads_a_public_id_or_none() -> None:
    key = uuid.uuid4()
    assert parse.uuid_or_none(key) == key
    assert parse.uuid_or_none(str(key)) == key
    assert parse.uuid_or_none("not-a-plan") is None
    assert parse.uuid_or_none("") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("on", True),
        ("true", True),
        ("1", True),
        (1, True),
        ("", False),
        (None, False),
    ],
)
def test_it_reads_a_flag(value: object, expected: bool) -> None:
    assert parse.flag(value) is expected
