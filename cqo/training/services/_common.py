"""What the training services share: checks of typed input, error collection, names, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from cqo.lib import clock, parse
from cqo.lib.errors import Errors
from cqo.training.auditing import audit
from cqo.training.selectors import body_name, governing, pack_tiers

__all__ = ["Errors", "audit", "body_name", "governing", "pack_tiers"]

PLAN_FIELDS = ["region", "organisation", "year", "budget", "planned_sessions", "notes"]
COURSE_FIELDS = [
    "title",
    "tier",
    "region",
    "organiser_name",
    "institution",
    "forms",
    "hours",
    "method",
    "pass_mark",
    "min_attendance",
    "plan",
    "description",
]
SESSION_FIELDS = ["start_date", "end_date", "place", "capacity", "status"]
MAX_BUDGET = Decimal("1000000000000")  # 1e12 yuan: anything above is a typing error
MAX_CAPACITY = 5000
MAX_PLANNED = 10000
REASON_MIN = 4


# Checks of typed input (the ranges are the domain's; parsing happened before, cqo.lib.parse) -


def bounded_text(
    errors: Errors, field: str, value: str, *, minimum: int, maximum: int, message: str
) -> str:
    value = parse.text(value)
    if len(value) < minimum:
        errors.add(field, message)
    elif len(value) > maximum:
        errors.add(field, _("不能超过%(n)d个字") % {"n": maximum})
    return value


def int_field(
    errors: Errors, field: str, value: int | None, *, low: int, high: int, required: bool = True
) -> int | None:
    if value is None:
        if required:
            errors.add(field, _("请填写"))
        return None
    if not low <= value <= high:
        errors.add(field, _("应在 %(low)d 到 %(high)d 之间") % {"low": low, "high": high})
        return None
    return value


def decimal_field(
    errors: Errors,
    field: str,
    value: Decimal | None,
    *,
    low: Decimal,
    high: Decimal,
    places: int,
    required: bool = True,
    low_inclusive: bool = True,
) -> Decimal | None:
    if value is None:
        if required:
            errors.add(field, _("请填写"))
        return None
    if not value.is_finite():
        errors.add(field, _("应为数字"))
        return None
    too_low = value < low if low_inclusive else value <= low
    if too_low or value > high:
        errors.add(field, _("应在 %(low)s 到 %(high)s 之间") % {"low": low, "high": high})
        return None
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):
        errors.add(field, _("最多%(n)d位小数") % {"n": places})
        return None
    return value.quantize(quantum)


def date_field(errors: Errors, field: str, value: dt.date | None) -> dt.date | None:
    if value is None:
        errors.add(field, _("请填写日期"))
        return None
    today = clock.today()
    if value.year < 2000 or value.year > today.year + 5:
        errors.add(field, _("日期应在2000年至%(y)d年之间") % {"y": today.year + 5})
        return None
    return value
