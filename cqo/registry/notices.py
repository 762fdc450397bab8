"""The notices the registry sends (declared to cqo.notify when the app starts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import Role, User
from cqo.lib import crypto
from cqo.notify.kinds import NoticeContext, NoticeKind
from cqo.notify.services import notice_send
from cqo.registry.models import Appointment, Person

# a filing returned for correction is served on the enterprise: a legal notice
FILING_RETURNED = "registry.filing_returned"

KINDS = (
    NoticeKind(
        code=FILING_RETURNED,
        label=_("备案退回"),
        legal=True,
        # no document sets a time to correct a returned filing: the SMS names none
        sms_template=_("%(name)s，您单位的首席质量官聘任备案已被退回，请登录平台查看原因并修改。"),
        email_subject=_("【首席质量官管理平台】聘任备案退回通知"),
    ),
)


def filed_mobile(user: User) -> str:
    """The mobile filed on the person's registration, for notices by SMS to a user who has
    given the notify app none."""
    mobile = Person.objects.filter(user=user).values_list("mobile_enc", flat=True).first()
    return crypto.decrypt(mobile) if mobile else ""


def filing_returned(appt: Appointment) -> None:
    """The enterprise's clerks are told that its filing was returned and why (SPEC §3: the
    authority returns a filing for correction with reasons), by every channel: a legal notice."""
    from django.urls import reverse
    from django.utils.translation import gettext

    clerks = User.objects.filter(
        enterprise_id=appt.enterprise_id, role=Role.ENTERPRISE, is_active=True
    )
    for clerk in clerks:
        notice_send(
            recipient=clerk,
            kind=FILING_RETURNED,
            # each return of the filing is a notice of its own
            subject=f"{appt.public_id}:{appt.updated_at.isoformat()}",
            context=NoticeContext(
                name=clerk.display_name or appt.enterprise.name,
                what=gettext("%(person)s的首席质量官聘任备案已被退回。退回原因：%(reason)s")
                % {"person": appt.person.name, "reason": appt.return_reason},
                action=gettext("请按退回原因更正后重新提交备案。"),
            ),
            url=reverse("registry:appointment_detail", args=[appt.public_id]),
        )
