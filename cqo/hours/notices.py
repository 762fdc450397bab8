"""The notices the hours app sends (declared to cqo.notify when the app starts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cqo.notify.kinds import NoticeKind

HOURS_REMINDER = "hours.reminder"

KINDS = (
    NoticeKind(
        code=HOURS_REMINDER,
        label=_("学时提醒"),
        sms_template=_(
            "%(name)s，您本年度继续教育学时尚未达标，请于%(deadline)s前补足，详见平台。"
        ),
        email_subject=_("【首席质量官管理平台】学时提醒"),
    ),
)
