"""The range of each kind of date, at its boundaries (cqo/lib/dates.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from cqo.lib import clock, dates

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    settings.CQO_MIN_AGE, settings.CQO_MAX_AGE = 16, 80


@pytest.mark.parametrize(
    ("bound", "earliest", "latest"),
    [
        (dates.EVENT, dt.date(2012, 1, 1), dt.date(2027, 6, 15)),
        (dates.TERM, dt.date(2012, 1, 1), dt.date(2036, 6, 15)),
        (dates.ACCOUNTS, dt.date(2000, 1, 1), TODAY),
        (dates.LIFETIME, dt.date(1946, 6, 15), TODAY),
        # aged 16 today at the latest, not yet 81 at the earliest
        (dates.BIRTH, dt.date(1945, 6, 16), dt.date(2010, 6, 15)),
    ],
)
def test_it_bounds_each_kind_of_date(
    bound: dates.DateRange, earliest: dt.date, latest: dt.date
) -> None:
    assert bound.bounds() == (earliest, latest)
    day = dt.timedelta(days=1)
    for inside in (earliest, latest):
        bound(inside)
        assert bound.error(inside) is None
    for outside in (earliest - day, latest + day, dt.date.min, dt.date.max):
        with pytest.raises(ValidationError) as caught:
            bound(outside)
        assert caught.value.messages == [
            f"应在 {earliest.isoformat()} 至 {latest.isoformat()} 之间"
        ]


def test_it_names_the_field_and_the_range() -> None:
    assert dates.EVENT.error(dt.date(1, 1, 1), "起始日期") == (
        "起始日期应在 2012-01-01 至 2027-06-15 之间"
    )
    with pytest.raises(ValidationError) as caught:
        dates.TERM.check(dt.date(9999, 12, 31), field="end_date", label="截止日期")
    assert caught.value.message_dict == {"end_date": ["截止日期应在 2012-01-01 至 2036-06-15 之间"]}


def test_it_bounds_a_datetime_by_its_day() -> None:
    assert dates.EVENT.error(dt.datetime(2027, 6, 15, 23, 59)) is None
    assert dates.EVENT.error(dt.datetime(2027, 6, 16, 0, 0)) is not None


def test_it_keeps_a_birthday_on_29_february_in_range() -> None:
    assert dates._years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)
    assert dates._years_before(dt.date(2028, 2, 29), 16) == dt.date(2012, 2, 29)


def test_it_gives_the_api_a_422_naming_the_range() -> None:
    adapter = TypeAdapter(dates.EventDate)
    assert adapter.validate_python("2026-06-15") == TODAY
    with pytest.raises(PydanticError) as caught:
        adapter.validate_python("9999-12-31")
    [error] = caught.value.errors()
    assert error["type"] == "date_range"
    assert error["msg"] == "应在 2012-01-01 至 2027-06-15 之间"


def test_it_survives_a_migration_as_its_kind() -> None:
    path, args, kwargs = dates.TERM.deconstruct()
    assert (path, args, kwargs) == ("cqo.lib.dates.DateRange", ("term",), {})
    assert dates.DateRange("term") == dates.TERM
    with pytest.raises(ValueError):
        dates.DateRange("whenever")
