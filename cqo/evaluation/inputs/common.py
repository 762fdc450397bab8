"""Reading and checking single values: the parsers turn text (a page, an xlsx cell, a test) into
typed values, the checks hold a typed value to its bounds. Both add their messages to an
``Errors`` under the field's name, so one submission reports every problem at once."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _

from cqo.evaluation.models import Category
from cqo.lib import bounds, clock, dates
from cqo.lib.errors import Errors

# Inputs with no model field of their own: the records of a year's cost plan (kept as JSON), the
# reason a task is reopened (kept in the audit trail), the note of an appointment ended here.
TEXT_MAX = bounds.NOTE
# An indicator's note on a self-assessment (kept in its JSON).
INDICATOR_NOTE_MAX = 500
AMOUNT_MAX = Decimal("99999999999999.99")
# The years of quality economics: from 2000 (cqo/lib/dates.py ACCOUNTS_START) to this year, or
# a few years ahead for a target or a plan.
FIRST_YEAR = 2000
PLAN_AHEAD = 5


class Input:
    """Base of the typed inputs: text fields arrive trimmed, without NUL (PostgreSQL text cannot
    hold it), whichever path built them."""

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, str):
                object.__setattr__(self, f.name, value.replace("\x00", "").strip())


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def need(errors: Errors, field: str, message: str) -> None:
    """``message`` for a value not given, unless its parser has already said why."""
    if field not in errors.errors:
        errors.add(field, message)


def bounded(errors: Errors, field: str, value: str, model: type[models.Model]) -> bool:
    """False, with the error naming the limit, when ``value`` is longer than ``model.field``."""
    if message := bounds.too_long(model, field, value):
        errors.add(field, message)
        return False
    return True


def check_int(errors: Errors, field: str, number: int | None, lo: int, hi: int) -> int | None:
    if number is None:
        return None
    if not lo <= number <= hi:
        errors.add(field, _("应在 %(lo)s 到 %(hi)s 之间") % {"lo": lo, "hi": hi})
        return None
    return number


def parse_int(errors: Errors, field: str, value: object) -> int | None:
    """An integer as typed (no decimals, no spaces inside)."""
    try:
        number = int(str(value).strip())
        if str(number) != str(value).strip().lstrip("+"):
            raise ValueError(value)
    except (TypeError, ValueError):
        errors.add(field, _("应为整数"))
        return None
    return number


def read_int(errors: Errors, field: str, value: object, lo: int, hi: int) -> int | None:
    return check_int(errors, field, parse_int(errors, field, value), lo, hi)


def int_map(errors: Errors, prefix: str, raw: Mapping[str, object]) -> dict[str, int]:
    """Numbers by item code (scores, points, levels); a blank value is no value."""
    out = {}
    for code, value in raw.items():
        if blank(value):
            continue
        number = parse_int(errors, f"{prefix}.{code}"[:60], value)
        if number is not None:
            out[code] = number
    return out


def check_money(
    errors: Errors, field: str, amount: Decimal | None, *, positive: bool = False
) -> Decimal | None:
    """An amount in yuan with at most two decimals (exact Decimal, never float)."""
    if amount is None:
        return None
    if not amount.is_finite() or int(amount.as_tuple().exponent) < -2:
        errors.add(field, _("应为金额（元），最多两位小数"))
        return None
    if amount < 0 or (positive and amount == 0) or amount > AMOUNT_MAX:
        errors.add(field, _("金额应大于 0") if positive else _("金额不能为负数或过大"))
        return None
    return amount


def parse_money(errors: Errors, field: str, value: object) -> Decimal | None:
    raw = str(value).strip().replace(",", "") if value is not None else ""
    try:
        return Decimal(raw)
    except InvalidOperation:
        errors.add(field, _("应为金额（元），最多两位小数"))
        return None


def read_money(
    errors: Errors, field: str, value: object, *, positive: bool = False
) -> Decimal | None:
    return check_money(errors, field, parse_money(errors, field, value), positive=positive)


def check_date(
    errors: Errors, field: str, day: dt.date | None, model: type[models.Model]
) -> dt.date | None:
    """A date of ``model.field`` within the range of its kind (cqo/lib/dates.py)."""
    if day is None:
        return None
    model_field = model._meta.get_field(field)
    bound = dates.range_of(model_field)
    label = getattr(model_field, "verbose_name", field)
    if bound is not None and (message := bound.error(day, label)):
        errors.add(field, message)
        return None
    return day


def parse_date(errors: Errors, field: str, value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, _("日期格式应为 YYYY-MM-DD"))
        return None


def parse_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def check_year(errors: Errors, field: str, year: int | None, ahead: int = 0) -> int | None:
    return check_int(errors, field, year, FIRST_YEAR, clock.today().year + ahead)


def check_quarter(errors: Errors, year: int | None, quarter: int | None) -> int | None:
    quarter = check_int(errors, "quarter", quarter, 1, 4)
    today = clock.today()
    if year and quarter and (year, quarter) > (today.year, (today.month - 1) // 3 + 1):
        errors.add("quarter", _("不能填报未来季度"))
    return quarter


def category_code(value: str) -> str:
    """The category as its code, from its code or its label."""
    value = (value or "").strip()
    labels = {str(label): code for code, label in Category.choices}
    return value if value in Category.values else labels.get(value, value)


def check_category(errors: Errors, field: str, value: str, *, blank: bool = False) -> str:
    if blank and not value:
        return ""
    if value in Category.values:
        return value
    errors.add(field, _("成本类别应为预防成本、鉴定成本、内部失败成本或外部失败成本"))
    return ""
