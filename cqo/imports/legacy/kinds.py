"""What every kind of archive file has in common: its columns and header, how a row comes out,
and the template (a header sheet and a sheet explaining each column)."""

from __future__ import annotations

import enum
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.imports import rules
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.rules import RowError

HEADER_SEARCH_ROWS = rules.HEADER_SEARCH_ROWS  # title rows an archive may carry above its header


# how older systems' exports head the resident ID number column
ID_NUMBER_ALIASES = ("身份证号码", "公民身份号码", "居民身份证号码", "证件号码")


@dataclass(frozen=True)
class LegacyColumn:
    key: str
    label: Any  # the Chinese header of the template (lazy)
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headers of older systems' exports
    help: Any = ""  # the template's explanation: what the column holds, the forms accepted

    @property
    def heading(self) -> str:
        return f"{self.label}{'*' if self.required else ''}"


class Outcome(enum.Enum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    CONFLICT = "conflicts"
    ERROR = "errors"


@dataclass
class RowResult:
    outcome: Outcome
    errors: list[RowError] = field(default_factory=list)
    # the record created, as the audit trail names it: (target type, public id)
    target: tuple[str, str] | None = None


class RowHandler(Protocol):
    """One file's rows, in order, inside the file's transaction: each checked, compared with
    what is registered (by the kind's natural key) and, when new and good, written."""

    def __call__(self, number: int, cells: dict[str, Any]) -> RowResult: ...


@runtime_checkable
class BatchHandler(Protocol):
    """A kind whose rows are checked against the registry and written in batches (a million
    study-hour rows): ``add`` takes a row and hands back the rows it has finished, in file
    order, with their results; ``finish`` the rest once the file is read. Every row ``add``
    took comes back exactly once."""

    def add(self, number: int, cells: dict[str, Any]) -> list[tuple[int, RowResult]]: ...

    def finish(self) -> list[tuple[int, RowResult]]: ...


@dataclass(frozen=True)
class KindSpec:
    """A kind of archive file the migration reads: its template and its rows' handler."""

    sheet: Any  # the template's sheet name (lazy)
    columns: tuple[LegacyColumn, ...]
    example: tuple[str, ...]  # the template's example row
    # the handler of one file's rows, for the user migrating it
    rows: Callable[[LegacyFile, User], RowHandler | BatchHandler]

    def template(self) -> bytes:
        return template_xlsx(str(self.sheet), self.columns, self.example)


class Header:
    """Which file column holds which of a kind's columns."""

    def __init__(self, columns: Sequence[LegacyColumn], cells: Sequence[Any]) -> None:
        by_key = {rules.header_key(a): c.key for c in columns for a in (str(c.label), *c.aliases)}
        self.columns = columns
        self.positions: dict[str, int] = {}
        for index, cell in enumerate(cells):
            key = by_key.get(rules.header_key(cell))
            if key is not None and key not in self.positions:
                self.positions[key] = index

    @property
    def complete(self) -> bool:
        return all(c.key in self.positions for c in self.columns if c.required)

    def missing(self) -> list[str]:
        return [str(c.label) for c in self.columns if c.required and c.key not in self.positions]

    def cells(self, row: Sequence[Any]) -> dict[str, Any]:
        return {k: row[i] if i < len(row) else None for k, i in self.positions.items()}


def messages_of(exc: ValidationError) -> list[tuple[str, str]]:
    """A service's refusal as (field, message) pairs; "" for a message about the whole record."""
    if hasattr(exc, "error_dict"):
        return [(key, m) for key, msgs in exc.message_dict.items() for m in msgs]
    return [("", m) for m in exc.messages]


def expected(columns: Sequence[LegacyColumn]) -> str:
    return "、".join(c.heading for c in columns)


def find_header(columns: Sequence[LegacyColumn], rows: Any) -> tuple[Header, int]:
    """The header row (within the first rows: a title may sit above it) and its row number;
    ``ValidationError`` naming the missing and the expected columns."""
    first: Header | None = None
    seen = 0
    for number, cells in rows:
        if rules.is_empty(cells):
            continue
        header = Header(columns, cells)
        if header.complete:
            return header, number
        first = first or header
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise ValidationError(_("文件中没有内容（应有表头行和数据行）"), code="empty")
    raise ValidationError(
        _("表头缺少必填列：%(missing)s。表头应为（*为必填）：%(expected)s")
        % {"missing": "、".join(first.missing()), "expected": expected(columns)},
        code="header",
    )


def template_xlsx(
    sheet_name: str, columns: Sequence[LegacyColumn], example: Sequence[str]
) -> bytes:
    """A kind's template: the header row (no title row above it) with one example row, every
    cell text (ID numbers and codes keep their digits), and a 填写说明 sheet explaining each
    column and the forms accepted. Always in Chinese, whatever the UI language: the header is
    what the migration matches."""
    with translation.override("zh-hans"):
        buf = io.BytesIO()
        book = xlsxwriter.Workbook(buf, {"in_memory": True})
        sheet = book.add_worksheet(sheet_name)
        bold = book.add_format({"bold": True, "bg_color": "#E7EEF7", "border": 1})
        text = book.add_format({"num_format": "@"})
        for col, (column, value) in enumerate(zip(columns, example, strict=True)):
            sheet.write_string(0, col, column.heading, bold)
            sheet.set_column(col, col, max(12, len(column.heading) * 2 + 2), text)
            sheet.write_string(1, col, value, text)
        sheet.freeze_panes(1, 0)
        notes = book.add_worksheet(_("填写说明"))
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        notes.set_column(0, 0, 18)
        notes.set_column(1, 1, 10)
        notes.set_column(2, 2, 90, wrap)
        for col, head in enumerate((_("列名"), _("是否必填"), _("说明及可接受的写法"))):
            notes.write_string(0, col, head, bold)
        for line, column in enumerate(columns, start=1):
            notes.write_string(line, 0, str(column.label))
            notes.write_string(line, 1, _("必填") if column.required else _("选填"))
            notes.write_string(line, 2, str(column.help))
        general = len(columns) + 2
        notes.write_string(
            general,
            0,
            _(
                "第一行为表头（列名可带“*”），从第二行起每行一条记录；列的顺序不限，多余的列不导入。"
                "可上传 xlsx、xls、ods 或 csv 文件（UTF-8 或 GB18030 编码）。"
            ),
        )
        book.close()
        return buf.getvalue()
