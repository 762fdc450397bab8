"""The notices the certification app sends (declared to cqo.notify when the app starts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cqo.notify.kinds import NoticeKind

RENEWAL_REMINDER = "certification.renewal"
# a decision on an application (granted, refused) is served on the applicant: a legal notice
DECISION = "certification.decision"

KINDS = (
    NoticeKind(
        code=RENEWAL_REMINDER,
        label=_("再认定提醒"),
        sms_template=_(
            "%(name)s，您的首席质量官能力水平认定证书将于%(deadline)s到期，请及时申请再认定。"
        ),
        email_subject=_("【首席质量官管理平台】能力水平认定证书到期提醒"),
    ),
    NoticeKind(
        code=DECISION,
        label=_("认定决定"),
        legal=True,
        sms_template=_("%(name)s，您的首席质量官能力水平认定申请已有决定，请登录平台查看。"),
        email_subject=_("【首席质量官管理平台】能力水平认定决定"),
    ),
)
