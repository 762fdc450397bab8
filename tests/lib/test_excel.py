import io

from python_calamine import CalamineWorkbook

from cqo.lib.excel import xlsx_bytes


def test_it_keeps_eighteen_digit_codes_as_text():
    data = xlsx_bytes(
        ["代码", "人数", "上市"],
        [["91440300192317458F", 12, True], ["610113198005011786", None, False]],
    )
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["代码", "人数", "上市"]
    assert rows[1][0] == "91440300192317458F"
    assert rows[2][0] == "610113198005011786"
    assert rows[1][2] == "是"
