"""Delivering one outbox row, in steps that each commit on their own: the network call to the
SMTP server or the SMS gateway happens between them, outside any transaction.

1. Claim: one conditional UPDATE moves the row from ``queued`` to ``sending`` (and counts the
   attempt). Of two workers holding the same task, only the one whose UPDATE changed the row
   sends; the other finds it ``sending`` or ``sent`` and does nothing.
2. Send, with the row's idempotency key (the e-mail's Message-ID, the gateway's
   Idempotency-Key).
3. Finish: ``sent``; or back to ``queued`` with the back-off's next try; or ``failed`` when
   the address is refused or the attempts are spent, and the address's failure is kept on the
   person's contact details, where they and the administrators see it.

A worker killed between 1 and 3 leaves the row in ``sending``. The rule: nobody touches it
until rules.SENDING_STALE_SECONDS have passed since its claim (no send lasts that long); then
the sweep (tasks.outbox_sweep) claims it again and sends it once more under the same key, so
a message that did leave before the crash is dropped as a repeat by the receiving side, and one
that did not leaves now. The redelivered Celery task (acks_late) finds the row ``sending`` and
leaves it to the sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.audit.services import audit_record
from cqo.notify import delivery, kinds, rules, selectors
from cqo.notify.kinds import Channel
from cqo.notify.models import ContactDetails, OutboxMessage

S = OutboxMessage.Status
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: int | None = None  # seconds until the next try, when there is one


def message_claim(*, message_id: int, now: dt.datetime) -> OutboxMessage | None:
    stale = now - dt.timedelta(seconds=rules.SENDING_STALE_SECONDS)
    claimable = Q(status=S.QUEUED) | Q(status=S.SENDING, claimed_at__lte=stale)
    changed = (
        OutboxMessage.objects.filter(claimable, pk=message_id)
        .exclude(channel=Channel.SITE)
        .update(status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    )
    if not changed:
        return None
    return OutboxMessage.objects.select_related("recipient").get(pk=message_id)


def message_deliver(*, message_id: int) -> Outcome:
    """Claim, send and record one row (the Celery task's body)."""
    now = timezone.now()
    if (waits := _quiet_wait(message_id, now)) is not None:
        return waits
    message = message_claim(message_id=message_id, now=now)
    if message is None:
        status = OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True)
        return Outcome(status.first() or "")
    address = selectors.address_of(message.recipient, message.channel)
    if address is None:
        # failed without an address: sent after all once the person gives or verifies one
        # (services.mobile_verify queues these again)
        if message.channel == Channel.EMAIL:
            reason = _("未登记电子邮箱")
        elif selectors.mobile_unverified(message.recipient):
            reason = _("手机号码尚未验证，请在“我的通知”中验证后接收短信")
        else:
            reason = _("未登记手机号码")
        return _failed(message, reason, shown="", address_failed=False)
    try:
        delivery.deliver(message, address)
    except delivery.DeliveryError as exc:
        if exc.permanent or rules.gives_up(message.attempts):
            return _failed(message, exc.reason, shown=address.shown, address_failed=exc.permanent)
        return _again(message, exc.reason, shown=address.shown)
    except Exception:
        # a fault of ours (a kind no longer declared, a template error): tried again like a
        # server that is down, so the row ends failed rather than stuck in ``sending``
        log.exception("notice %s could not be delivered", message.public_id)
        reason = _("平台发送通知时出错")
        if rules.gives_up(message.attempts):
            return _failed(message, reason, shown=address.shown, address_failed=False)
        return _again(message, reason, shown=address.shown)
    return _sent(message, address.shown)


def _quiet_wait(message_id: int, now: dt.datetime) -> Outcome | None:
    """A reminder's SMS waits out the person's quiet hours (night by default): it stays queued
    with its next try at their end, no attempt counted. E-mail does not wake anyone, and a
    legal notice (a decision, a listing, a returned filing) is served when it is made."""
    row = (
        OutboxMessage.objects.filter(pk=message_id, status=S.QUEUED, channel=Channel.SMS)
        .select_related("recipient")
        .first()
    )
    if row is None:
        return None
    try:
        if kinds.get(row.kind).legal:
            return None
    except LookupError:
        return None  # the send reports the undeclared kind
    until = selectors.quiet_until(row.recipient, now)
    if until is None:
        return None
    OutboxMessage.objects.filter(pk=row.pk, status=S.QUEUED).update(
        next_attempt_at=until, updated_at=now
    )
    return Outcome(S.QUEUED, retry_in=max(1, int((until - now).total_seconds())))


def _mine(message: OutboxMessage) -> Q:
    # only the claim that sent it may finish it (a stale claim taken over is no longer ours)
    return Q(pk=message.pk, status=S.SENDING, claimed_at=message.claimed_at)


@transaction.atomic
def _sent(message: OutboxMessage, shown: str) -> Outcome:
    now = timezone.now()
    OutboxMessage.objects.filter(_mine(message)).update(
        status=S.SENT, sent_at=now, address_shown=shown, next_attempt_at=None, updated_at=now
    )
    _address_failure(message, "")
    return Outcome(S.SENT)


@transaction.atomic
def _again(message: OutboxMessage, reason: str, *, shown: str) -> Outcome:
    now = timezone.now()
    wait = rules.backoff_seconds(message.attempts)
    OutboxMessage.objects.filter(_mine(message)).update(
        status=S.QUEUED,
        last_error=reason[:300],
        address_shown=shown,
        next_attempt_at=now + dt.timedelta(seconds=wait),
        updated_at=now,
    )
    return Outcome(S.QUEUED, retry_in=wait)


@transaction.atomic
def _failed(message: OutboxMessage, reason: str, *, shown: str, address_failed: bool) -> Outcome:
    now = timezone.now()
    changed = OutboxMessage.objects.filter(_mine(message)).update(
        status=S.FAILED,
        last_error=reason[:300],
        address_shown=shown,
        next_attempt_at=None,
        updated_at=now,
    )
    if changed:
        if address_failed:
            _address_failure(message, reason)
        audit_record(
            actor=None,
            action="update",
            target_type="outboxmessage",
            target_id=str(message.public_id),
            target_repr=str(message),
            changes={"status": [S.SENDING, S.FAILED], "last_error": [None, reason[:300]]},
        )
    return Outcome(S.FAILED)


def _address_failure(message: OutboxMessage, reason: str) -> None:
    """Keep (or, after a success, clear) the reason the person's address failed."""
    field = "email_failure" if message.channel == Channel.EMAIL else "mobile_failure"
    if reason:
        details, _made = ContactDetails.objects.get_or_create(user=message.recipient)
        setattr(details, field, reason[:300])
        details.save(update_fields=[field, "updated_at"])
    else:
        ContactDetails.objects.filter(user=message.recipient).exclude(**{field: ""}).update(
            **{field: ""}
        )


def due_for_sweep(now: dt.datetime) -> list[int]:
    """Rows a worker should have taken and did not: queued past their next try (an enqueue
    lost with the broker, a retry whose task died) and ``sending`` past the stale limit."""
    grace = now - dt.timedelta(seconds=rules.SENDING_STALE_SECONDS)
    queued = Q(status=S.QUEUED) & (
        Q(next_attempt_at__lte=grace) | Q(next_attempt_at__isnull=True, created_at__lte=grace)
    )
    stale = Q(status=S.SENDING, claimed_at__lte=grace)
    rows = OutboxMessage.objects.filter(queued | stale).exclude(channel=Channel.SITE)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:1000])
