"""Reads of the notify app: where a person's notices go, what they opted out of, the outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from cqo.accounts.models import User
from cqo.lib import crypto
from cqo.notify import rules
from cqo.notify.kinds import Channel
from cqo.notify.models import ContactDetails, OptOut, OutboxMessage

# A higher app that knows a person's mobile (the registry's filed Person) answers here when it
# starts, for a user who has not given one to the notify app (STYLE.md: a lower app asks).
MobileAnswer = Callable[[User], str]
_MOBILE_ANSWERS: dict[str, MobileAnswer] = {}


def provide_mobile(name: str, answer: MobileAnswer) -> None:
    _MOBILE_ANSWERS[name] = answer


@dataclass(frozen=True)
class Address:
    value: str  # what the adapter sends to
    shown: str  # what a page shows (a mobile masked)


def contact_of(user: User) -> ContactDetails | None:
    return ContactDetails.objects.filter(user=user).first()


def address_of(user: User, channel: str) -> Address | None:
    """The e-mail address or mobile a notice to ``user`` goes to: the one given to the notify
    app, else the account's e-mail or the mobile another app knows; None if there is none."""
    details = contact_of(user)
    if channel == Channel.EMAIL:
        email = (details.email if details else "") or user.email
        return Address(email, email) if email else None
    if channel == Channel.SMS:
        if details and details.mobile_enc and details.mobile_verified_at is not None:
            return Address(details.mobile, details.mobile_masked)
        # a mobile given here but not yet verified is not used: the registered one, if any
        for answer in _MOBILE_ANSWERS.values():
            mobile = answer(user)
            if mobile:
                return Address(mobile, _mask(mobile))
        return None
    return None


def mobile_unverified(user: User) -> bool:
    """The person gave a mobile for notices and has not yet typed back its code."""
    return (
        ContactDetails.objects.filter(user=user, mobile_verified_at__isnull=True)
        .exclude(mobile_enc="")
        .exists()
    )


def quiet_until(user: User, now: dt.datetime) -> dt.datetime | None:
    """When the person's quiet period holding ``now`` ends, in the platform's time zone; None
    when it is not their quiet time (or they turned quiet hours off)."""
    details = contact_of(user)
    if details is not None and not details.quiet_hours:
        return None
    start = details.quiet_start if details else rules.QUIET_START
    end = details.quiet_end if details else rules.QUIET_END
    return rules.quiet_ends(timezone.localtime(now), start, end)


def _mask(mobile: str) -> str:
    return crypto.mask(mobile, 3, 4)


def opted_out(user: User, kind: str) -> bool:
    return OptOut.objects.filter(user=user, kind=kind).exists()


def opted_out_pairs(user_ids: Iterable[int], kinds: Iterable[str]) -> set[tuple[int, str]]:
    """The (user id, kind) pairs among these users and kinds that were opted out of, a
    statement per thousand users."""
    ids, wanted = sorted(set(user_ids)), sorted(set(kinds))
    found: set[tuple[int, str]] = set()
    for i in range(0, len(ids), rules.RECORD_BATCH):
        found.update(
            OptOut.objects.filter(
                user_id__in=ids[i : i + rules.RECORD_BATCH], kind__in=wanted
            ).values_list("user_id", "kind")
        )
    return found


def recorded_keys(keys: Iterable[tuple[int, str, str]]) -> set[tuple[int, str, str, str]]:
    """The outbox keys (recipient id, kind, subject, channel) already recorded among these
    (recipient id, kind, subject), a statement per thousand recipients."""
    wanted = set(keys)
    ids = sorted({k[0] for k in wanted})
    kinds, subjects = sorted({k[1] for k in wanted}), {k[2] for k in wanted}
    found: set[tuple[int, str, str, str]] = set()
    step = rules.RECORD_BATCH
    for i in range(0, len(ids), step):
        rows = OutboxMessage.objects.filter(
            recipient_id__in=ids[i : i + step], kind__in=kinds
        ).values_list("recipient_id", "kind", "subject", "channel")
        found.update(r for r in rows if r[2] in subjects and r[:3] in wanted)
    return found


def opted_out_kinds(user: User) -> frozenset[str]:
    return frozenset(OptOut.objects.filter(user=user).values_list("kind", flat=True))


def may_see_outbox(user: User) -> bool:
    return bool(user.is_active) and user.is_platform_admin


def outbox_list(*, user: User, status: str = "") -> QuerySet[OutboxMessage]:
    """Every notice, newest first, for the platform's administrators only."""
    if not may_see_outbox(user):
        return OutboxMessage.objects.none()
    rows = OutboxMessage.objects.select_related("recipient", "recipient__enterprise")
    rows = rows.select_related("recipient__region", "recipient__contact_details")
    if status in OutboxMessage.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def notices_of(user: User) -> QuerySet[OutboxMessage]:
    """A person's own notices by e-mail and SMS (their delivery, a bounce shown to them)."""
    return OutboxMessage.objects.filter(recipient=user).exclude(channel=Channel.SITE)
