"""Large xlsx read in slices (cqo/lib/sheets.py): the rows must be exactly those calamine reads
from the whole file, whatever the slice size; and the frames of a child process."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from cqo.lib import sheets


def whole(path: Path) -> list[tuple[int, list[Any]]]:
    """What calamine reads from the whole file, as (sheet row number, cells from column A)."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    start_col = sheet.start[1] if sheet.start else 0
    return [
        (n, [""] * start_col + cells)
        for n, cells in enumerate(sheet.iter_rows(), start=1)
        if any(c not in ("", None) for c in cells)
    ]


def sliced(path: Path, rows: int) -> tuple[list[Any], list[tuple[int, list[Any]]], str]:
    """``read_sliced``'s merged ranges and non-empty rows, and how it ended."""
    try:
        merged, it = sheets.read_sliced(str(path), rows)
        out = [(n, c) for n, c in it if any(x not in ("", None) for x in c)]
    except sheets.SliceError as exc:
        return [], [], f"fallback: {exc}"
    except Exception as exc:
        return [], [], f"error: {type(exc).__name__}: {exc}"
    return merged, out, "end"


def book(
    path: Path, rows: list[list[Any]], first_row: int = 0, first_col: int = 0, **opts: Any
) -> Path:
    wb = xlsxwriter.Workbook(str(path), opts)
    ws = wb.add_worksheet("名录")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, values in enumerate(rows, start=first_row):
        for c, value in enumerate(values, start=first_col):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif value is not None:
                ws.write(r, c, value)
    wb.add_worksheet("另一张表").write(0, 0, "不读这张")
    wb.close()
    return path


ROWS = [
    ["统一社会信用代码", "单位名称", "数量", "日期", "是否"],
    *[
        [f"9161011300000{i:04d}X", f"企业{i}", i * 1.5, dt.date(2026, 1, 1 + i % 28), i % 2 == 0]
        for i in range(23)
    ],
]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 23, 24, 100])
@pytest.mark.parametrize("shared", [True, False])
def test_it_reads_the_same_rows_as_calamine_whatever_the_slice(
    tmp_path: Path, size: int, shared: bool
) -> None:
    path = book(tmp_path / "list.xlsx", ROWS, constant_memory=not shared)
    _merged, rows, last = sliced(path, size)
    assert last == "end"
    assert rows == whole(path)
    assert len(rows) == 24 and rows[5][1][1] == "企业4"


def test_it_keeps_sheet_row_numbers_and_columns_after_empty_rows_and_columns(
    tmp_path: Path,
) -> None:
    path = book(tmp_path / "offset.xlsx", ROWS[:6], first_row=3, first_col=2)
    _merged, rows, _last = sliced(path, 2)
    assert rows == whole(path)
    assert rows[0][0] == 4 and rows[0][1][:3] == ["", "", "统一社会信用代码"]


def test_it_numbers_rows_that_carry_no_row_attribute(tmp_path: Path) -> None:
    path = book(tmp_path / "plain.xlsx", ROWS[:8])
    stripped = tmp_path / "stripped.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stripped, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<row\b[^>]*?)\s+r="\d+"', rb"\1", data)
                data = re.sub(rb'(<c\b[^>]*?)\s+r="[A-Z]+\d+"', rb"\1", data)
            dst.writestr(item, data)
    _merged, rows, _last = sliced(stripped, 3)
    assert rows == whole(stripped) == whole(path)


def test_it_reports_merged_ranges_to_every_slice(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["a", "b"])
    ws.merge_range(1, 0, 4, 0, "合并")
    for r in range(1, 6):
        ws.write(r, 1, r)
    wb.close()
    merged, rows, _last = sliced(path, 2)
    assert merged == CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).merged_cell_ranges
    assert rows == whole(path)


def test_it_reads_the_first_sheet_of_the_workbook_order(tmp_path: Path) -> None:
    path = book(tmp_path / "two.xlsx", ROWS[:3])
    with zipfile.ZipFile(path) as z:
        assert sheets.first_sheet_part(z) == "xl/worksheets/sheet1.xml"
    _merged, rows, _last = sliced(path, 1)
    assert all("不读这张" not in cells for _n, cells in rows)


def test_it_reads_an_empty_sheet(tmp_path: Path) -> None:
    path = book(tmp_path / "empty.xlsx", [])
    merged, rows, last = sliced(path, 5)
    assert (merged, rows, last) == ([], [], "end")


@pytest.mark.parametrize("damage", ["not a zip", "truncated"])
def test_it_reports_a_broken_file(tmp_path: Path, damage: str) -> None:
    path = book(tmp_path / "list.xlsx", ROWS)
    data = path.read_bytes()
    path.write_bytes(b"PK not really" if damage == "not a zip" else data[: len(data) // 2])
    _merged, _rows, last = sliced(path, 5)
    assert last.startswith("error:")


def test_it_falls_back_when_the_sheet_has_no_plain_sheet_data(tmp_path: Path) -> None:
    path = book(tmp_path / "list.xlsx", ROWS[:3])
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(prefixed, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<x:sheetData>").replace(
                    b"</sheetData>", b"</x:sheetData>"
                )
            dst.writestr(item, data)
    _merged, _rows, last = sliced(prefixed, 2)
    assert last.startswith("fallback:")


def test_a_child_streams_its_frames_and_is_reaped() -> None:
    child = sheets.Child("cqo.lib.tests.echo_child", ["a", 1, {"b": 2}])
    try:
        frames = list(child.frames(last=("end",)))
    finally:
        child.close()
    assert frames == [("item", "a"), ("item", 1), ("item", {"b": 2}), ("end", None)]
    assert child.proc.returncode == 0


def test_a_child_that_dies_is_reported_with_its_stderr() -> None:
    child = sheets.Child("cqo.lib.tests.echo_child", "die")
    try:
        frames = list(child.frames(last=("end",)))
    finally:
        child.close()
    assert frames[-1][0] == "crashed" and "dying on purpose" in frames[-1][1]


def test_a_child_given_up_on_early_is_killed_and_its_reader_ends() -> None:
    # more than the pipe and the read-ahead queue hold: the child is still writing
    big = [bytes(500_000)] * 40
    child = sheets.Child("cqo.lib.tests.echo_child", big)
    frames = child.frames(last=("end",))
    assert next(frames) == ("item", big[0])
    frames.close()
    child.close()
    assert child.proc.returncode is not None
    assert child.reader is not None and not child.reader.is_alive()
