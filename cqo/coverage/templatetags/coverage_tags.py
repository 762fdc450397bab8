from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from cqo.coverage.selectors import metric_labels

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


@register.filter
def tier_status(value: str) -> str:
    """Whether a training tier ran in a region in the year (jiangsu-2020 §一.2)."""
    labels = {
        "running": _("已举办"),
        "merged": _("已合并到设区市实施"),
        "not_running": _("本年度尚未举办"),
    }
    return str(labels.get(value, value))


@register.filter
def tier_level(value: str) -> str:
    """Who organises a training tier (the pack's ``level``)."""
    labels = {"province": _("省级"), "city": _("设区市"), "county": _("县（市、区）")}
    return str(labels.get(value, value))


@register.filter
def metric_label(value: str) -> str:
    """A coverage metric as users read it (规模以上企业…)."""
    return metric_labels().get(value, value)
