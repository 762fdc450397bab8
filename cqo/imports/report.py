"""The row-by-row error report of an import: an xlsx of row, column, value and rule, written as
the rows are read. Shared by the enterprise list import (cqo/imports/job.py) and the archive
migration (cqo/imports/legacy/), so it depends on neither's models."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import PurePath

import xlsxwriter
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from cqo.imports import rules


class ErrorReport:
    """The row-by-row error report, written as the rows are read (xlsxwriter constant_memory)."""

    HEADERS = ("行号", "列", "值", "违反的规则")

    def __init__(self) -> None:
        handle, self.path = tempfile.mkstemp(suffix=".xlsx", prefix="cqo-import-errors-")
        os.close(handle)
        self.book = xlsxwriter.Workbook(self.path, {"constant_memory": True})
        self.sheet = self.book.add_worksheet(_("错误明细")[:31])
        bold = self.book.add_format({"bold": True, "bg_color": "#E7EEF7", "border": 1})
        for col, (head, width) in enumerate(zip(self.HEADERS, (8, 22, 30, 60), strict=True)):
            self.sheet.write_string(0, col, _(head), bold)
            self.sheet.set_column(col, col, width)
        self.sheet.freeze_panes(1, 0)
        self.line = 0

    def add(self, errors: Iterable[rules.RowError]) -> None:
        for err in errors:
            self.line += 1
            self.sheet.write_number(self.line, 0, err.row)
            self.sheet.write_string(self.line, 1, err.column)
            self.sheet.write_string(self.line, 2, err.value[:500])
            self.sheet.write_string(self.line, 3, err.rule)

    def close(self) -> str:
        self.book.close()
        return self.path

    def save_to(self, field: FieldFile, file_name: str) -> None:
        """Close the report and store it in a record's file ``field`` as <file>-errors.xlsx
        (the record is saved by the caller); the temporary file goes."""
        path = self.close()
        try:
            with open(path, "rb") as handle:
                field.save(f"{PurePath(file_name).stem}-errors.xlsx", File(handle), save=False)
        finally:
            os.unlink(path)
