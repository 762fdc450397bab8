"""xlsx export with xlsxwriter (ECOSYSTEM §6): constant memory, every code written as a string
so 18-digit identifiers keep all their digits."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1"
) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True})
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
    return buf.getvalue()
