"""Sending one outbox row: by e-mail (Django's mail backend: SMTP in production) or by SMS
(the gateway of cqo.notify.sms). Raises DeliveryError with a reason in the reader's language;
``permanent`` when trying again cannot help (an address refused, a request rejected)."""

from __future__ import annotations

import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cqo.notify import kinds, rules, sms
from cqo.notify.kinds import Channel
from cqo.notify.models import OutboxMessage
from cqo.notify.selectors import Address


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def absolute_url(url: str) -> str:
    if not url or urlsplit(url).scheme:
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def message_id(message: OutboxMessage) -> str:
    """Derived from the row's idempotency key: a repeat after a worker died carries the same
    Message-ID, which mail systems use to drop duplicates."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<notice-{message.idempotency_key}@{host}>"


def email_build(message: OutboxMessage, to: str) -> EmailMultiAlternatives:
    kind = kinds.get(message.kind)
    context = {
        "name": message.name,
        "what": message.what,
        "action": message.action,
        "deadline": message.deadline,
        "url": absolute_url(message.url),
        "kind_label": kind.label,
    }
    text = render_to_string(f"{kind.email_template}.txt", context)
    html = render_to_string(f"{kind.email_template}.html", context)
    mail = EmailMultiAlternatives(
        subject=str(kind.email_subject or kind.label),
        body=text,
        to=[to],
        headers={"Message-ID": message_id(message)},
    )
    mail.attach_alternative(html, "text/html")
    return mail


def email_send(message: OutboxMessage, address: Address) -> None:
    try:
        email_build(message, address.value).send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(_("收件地址被拒收（退信）"), permanent=True) from exc
    except smtplib.SMTPResponseException as exc:
        # 5xx: the server will refuse it again; 4xx: try later
        raise DeliveryError(
            _("邮件服务器拒绝：%(code)s") % {"code": exc.smtp_code},
            permanent=500 <= exc.smtp_code < 600,
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(_("无法连接邮件服务器")) from exc


def sms_send(message: OutboxMessage, address: Address) -> None:
    kind = kinds.get(message.kind)
    deadline = message.deadline.isoformat() if message.deadline else ""
    text = rules.sms_text(
        signature=settings.CQO_SMS_SIGNATURE,
        template=str(kind.sms_template),
        name=message.name,
        deadline=deadline,
    )
    try:
        sms.gateway().send(
            sms.Sms(
                phone=address.value,
                template_id=settings.CQO_SMS_TEMPLATE_IDS.get(kind.code, kind.code),
                params={"name": rules.short_name(message.name), "deadline": deadline},
                text=text,
                idempotency_key=message.idempotency_key,
            )
        )
    except sms.GatewayError as exc:
        raise DeliveryError(exc.reason, permanent=exc.permanent) from exc


def deliver(message: OutboxMessage, address: Address) -> None:
    if message.channel == Channel.EMAIL:
        email_send(message, address)
    elif message.channel == Channel.SMS:
        sms_send(message, address)
