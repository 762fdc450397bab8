"""The notices the registry sends (declared to cqo.notify when the app starts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import User
from cqo.lib import crypto
from cqo.notify.kinds import NoticeKind
from cqo.registry.models import Person

# a filing returned for correction is served on the enterprise: a legal notice
FILING_RETURNED = "registry.filing_returned"

KINDS = (
    NoticeKind(
        code=FILING_RETURNED,
        label=_("备案退回"),
        legal=True,
        sms_template=_(
            "%(name)s，您提交的首席质量官聘任备案已被退回，请于%(deadline)s前登录平台修改。"
        ),
        email_subject=_("【首席质量官管理平台】聘任备案退回通知"),
    ),
)


def filed_mobile(user: User) -> str:
    """The mobile filed on the person's registration, for notices by SMS to a user who has
    given the notify app none."""
    mobile = Person.objects.filter(user=user).values_list("mobile_enc", flat=True).first()
    return crypto.decrypt(mobile) if mobile else ""
