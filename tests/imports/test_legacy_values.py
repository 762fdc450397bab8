"""Cells of a legacy archive read as their clerks wrote them (cqo/imports/legacy/values.py):
every spelling, every boundary, and the exact message a clerk reads for each refusal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.iso7064 import mod_11_2

from cqo.imports.legacy.values import (
    IdNumber,
    LegacyValueError,
    digits_or_letters,
    hours,
    id_number,
    legacy_date,
    normalise,
)

ON = dt.date(2024, 6, 1)
EXPECTED_FORMS = "2019年3月5日、2019-03-05、2019/03/05、2019.3.5 或 20190305"
PHANTOM = (
    "Excel 日期序号 60 表示 1900年2月29日，这一天并不存在（Excel 沿用的闰年错误），"
    "请按原件填写日期："
)


@pytest.fixture(autouse=True)
def reader_mode() -> str:
    # tests/imports/conftest.py runs every import test once per file reader; these functions
    # read no file, so once is enough
    return "none"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def refusal(call: object, *args: object, **kwargs: object) -> str:
    assert callable(call)
    with pytest.raises(LegacyValueError) as exc_info:
        call(*args, **kwargs)
    assert isinstance(exc_info.value, ValueError)
    return str(exc_info.value)


# normalise ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  张三  ", "张三"),
        ("ＡＢＣ１２３ｘｙｚ", "ABC123xyz"),
        ("１３８００１３８０００", "13800138000"),
        ("张\u3000三", "张 三"),
        ("\u3000\u3000张三\u3000", "张三"),
        ("a\xa0\xa0b", "a b"),
        ("a \t\r\n  b", "a b"),
        ("a\x00b", "ab"),
        ("\x00 a \x00", "a"),
        (13800138000.0, "13800138000"),
        (110105491231002.0, "110105491231002"),
        (8.5, "8.5"),
        (42, "42"),
        (0.0, "0"),
        (True, "1"),
        (False, "0"),
        (dt.date(2019, 3, 5), "2019-03-05"),
        (dt.datetime(2019, 3, 5, 8, 30), "2019-03-05T08:30:00"),
        # Chinese punctuation outside the full-width ASCII range is kept as written
        ("陕质委办〔2021〕15号", "陕质委办〔2021〕15号"),
        ("《质量管理》、【附件】。", "《质量管理》、【附件】。"),
        # …and inside the range it becomes ASCII, as in the live import
        ("第五条（一）", "第五条（一）"),
        ("陕质委办〔2021〕15号：第三条，", "陕质委办〔2021〕15号：第三条，"),
        ("ＡＢｃ－１２．５／３＠ｘ＿ｙ", "ABc-12.5/3@x_y"),
        ("北京，朝阳：１号！", "北京，朝阳：1号！"),
        # what NFKC would rewrite is left alone
        ("①", "①"),
        ("10㎡", "10㎡"),
        ("25℃", "25℃"),
        ("m²", "m²"),
        ("\uf900", "\uf900"),
        ("第1…2", "第1…2"),
    ],
)
def test_it_normalises_cells_as_the_live_import_reads_them(value: object, expected: str) -> None:
    assert normalise(value) == expected


def test_it_maps_digits_letters_and_the_signs_of_numbers_and_keeps_chinese_punctuation() -> None:
    mapped = "0123456789+-./@_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    assert normalise(full_width(mapped)) == mapped
    kept = "".join(c for c in map(chr, range(0x21, 0x7F)) if c not in mapped)
    assert normalise(full_width(kept)) == full_width(kept)
    assert normalise("\uff00\uff5f\uff60") == "\uff00\uff5f\uff60"


# digits_or_letters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  x1  ", "X1"),
        ("ab 12 cd", "AB12CD"),
        ("ｓｘ－２０２１－００１５", "SX-2021-0015"),
        ("陕 ab\u3000１２", "陕AB12"),
        (12345.0, "12345"),
        (2021, "2021"),
    ],
)
def test_it_reads_codes_as_printed(value: object, expected: str) -> None:
    assert digits_or_letters(value) == expected


# id_number ------------------------------------------------------------------------------------

# 北京市朝阳区, born 1949-12-31, sequence 002: a 15-digit number of GB 11643-1989
LEGACY_ID = "110105491231002"


def converted(legacy: str) -> str:
    # computed here with ISO 7064 MOD 11-2 itself, not through the code under test
    first17 = legacy[:6] + "19" + legacy[6:]
    number = first17 + mod_11_2.calc_check_digit(first17)
    assert mod_11_2.is_valid(number)
    return number


def with_check(first17: str) -> str:
    return first17 + mod_11_2.calc_check_digit(first17)


def test_it_converts_a_15_digit_number_to_its_18_digit_number() -> None:
    assert converted(LEGACY_ID) == "11010519491231002X"
    assert ric.is_valid("11010519491231002X")
    assert id_number(LEGACY_ID, on=ON) == IdNumber(
        number="11010519491231002X", converted_from=LEGACY_ID
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (LEGACY_ID, IdNumber(converted(LEGACY_ID), LEGACY_ID)),
        (float(LEGACY_ID), IdNumber(converted(LEGACY_ID), LEGACY_ID)),
        (int(LEGACY_ID), IdNumber(converted(LEGACY_ID), LEGACY_ID)),
        (full_width(LEGACY_ID), IdNumber(converted(LEGACY_ID), LEGACY_ID)),
        (f"  {LEGACY_ID}\u3000", IdNumber(converted(LEGACY_ID), LEGACY_ID)),
        ("610113700101123", IdNumber(converted("610113700101123"), "610113700101123")),
        ("11010519491231002X", IdNumber("11010519491231002X", "")),
        ("11010519491231002x", IdNumber("11010519491231002X", "")),
        ("１１０１０５１９４９１２３１００２ｘ", IdNumber("11010519491231002X", "")),
        ("110105 19491231 002X", IdNumber("11010519491231002X", "")),
        (with_check("44030419850612315"), IdNumber(with_check("44030419850612315"), "")),
        # born on the day of the reading
        (with_check("44030420240601315"), IdNumber(with_check("44030420240601315"), "")),
    ],
)
def test_it_reads_resident_id_numbers(value: object, expected: IdNumber) -> None:
    assert id_number(value, on=ON) == expected


def test_it_computes_the_same_check_character_as_stdnum_validates() -> None:
    for first17 in ("11010519491231002", "44030419850612315", "61011319700101123"):
        number = id_number(with_check(first17), on=ON).number
        assert ric.calc_check_digit(number) == number[17]
        assert number[17] == mod_11_2.calc_check_digit(first17)


@pytest.mark.parametrize(
    ("legacy", "on", "age"),
    [
        ("110105230601001", dt.date(2024, 6, 1), 101),  # the 101st birthday
        ("110105000101001", dt.date(2024, 6, 1), 124),
        ("110105230601001", dt.date(2030, 1, 1), 106),
    ],
)
def test_it_refuses_a_15_digit_number_whose_1900s_birth_makes_a_person_over_100(
    legacy: str, on: dt.date, age: int
) -> None:
    birth = dt.date(1900 + int(legacy[6:8]), int(legacy[8:10]), int(legacy[10:12]))
    assert refusal(id_number, legacy, on=on) == (
        f"15 位身份证号码的出生世纪不明确：{legacy} 按 19xx 年读是 "
        f"{birth.year}年{birth.month}月{birth.day}日 出生，到 {on.year}年{on.month}月{on.day}日 "
        f"已满 {age} 岁，不可能在任。请核对后改填 18 位号码"
    )


def test_it_accepts_a_15_digit_number_of_a_person_aged_100() -> None:
    # the day before the 101st birthday
    assert id_number("110105230602001", on=ON) == IdNumber(
        converted("110105230602001"), "110105230602001"
    )


def test_it_does_not_apply_the_century_doubt_to_18_digit_numbers() -> None:
    number = with_check("11010519230601001")
    assert id_number(number, on=ON) == IdNumber(number, "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "身份证号码未填写"),
        ("  ", "身份证号码未填写"),
        (
            "1101051949123100",
            "身份证号码应为 18 位（旧式号码为 15 位），此处为 16 位：1101051949123100",
        ),
        (
            "11010519491231002X1",
            "身份证号码应为 18 位（旧式号码为 15 位），此处为 19 位：11010519491231002X1",
        ),
        (
            "1" * 60,
            "身份证号码应为 18 位（旧式号码为 15 位），此处为 60 位：" + "1" * 40 + "…",
        ),
        (
            "11010519491231002A",
            "身份证号码只能由数字组成，18 位号码的最后一位可以是 X：11010519491231002A",
        ),
        (
            "1101051949X231002X",
            "身份证号码只能由数字组成，18 位号码的最后一位可以是 X：1101051949X231002X",
        ),
        ("11010549123100X", "15 位身份证号码只能由数字组成：11010549123100X"),
        (
            "110105１９４９1231002٣",
            "身份证号码只能由数字组成，18 位号码的最后一位可以是 X：11010519491231002٣",
        ),
        # a wrong check character: 1 where X belongs
        (
            "110105194912310021",
            "身份证号码校验位错误（GB 11643-1999），请逐位核对原件：110105194912310021",
        ),
        # one digit mistyped (1949 → 1948), the check character copied from the original
        (
            "11010519481231002X",
            "身份证号码校验位错误（GB 11643-1999），请逐位核对原件：11010519481231002X",
        ),
        (
            with_check("11010519490231002"),
            f"身份证号码中的出生日期 19490231 不存在：{with_check('11010519490231002')}",
        ),
        (
            with_check("11010519491301002"),
            f"身份证号码中的出生日期 19491301 不存在：{with_check('11010519491301002')}",
        ),
        ("110105490231002", "身份证号码中的出生日期 19490231 不存在：110105490231002"),
        ("110105000229001", "身份证号码中的出生日期 19000229 不存在：110105000229001"),
        (
            with_check("44030420240602315"),
            "身份证号码中的出生日期 2024年6月2日 晚于 2024年6月1日："
            + with_check("44030420240602315"),
        ),
        (
            110105194912310021.0,
            "身份证号码在表格中存成了数字，Excel 只保留 15 位有效数字，"
            "末尾几位已丢失：1.1010519491231002e+17。请把该列设为文本，按原件重新录入",
        ),
        (
            1.1010519491231e17,
            "身份证号码在表格中存成了数字，Excel 只保留 15 位有效数字，"
            "末尾几位已丢失：1.1010519491231e+17。请把该列设为文本，按原件重新录入",
        ),
    ],
)
def test_it_refuses_id_numbers_naming_what_is_wrong(value: object, message: str) -> None:
    assert refusal(id_number, value, on=ON) == message


def test_it_refuses_a_15_digit_number_born_after_the_reading_date() -> None:
    assert refusal(id_number, LEGACY_ID, on=dt.date(1949, 12, 30)) == (
        "身份证号码中的出生日期 1949年12月31日 晚于 1949年12月30日：110105491231002"
    )


# legacy_date ----------------------------------------------------------------------------------

MARCH_5 = dt.date(2019, 3, 5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("\u3000 ", None),
        (dt.date(2019, 3, 5), MARCH_5),
        (dt.datetime(2019, 3, 5, 23, 59, 59), MARCH_5),
        ("2019年3月5日", MARCH_5),
        ("2019年03月05日", MARCH_5),
        ("2019年3月5号", MARCH_5),
        ("2019 年 3 月 5 日", MARCH_5),
        ("2019.3.5", MARCH_5),
        ("2019.03.05", MARCH_5),
        ("2019/03/05", MARCH_5),
        ("2019/3/5", MARCH_5),
        ("2019-3-5", MARCH_5),
        ("2019-03-05", MARCH_5),
        ("20190305", MARCH_5),
        ("  2019-03-05  ", MARCH_5),
        ("２０１９年３月５日", MARCH_5),
        ("２０１９－０３－０５", MARCH_5),
        ("２０１９．３．５", MARCH_5),
        ("２０１９０３０５", MARCH_5),
        ("2019-03-05 00:00:00", MARCH_5),
        ("2019/3/5 8:30", MARCH_5),
        ("2019-03-05T14:05:09.5", MARCH_5),
        ("2019年3月5日 00:00:00", MARCH_5),
        ("2019-12-31", dt.date(2019, 12, 31)),
        ("2020-02-29", dt.date(2020, 2, 29)),
        # Excel serials, 1900 date system
        (1, dt.date(1900, 1, 1)),
        (1.0, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        (43529, MARCH_5),
        (43529.0, MARCH_5),
        (43529.75, MARCH_5),
        ("43529", MARCH_5),
        ("43529.0", MARCH_5),
        ("４３５２９", MARCH_5),
        (2958465, dt.date(9999, 12, 31)),
        ("2958465", dt.date(9999, 12, 31)),
    ],
)
def test_it_reads_the_dates_of_legacy_archives(value: object, expected: dt.date | None) -> None:
    assert legacy_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            60,
            PHANTOM + "60",
        ),
        (
            "60",
            PHANTOM + "60",
        ),
        (
            60.5,
            PHANTOM + "60.5",
        ),
        (0, "Excel 日期序号应在 1（1900年1月1日）到 2958465（9999年12月31日）之间：0"),
        (0.5, "Excel 日期序号应在 1（1900年1月1日）到 2958465（9999年12月31日）之间：0.5"),
        (-1, "Excel 日期序号应在 1（1900年1月1日）到 2958465（9999年12月31日）之间：-1"),
        (2958466, "Excel 日期序号应在 1（1900年1月1日）到 2958465（9999年12月31日）之间：2958466"),
        (
            "2958466",
            "Excel 日期序号应在 1（1900年1月1日）到 2958465（9999年12月31日）之间：2958466",
        ),
        (
            10**400,
            "Excel 日期序号应在 1（1900年1月1日）到 2958465（9999年12月31日）之间："
            + "1"
            + "0" * 39
            + "…",
        ),
        (float("nan"), f"日期无法识别：nan（应写作 {EXPECTED_FORMS}）"),
        (float("inf"), f"日期无法识别：inf（应写作 {EXPECTED_FORMS}）"),
        (True, f"日期无法识别：TRUE（应写作 {EXPECTED_FORMS}）"),
        ("2019年3月", f"日期应写到日，如 {EXPECTED_FORMS}；此处只有年月：2019年3月"),
        ("2019年03", f"日期应写到日，如 {EXPECTED_FORMS}；此处只有年月：2019年03"),
        ("2019-03", f"日期应写到日，如 {EXPECTED_FORMS}；此处只有年月：2019-03"),
        ("2019/3", f"日期应写到日，如 {EXPECTED_FORMS}；此处只有年月：2019/3"),
        ("2019.3", f"日期应写到日，如 {EXPECTED_FORMS}；此处只有年月：2019.3"),
        ("2019.10", f"日期应写到日，如 {EXPECTED_FORMS}；此处只有年月：2019.10"),
        (2019.3, f"日期应写到日，如 {EXPECTED_FORMS}；此处只有年月：2019.3"),
        ("19-3-5", f"日期的年份应写全 4 位，如 {EXPECTED_FORMS}：19-3-5"),
        ("19.03.05", f"日期的年份应写全 4 位，如 {EXPECTED_FORMS}：19.03.05"),
        ("19/3/5", f"日期的年份应写全 4 位，如 {EXPECTED_FORMS}：19/3/5"),
        ("19年3月5日", f"日期的年份应写全 4 位，如 {EXPECTED_FORMS}：19年3月5日"),
        ("2019-02-30", "日期无法识别：2019-02-30，这一天不存在"),
        ("2019年2月29日", "日期无法识别：2019年2月29日，这一天不存在"),
        ("2019年13月5日", "日期无法识别：2019年13月5日，这一天不存在"),
        ("20190230", "日期无法识别：20190230，这一天不存在"),
        ("2019-00-05", "日期无法识别：2019-00-05，这一天不存在"),
        ("0000-03-05", "日期无法识别：0000-03-05，这一天不存在"),
        ("2019.3-5", f"日期无法识别：2019.3-5（应写作 {EXPECTED_FORMS}）"),
        ("2019年3月5", f"日期无法识别：2019年3月5（应写作 {EXPECTED_FORMS}）"),
        ("三月五日", f"日期无法识别：三月五日（应写作 {EXPECTED_FORMS}）"),
        ("2019-03-05 25", f"日期无法识别：2019-03-05 25（应写作 {EXPECTED_FORMS}）"),
        ("2019-3-5-1", f"日期无法识别：2019-3-5-1（应写作 {EXPECTED_FORMS}）"),
        ("２０１９-٠٣-٠٥", f"日期无法识别：2019-٠٣-٠٥（应写作 {EXPECTED_FORMS}）"),
    ],
)
def test_it_refuses_dates_saying_which_form_is_expected(value: object, message: str) -> None:
    assert refusal(legacy_date, value) == message


def excel_serial(day: dt.date) -> int:
    # Excel's own arithmetic for dates from 1900-03-01: days since 1899-12-30
    return (day - dt.date(1899, 12, 30)).days


@settings(max_examples=300, deadline=None, database=None)
@given(day=st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)))
def test_it_reads_every_spelling_of_a_date_back_to_that_date(day: dt.date) -> None:
    spellings = [
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day.year}{day.month:02d}{day.day:02d}",
        excel_serial(day),
        float(excel_serial(day)),
        str(excel_serial(day)),
        full_width(f"{day.year}年{day.month}月{day.day}日"),
    ]
    assert [legacy_date(spelling) for spelling in spellings] == [day] * len(spellings)


# hours ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("8", "8.0"),
        ("8.0", "8.0"),
        ("8.50", "8.5"),
        ("8学时", "8.0"),
        ("8 学时", "8.0"),
        ("8.5 学时", "8.5"),
        ("８", "8.0"),
        ("８．５学时", "8.5"),
        (" 8 ", "8.0"),
        (8, "8.0"),
        (8.0, "8.0"),
        (8.5, "8.5"),
        ("0.1", "0.1"),
        ("1000", "1000.0"),
        (1000.0, "1000.0"),
    ],
)
def test_it_reads_study_hours(value: object, expected: str) -> None:
    result = hours(value)
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "学时未填写"),
        ("", "学时未填写"),
        ("8.25", "学时最多保留 1 位小数：8.25"),
        (8.25, "学时最多保留 1 位小数：8.25"),
        ("0.05", "学时最多保留 1 位小数：0.05"),
        ("0", "学时应大于 0 且不超过 1000：0"),
        (0, "学时应大于 0 且不超过 1000：0"),
        ("-1", "学时应大于 0 且不超过 1000：-1"),
        ("1000.1", "学时应大于 0 且不超过 1000：1000.1"),
        ("1001", "学时应大于 0 且不超过 1000：1001"),
        ("9" * 50, "学时应大于 0 且不超过 1000：" + "9" * 40 + "…"),
        ("八", "学时应为数字，如 8 或 8.5（可带“学时”二字）：八"),
        ("8小时", "学时应为数字，如 8 或 8.5（可带“学时”二字）：8小时"),
        ("1e3", "学时应为数字，如 8 或 8.5（可带“学时”二字）：1e3"),
        ("NaN", "学时应为数字，如 8 或 8.5（可带“学时”二字）：NaN"),
        (float("nan"), "学时应为数字，如 8 或 8.5（可带“学时”二字）：nan"),
        ("1_000", "学时应为数字，如 8 或 8.5（可带“学时”二字）：1_000"),
        (".5", "学时应为数字，如 8 或 8.5（可带“学时”二字）：.5"),
        (True, "学时应为数字，如 8 或 8.5（可带“学时”二字）：TRUE"),
    ],
)
def test_it_refuses_study_hours_naming_the_rule(value: object, message: str) -> None:
    assert refusal(hours, value) == message
