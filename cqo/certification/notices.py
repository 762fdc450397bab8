"""The notices the certification app sends (declared to cqo.notify when the app starts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cqo.certification.models import Application
from cqo.notify.kinds import NoticeContext, NoticeKind
from cqo.notify.services import notice_send

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


def decided(app: Application, *, certificate_number: str = "") -> None:
    """The applicant is told the body's decision (认定, level-standard §9.3–§9.4): granted, with
    the level and the certificate's number, or not, by every channel (a legal notice)."""
    from django.urls import reverse
    from django.utils.translation import gettext

    user = app.person.user
    if user is None or not user.is_active:
        return
    if certificate_number:
        what = gettext(
            "您向%(body)s申请的首席质量官能力水平认定准予认定，等级%(level)s，证书编号%(number)s。"
        ) % {"body": app.body.name, "level": app.awarded_level, "number": certificate_number}
        action = gettext("请登录平台查看认定结果，下载或打印证书。")
    else:
        what = gettext("您向%(body)s申请的首席质量官能力水平认定经评定不予认定。") % {
            "body": app.body.name
        }
        action = gettext("请登录平台查看认定报告；如有异议，可在平台提出申诉。")
    notice_send(
        recipient=user,
        kind=DECISION,
        subject=f"{app.public_id}:{app.status}",
        context=NoticeContext(name=app.person.name, what=what, action=action),
        url=reverse("certification:application_detail", args=[app.public_id]),
    )
