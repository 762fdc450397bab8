"""What the training services share: input coercion, error collection, names, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record
from cqo.lib import clock
from cqo.lib.errors import Errors
from cqo.policy import schema
from cqo.policy.selectors import Governing, governing_for_region
from cqo.reference.models import Region

Data = dict[str, Any]

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


# Input coercion -------------------------------------------------------------------------------


def text_field(data: Data, key: str) -> str:
    """A trimmed string. NUL is dropped: PostgreSQL text cannot hold it."""
    value = data.get(key)
    return "" if value is None else str(value).replace("\x00", "").strip()


def bounded_text(
    errors: Errors, field: str, value: str, *, minimum: int, maximum: int, message: str
) -> str:
    if len(value) < minimum:
        errors.add(field, message)
    elif len(value) > maximum:
        errors.add(field, _("不能超过%(n)d个字") % {"n": maximum})
    return value


def int_field(
    errors: Errors, field: str, value: Any, *, low: int, high: int, required: bool = True
) -> int | None:
    if value in (None, ""):
        if required:
            errors.add(field, _("请填写"))
        return None
    if isinstance(value, bool):
        errors.add(field, _("应为整数"))
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.add(field, _("应为整数"))
        return None
    if not low <= number <= high:
        errors.add(field, _("应在 %(low)d 到 %(high)d 之间") % {"low": low, "high": high})
        return None
    return number


def decimal_field(
    errors: Errors,
    field: str,
    value: Any,
    *,
    low: Decimal,
    high: Decimal,
    places: int,
    required: bool = True,
    low_inclusive: bool = True,
) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.add(field, _("请填写"))
        return None
    if isinstance(value, bool):
        errors.add(field, _("应为数字"))
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, _("应为数字"))
        return None
    if not number.is_finite():
        errors.add(field, _("应为数字"))
        return None
    too_low = number < low if low_inclusive else number <= low
    if too_low or number > high:
        errors.add(field, _("应在 %(low)s 到 %(high)s 之间") % {"low": low, "high": high})
        return None
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        errors.add(field, _("最多%(n)d位小数") % {"n": places})
        return None
    return number.quantize(quantum)


def date_field(errors: Errors, field: str, value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif value in (None, ""):
        errors.add(field, _("请填写日期"))
        return None
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            errors.add(field, _("日期格式应为 YYYY-MM-DD"))
            return None
    today = clock.today()
    if day.year < 2000 or day.year > today.year + 5:
        errors.add(field, _("日期应在2000年至%(y)d年之间") % {"y": today.year + 5})
        return None
    return day


def body_name(user: User) -> str:
    """The name printed for an organiser or issuer: its organisation, else (a regulator) the
    market regulation bureau of its region."""
    if user.organisation:
        return user.organisation[:200]
    if user.role == Role.REGULATOR and user.region is not None:
        return f"{user.region.name}市场监督管理局"
    return (user.display_name or user.get_username())[:200]


def audit(
    actor: User | None, target_type: str, obj: Any, action: str, changes: Data, note: str = ""
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(obj.public_id),
        target_repr=str(obj),
        changes=changes,
        note=note,
    )


def governing(region: Region) -> Governing:
    return governing_for_region(region, clock.today())


def pack_tiers(rules_: schema.Pack) -> list[schema.Tier]:
    return list(rules_.training.tiers) if rules_.training is not None else []
