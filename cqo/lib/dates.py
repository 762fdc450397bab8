"""The range each kind of date may take, stated once per kind with the reason for its numbers.

A date typed into the platform is checked against the range of its kind on every path: the model
field carries the kind as a validator (``validators=[dates.EVENT]``), so ``full_clean`` and the
save guard (cqo/lib/bounds.py ``refuse_overlong``) refuse a date outside it with a message naming
the field and the range; the API's schemas use the matching type (``dates.EventDate``), a 422
naming the field; page forms put the kind on their DateField (``validators=[dates.EVENT]``),
an error beside the field; imports report it as a row error. So a blacklist listing dated
0001-01-01 or 9999-12-31 is refused, and no computation downstream meets a date at the edge of
the calendar (``date.max + 1 day`` is an OverflowError, a 500).

Dates used only to filter a list or ask "as of when" are not bounded here: their endpoints answer
whatever date they are given (SPEC: no 500), each with its own meaning of "out of range".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext, gettext_lazy
from pydantic import AfterValidator, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError

from cqo.lib import clock

# The enterprise CQO system began in 2012: "2012年，我省在全国率先建立企业首席质量官制度"
# (jiangsu-2020, preamble). No appointment, listing, training, study hour or certificate of the
# system can be older; legacy records imported from Jiangsu start there.
SYSTEM_START = dt.date(2012, 1, 1)
# Quality costs and losses are the enterprise's own accounts (shenzhen-guide §5.7), kept by
# year from 2000 on as the quality-economics years are (cqo/evaluation/services/quality.py).
ACCOUNTS_START = dt.date(2000, 1, 1)
# A date set ahead: an appointment, listing, session or window starting next year is planned;
# further is a typing error.
AHEAD = 1
# An end set ahead: a term of office, a listing's end, a certificate's validity (three years,
# level-standard §9.4.1.1) or a task's due date; ten years bounds them all.
TERM_AHEAD = 10


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _birth(today: dt.date) -> tuple[dt.date, dt.date]:
    # the working ages the ID-number check applies (settings CQO_MIN_AGE, CQO_MAX_AGE; SPEC §2):
    # a platform default, not from the documents, which set no age
    return (
        _years_before(today, settings.CQO_MAX_AGE + 1) + dt.timedelta(days=1),
        _years_before(today, settings.CQO_MIN_AGE),
    )


def _lifetime(today: dt.date) -> tuple[dt.date, dt.date]:
    # a date of a working life (a qualification obtained, a period of work): the oldest person
    # the platform registers was born CQO_MAX_AGE years ago, and it has happened
    return _years_before(today, settings.CQO_MAX_AGE), today


def _event(today: dt.date) -> tuple[dt.date, dt.date]:
    return SYSTEM_START, _years_before(today, -AHEAD)


def _term(today: dt.date) -> tuple[dt.date, dt.date]:
    return SYSTEM_START, _years_before(today, -TERM_AHEAD)


def _accounts(today: dt.date) -> tuple[dt.date, dt.date]:
    return ACCOUNTS_START, today


_KINDS: dict[str, Callable[[dt.date], tuple[dt.date, dt.date]]] = {
    "birth": _birth,
    "lifetime": _lifetime,
    "event": _event,
    "term": _term,
    "accounts": _accounts,
}


@deconstructible
class DateRange:
    """The range of one kind of date, on the day it is checked: a Django validator (model and
    form fields), and ``check`` for services and imports with the field's label."""

    message = gettext_lazy("应在 %(earliest)s 至 %(latest)s 之间")
    code = "date_range"

    def __init__(self, kind: str) -> None:
        if kind not in _KINDS:
            raise ValueError(f"unknown kind of date: {kind}")
        self.kind = kind

    def bounds(self, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        return _KINDS[self.kind](today or clock.today())

    def error(self, value: Any, label: Any = None) -> str | None:
        """The message when ``value`` (a date) lies outside the range, else None."""
        if not isinstance(value, dt.date):
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        earliest, latest = self.bounds()
        if earliest <= value <= latest:
            return None
        params = {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
        if label is None:
            return str(self.message) % params
        return gettext("%(label)s应在 %(earliest)s 至 %(latest)s 之间") % {
            "label": label,
            **params,
        }

    def __call__(self, value: Any) -> None:
        if self.error(value) is not None:
            earliest, latest = self.bounds()
            raise ValidationError(
                self.message,
                code=self.code,
                params={"earliest": earliest.isoformat(), "latest": latest.isoformat()},
            )

    def check(self, value: Any, *, field: str, label: Any) -> None:
        """A ``ValidationError`` keyed by ``field`` when ``value`` is out of range."""
        message = self.error(value, label)
        if message is not None:
            raise ValidationError({field: message})

    def api(self, value: Any) -> Any:
        """For pydantic: the 422 names the field (its ``loc``) and this message the range."""
        message = self.error(value)
        if message is not None:
            raise PydanticCustomError(self.code, message)
        return value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRange) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash((DateRange, self.kind))


BIRTH = DateRange("birth")
LIFETIME = DateRange("lifetime")
EVENT = DateRange("event")
TERM = DateRange("term")
ACCOUNTS = DateRange("accounts")

# What the API document says of each range. JSON Schema has no bound for a date, and these
# move with the calendar, so the document states them in words (``x-date-range``); a date
# outside is refused like a check digit that does not match: 422 naming the field and the range.
RANGE_IN_WORDS = {
    "birth": "a working age: CQO_MIN_AGE to CQO_MAX_AGE years before the request (16 to 80)",
    "lifetime": "within a working life: CQO_MAX_AGE years (80) before the request, to its day",
    "event": f"from {SYSTEM_START} (the CQO system began in 2012, jiangsu-2020 preamble) to "
    f"{AHEAD} year after the request",
    "term": f"from {SYSTEM_START} to {TERM_AHEAD} years after the request",
    "accounts": f"from {ACCOUNTS_START} to the day of the request",
}


@dataclass(frozen=True)
class _InWords:
    kind: str

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler) -> Any:
        schema = handler(core)
        schema["x-date-range"] = RANGE_IN_WORDS[self.kind]
        return schema


# The API's date types, one per kind.
BirthDate = Annotated[dt.date, AfterValidator(BIRTH.api), _InWords("birth")]
LifetimeDate = Annotated[dt.date, AfterValidator(LIFETIME.api), _InWords("lifetime")]
EventDate = Annotated[dt.date, AfterValidator(EVENT.api), _InWords("event")]
TermDate = Annotated[dt.date, AfterValidator(TERM.api), _InWords("term")]
AccountsDate = Annotated[dt.date, AfterValidator(ACCOUNTS.api), _InWords("accounts")]
EventDateTime = Annotated[dt.datetime, AfterValidator(EVENT.api), _InWords("event")]


def range_of(field: Any) -> DateRange | None:
    """The DateRange among a model or form field's validators."""
    for validator in getattr(field, "validators", ()):
        if isinstance(validator, DateRange):
            return validator
    return None
