"""Rows of a spreadsheet or CSV file, streamed (ECOSYSTEM §6: python-calamine reads xlsx, xls,
xlsb and ods about ten times faster than openpyxl; formulas come back as their cached values).

Each reader yields ``(row_number, cells)`` with the row number a person sees in Excel (1-based)
or in a text editor (the CSV line's record number).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

SPREADSHEET = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
SUFFIXES = (*SPREADSHEET, ".csv")


@dataclass
class Source:
    rows: Iterator[tuple[int, list[Any]]]
    total: int  # rows in the sheet incl. the header; an estimate for CSV


def kind_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(_("只能导入 xlsx、xls、ods 或 csv 文件"), code="file_type")
    return suffix


def open_source(path: str, name: str) -> Source:
    if kind_of(name) == ".csv":
        return _csv(path)
    return _spreadsheet(path)


def _spreadsheet(path: str) -> Source:
    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        merged = sheet.merged_cell_ranges or []
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise ValidationError(
            _("无法读取该表格文件：%(error)s") % {"error": exc}, code="file_unreadable"
        ) from exc
    first_col = sheet.start[1] if sheet.start else 0
    # A range merged over several rows shows its top value on each of them; fill it down in
    # its first column so each row carries what the reader of the sheet sees.
    fills: dict[int, list[tuple[int, int]]] = {}
    for (r1, c1), (r2, _c2) in merged:
        for r in range(r1 + 1, r2 + 1):
            fills.setdefault(r, []).append((c1 - first_col, r1))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        tops: dict[tuple[int, int], Any] = {}
        wanted = {(r1, c1 - first_col) for (r1, c1), (r2, _c2) in merged if r2 > r1}
        try:
            for index, cells in enumerate(sheet.iter_rows()):
                if wanted:
                    for r1, col in wanted:
                        if r1 == index and col < len(cells):
                            tops[(r1, col)] = cells[col]
                # (only on rows with content of their own: a merge does not make a row)
                if index in fills and any(c not in ("", None) for c in cells):
                    for col, r1 in fills[index]:
                        if 0 <= col < len(cells) and cells[col] in ("", None):
                            cells[col] = tops.get((r1, col), "")
                yield index + 1, cells
        except CalamineError as exc:
            raise ValidationError(
                _("无法读取该表格文件：%(error)s") % {"error": exc}, code="file_unreadable"
            ) from exc

    return Source(rows=rows(), total=sheet.total_height or sheet.height)


def _encoding(path: str) -> str:
    """UTF-8 (with or without BOM) if every byte decodes as such, else GB18030 (Excel and WPS
    on Chinese Windows save CSV in the ANSI code page)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _csv(path: str) -> Source:
    encoding = _encoding(path)
    size = Path(path).stat().st_size
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(1 << 16)
    lines = max(1, sample.count("\n"))
    estimate = max(lines, round(size / max(1, len(sample.encode(encoding, "replace"))) * lines))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            try:
                for index, cells in enumerate(csv.reader(handle)):
                    yield index + 1, cells
            except csv.Error as exc:
                raise ValidationError(
                    _("CSV 文件格式错误：%(error)s") % {"error": exc}, code="file_unreadable"
                ) from exc

    return Source(rows=rows(), total=estimate if size else 0)
