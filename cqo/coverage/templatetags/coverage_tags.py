from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """0.8 → 80.0%; blank for None."""
    return "" if value is None else f"{value * 100:.1f}%"


@register.filter
def pct_decimal(value: object) -> str:
    """A stored share ("0.8000") as a percentage."""
    try:
        return f"{float(str(value)) * 100:.1f}%"
    except ValueError:
        return ""
