"""The study-hours kind (学时记录): years of a province's hour records, up to millions of rows, one
record a row, each for a person already registered. Migrated records enter the hour log as
migrated entries (cqo.hours.services.records_migrate): the log records when they were entered,
the study date is data of the entry.

A row is read on its own (the person's ID number and name, the date, the kind by its name, the
hours); everything that asks the registry is done a batch of rows at a time: the persons by the
keyed hashes of their ID numbers, the records already migrated by their natural key, and the
writing. The natural key is the person and the archive's own record number (原记录编号), or,
when the archive numbered none, the person and everything the row says; so a file run again
finds all its records and changes nothing. A number already migrated with other content is a
conflict naming both values, never overwritten; a record the file repeats is a conflict on its
later rows; hours for a person the platform does not know are an error (migrate the persons
first), for a person registered under another name a conflict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.hours import services as hours
from cqo.hours.models import Kind, StudyRecord
from cqo.imports.legacy import values
from cqo.imports.legacy.kinds import ID_NUMBER_ALIASES, KindSpec, LegacyColumn, Outcome, RowResult
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.rules import RowError
from cqo.lib import clock, crypto
from cqo.registry.models import Person

# rows checked against the registry and written at once
BATCH = 2000

COLUMNS: tuple[LegacyColumn, ...] = (
    LegacyColumn(
        "name",
        gettext_lazy("姓名"),
        required=True,
        aliases=("学员姓名", "人员姓名", "学员"),
        help=gettext_lazy("学习人员姓名，须与平台已登记的该身份证号人员姓名一致。"),
    ),
    LegacyColumn(
        "id_number",
        gettext_lazy("身份证号"),
        required=True,
        aliases=ID_NUMBER_ALIASES,
        help=gettext_lazy(
            "学习人员的18位居民身份证号码（15位号码自动转换）。人员须已在平台登记："
            "尚未登记的，请先迁移人员数据。"
        ),
    ),
    LegacyColumn(
        "occurred_on",
        gettext_lazy("学习日期"),
        required=True,
        aliases=("日期", "培训日期", "学习时间", "培训时间", "活动日期"),
        help=gettext_lazy(
            "参加学习或活动的日期，可写作2019年3月5日、2019-03-05、2019/03/05、2019.3.5或"
            "20190305，或Excel日期；不早于2000年，不晚于今天。学时按此日期计入年度。"
        ),
    ),
    LegacyColumn(
        "kind",
        gettext_lazy("学时类别"),
        required=True,
        aliases=("类别", "学习形式", "学时类型", "培训形式"),
        help=gettext_lazy(
            "填写以下之一：线上自学、线下培训、培训讲座、学术交流、发表专业成果、组织质量专业培训。"
        ),
    ),
    LegacyColumn(
        "hours",
        gettext_lazy("学时"),
        required=True,
        aliases=("学时数", "认定学时", "获得学时"),
        help=gettext_lazy("0到500之间的数字，最多一位小数，如8或1.5（可带“学时”二字）。"),
    ),
    LegacyColumn(
        "title",
        gettext_lazy("课程或活动名称"),
        required=True,
        aliases=("课程名称", "培训名称", "活动名称", "培训内容", "课程"),
        help=gettext_lazy("课程、培训班或活动的名称，不超过200个字符。"),
    ),
    LegacyColumn(
        "provider",
        gettext_lazy("组织或发布机构"),
        aliases=("培训机构", "组织单位", "主办单位", "发布机构", "培训单位"),
        help=gettext_lazy("组织培训或发布课程的机构名称，可不填，不超过200个字符。"),
    ),
    LegacyColumn(
        "record_number",
        gettext_lazy("原记录编号"),
        aliases=("记录编号", "学时记录编号", "流水号"),
        help=gettext_lazy(
            "原系统中该条学时记录的编号，可不填，不超过100个字符。填写的，以人员和编号识别记录；"
            "未填的，以人员和本行全部内容识别。已迁移且内容相同的视为未变化，内容不同的作为"
            "冲突列出，不会覆盖。"
        ),
    ),
)
LABELS = {c.key: c.label for c in COLUMNS}
# the service's fields, by the column a user reads them in
FIELD_COLUMNS = {
    "kind": "kind",
    "hours": "hours",
    "occurred_on": "occurred_on",
    "title": "title",
    "provider": "provider",
    "source_ref": "record_number",
}
KIND_NAMES = {str(label): value for value, label in Kind.choices}


def _label(key: str) -> str:
    return str(LABELS[key]) if key in LABELS else ""


@dataclass
class _Row:
    """A row read and checked on its own, waiting for its batch."""

    number: int
    shown: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    id_hash: str = ""
    kind: str = ""
    hours: Decimal = Decimal(0)
    occurred_on: dt.date | None = None
    conflict: bool = False  # in error because of what the registry or the file holds

    def bad(self, key: str, rule: str) -> None:
        self.errors.append(RowError(self.number, _label(key), self.shown.get(key, ""), rule))


class HourRows:
    """The rows of one study-hours file, in file order, inside the file's transaction."""

    def __init__(self, file: LegacyFile, actor: User) -> None:
        self.file = file
        self.actor = actor
        self.today = clock.today()
        self.pending: list[_Row] = []
        # the natural keys the file gave so far (their first 8 bytes) → the row that gave it
        self.seen: dict[int, int] = {}
        # cells read before (an archive repeats its persons and dates on row after row)
        self.id_numbers: dict[str, values.IdNumber | str] = {}
        self.dates: dict[object, dt.date | str | None] = {}
        self.in_scope: dict[str, bool] = {}
        self.persons: dict[str, Person | None] = {}
        self.note = _("历史数据迁移：%(file)s 第%(row)d行")  # each record's, by file and row

    # --- one row on its own -----------------------------------------------------------------

    def add(self, number: int, cells: dict[str, Any]) -> list[tuple[int, RowResult]]:
        row = _Row(number, {key: values.normalise(cell) for key, cell in cells.items()})
        self._read(row, cells)
        self.pending.append(row)
        if len(self.pending) >= BATCH:
            return self._flush()
        return []

    def finish(self) -> list[tuple[int, RowResult]]:
        return self._flush()

    def _read(self, row: _Row, cells: dict[str, Any]) -> None:
        raw_id = row.shown.get("id_number", "")
        idn = self.id_numbers.get(raw_id)
        if idn is None:
            try:
                idn = values.id_number(cells.get("id_number"), on=self.today)
                idn_or_error: values.IdNumber | str = idn
            except values.LegacyValueError as exc:
                idn_or_error = str(exc)
            self.id_numbers[raw_id] = idn = idn_or_error
        if isinstance(idn, str):
            row.bad("id_number", idn)
        else:
            row.id_hash = crypto.keyed_hash(idn.number)
        if not row.shown.get("name"):
            row.bad("name", _("请填写姓名"))
        day = self._date(cells.get("occurred_on"))
        if isinstance(day, str):
            row.bad("occurred_on", day)
        elif day is None:
            row.bad("occurred_on", _("请填写学习日期"))
        else:
            row.occurred_on = day
        kind = KIND_NAMES.get(row.shown.get("kind", ""))
        if kind is None:
            row.bad(
                "kind",
                _("学时类别应填写：%(names)s") % {"names": "、".join(KIND_NAMES)}
                if row.shown.get("kind")
                else _("请填写学时类别"),
            )
        else:
            row.kind = kind
        try:
            row.hours = values.hours(cells.get("hours"))
        except values.LegacyValueError as exc:
            row.bad("hours", str(exc))
        if not row.shown.get("title"):
            row.bad("title", _("请填写课程或活动名称"))

    def _date(self, cell: object) -> dt.date | str | None:
        key: object = cell if isinstance(cell, (str, int, float, dt.date)) else repr(cell)
        if key not in self.dates:
            try:
                self.dates[key] = values.legacy_date(cell)
            except values.LegacyValueError as exc:
                self.dates[key] = str(exc)
        return self.dates[key]

    # --- a batch against the registry --------------------------------------------------------

    def _flush(self) -> list[tuple[int, RowResult]]:
        rows, self.pending = self.pending, []
        self._load_persons({r.id_hash for r in rows if not r.errors})
        checked: list[tuple[_Row, hours.MigratedHours, str]] = []
        for row in rows:
            if row.errors:
                continue
            entry = self._entry(row)
            if entry is None:
                continue
            problems = hours.migrated_problems(entry, today=self.today)
            for key, message in problems.items():
                row.bad(FIELD_COLUMNS.get(key, ""), message)
            if problems:
                continue
            key = hours.migration_key(entry)
            short = int.from_bytes(bytes.fromhex(key[:16]), "big")
            first = self.seen.get(short)
            if first is not None:
                row.bad(
                    "record_number" if entry.record_number else "title",
                    _("文件中学时记录重复（与第%(row)d行相同），未导入") % {"row": first},
                )
                row.conflict = True
                continue
            self.seen[short] = row.number
            checked.append((row, entry, key))
        existing = {r.migration_key: r for r in hours.migrated_with([k for _r, _e, k in checked])}
        new: list[hours.MigratedHours] = []
        unchanged: set[int] = set()
        for row, entry, key in checked:
            recorded = existing.get(key)
            if recorded is None:
                new.append(entry)
            else:
                self._compare(row, recorded, entry)
                if not row.errors:
                    unchanged.add(row.number)
        if new:
            try:
                hours.records_migrate(actor=self.actor, entries=new)
            except ValidationError as exc:  # checked above: only a concurrent migration
                raise ValidationError(
                    _("迁移期间另有相同的学时记录写入，请重新提交本文件")
                ) from exc
        out: list[tuple[int, RowResult]] = []
        for row in rows:
            if row.errors:
                outcome = Outcome.CONFLICT if row.conflict else Outcome.ERROR
                out.append((row.number, RowResult(outcome, row.errors)))
            elif row.number in unchanged:
                out.append((row.number, RowResult(Outcome.UNCHANGED)))
            else:
                out.append((row.number, RowResult(Outcome.CREATED)))
        return out

    def _load_persons(self, hashes: set[str]) -> None:
        wanted = hashes - self.persons.keys()
        if not wanted:
            return
        found = {
            p.id_number_hash: p
            for p in Person.objects.filter(id_number_hash__in=wanted).only(
                "pk", "public_id", "name", "region_id", "id_number_hash"
            )
        }
        for key in wanted:
            self.persons[key] = found.get(key)

    def _scope(self, person: Person) -> bool:
        if self.actor.is_platform_admin:
            return True
        if person.region_id is None:
            return False
        code = person.region_id
        if code not in self.in_scope:
            self.in_scope[code] = access.region_contains(self.actor, person.region)
        return self.in_scope[code]

    def _entry(self, row: _Row) -> hours.MigratedHours | None:
        person = self.persons.get(row.id_hash)
        if person is None:
            row.bad(
                "id_number",
                _("该身份证号的人员尚未在平台登记，请先迁移人员数据，再迁移其学时记录"),
            )
            return None
        if not self._scope(person):
            row.bad("id_number", _("该人员不在您的辖区内，未导入"))
            return None
        if person.name != row.shown["name"]:
            row.bad(
                "name",
                _("该身份证号已登记，姓名为“%(registered)s”，与本行“%(row)s”不一致，未导入")
                % {"registered": person.name, "row": row.shown["name"]},
            )
            row.conflict = True
            return None
        return hours.MigratedHours(
            person=person,
            kind=row.kind,
            hours=row.hours,
            occurred_on=row.occurred_on or self.today,  # a row without a date has an error
            title=row.shown["title"],
            provider=row.shown.get("provider", ""),
            record_number=row.shown.get("record_number", ""),
            origin_note=self.note % {"file": self.file.file_name, "row": row.number},
        )

    def _compare(self, row: _Row, recorded: StudyRecord, entry: hours.MigratedHours) -> None:
        """The record is migrated already (by an earlier run of this file or another): the same
        content is the same record; anything else is a conflict naming both values."""
        for key, was, now in (
            ("kind", recorded.get_kind_display(), str(Kind(entry.kind).label)),
            ("hours", str(recorded.hours), str(entry.hours)),
            ("occurred_on", recorded.occurred_on.isoformat(), entry.occurred_on.isoformat()),
            ("title", recorded.title, entry.title),
            ("provider", recorded.provider or "—", entry.provider or "—"),
        ):
            if was != now:
                row.bad(
                    key,
                    _(
                        "该原记录编号已迁移，%(column)s为“%(recorded)s”，与本行“%(row)s”不一致，未覆盖"
                    )
                    % {"column": _label(key), "recorded": was, "row": now},
                )
        if row.errors:
            row.conflict = True


def _rows(file: LegacyFile, actor: User) -> HourRows:
    return HourRows(file, actor)


SPEC = KindSpec(
    sheet=gettext_lazy("学时记录"),
    columns=COLUMNS,
    example=(
        "李堃",
        "610113198006150032",
        "2019-11-20",
        "线下培训",
        "8",
        "首席质量官高级培训班",
        "陕西省质量技术培训中心",
        "XS-2019-000381",
    ),
    rows=_rows,
)

__all__ = ["COLUMNS", "SPEC", "HourRows"]
