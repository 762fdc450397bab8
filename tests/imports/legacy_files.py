"""Archive files as the migration tests write them (xlsx with a named sheet, csv in a chosen
encoding) and the migration run as the page and the command run it."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from django.core.files import File
from python_calamine import CalamineWorkbook

from cqo.imports.legacy import services as legacy
from cqo.imports.legacy.models import LegacyFile


def write_xlsx(
    path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str], *, sheet: str
) -> Path:
    """Numbers as numbers (as an archive's Excel holds them), everything else as text."""
    book = xlsxwriter.Workbook(str(path))
    page = book.add_worksheet(sheet)
    page.write_row(0, 0, list(header))
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells):
            if isinstance(value, (int, float)):
                page.write_number(r, c, value)
            elif value is not None:
                page.write_string(r, c, str(value))
    book.close()
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str], *, encoding: str
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def migrate(actor: Any, path: Path, *, kind: str, dry_run: bool, mode: str) -> LegacyFile:
    with open(path, "rb") as handle:
        lf = legacy.legacy_create(
            actor=actor, kind=kind, upload=File(handle, name=path.name), dry_run=dry_run, mode=mode
        )
    return legacy.run_legacy(lf.pk)


def report_rows(lf: LegacyFile) -> list[list[Any]]:
    return CalamineWorkbook.from_path(lf.error_report.path).get_sheet_by_index(0).to_python()
