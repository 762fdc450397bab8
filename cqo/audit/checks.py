"""System checks of the audit trail's settings (``manage.py check``, and every start)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from cqo.audit.rules import RETENTION_FLOOR_DAYS


@register(Tags.security)
def retention_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    days = getattr(settings, "CQO_AUDIT_RETENTION_DAYS", RETENTION_FLOOR_DAYS)
    if isinstance(days, int) and days >= RETENTION_FLOOR_DAYS:
        return []
    return [
        Error(
            f"CQO_AUDIT_RETENTION_DAYS is {days!r}: the audit trail is kept at least "
            f"{RETENTION_FLOOR_DAYS} days",
            hint="网络安全法 第二十一条(三): 留存相关的网络日志不少于六个月. Unset it, or set "
            f"{RETENTION_FLOOR_DAYS} or more.",
            id="cqo.audit.E001",
        )
    ]
