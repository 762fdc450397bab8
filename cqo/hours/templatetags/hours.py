"""The study-hour reminder dates as the pages print them (CQO_HOUR_REMINDER_DATES, a platform
default)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def hour_reminder_dates() -> str:
    days = []
    for item in settings.CQO_HOUR_REMINDER_DATES:
        month, day = (int(x) for x in item.split("-"))
        days.append(_("%(m)d月%(d)d日") % {"m": month, "d": day})
    return "、".join(days)
