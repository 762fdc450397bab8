"""The persons kind (人员): a province's register of CQOs and candidates, one person a row.

Each row goes through the registry's own rules (``persons_migrate``: the same checks as online
registration and a clerk's invitation, a batch of rows at a time) after its cells are read the
way archives write them (``values``: full-width digits, 15-digit ID numbers, dates in Chinese
spellings). The natural key
is the resident ID number, looked up by its keyed hash: a person already registered with the
same name and birth date is left as it is (``unchanged``), one registered with another name or
birth date is a conflict reported with both values, never overwritten; an ID number a file
repeats is a conflict on its later rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.imports.legacy import values
from cqo.imports.legacy.kinds import (
    ID_NUMBER_ALIASES,
    KindSpec,
    LegacyColumn,
    Outcome,
    RowResult,
    messages_of,
)
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.rules import RowError
from cqo.lib import clock, crypto
from cqo.reference import enums
from cqo.registry import services as registry
from cqo.registry.models import Person

EDUCATION_FORMS = {
    # the registry's labels and values, and what older systems wrote for them; "研究生" alone
    # is left out: it may be a master's or a doctorate, and is not guessed
    **{value: value for value in enums.Education.values},
    "高中及以下": enums.Education.HIGH_SCHOOL,
    "高中": enums.Education.HIGH_SCHOOL,
    "中专": enums.Education.HIGH_SCHOOL,
    "中技": enums.Education.HIGH_SCHOOL,
    "职高": enums.Education.HIGH_SCHOOL,
    "初中": enums.Education.HIGH_SCHOOL,
    "初中及以下": enums.Education.HIGH_SCHOOL,
    "大专": enums.Education.JUNIOR_COLLEGE,
    "专科": enums.Education.JUNIOR_COLLEGE,
    "大学专科": enums.Education.JUNIOR_COLLEGE,
    "高职": enums.Education.JUNIOR_COLLEGE,
    "本科": enums.Education.BACHELOR,
    "大学本科": enums.Education.BACHELOR,
    "大学": enums.Education.BACHELOR,
    "硕士": enums.Education.MASTER,
    "硕士研究生": enums.Education.MASTER,
    "研究生（硕士）": enums.Education.MASTER,
    "博士": enums.Education.DOCTOR,
    "博士研究生": enums.Education.DOCTOR,
    "研究生（博士）": enums.Education.DOCTOR,
}
GENDER_FORMS = {
    "男": enums.Gender.MALE,
    "女": enums.Gender.FEMALE,
    "M": enums.Gender.MALE,
    "F": enums.Gender.FEMALE,
}

COLUMNS: tuple[LegacyColumn, ...] = (
    LegacyColumn(
        "name",
        gettext_lazy("姓名"),
        required=True,
        aliases=("人员姓名",),
        help=gettext_lazy("与身份证一致；汉字（含生僻字）、字母或间隔号“·”，不超过50个字符。"),
    ),
    LegacyColumn(
        "id_number",
        gettext_lazy("身份证号"),
        required=True,
        aliases=ID_NUMBER_ALIASES,
        help=gettext_lazy(
            "18位居民身份证号码（末位可为X）；1999年以前签发的15位号码按GB 11643-1999自动转换"
            "为18位。请把该列设为文本，避免Excel把号码存成数字而丢失末几位。全角数字可识别。"
            "以身份证号识别人员：已登记且姓名、出生日期相同的视为未变化，不同的作为冲突列出，"
            "不会覆盖。"
        ),
    ),
    LegacyColumn(
        "mobile",
        gettext_lazy("手机"),
        aliases=("手机号码", "手机号", "移动电话"),
        help=gettext_lazy("11位手机号码，可带+86、空格或短横线；可不填，备案前须补全。"),
    ),
    LegacyColumn(
        "education",
        gettext_lazy("学历"),
        required=True,
        aliases=("最高学历", "文化程度"),
        help=gettext_lazy(
            "填写：高中及以下（含中专、初中）、大专（专科）、本科、硕士、博士；"
            "只写“研究生”无法区分硕士或博士，请写明。"
        ),
    ),
    LegacyColumn(
        "position",
        gettext_lazy("职务"),
        aliases=("现任职务", "现职务"),
        help=gettext_lazy("现任职务，不超过100个字符；可不填。"),
    ),
    LegacyColumn(
        "title",
        gettext_lazy("职称"),
        aliases=("专业技术职称", "技术职称"),
        help=gettext_lazy("专业技术职称名称，如“高级工程师”，不超过100个字符；可不填。"),
    ),
    LegacyColumn(
        "region",
        gettext_lazy("行政区划代码"),
        required=True,
        aliases=("所在行政区划代码", "区划代码", "所在地区代码"),
        help=gettext_lazy(
            "人员所在地的6位行政区划代码（GB/T 2260），如610113；须在导入人的辖区之内。"
        ),
    ),
    LegacyColumn(
        "quality_years",
        gettext_lazy("质量工作年限"),
        aliases=("从事质量工作年限", "质量工作年数"),
        help=gettext_lazy("从事质量工作的整年数，0–60，可写“8”或“8年”；可不填（按0计）。"),
    ),
    LegacyColumn(
        "gender",
        gettext_lazy("性别"),
        help=gettext_lazy("男或女；可不填。填写时须与身份证号码第17位一致。"),
    ),
    LegacyColumn(
        "birth_date",
        gettext_lazy("出生日期"),
        help=gettext_lazy(
            "可不填。填写时须与身份证号码中的出生日期一致；可写作2019年3月5日、2019-03-05、"
            "2019/03/05、2019.3.5或20190305，或Excel日期。"
        ),
    ),
)
LABELS = {c.key: c.label for c in COLUMNS}
_YEARS_RE = re.compile(r"([0-9]{1,2}) ?年?")


def _label(key: str) -> str:
    if key in LABELS:
        return str(LABELS[key])
    try:
        field = Person._meta.get_field(key)
    except FieldDoesNotExist:  # an error about the row as a whole
        return ""
    return str(getattr(field, "verbose_name", key))


def _birth_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


# rows checked against the registry and written at once
BATCH = 1000


@dataclass
class _Row:
    """A row read and checked on its own, waiting for its batch."""

    number: int
    errors: list[RowError]
    outcome: Outcome = Outcome.ERROR
    idn: values.IdNumber | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    bad: Any = None


class PersonRows:
    """The rows of one persons file, in file order, inside the file's transaction: each read on
    its own, then a batch at a time compared with the registry (one query for the batch's ID
    numbers) and the new persons written together (``registry.persons_migrate``)."""

    def __init__(self, file: LegacyFile, actor: User) -> None:
        self.file = file
        self.actor = actor
        self.today = clock.today()
        self.seen: dict[str, int] = {}  # ID number's keyed hash → the row that first gave it
        self.pending: list[_Row] = []

    def add(self, number: int, cells: dict[str, Any]) -> list[tuple[int, RowResult]]:
        self.pending.append(self._read(number, cells))
        if len(self.pending) >= BATCH:
            return self._flush()
        return []

    def finish(self) -> list[tuple[int, RowResult]]:
        return self._flush()

    def _read(self, number: int, cells: dict[str, Any]) -> _Row:
        shown = {key: values.normalise(cell) for key, cell in cells.items()}
        errors: list[RowError] = []

        def bad(key: str, rule: str) -> None:
            errors.append(RowError(number, _label(key), shown.get(key, ""), rule))

        fields: dict[str, Any] = {}
        idn: values.IdNumber | None = None
        try:
            idn = values.id_number(cells.get("id_number"), on=self.today)
        except values.LegacyValueError as exc:
            bad("id_number", str(exc))
        for key in ("name", "mobile", "position", "title"):
            if key in cells:
                fields[key] = shown[key]
        if "region" in cells:
            fields["region"] = values.digits_or_letters(cells["region"])
        if "education" in cells:
            education = shown["education"]
            if education in EDUCATION_FORMS:
                fields["education"] = EDUCATION_FORMS[education]
            elif education:
                bad("education", _("学历应填写：高中及以下、大专、本科、硕士或博士"))
            else:
                fields["education"] = ""  # the registry reports the required field
        if shown.get("quality_years"):
            match = _YEARS_RE.fullmatch(shown["quality_years"])
            if match is None:
                bad("quality_years", _("质量工作年限应为0–60之间的整数"))
            else:
                fields["quality_years"] = int(match.group(1))
        if shown.get("gender"):
            gender = GENDER_FORMS.get(shown["gender"].upper())
            if gender is None:
                bad("gender", _("性别应填写“男”或“女”"))
            else:
                fields["gender"] = gender
        if shown.get("birth_date"):
            try:
                fields["birth_date"] = values.legacy_date(cells["birth_date"])
            except values.LegacyValueError as exc:
                bad("birth_date", str(exc))
        if errors or idn is None:
            return _Row(number, errors, Outcome.ERROR, bad=bad)
        fields["id_number"] = idn.number
        return _Row(number, errors, Outcome.CREATED, idn, fields, bad)

    def _flush(self) -> list[tuple[int, RowResult]]:
        rows, self.pending = self.pending, []
        keys = {
            row.number: crypto.keyed_hash(row.idn.number)
            for row in rows
            if row.outcome == Outcome.CREATED and row.idn is not None
        }
        registered = {
            p.id_number_hash: p
            for p in Person.objects.filter(id_number_hash__in=set(keys.values())).only(
                "pk", "name", "birth_date", "id_number_hash"
            )
        }
        new: list[tuple[_Row, registry.MigratedPerson]] = []
        for row in rows:
            if row.number not in keys or row.idn is None:
                continue
            key = keys[row.number]
            first = self.seen.get(key)
            if first is not None:
                row.bad(
                    "id_number",
                    _("文件中身份证号重复（与第%(row)d行相同），未导入") % {"row": first},
                )
                row.outcome = Outcome.CONFLICT
                continue
            self.seen[key] = row.number
            name = re.sub(r"\s+", " ", row.fields.get("name", ""))
            if key in registered:
                result = self._compare(
                    registered[key], name, _birth_of(row.idn.number), row.bad, row.errors
                )
                row.outcome = result.outcome
                continue
            note = _("历史数据迁移：%(file)s 第%(row)d行") % {
                "file": self.file.file_name,
                "row": row.number,
            }
            if row.idn.converted_from:
                note += _("；15位身份证号已按GB 11643-1999转换为18位")
            new.append(
                (
                    row,
                    registry.MigratedPerson(
                        details=registry.PersonDetails(**row.fields), origin_note=note
                    ),
                )
            )
        targets: dict[int, tuple[str, str]] = {}
        if new:
            made = registry.persons_migrate(actor=self.actor, items=[item for _r, item in new])
            for (row, _item), person in zip(new, made, strict=True):
                if isinstance(person, ValidationError):
                    for column, message in messages_of(person):
                        row.bad(column, message)
                    row.outcome = Outcome.ERROR
                else:
                    targets[row.number] = ("person", str(person.public_id))
        return [
            (row.number, RowResult(row.outcome, row.errors, targets.get(row.number)))
            for row in rows
        ]

    def _compare(
        self, registered: Person, name: str, birth: dt.date, bad: Any, errors: list[RowError]
    ) -> RowResult:
        """The person the ID number names is registered: the same name and birth date is the
        same record (left as the platform holds it); anything else is a conflict, reported with
        both values when the registered person is in the user's scope, never overwritten."""
        if registered.name == name and registered.birth_date == birth:
            return RowResult(Outcome.UNCHANGED)
        visible = Person.objects.filter(access.person_q(self.actor), pk=registered.pk).exists()
        if registered.name != name:
            if visible:
                rule = _(
                    "该身份证号已登记，姓名为“%(registered)s”，与本行“%(row)s”不一致，未覆盖"
                ) % {
                    "registered": registered.name,
                    "row": name,
                }
            else:
                rule = _("该身份证号已在辖区外登记，姓名与本行不一致，未覆盖")
            bad("name", rule)
        if registered.birth_date != birth:
            rule = _("该身份证号已登记，出生日期为%(registered)s，与本行%(row)s不一致，未覆盖") % {
                "registered": registered.birth_date.isoformat() if visible else "—",
                "row": birth.isoformat(),
            }
            bad("id_number", rule)
        return RowResult(Outcome.CONFLICT, errors)


def _rows(file: LegacyFile, actor: User) -> PersonRows:
    return PersonRows(file, actor)


SPEC = KindSpec(
    sheet=gettext_lazy("人员"),
    columns=COLUMNS,
    example=(
        "李堃",
        "610113198006150032",
        "13800138000",
        "本科",
        "副总经理",
        "高级工程师",
        "610113",
        "8",
        "男",
        "1980-06-15",
    ),
    rows=_rows,
)

__all__ = ["COLUMNS", "SPEC", "PersonRows"]
