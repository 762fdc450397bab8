"""Study-hour records of a province's archive (issue 23), entered into the hour log as migrated
entries a batch at a time: checked by the live rules (``migrated_problems``), known by their
natural key (``migration_key``), stored without building model instances."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.hours.models import Kind, Source, StudyRecord
from cqo.hours.services import (
    ENTRY_VERSION,
    MAX_HOURS,
    _hours,
    _salts,
    canonical,
    commitment,
)
from cqo.lib import bounds, clock
from cqo.registry.models import Person


@dataclass(frozen=True, kw_only=True)
class MigratedHours:
    """One study-hour record of a province's archive: the person (registered), what was
    studied and when, and, when the archive numbered its records, that number."""

    person: Person
    kind: str
    hours: Decimal
    occurred_on: dt.date
    title: str
    provider: str = ""
    record_number: str = ""
    origin_note: str = ""  # the file and row it came from


_KINDS = frozenset(Kind.values)
_ONE_PLACE = Decimal("0.1")
_EARLIEST = dt.date(2000, 1, 1)


def migrated_problems(entry: MigratedHours, *, today: dt.date | None = None) -> dict[str, str]:
    """What the live rules (``_checked``) refuse in a migrated record, by field, in their
    words: its kind, its hours (0–500, one decimal), its date (not in the future, from 2000
    on), its title given and its texts within their limits. Checked without building a
    record: a file of a million rows is checked twice (by its handler, then here)."""
    errors: dict[str, str] = {}
    if entry.kind not in _KINDS:
        errors["kind"] = _("类别取值无效")
    if not entry.title.strip():
        errors["title"] = _("请填写课程或活动名称")
    for key, typed in (
        ("title", entry.title),
        ("provider", entry.provider),
        ("source_ref", entry.record_number),
        ("note", entry.origin_note),
    ):
        if len(typed) > _TEXT_MAX[key] and key not in errors:
            errors[key] = bounds.too_long(StudyRecord, key, typed) or ""
    value = entry.hours
    if not (
        isinstance(value, Decimal)
        and value.is_finite()
        and 0 <= value <= MAX_HOURS
        and value == value.quantize(_ONE_PLACE)
    ):
        try:
            _hours(value)
        except ValidationError as exc:
            errors["hours"] = exc.message_dict["hours"][0]
        else:
            if value != Decimal(str(value)).quantize(_ONE_PLACE):
                errors["hours"] = _("学时应为数字，最多一位小数")
    day = entry.occurred_on
    if not isinstance(day, dt.date):
        errors["occurred_on"] = _("日期格式应为 YYYY-MM-DD")
    elif day > (today or clock.today()):
        errors["occurred_on"] = _("日期不能在未来")
    elif day < _EARLIEST:
        errors["occurred_on"] = _("日期不能早于2000年")
    return errors


_TEXT_MAX = {
    key: bounds.max_length(StudyRecord, key) for key in ("title", "provider", "source_ref", "note")
}


def migration_key(entry: MigratedHours) -> str:
    """A migrated record's natural key: the person and the archive's record number, or, when
    the archive numbered none, the person and everything the record says."""
    if entry.record_number:
        parts = ["number", str(entry.person.public_id), entry.record_number]
    else:
        parts = [
            "content",
            str(entry.person.public_id),
            entry.kind,
            format(Decimal(entry.hours).quantize(Decimal("0.1")), "f"),
            entry.occurred_on.isoformat(),
            entry.title,
            entry.provider,
        ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def migrated_with(keys: Sequence[str]) -> QuerySet[StudyRecord]:
    """The migrated records of these natural keys. The condition of the partial unique index
    (``hours_migrated_once``) is repeated so that the database searches the index rather than
    scanning the log's records for every batch."""
    return StudyRecord.objects.filter(migration_key__in=keys).exclude(migration_key="").order_by()


@transaction.atomic
def records_migrate(*, actor: User, entries: Sequence[MigratedHours]) -> int:
    """Study-hour records of a province's archive, entered into the hour log as one batch:
    each a migrated record (source 历史数据迁移) under the migrating user, its study date as
    recorded, its log entry made now and saying it was migrated (``leaf_entry``). Every
    person must lie in the actor's scope (a platform admin, or a regulator whose subtree holds
    the person's region); every record must pass the live rules (``migrated_problems``) and
    not be migrated already (``migration_key``). Returns how many were written. The trail's
    entry is the file's, written by the migration with its checksum; each record names its
    file and row in its note."""
    from cqo.ledger import services as ledger

    if not (actor.is_platform_admin or actor.role == Role.REGULATOR):
        raise PermissionDenied(_("只有市场监管部门和系统管理员可以迁移历史学时记录"))
    if not entries:
        return 0
    if not actor.is_platform_admin:
        ids = {e.person.pk for e in entries}
        inside = Person.objects.filter(access.region_q(actor, "region"), pk__in=ids).count()
        if inside != len(ids):
            raise PermissionDenied(_("人员不在您的辖区内"))
    today = clock.today()
    for entry in entries:
        if problems := migrated_problems(entry, today=today):
            raise ValidationError(problems)
    keys = [migration_key(e) for e in entries]
    if len(set(keys)) != len(keys) or migrated_with(keys).exists():
        raise ValidationError({"record": _("学时记录已迁移，不能重复迁移")})
    salts = _salts([e.person for e in entries])
    now = timezone.now()
    rows = [
        _MigratedRow.of(entry, key, actor, now) for entry, key in zip(entries, keys, strict=True)
    ]
    for row in rows:
        row.commitment = commitment(salts[row.entry.person.pk], row.opening())
    logged = ledger.append_many([row.leaf() for row in rows])
    for row, logged_entry in zip(rows, logged, strict=True):
        row.ledger_index = logged_entry.index
    _insert_migrated(rows, actor=actor, now=now)
    return len(rows)


@dataclass
class _MigratedRow:
    """A migrated record on its way to the table: what ``opening`` and ``leaf_entry`` read of
    a StudyRecord, without building one (a third of the time of a large batch)."""

    entry: MigratedHours
    public_id: str  # the UUID, canonical text
    hours: Decimal
    title: str
    provider: str
    key: str
    entered_at: str
    commitment: str = ""
    ledger_index: int = 0

    @classmethod
    def of(cls, entry: MigratedHours, key: str, actor: User, now: dt.datetime) -> _MigratedRow:
        return cls(
            entry=entry,
            public_id=str(uuid.uuid4()),
            hours=entry.hours.quantize(_ONE_PLACE),
            title=entry.title.strip(),
            provider=entry.provider.strip(),
            key=key,
            entered_at=now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        )

    def opening(self) -> dict[str, str | int]:
        """``opening`` of the record this row becomes, field for field."""
        person = self.entry.person
        return {
            "record": self.public_id,
            "person": str(person.public_id),
            "name": person.name,
            "kind": self.entry.kind,
            "hours": format(self.hours, "f"),
            "date": self.entry.occurred_on.isoformat(),
            "title": self.title,
            "provider": self.provider,
            "corrects": "",
            "source": Source.MIGRATED.value,
        }

    def leaf(self) -> bytes:
        """``leaf_entry`` of the record this row becomes."""
        return canonical(
            {
                "v": ENTRY_VERSION,
                "type": "study_record",
                "commitment": self.commitment,
                "entered_at": self.entered_at,
                "origin": "migrated",
                "studied_on": self.entry.occurred_on.isoformat(),
            }
        )


def _insert_migrated(rows: list[_MigratedRow], *, actor: User, now: dt.datetime) -> None:
    """Store a batch of migrated records with one prepared INSERT (PostgreSQL: COPY), as the
    hour log stores its entries: ``bulk_create`` spends most of a large batch's time preparing
    each value of each record in Python. Every value is a parameter."""
    from django.db import connection

    ops = connection.ops
    names = (
        "public_id", "person_id", "kind", "hours", "occurred_on", "title", "provider", "source",
        "source_ref", "evidence", "note", "ledger_index", "commitment", "created_by_id",
        "created_at", "migration_key",
    )  # fmt: skip
    columns = ", ".join(ops.quote_name(name) for name in names)
    table = ops.quote_name(StudyRecord._meta.db_table)
    public_id = StudyRecord._meta.get_field("public_id")
    stamp = StudyRecord._meta.get_field("created_at").get_db_prep_save(now, connection)
    values = [
        (
            public_id.get_db_prep_save(uuid.UUID(row.public_id), connection),
            row.entry.person.pk,
            row.entry.kind,
            ops.adapt_decimalfield_value(row.hours, 6, 1),
            ops.adapt_datefield_value(row.entry.occurred_on),
            row.title,
            row.provider,
            Source.MIGRATED.value,
            row.entry.record_number,
            "",
            row.entry.origin_note,
            row.ledger_index,
            row.commitment,
            actor.pk,
            stamp,
            row.key,
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608
