"""The security administrator's home (安全管理员, 三员分立: cqo/accounts/duties.py): the controls
not met on the 安全合规 page, the accounts still to enrol a second factor, the sign-in lockouts
in force and the API tokens in use, each linked to where it is dealt with."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cqo.accounts import selectors as accounts
from cqo.accounts.models import ApiToken, LoginFailure, User
from cqo.portal.compliance import compliance_report
from cqo.portal.homes.tiles import Tile, url


def security(user: User) -> dict[str, Any]:
    report = compliance_report()
    enrolled, required = accounts.second_factor_coverage()
    since = timezone.now() - timedelta(minutes=settings.CQO_LOGIN_LOCK_MINUTES)
    return {
        "tiles": [
            Tile(
                "not_met",
                _("不符合的控制项"),
                len(report.not_met),
                url("portal:compliance"),
                "danger",
            ),
            Tile("unenrolled", _("待绑定双因素认证的账户"), required - enrolled, tone="warning"),
            Tile(
                "failures",
                _("锁定期内的登录失败"),
                LoginFailure.objects.filter(at__gte=since).count(),
                reverse("admin:accounts_loginfailure_changelist"),
                "warning",
            ),
            Tile(
                "tokens",
                _("有效的 API 令牌"),
                ApiToken.objects.live().count(),
                reverse("admin:accounts_apitoken_changelist"),
            ),
        ],
        "not_met": report.not_met,
    }
