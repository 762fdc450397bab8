"""The notices the blacklist app sends (declared to cqo.notify when the app starts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cqo.notify.kinds import NoticeKind

# an exit listing is served on the person and the enterprise: a legal notice
EXIT_LISTING = "blacklist.exit_listing"

KINDS = (
    NoticeKind(
        code=EXIT_LISTING,
        label=_("列入退出名单"),
        legal=True,
        sms_template=_(
            "%(name)s，您已被列入首席质量官退出名单，可于%(deadline)s前申诉，详见平台。"
        ),
        email_subject=_("【首席质量官管理平台】列入退出名单告知"),
    ),
)
