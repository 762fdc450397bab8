"""How long the audit trail is kept: a pure rule over dates.

网络安全法 第二十一条(三): 采取监测、记录网络运行状态、网络安全事件的技术措施，并按照规定留存相关的
网络日志不少于六个月. The platform deletes no entry (cqo/audit/models.py), so the period is a
floor: once the platform has run longer than it, the oldest entry kept must be at least that old.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# 网络安全法 第二十一条(三): 不少于六个月, counted as 180 days (CQO_AUDIT_RETENTION_DAYS may only
# raise it; a system check refuses less)
RETENTION_FLOOR_DAYS = 180  # 网络安全法 第二十一条(三) 六个月, as days: 平台默认
# a trail that begins within this long of the platform's start begins with it (its first
# entries are written while it is installed)
START_GRACE = dt.timedelta(days=1)  # 平台默认


@dataclass(frozen=True, kw_only=True)
class Retention:
    days: int  # the period required
    oldest: dt.datetime | None  # the oldest entry kept
    kept_days: int  # how many whole days the trail spans back from now
    # None: the platform is younger than the period (nothing can be missing yet)
    met: bool | None


def retention(
    *, oldest: dt.datetime | None, started: dt.datetime | None, now: dt.datetime, days: int
) -> Retention:
    """Whether the trail reaches back ``days`` days from ``now``, once the platform, running
    since ``started`` (its first migration; the oldest entry when unknown), is that old."""
    kept = (now - oldest).days if oldest is not None else 0
    since = started or oldest
    floor = now - dt.timedelta(days=days)
    if since is None or since > floor:
        return Retention(days=days, oldest=oldest, kept_days=max(kept, 0), met=None)
    return Retention(
        days=days,
        oldest=oldest,
        kept_days=max(kept, 0),
        met=oldest is not None and (oldest <= floor or oldest - since <= START_GRACE),
    )
