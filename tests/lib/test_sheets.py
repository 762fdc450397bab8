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


@pytest.mark.parametrize("block", [5, 6, 7, 64, 1000])
@pytest.mark.parametrize("shared", [True, False])
def test_rows_and_table_entries_cut_across_read_blocks_are_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int, shared: bool
) -> None:
    # the sheet and the shared-string table are read in blocks: a </row>, a <si> or a
    # </sst> split between two blocks must count as one
    monkeypatch.setattr(sheets, "_BLOCK", block)
    path = book(tmp_path / "list.xlsx", ROWS, constant_memory=not shared)
    for size in (1, 3, 7, 100):
        _merged, rows, last = sliced(path, size)
        assert last == "end" and rows == whole(path), size
    if shared:
        with zipfile.ZipFile(path) as z:
            full = z.read("xl/sharedStrings.xml")
            table = sheets.SharedStrings(z, "xl/sharedStrings.xml")
        try:  # every entry found where it starts, none taken for the whole table
            assert table.understood and len(table.starts) == full.count(b"<si>")
            assert all(full[at : at + 4] == b"<si>" for at in table.starts)
        finally:
            table.close()


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


def shared_tables(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The shared-string table handed to calamine with each slice."""
    tables: list[bytes] = []
    make = sheets._slice_book

    def spy(others: dict[str, bytes], part: str, xml: bytes) -> Any:
        tables.append(others.get("xl/sharedStrings.xml", b""))
        return make(others, part, xml)

    monkeypatch.setattr(sheets, "_slice_book", spy)
    return tables


def with_sheet_xml(path: Path, out: Path, change: Any) -> Path:
    """A copy of the workbook with its first sheet's XML changed."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            dst.writestr(item, data)
    return out


def test_each_slice_gets_only_the_shared_strings_its_cells_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = shared_tables(monkeypatch)
    path = book(tmp_path / "shared.xlsx", ROWS)  # Excel's layout: one shared-string table
    _merged, rows, last = sliced(path, 4)
    assert last == "end" and rows == whole(path)
    with zipfile.ZipFile(path) as z:
        full = z.read("xl/sharedStrings.xml")
    assert len(tables) == 6
    # the slice's own entries, renumbered: no table grows with the file's
    assert all(len(t) < len(full) and b"<si/>" not in t for t in tables)
    assert "企业2<".encode() in tables[0] and "企业3<".encode() not in tables[0]
    assert "企业22<".encode() in tables[-1] and "企业0<".encode() not in tables[-1]


def test_another_layout_of_shared_string_cells_keeps_its_indices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = shared_tables(monkeypatch)
    path = book(tmp_path / "shared.xlsx", ROWS)
    quoted = with_sheet_xml(path, tmp_path / "quoted.xlsx", lambda x: x.replace(b't="s"', b"t='s'"))
    _merged, rows, last = sliced(quoted, 4)
    assert last == "end" and rows == whole(quoted) == whole(path)
    # each index in its place: the earlier rows' entries are empty <si/>, later ones absent
    assert "企业22<".encode() in tables[-1] and "企业0<".encode() not in tables[-1]
    assert tables[-1].count(b"<si/>") > 0
    assert "企业2<".encode() in tables[0] and "企业3<".encode() not in tables[0]


def test_rich_text_and_recurring_shared_strings_read_as_calamine_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rich.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, ["统一社会信用代码", "单位名称", "企业规模"])
    for r in range(1, 40):
        ws.write_string(r, 0, f"U{r:04d}")
        if r % 3 == 0:
            ws.write_rich_string(r, 1, "西安", bold, f"精密{r}", "有限公司")
        else:
            ws.write_string(r, 1, f"企业&<{r}>")
        ws.write_string(r, 2, ["大型", "中型", "小型"][r % 3])  # recurring values
    wb.close()
    tables = shared_tables(monkeypatch)
    for size in (1, 5, 13):
        tables.clear()
        _merged, rows, last = sliced(path, size)
        assert last == "end" and rows == whole(path), size
        assert tables and all(b"</sst>" in t for t in tables)


def test_a_slice_whose_shared_cells_are_not_understood_gets_the_whole_table(
    tmp_path: Path,
) -> None:
    path = book(tmp_path / "shared.xlsx", ROWS)
    with zipfile.ZipFile(path) as z:
        full = z.read("xl/sharedStrings.xml")
        table = sheets.SharedStrings(z, "xl/sharedStrings.xml")
    usual = b'<row r="9"><c r="A9" t="s"><v>7</v></c><c r="B9" t="s"><v>3</v></c></row>'
    try:
        assert table.understood
        assert table.whole() == full
        body, strings = table.for_slice(usual)
        assert body == usual.replace(b"<v>7<", b"<v>0<").replace(b"<v>3<", b"<v>1<")
        assert strings.count(b"<si>") == 2
        # a shared-string cell in a layout no scan reads: nothing is left out
        odd = b'<row r="9"><c r="A9" t="s"/><c r="B9" t="s"><v>3</v></c></row>'
        assert table.for_slice(odd) == (odd, full)
        prefixed = b'<row r="9"><c r="A9" t="s"><x:v>3</x:v></c></row>'
        body, strings = table.for_slice(prefixed)
        assert body == prefixed and strings != full and strings.count(b"<si/>") == 3
        # a number in a cell with some other attribute ending in t: never renumbered
        other = b'<row r="9"><c r="A9" xt="s"><v>12</v></c><c r="B9" t="s"><v>3</v></c></row>'
        body, strings = table.for_slice(other)
        assert body == other and b"<si/>" in strings
        # an index past the table: calamine reports it, on the whole table
        past = b'<row r="9"><c r="A9" t="s"><v>99999</v></c></row>'
        assert table.for_slice(past) == (past, full)
        # no shared-string cell: an empty table
        plain = b'<row r="9"><c r="A9"><v>3</v></c></row>'
        body, empty = table.for_slice(plain)
        assert body == plain and empty.endswith(b"</sst>") and b"<si" not in empty
    finally:
        table.close()


def test_a_shared_string_table_it_cannot_split_is_handed_whole(tmp_path: Path) -> None:
    path = book(tmp_path / "shared.xlsx", ROWS)
    odd = tmp_path / "cdata.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(odd, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                data = data.replace("<t>企业4</t>".encode(), "<t><![CDATA[企业4]]></t>".encode())
            dst.writestr(item, data)
    with zipfile.ZipFile(odd) as z:
        table = sheets.SharedStrings(z, "xl/sharedStrings.xml")
    try:
        assert not table.understood
        slice_ = b'<c r="A9" t="s"><v>3</v></c>'
        assert table.for_slice(slice_) == (slice_, table.whole())
    finally:
        table.close()
    _merged, rows, last = sliced(odd, 3)
    assert last == "end" and rows == whole(odd) and rows[5][1][1] == "企业4"


def test_a_child_streams_its_frames_and_is_reaped() -> None:
    child = sheets.Child("tests.lib.echo_child", ["a", 1, {"b": 2}])
    try:
        frames = list(child.frames(last=("end",)))
    finally:
        child.close()
    assert frames == [("item", "a"), ("item", 1), ("item", {"b": 2}), ("end", None)]
    assert child.proc.returncode == 0


def test_a_child_that_dies_is_reported_with_its_stderr() -> None:
    child = sheets.Child("tests.lib.echo_child", "die")
    try:
        frames = list(child.frames(last=("end",)))
    finally:
        child.close()
    assert frames[-1][0] == "crashed" and "dying on purpose" in frames[-1][1]


def test_a_child_given_up_on_early_is_killed_and_its_reader_ends() -> None:
    # more than the pipe and the read-ahead queue hold: the child is still writing
    big = [bytes(500_000)] * 40
    child = sheets.Child("tests.lib.echo_child", big)
    frames = child.frames(last=("end",))
    assert next(frames) == ("item", big[0])
    frames.close()
    child.close()
    assert child.proc.returncode is not None
    assert child.reader is not None and not child.reader.is_alive()
