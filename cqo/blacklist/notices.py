"""The notices the blacklist app sends (declared to cqo.notify when the app starts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import Role, User
from cqo.blacklist.models import Appeal, Listing
from cqo.notify.kinds import NoticeContext, NoticeKind
from cqo.notify.services import notice_send
from cqo.registry.models import Appointment

# a listing is served on the person and the enterprises that appointed them: a legal notice
EXIT_LISTING = "blacklist.exit_listing"
WARNING_LISTING = "blacklist.warning_listing"
# the decision on an appeal against a listing (or its end when the listing is revoked) is served
# on the appellant: a legal notice
APPEAL_DECIDED = "blacklist.appeal_decided"

KINDS = (
    NoticeKind(
        code=EXIT_LISTING,
        label=_("列入退出名单"),
        legal=True,
        # no document sets a time to appeal: the SMS names none
        sms_template=_("%(name)s，您已被列入首席质量官退出名单，详见平台；如有异议可在平台申诉。"),
        email_subject=_("【首席质量官管理平台】列入退出名单告知"),
    ),
    NoticeKind(
        code=WARNING_LISTING,
        label=_("列入警示名单"),
        legal=True,
        sms_template=_("%(name)s，您已被列入首席质量官警示名单，详见平台；如有异议可在平台申诉。"),
        email_subject=_("【首席质量官管理平台】列入警示名单告知"),
    ),
    NoticeKind(
        code=APPEAL_DECIDED,
        label=_("名单申诉决定"),
        legal=True,
        sms_template=_("%(name)s，您对列入警示或退出名单提出的申诉已有决定，请登录平台查看。"),
        email_subject=_("【首席质量官管理平台】名单申诉决定"),
    ),
)


def listed(listing: Listing) -> None:
    """The person listed and the clerks of the enterprises that appointed them are told of the
    listing, its reason and, for an exit, its effect (SPEC §12.15), by every channel."""
    from django.urls import reverse
    from django.utils.translation import gettext

    person = listing.person
    if listing.is_exit:
        kind, what = (
            EXIT_LISTING,
            gettext(
                "%(person)s被%(authority)s列入首席质量官退出名单，自%(start)s起生效，"
                "在任的首席质量官聘任随之终止。原因：%(reason)s"
            ),
        )
    else:
        kind, what = (
            WARNING_LISTING,
            gettext(
                "%(person)s被%(authority)s列入首席质量官警示名单，自%(start)s起生效。原因：%(reason)s"
            ),
        )
    what %= {
        "person": person.name,
        "authority": listing.authority_name,
        "start": listing.start_date.isoformat(),
        "reason": listing.reason,
    }
    appointed = Appointment.objects.filter(person=person).values("enterprise_id")
    clerks = User.objects.filter(enterprise_id__in=appointed, role=Role.ENTERPRISE, is_active=True)
    recipients = [(u, u.display_name or person.name) for u in clerks]
    if person.user is not None and person.user.is_active:
        recipients.insert(0, (person.user, person.name))
    for user, name in recipients:
        notice_send(
            recipient=user,
            kind=kind,
            subject=str(listing.public_id),
            context=NoticeContext(
                name=name, what=what, action=gettext("如有异议，可在平台对该名单提出申诉。")
            ),
            url=reverse("blacklist:listing_detail", args=[listing.public_id]),
        )


def appeal_decided(appeal: Appeal) -> None:
    """The appellant is told the issuing level's decision on their appeal (维持 or 撤销列入) with
    its reasons, or that it ended because the listing was revoked, by every channel: a legal
    notice."""
    from django.urls import reverse
    from django.utils.translation import gettext

    user = appeal.filed_by
    if not user.is_active:
        return
    listing = appeal.listing
    what = gettext(
        "您对%(authority)s将您列入%(list)s（自%(start)s起）提出的申诉已有决定：%(outcome)s。"
        "理由：%(note)s"
    ) % {
        "authority": listing.authority_name,
        "list": gettext("首席质量官退出名单") if listing.is_exit else gettext("首席质量官警示名单"),
        "start": listing.start_date.isoformat(),
        "outcome": appeal.get_status_display(),
        "note": appeal.decision_note,
    }
    if appeal.status == Appeal.Status.UPHELD:
        action = gettext("该名单继续有效，请登录平台查看决定。")
    else:
        action = gettext("该名单已撤销，请登录平台查看。")
    notice_send(
        recipient=user,
        kind=APPEAL_DECIDED,
        subject=f"appeal:{appeal.public_id}",
        context=NoticeContext(name=listing.person.name, what=what, action=action),
        url=reverse("blacklist:listing_detail", args=[listing.public_id]),
    )
