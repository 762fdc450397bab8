from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

HEADER = [
    "统一社会信用代码",
    "单位名称",
    "所属行政区划代码",
    "行业代码",
    "企业规模",
    "规模以上企业",
    "规上认定年度",
    "政府质量奖",
    "获奖年度",
    "特种设备生产许可证号",
    "员工总数",
    "单位性质",
    "注册地址",
]


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, list(header))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8-sig",
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(autouse=True)
def _inline_imports(settings: Any, tmp_path: Path) -> None:
    settings.CQO_IMPORTS_INLINE = True
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True, params=["whole", "sliced"])
def reader_mode(request: pytest.FixtureRequest, settings: Any) -> str:
    """Every import test runs twice: xlsx read whole in this process, and read in slices of
    two rows by the child process of cqo/lib/sheets.py (as large files are)."""
    if request.param == "sliced":
        settings.CQO_IMPORT_SLICE_BYTES = 0
        settings.CQO_IMPORT_SLICE_ROWS = 2
    return str(request.param)
