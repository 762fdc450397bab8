"""The notices the registry sends (declared to cqo.notify when the app starts)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import Role, User
from cqo.lib import clock, crypto
from cqo.notify.kinds import Notice, NoticeContext, NoticeKind
from cqo.notify.services import notice_send, notices_send
from cqo.policy.selectors import cite
from cqo.registry.models import Appointment, Person, Reminder

# a filing returned for correction is served on the enterprise: a legal notice
FILING_RETURNED = "registry.filing_returned"
# a regulator's 指导督促 to register and file the CQO (shaanxi-2021 §五(三), jiangsu-2020 §七):
# guidance, not a decision, so the enterprise's clerks may stop it by e-mail and SMS
FILING_REMINDER = "registry.filing_reminder"
# the filing authority's decision to file an appointment (予以备案) is served on the enterprise
# and on the CQO appointed: a legal notice (the filing number is theirs to keep)
FILING_FILED = "registry.filing_filed"

KINDS = (
    NoticeKind(
        code=FILING_RETURNED,
        label=_("备案退回"),
        legal=True,
        # no document sets a time to correct a returned filing: the SMS names none
        sms_template=_("%(name)s，您单位的首席质量官聘任备案已被退回，请登录平台查看原因并修改。"),
        email_subject=_("【首席质量官管理平台】聘任备案退回通知"),
    ),
    NoticeKind(
        code=FILING_REMINDER,
        label=_("备案督促"),
        # the filing period runs from an appointment's start, and an enterprise urged before it
        # appoints has none: the SMS names no date
        sms_template=_("%(name)s，市场监管部门督促您单位完成首席质量官聘任备案，请登录平台查看。"),
        email_subject=_("【首席质量官管理平台】首席质量官聘任备案督促通知"),
    ),
    NoticeKind(
        code=FILING_FILED,
        label=_("备案完成"),
        legal=True,
        sms_template=_("%(name)s，首席质量官聘任备案已完成，请登录平台查看备案编号。"),
        email_subject=_("【首席质量官管理平台】首席质量官聘任备案完成通知"),
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


def filing_filed(appt: Appointment) -> None:
    """The enterprise's clerks and the person appointed are told that the filing authority filed
    the appointment, with its filing number (SPEC §3: 予以备案), by every channel: a legal
    notice, sent once per filing."""
    from django.urls import reverse
    from django.utils.translation import gettext

    authority = appt.filing_authority.name if appt.filing_authority else ""
    what = gettext(
        "%(authority)s已对%(enterprise)s聘任%(person)s为首席质量官予以备案，备案编号%(number)s。"
    ) % {
        "authority": authority,
        "enterprise": appt.enterprise.name,
        "person": appt.person.name,
        "number": appt.filing_number,
    }
    url = reverse("registry:appointment_detail", args=[appt.public_id])
    people = [
        (clerk, clerk.display_name or appt.enterprise.name) for clerk in _clerks(appt.enterprise_id)
    ]
    person_user = appt.person.user
    if person_user is not None and person_user.is_active:
        people.append((person_user, appt.person.name))
    notices_send(
        notices=[
            Notice(
                recipient=user,
                kind=FILING_FILED,
                subject=f"{appt.public_id}:{appt.filing_number}",
                context=NoticeContext(
                    name=name,
                    what=what,
                    action=gettext("无需办理；备案信息和备案编号可在平台查看、打印。"),
                ),
                url=url,
            )
            for user, name in people
        ]
    )


def _clerks(enterprise_id: int) -> list[User]:
    return list(
        User.objects.filter(enterprise_id=enterprise_id, role=Role.ENTERPRISE, is_active=True)
    )


def _filing_todo(reminder: Reminder) -> tuple[str, dt.date | None]:
    """What the enterprise is to do and by when: file within the period after the appointment
    starts that the governing pack sets (指导督促; no document sets one, so the shipped packs
    carry a platform default and the text says so)."""
    from django.utils.translation import gettext

    from cqo.registry import selectors

    today = clock.today()
    due = selectors.filing_due(reminder.enterprise.region, today)
    rule = gettext("平台默认，非文件规定") if due.platform_default else cite(due.clause)
    appt = selectors.unfiled_appointment(reminder.enterprise)
    values = {"days": due.days, "rule": rule}
    if appt is None:
        return gettext(
            "请尽快聘任首席质量官并完成线上注册和聘任信息备案，聘任之日起%(days)d日内备案"
            "（%(rule)s）。"
        ) % values, None
    values["person"] = appt.person.name
    deadline = appt.start_date + dt.timedelta(days=due.days)
    if deadline < today:
        return gettext(
            "%(person)s的聘任已超过聘任之日起%(days)d日的备案期限（%(rule)s），请尽快提交备案。"
        ) % values, None
    return gettext(
        "请在期限内提交%(person)s的首席质量官聘任备案，聘任之日起%(days)d日内备案（%(rule)s）。"
    ) % values, deadline


def filing_reminded(reminder: Reminder) -> None:
    """The enterprise's clerks are told of the regulator's 督促 (shaanxi-2021 §五(三),
    jiangsu-2020 §七: 指导督促企业首席质量官完成线上注册和聘任信息备案) and of the filing period;
    by e-mail and SMS unless they opted out. Each 督促 is a notice of its own."""
    from django.urls import reverse
    from django.utils.translation import gettext

    enterprise = reminder.enterprise
    sender = reminder.sent_by.label if reminder.sent_by is not None else gettext("市场监管部门")
    what = gettext("%(sender)s向贵单位发出督促通知：%(message)s") % {
        "sender": sender,
        "message": reminder.message,
    }
    todo, deadline = _filing_todo(reminder)
    for clerk in _clerks(enterprise.pk):
        notice_send(
            recipient=clerk,
            kind=FILING_REMINDER,
            subject=f"reminder:{reminder.pk}",
            context=NoticeContext(
                name=clerk.display_name or enterprise.name,
                what=what,
                action=todo,
                deadline=deadline,
            ),
            url=reverse("home"),
        )
