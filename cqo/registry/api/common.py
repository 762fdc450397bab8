"""What every module of the registry API shares: the caller, and filling schemas and pages."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from ninja import Schema

from cqo.accounts.types import actor
from cqo.registry.api.schemas import PageQuery

S = TypeVar("S", bound=Schema)

__all__ = ["actor", "build", "or_none", "page"]


def build(schema: type[S], obj: object, **derived: Any) -> S:
    """``schema`` filled from the same-named attributes of ``obj``, then from ``derived``."""
    names = schema.model_fields.keys() - derived.keys()
    values = {n: getattr(obj, n) for n in names}
    if "id" in values and hasattr(obj, "public_id"):
        values["id"] = obj.public_id  # the API never shows integer keys (STYLE.md)
    return schema.model_validate({**values, **derived})


def or_none(value: str) -> str | None:
    """Blank choices go out as null, so a client sees "not given" rather than an unknown code."""
    return value or None


def page(qs: QuerySet[Any], query: PageQuery) -> tuple[int, list[Any]]:
    return qs.count(), list(qs[query.offset : query.offset + query.limit])
