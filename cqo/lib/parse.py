"""Reading one typed value out of a raw input (a string typed into an import sheet, a test's
literal, a form's or a schema's already-typed value), before a service is called: the services
state their inputs as types (STYLE.md, "Two shapes to copy") and check only the domain's rules.

Each reader returns None for an empty input (a service says whether it was required) and raises
a ``ValidationError`` keyed by the field for an input that is not of its type.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EMPTY = (None, "")


def text(value: object) -> str:
    """A trimmed string. NUL is dropped: PostgreSQL text cannot hold it."""
    return "" if value is None else str(value).replace("\x00", "").strip()


def code(value: object) -> str:
    """A code as printed (a USCC, a body's code, a certificate number): trimmed, upper case."""
    return text(value).upper()


def integer(value: object, *, field: str) -> int | None:
    if value in EMPTY:
        return None
    if isinstance(value, bool):
        raise ValidationError({field: _("应为整数")})
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("应为整数")}) from exc


def decimal(value: object, *, field: str) -> Decimal | None:
    """A finite decimal number; its range and places are the service's rule."""
    if value in EMPTY:
        return None
    if isinstance(value, bool):
        raise ValidationError({field: _("应为数字")})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("应为数字")}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("应为数字")})
    return number


def date(value: object, *, field: str) -> dt.date | None:
    """A calendar date, from a date or its ISO form (YYYY-MM-DD)."""
    if value in EMPTY:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationError({field: _("日期格式应为 YYYY-MM-DD")}) from exc


def uuid_or_none(value: object) -> uuid.UUID | None:
    """A public id, or None for anything that is not one (an unknown id reads as a missing one)."""
    if isinstance(value, uuid.UUID):
        return value
    if value in EMPTY:
        return None
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def flag(value: object) -> bool:
    """A checkbox or a JSON boolean."""
    return value in (True, "true", "on", "1", 1)
