"""Writes of the notify app: record a notice in the outbox, resend one, a person's contact
details and opt-outs. Delivery itself is in sending.py (run by tasks.deliver)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import audit_record, audit_records
from cqo.lib import bounds, crypto
from cqo.notify import kinds, rules, selectors, sms, tasks
from cqo.notify.kinds import Channel, Notice, NoticeContext
from cqo.notify.models import ContactDetails, MobileCode, OptOut, OutboxMessage
from cqo.reference.validators import validate_email, validate_mobile

S = OutboxMessage.Status


def _enqueue(message_id: int) -> None:
    tasks.dispatch(message_id)


def _enqueue_many(message_ids: list[int]) -> None:
    for message_id in message_ids:
        _enqueue(message_id)


def _cut(field: str, text: str) -> str:
    return text[: bounds.max_length(OutboxMessage, field)]


@transaction.atomic
def notice_send(
    *, recipient: User, kind: str, subject: str, context: NoticeContext, url: str = ""
) -> list[OutboxMessage]:
    """Record one notice (notices_send): the rows created."""
    notice = Notice(recipient=recipient, kind=kind, subject=subject, context=context, url=url)
    return notices_send(notices=[notice])


def _rows(notice: Notice, channels: list[str], now: dt.datetime) -> list[OutboxMessage]:
    context = notice.context
    return [
        OutboxMessage(
            recipient=notice.recipient,
            kind=notice.kind,
            subject=_cut("subject", notice.subject),
            channel=channel,
            status=S.SENT if channel == Channel.SITE else S.QUEUED,
            sent_at=now if channel == Channel.SITE else None,
            name=_cut("name", context.name),
            what=_cut("what", context.what),
            action=_cut("action", context.action),
            deadline=context.deadline,
            url=_cut("url", notice.url),
            created_at=now,
            updated_at=now,
        )
        for channel in channels
    ]


def _store(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Insert ``rows`` a batch to a statement; a batch another process recorded part of
    meanwhile (the unique key refuses it) goes row by row, keeping the rows that were new."""
    stored: list[OutboxMessage] = []
    for i in range(0, len(rows), rules.RECORD_BATCH):
        batch = rows[i : i + rules.RECORD_BATCH]
        try:
            with transaction.atomic():
                stored += OutboxMessage.objects.bulk_create(batch)
            continue
        except IntegrityError:
            pass
        for row in batch:
            row.pk = None
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue
            stored.append(row)
    return stored


@transaction.atomic
def notices_send(*, notices: Sequence[Notice]) -> list[OutboxMessage]:
    """Record notices, each to one person on each channel of its kind (e-mail and SMS left out
    for a kind the person opted out of, unless it is a legal notice), and hand the new rows to
    the workers once the transaction commits. Recording the same (recipient, kind, subject)
    again creates nothing and sends nothing, however many times a run is repeated. The
    in-platform row is delivered as it is recorded: the owning app shows its own record (a
    reminder, a decision) on its pages. A daily run gives all its notices at once: a few
    statements per thousand, whatever their number. Returns the rows created."""
    live = [n for n in notices if n.recipient.is_active]
    if not live:
        return []
    kind_of = {code: kinds.get(code) for code in {n.kind for n in live}}
    user_ids = [n.recipient.pk for n in live]
    opted = selectors.opted_out_pairs(
        user_ids, [code for code, k in kind_of.items() if k.may_opt_out]
    )
    keys = [(n.recipient.pk, n.kind, _cut("subject", n.subject)) for n in live]
    recorded = selectors.recorded_keys(keys)
    now = timezone.now()
    rows: list[OutboxMessage] = []
    for notice, key in zip(live, keys, strict=True):
        channels = set(kind_of[notice.kind].channels)
        if (key[0], notice.kind) in opted:
            channels &= {Channel.SITE}
        new = sorted(c for c in channels if (*key, c) not in recorded)
        recorded.update((*key, c) for c in new)  # the same notice twice in one run: once
        rows += _rows(notice, new, now)
    created = _store(rows)
    queued = [row.pk for row in created if row.channel != Channel.SITE]
    if queued:
        transaction.on_commit(partial(_enqueue_many, queued), robust=True)
    _audit(created)
    return created


def _audit(created: list[OutboxMessage]) -> None:
    """One audit entry per notice recorded (its channels counted), in one statement."""
    per_notice: dict[tuple[int, str, str], list[OutboxMessage]] = {}
    for row in created:
        per_notice.setdefault((row.recipient_id, row.kind, row.subject), []).append(row)
    audit_records(
        actor=None,
        action="create",
        target_type="outboxmessage",
        items=[
            (str(rows[0].public_id), str(rows[0]), {}, f"{len(rows)} notices")
            for rows in per_notice.values()
        ],
    )


@transaction.atomic
def message_resend(*, actor: User, message: OutboxMessage) -> None:
    """An administrator sends a sent or failed notice again, as a new send (a new idempotency
    key, the attempts counted afresh)."""
    if not selectors.may_see_outbox(actor):
        raise PermissionDenied
    changed = (
        OutboxMessage.objects.filter(pk=message.pk, status__in=[S.SENT, S.FAILED])
        .exclude(channel=Channel.SITE)
        .update(
            status=S.QUEUED,
            attempts=0,
            resends=F("resends") + 1,
            claimed_at=None,
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
    )
    if not changed:
        raise ValidationError({"status": _("只能重发已发送或发送失败的邮件、短信通知")})
    audit_record(
        actor=actor,
        action="update",
        target_type="outboxmessage",
        target_id=str(message.public_id),
        target_repr=str(message),
        changes={
            "status": [message.status, S.QUEUED],
            "resends": [message.resends, message.resends + 1],
        },
    )
    transaction.on_commit(partial(_enqueue, message.pk), robust=True)


def _may_edit(actor: User, user: User) -> None:
    if not (actor.is_platform_admin or actor.pk == user.pk):
        raise PermissionDenied


@transaction.atomic
def optout_set(*, actor: User, user: User, kind: str, opted_out: bool) -> None:
    """A person stops or resumes e-mail and SMS of one kind of notice; legal notices (exit
    listings, decisions, returned filings) are served whatever the person wants."""
    _may_edit(actor, user)
    notice_kind = kinds.get(kind)
    if opted_out and not notice_kind.may_opt_out:
        raise ValidationError(
            {"kind": _("“%(label)s”是依法送达的通知，不能退订") % {"label": notice_kind.label}}
        )
    found = OptOut.objects.filter(user=user, kind=kind)
    if opted_out == found.exists():
        return
    if opted_out:
        row = OptOut(user=user, kind=kind)
        row.full_clean(validate_constraints=False)
        row.save()
    else:
        found.delete()
    audit_record(
        actor=actor,
        action="create" if opted_out else "delete",
        target_type="optout",
        target_id=str(user.pk),
        target_repr=f"{user} {notice_kind.label}",
        changes={"kind": [None, kind] if opted_out else [kind, None]},
    )


@transaction.atomic
def optouts_replace(*, actor: User, user: User, opted_out: frozenset[str]) -> None:
    """The person's whole choice at once (the form of their notices page): the kinds named
    are opted out of, every other kind is received."""
    _may_edit(actor, user)
    if opted_out - {k.code for k in kinds.all_kinds()}:
        raise ValidationError({"kind": _("没有这种通知")})
    for kind in kinds.all_kinds():
        optout_set(actor=actor, user=user, kind=kind.code, opted_out=kind.code in opted_out)


@transaction.atomic
def contact_set(*, actor: User, user: User, email: str, mobile: str) -> ContactDetails:
    """Where a person's notices go. A changed address forgets the old one's failure."""
    _may_edit(actor, user)
    errors: dict[str, str] = {}
    try:
        email = validate_email(email) if email else ""
    except ValidationError as exc:
        errors["email"] = exc.messages[0]
    try:
        mobile = validate_mobile(mobile) if mobile else ""
    except ValidationError as exc:
        errors["mobile"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    details, _made = ContactDetails.objects.get_or_create(user=user)
    changes: dict[str, list[str | None]] = {}
    if email != details.email:
        changes["email"] = [details.email or None, email or None]
        details.email = email
        details.email_failure = ""
    if mobile != details.mobile:
        old = details.mobile_masked
        details.mobile = mobile
        details.mobile_failure = ""
        details.mobile_verified_at = None  # a new number is verified by its own code
        changes["mobile_masked"] = [old or None, details.mobile_masked or None]
    if not changes:
        return details
    details.full_clean()
    details.save()
    audit_record(
        actor=actor,
        action="update",
        target_type="contactdetails",
        target_id=str(user.pk),
        target_repr=str(user),
        changes=changes,
    )
    return details


@transaction.atomic
def quiet_hours_set(
    *, actor: User, user: User, enabled: bool, start: dt.time, end: dt.time
) -> ContactDetails:
    """The night in which the person's reminder SMS wait (legal notices and e-mail do not)."""
    _may_edit(actor, user)
    if enabled and start == end:
        raise ValidationError({"quiet_end": _("免打扰的开始和结束时间不能相同")})
    details, _made = ContactDetails.objects.get_or_create(user=user)
    before = (details.quiet_hours, details.quiet_start, details.quiet_end)
    details.quiet_hours, details.quiet_start, details.quiet_end = enabled, start, end
    if before == (enabled, start, end):
        return details
    details.full_clean()
    details.save(update_fields=["quiet_hours", "quiet_start", "quiet_end", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        target_type="contactdetails",
        target_id=str(user.pk),
        target_repr=str(user),
        changes={
            "quiet_hours": [before[0], enabled],
            "quiet_start": [before[1].isoformat("minutes"), start.isoformat("minutes")],
            "quiet_end": [before[2].isoformat("minutes"), end.isoformat("minutes")],
        },
    )
    return details


def _code_hash(user: User, mobile: str, code: str) -> str:
    return crypto.keyed_hash(f"mobile-code:{user.pk}:{mobile}:{code}")


def mobile_code_send(*, actor: User, user: User) -> None:
    """Send a verification code to the mobile the person gave for notices, by the SMS gateway
    itself (not the outbox: a code is never stored readable, nor sent twice). At most one a
    minute and rules.CODES_PER_DAY a day."""
    _may_edit(actor, user)
    details = selectors.contact_of(user)
    if details is None or not details.mobile_enc:
        raise ValidationError({"mobile": _("请先填写并保存接收短信的手机号码")})
    if details.mobile_verified_at is not None:
        raise ValidationError({"mobile": _("该手机号码已验证")})
    now = timezone.now()
    sent = MobileCode.objects.filter(user=user, created_at__gte=now - dt.timedelta(days=1))
    if sent.filter(created_at__gte=now - dt.timedelta(seconds=rules.CODE_RESEND_SECONDS)).exists():
        raise ValidationError({"code": _("验证码已发送，请一分钟后再试")})
    if sent.count() >= rules.CODES_PER_DAY:
        raise ValidationError({"code": _("今天发送的验证码已达上限，请明天再试")})
    mobile = details.mobile
    code = f"{secrets.randbelow(10**rules.CODE_DIGITS):0{rules.CODE_DIGITS}d}"
    text = settings.CQO_SMS_SIGNATURE + _(
        "您的手机验证码为%(code)s，%(minutes)d分钟内有效，请勿告诉他人。"
    ) % {"code": code, "minutes": rules.CODE_TTL_SECONDS // 60}
    row = MobileCode.objects.create(
        user=user,
        mobile_hash=crypto.keyed_hash(mobile),
        code_hash=_code_hash(user, mobile, code),
        expires_at=now + dt.timedelta(seconds=rules.CODE_TTL_SECONDS),
    )
    try:
        sms.gateway().send(
            sms.Sms(
                phone=mobile,
                template_id=settings.CQO_SMS_TEMPLATE_IDS.get("mobile_code", "mobile_code"),
                params={"code": code},
                text=text,
                idempotency_key=f"mobile-code-{row.pk}",
            )
        )
    except sms.GatewayError as exc:
        row.delete()
        raise ValidationError(
            {"code": _("验证码未能发送：%(reason)s") % {"reason": exc.reason}}
        ) from exc
    audit_record(
        actor=actor,
        action="create",
        target_type="mobilecode",
        target_id=str(row.pk),
        target_repr=str(user),
        note=details.mobile_masked,
    )


def mobile_verify(*, actor: User, user: User, code: str) -> ContactDetails:
    """The person types back the code: the mobile is verified, and the SMS that failed for
    want of a verified mobile are queued again (nothing is lost while the person verifies). A
    wrong code counts a try (kept: it is committed before the refusal)."""
    _may_edit(actor, user)
    with transaction.atomic():
        details = selectors.contact_of(user)
        if details is None or not details.mobile_enc:
            raise ValidationError({"code": _("请先填写并保存接收短信的手机号码")})
        now = timezone.now()
        row = (
            MobileCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, mobile_hash=crypto.keyed_hash(details.mobile))
            .order_by("-created_at")
            .first()
        )
        if row is None or row.expires_at <= now or row.tries >= rules.CODE_MAX_TRIES:
            raise ValidationError({"code": _("验证码已失效，请重新获取")})
        typed = "".join((code or "").split())[: rules.CODE_DIGITS + 2]
        if secrets.compare_digest(row.code_hash, _code_hash(user, details.mobile, typed)):
            return _verified(actor, user, details, row, now)
        row.tries += 1
        row.save(update_fields=["tries"])
    left = rules.CODE_MAX_TRIES - row.tries
    if left <= 0:
        raise ValidationError({"code": _("验证码错误次数过多，请重新获取")})
    raise ValidationError({"code": _("验证码不正确，还可尝试%(left)d次") % {"left": left}})


def _verified(
    actor: User, user: User, details: ContactDetails, row: MobileCode, now: dt.datetime
) -> ContactDetails:
    row.used_at = now
    row.save(update_fields=["used_at"])
    details.mobile_verified_at = now
    details.mobile_failure = ""
    details.save(update_fields=["mobile_verified_at", "mobile_failure", "updated_at"])
    waiting = OutboxMessage.objects.filter(
        recipient=user, channel=Channel.SMS, status=S.FAILED, address_shown=""
    )
    again = list(waiting.values_list("pk", flat=True))
    waiting.update(status=S.QUEUED, attempts=0, next_attempt_at=None, last_error="", updated_at=now)
    for pk in again:
        transaction.on_commit(partial(_enqueue, pk), robust=True)
    audit_record(
        actor=actor,
        action="update",
        target_type="contactdetails",
        target_id=str(user.pk),
        target_repr=str(user),
        changes={"mobile_verified_at": [None, now.isoformat(timespec="seconds")]},
        note=details.mobile_masked,
    )
    return details
