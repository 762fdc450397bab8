"""xlsx export with xlsxwriter (ECOSYSTEM §6): constant memory, every code written as a string
so 18-digit identifiers keep all their digits."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

import xlsxwriter


def _write(
    book: xlsxwriter.Workbook, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str
) -> None:
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bg_color": "#E7EEF7", "border": 1})
    for col, head in enumerate(headers):
        ws.write_string(0, col, str(head), bold)
        ws.set_column(col, col, max(10, min(40, len(str(head)) * 2 + 4)))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                ws.write_string(r, c, "是" if value else "否")
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    ws.freeze_panes(1, 0)
    book.close()


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1"
) -> bytes:
    buf = io.BytesIO()
    _write(
        xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True}), headers, rows, sheet
    )
    return buf.getvalue()


def xlsx_file(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1"
) -> IO[bytes]:
    """The workbook in an anonymous temporary file, at its start, for a long export: in
    constant_memory mode xlsxwriter keeps one row in memory and the sheet on disk (``in_memory``,
    as ``xlsx_bytes`` uses, would hold it all), so memory does not grow with the rows."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — handed to the response, which closes it
    try:
        _write(xlsxwriter.Workbook(handle, {"constant_memory": True}), headers, rows, sheet)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle
