"""Writing study records: validate, commit to the hour log, audit (SPEC §5, §12.14).

``record_create`` is the one way a record comes into being: from a training session's
attendance (cqo.training), from an e-learning system through the API, or from a regulator,
the person's enterprise or the person registering an activity. Each record is appended to the
hour log in the same transaction, as a leaf holding only a salted commitment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record
from cqo.hours import notices, selectors
from cqo.hours.models import HourReminder, Kind, PersonSalt, Source, StudyRecord
from cqo.lib import bounds, clock, uploads
from cqo.notify.kinds import Notice, NoticeContext
from cqo.notify.services import notices_send
from cqo.policy.selectors import cite
from cqo.registry.models import Person

MAX_HOURS = Decimal("500")
ENTRY_VERSION = 1


def _salt(person: Person) -> bytes:
    found = PersonSalt.objects.filter(person=person).values_list("salt", flat=True).first()
    if found is not None:
        return bytes(found)
    salt = secrets.token_bytes(32)
    PersonSalt.objects.create(person=person, salt=salt)
    return salt


def opening(record: StudyRecord) -> dict[str, str | int]:
    """The fields a commitment is computed over (no salt). Stable key order and string values,
    so anyone holding the salt can recompute the commitment."""
    fields: dict[str, str | int] = {
        "record": str(record.public_id),
        "person": str(record.person.public_id),
        "name": record.person.name,
        "kind": record.kind,
        "hours": format(Decimal(record.hours).quantize(Decimal("0.1")), "f"),
        "date": record.occurred_on.isoformat(),
        "title": record.title,
        "provider": record.provider,
        "corrects": str(record.corrects.public_id) if record.corrects else "",
    }
    if record.source == Source.MIGRATED:  # a migrated record's commitment covers that too
        fields["source"] = Source.MIGRATED.value
    return fields


def canonical(fields: Mapping[str, str | int]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def commitment(salt: bytes, fields: Mapping[str, str | int]) -> str:
    """SHA-256 over the person's salt and the record's fields (SPEC §12.14)."""
    return hashlib.sha256(salt + canonical(fields)).hexdigest()


def leaf_entry(record: StudyRecord) -> bytes:
    """What enters the public log: the commitment and when it was entered, nothing personal."""
    fields: dict[str, str | int] = {
        "v": ENTRY_VERSION,
        "type": "study_record",
        "commitment": record.commitment,
        "entered_at": record.created_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }
    if record.source == Source.MIGRATED:
        # a record of the province's archive: entered now, studied on its original date, and
        # the entry says so to anyone verifying it (issue 23)
        fields["origin"] = "migrated"
        fields["studied_on"] = record.occurred_on.isoformat()
    return canonical(fields)


def _hours(value: Decimal) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"hours": _("学时应为数字，最多一位小数")}) from exc
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
        raise ValidationError({"hours": _("学时应在 0 到 500 之间")})
    return hours


def _date(day: dt.date) -> dt.date:
    if not isinstance(day, dt.date):  # a caller that did not parse its input first
        raise ValidationError({"occurred_on": _("日期格式应为 YYYY-MM-DD")})
    if day > clock.today():
        raise ValidationError({"occurred_on": _("日期不能在未来")})
    if day.year < 2000:
        raise ValidationError({"occurred_on": _("日期不能早于2000年")})
    return day


def recordable_q(actor: User, source: str) -> Q:
    """The persons ``actor`` may write a record for: the platform (training attendance, actor
    None is refused here: the training app passes its organiser), a trainer reporting
    e-learning through the API, a regulator within scope, the person's enterprise clerk, or
    the person for their own activities."""
    if actor.is_platform_admin:
        return Q()
    if source in (Source.API, Source.SESSION) and actor.role in (Role.TRAINER, Role.CERTIFIER):
        return Q()
    if actor.role == Role.REGULATOR:
        return access.person_q(actor)
    if actor.role == Role.ENTERPRISE and actor.enterprise_id is not None:
        return Q(appointments__enterprise_id=actor.enterprise_id)
    if actor.role == Role.CQO:
        return Q(user=actor)
    return access.NOTHING


def can_record(actor: User, person: Person, source: str) -> bool:
    allowed = recordable_q(actor, source)
    if allowed == Q():
        return True
    return Person.objects.filter(allowed, pk=person.pk).exists()


def _checked(
    *,
    person: Person,
    kind: str,
    hours: Decimal,
    occurred_on: dt.date,
    source: str,
    texts: dict[str, str],
    evidence: File[bytes] | None,
    corrects: StudyRecord | None,
) -> tuple[Decimal, dt.date]:
    """Every field of a study record checked at once: its hours (0–500, one decimal), its date
    (not in the future, from 2000 on), its texts within their limits, and what it corrects."""
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("类别取值无效")
    if source not in Source.values:
        errors["source"] = _("来源取值无效")
    if not texts["title"]:
        errors["title"] = _("请填写课程或活动名称")
    for field, typed in texts.items():
        if field not in errors and (message := bounds.too_long(StudyRecord, field, typed)):
            errors[field] = message
    try:
        value = _hours(hours)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        value = Decimal(0)
    try:
        day = _date(occurred_on)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        day = clock.today()
    if corrects is not None:
        if corrects.person_id != person.pk:
            errors["corrects"] = _("更正的记录应属于同一人员")
        elif StudyRecord.objects.filter(corrects=corrects).exists():
            errors["corrects"] = _("该记录已被更正，请更正最新的记录")
    # an uploaded file (not the attendance statement an alliance event writes itself)
    if isinstance(evidence, UploadedFile):
        try:
            uploads.check_document(evidence)
        except ValidationError as exc:
            errors["evidence"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return value, day


@transaction.atomic
def record_create(
    *,
    actor: User,
    person: Person,
    kind: str,
    hours: Decimal,
    occurred_on: dt.date,
    title: str,
    source: str,
    provider: str = "",
    source_ref: str = "",
    evidence: File[bytes] | None = None,
    corrects: StudyRecord | None = None,
    note: str = "",
) -> StudyRecord:
    """Create a study record and enter it into the hour log."""
    if not can_record(actor, person, source):
        raise PermissionDenied(_("无权为该人员登记学时"))
    title, note = (title or "").strip(), (note or "").strip()
    value, day = _checked(
        person=person,
        kind=kind,
        hours=hours,
        occurred_on=occurred_on,
        source=source,
        texts={"title": title, "source_ref": source_ref, "provider": provider, "note": note},
        evidence=evidence,
        corrects=corrects,
    )
    record = StudyRecord(
        person=person,
        kind=kind,
        hours=value,
        occurred_on=day,
        title=title,
        provider=provider.strip(),
        source=Source.CORRECTION if corrects is not None else source,
        source_ref=source_ref.strip(),
        corrects=corrects,
        note=note,
        created_by=actor,
    )
    if evidence is not None:
        record.evidence = evidence
    _enter(record)
    _audit_created(actor=actor, record=record, corrects=corrects)
    return record


def _enter(record: StudyRecord) -> None:
    """Commit to the record's fields with its person's salt, save it, and append its leaf to
    the hour log, in the caller's transaction: a repeated source reference is refused before
    anything reaches the log."""
    from cqo.ledger import services as ledger

    record.commitment = commitment(_salt(record.person), opening(record))
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise ValidationError({"source_ref": _("该来源编号已上报过，不能重复登记")}) from exc
    entry = ledger.append(leaf_entry(record))
    record.ledger_index = entry.index
    record.save(update_fields=["ledger_index"])


def _audit_created(*, actor: User, record: StudyRecord, corrects: StudyRecord | None) -> None:
    audit_record(
        actor=actor,
        action="create",
        target_type="study_record",
        target_id=str(record.public_id),
        target_repr=str(record),
        changes={
            "kind": [None, record.kind],
            "hours": [None, str(record.hours)],
            "occurred_on": [None, record.occurred_on.isoformat()],
            "ledger_index": [None, record.ledger_index],
        },
        note=f"corrects {corrects.public_id}" if corrects else "",
    )


def proof_bundle(record: StudyRecord) -> dict[str, Any]:
    """The verifiable bundle of the hour proof (level-standard §10, Annex C): the log's leaf,
    its inclusion proof and a signed checkpoint, plus the opening of the commitment (salt and
    fields), so anyone with the platform's public key can check it offline."""
    from cqo.ledger import services as ledger

    if record.ledger_index is None:
        raise ValidationError({"record": _("该记录尚未存证")})
    bundle = ledger.bundle(record.ledger_index)
    bundle["opening"] = {
        "salt": _salt(record.person).hex(),
        "fields": opening(record),
        "commitment": record.commitment,
    }
    return bundle


def reminder_dates(year: int) -> list[dt.date]:
    """The days of the year study-hour reminders go out: CQO_HOUR_REMINDER_DATES, a platform
    default (no document sets them; SPEC §5 asks only for reminders before year end)."""
    from django.conf import settings

    out = []
    for item in settings.CQO_HOUR_REMINDER_DATES:
        month, day = (int(x) for x in item.split("-"))
        out.append(dt.date(year, month, day))
    return out


def _reminder_text(year: int, short: list[Any]) -> str:
    parts = [
        _("%(name)s：已修 %(counted)s，应修 %(required)s（%(clause)s），尚差 %(short)s 学时")
        % {
            "name": r.name,
            "counted": r.counted_hours,
            "required": r.required_hours,
            # as users read it (陕质委办〔2021〕15号 第五条（一）), never the pack's notation
            "clause": cite(r.clause),
            "short": r.shortfall,
        }
        + (
            _("；组织培训 %(c)d / %(r)d 次")
            % {"c": r.counted_activities, "r": r.required_activities}
            if r.required_activities
            else ""
        )
        for r in short
    ]
    return _("%(year)d年度学时：%(parts)s。请在年底前完成。") % {
        "year": year,
        "parts": "；".join(parts),
    }


@transaction.atomic
def send_reminders(day: dt.date, *, force: bool = False) -> list[Any]:
    """On a reminder date, every CQO short of the year under their pack (serving ones, and
    prospective ones where the pack binds them, shaanxi-2021 §五(一)) or under their capability
    certificate's continuing education (level-standard §9.4.1.2) gets one reminder (at most one
    a day); 原则上 minimums are worded as a reminder, not a breach (SPEC §12.13). Returns the
    reminders created."""
    from cqo.hours import selectors
    from cqo.hours.models import HourReminder

    if not force and day not in reminder_dates(day.year):
        return []
    created = []
    for row in selectors.compliance_rows(
        user=None, year=day.year, short_only=True, prospective=True
    ):
        short = [r for r in row.compliance.regimes if r.met is False]
        if not short:
            continue
        first = short[0]
        reminder, made = HourReminder.objects.get_or_create(
            person=row.person,
            year=day.year,
            sent_on=day,
            defaults={
                "required": first.required_hours or Decimal(0),
                "counted": first.counted_hours,
                "message": _reminder_text(day.year, short)[: bounds.NOTE],
            },
        )
        if made:
            created.append(reminder)
    _reminder_notices(created)
    if created:
        audit_record(
            actor=None,
            action="create",
            target_type="hour_reminders",
            target_id=day.isoformat(),
            note=f"{len(created)} study-hour reminders",
        )
    return created


def _reminder_notices(reminders: list[HourReminder]) -> None:
    """The reminders also go to their persons by e-mail and SMS (cqo.notify), each once, all
    recorded together. A person without a login is reminded through their enterprise's pages."""
    users = User.objects.in_bulk({r.person.user_id for r in reminders if r.person.user_id})
    notices_send(
        notices=[
            Notice(
                recipient=users[r.person.user_id],
                kind=notices.HOURS_REMINDER,
                subject=f"{r.person.public_id}:{r.year}:{r.sent_on.isoformat()}",
                context=NoticeContext(
                    name=r.person.name,
                    what=r.message,
                    action=_("请在年底前参加培训或登记学习活动，补足本年度学时。"),
                    deadline=dt.date(r.year, 12, 31),
                ),
                url=reverse("hours:index"),
            )
            for r in reminders
            if r.person.user_id in users
        ]
    )


@transaction.atomic
def reminder_mark_read(*, actor: User, reminder: HourReminder) -> None:
    """The CQO (or the clerk of the enterprise where they serve) has read a study-hour reminder
    (SPEC §5); a second reading changes nothing and is not recorded."""
    if not selectors.reminders_for(actor).filter(pk=reminder.pk).exists():
        raise PermissionDenied
    if reminder.read_at is not None:
        return
    reminder.read_at = timezone.now()
    reminder.save(update_fields=["read_at"])
    audit_record(
        actor=actor,
        action="update",
        target_type="hour_reminder",
        target_id=str(reminder.pk),
        target_repr=str(reminder.person),
        changes={"read_at": [None, reminder.read_at.isoformat()]},
    )


def _salts(persons: list[Person]) -> dict[int, bytes]:
    """Every person's salt, the missing ones created, in two queries."""
    ids = {p.pk for p in persons}
    salts = {
        pid: bytes(salt)
        for pid, salt in PersonSalt.objects.filter(person_id__in=ids).values_list(
            "person_id", "salt"
        )
    }
    missing = [PersonSalt(person_id=pid, salt=secrets.token_bytes(32)) for pid in ids - set(salts)]
    PersonSalt.objects.bulk_create(missing)
    salts.update({s.person_id: bytes(s.salt) for s in missing})
    return salts


# hours from a province's archive (issue 23)
from cqo.hours.services.migrated import (  # noqa: E402  (it builds on the helpers above)
    MigratedHours,
    migrated_problems,
    migrated_with,
    migration_key,
    records_migrate,
)

__all__ = [
    "MigratedHours",
    "migrated_problems",
    "migrated_with",
    "migration_key",
    "records_migrate",
]
