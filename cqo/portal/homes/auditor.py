"""The audit administrator's home (三员分立, GB/T 22239-2019 8.1.5.2): the day's entries, those
waiting for the sealer, the hash chain's last verification and how far back the trail reaches,
each linked to the trail. A few indexed counts and the stored verification: no walk of the
trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.accounts.models import User
from cqo.audit import selectors as audit
from cqo.lib import clock
from cqo.portal.homes.tiles import Tile, url


def auditor(user: User) -> dict[str, Any]:
    today = clock.today()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    status = audit.chain_status()
    last, retention = status.last, status.retention
    if last is None:
        checked, tone, note = 0, "warning", _("尚未校验")
    elif last.ok:
        checked, tone = last.checked, ""
        note = _("%(at)s 校验通过") % {"at": f"{timezone.localtime(last.finished_at):%m-%d %H:%M}"}
    else:
        checked, tone = last.checked, "danger"
        note = _("发现异常：链序号 %(seq)s") % {"seq": last.first_break}
    if retention.met is None:
        kept = _("平台运行未满 %(d)s 天") % {"d": retention.days}
    elif retention.met:
        kept = _("满足不少于 %(d)s 天") % {"d": retention.days}
    else:
        kept = _("不足 %(d)s 天") % {"d": retention.days}
    trail = url("portal:audit_trail")
    return {
        "tiles": [
            Tile(
                "audit-today",
                gettext_lazy("今日审计记录"),
                audit.entries_since(midnight),
                url("portal:audit_trail", date_from=today.isoformat(), date_to=today.isoformat()),
            ),
            Tile(
                "audit-unsealed",
                gettext_lazy("待封存记录"),
                status.unsealed,
                trail,
                note=gettext_lazy("每分钟自动封存入链"),
            ),
            Tile(
                "audit-chain",
                gettext_lazy("完整性校验（记录数）"),
                checked,
                f"{trail}#chain",
                tone,
                note,
            ),
            Tile(
                "audit-retention",
                gettext_lazy("已留存天数"),
                retention.kept_days,
                f"{trail}#chain",
                "danger" if retention.met is False else "",
                kept,
            ),
        ]
    }
