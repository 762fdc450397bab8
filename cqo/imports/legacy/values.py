"""One cell of a legacy archive, read the way older systems and their clerks wrote it.

A province's archive arrives as Excel or CSV exported by older systems: full-width digits typed
with a Chinese input method, dates in half a dozen spellings or as Excel serial numbers, phone
numbers as floats, 15-digit resident ID numbers issued before 1999. Each function here turns
one cell (as python-calamine or the csv module gives it: str, int, float, datetime, date, bool
or None; cqo/imports/readers.py) into the value the row's checks expect, or raises
``LegacyValueError`` with a sentence the clerk who holds the paper file can act on.

Pure functions: no database, no models. The domain's own checks (an ID number's address code,
the working age, the range of each kind of date) stay with the validators and the rules that
run after these (cqo/reference/validators.py, cqo/lib/dates.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from stdnum.cn import ric

# A value quoted in a message is cut here: a cell may hold thousands of characters.
SHOWN_MAX = 40

# ECMA-376 Part 1 §18.17.4 (Date Representation), 1900 date base system: serial 1 is
# 1900-01-01 and 2,958,465 is 9999-12-31; "for legacy reasons" 1900 is treated as a leap year,
# so serial 60 is the non-existent 1900-02-29 and every later serial is one day ahead.
EXCEL_FIRST_SERIAL = 1
EXCEL_LAST_SERIAL = 2_958_465
EXCEL_PHANTOM_SERIAL = 60
_EXCEL_DAY_ZERO = dt.date(1899, 12, 31)

# A plausibility bound on one record's study hours, not a figure from the documents: the
# yearly requirements of the policy packs are tens of hours, so a four-digit figure is a typo.
HOURS_MAX = Decimal(1000)
_ONE_PLACE = Decimal("0.1")

# The 15-digit numbers of GB 11643-1989 were issued to people born in the 1900s; GB 11643-1999
# turns them into 18 digits by writing the century in full and adding a check character.
LEGACY_ID_CENTURY = "19"
# Nobody older serves as a CQO, so a 19xx reading that makes the person older was written for
# another century or mistyped.
LEGACY_ID_MAX_AGE = 100


class LegacyValueError(ValueError):
    """A cell that cannot be read as its column's value; the message is for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class IdNumber:
    number: str  # the 18-character resident ID number
    converted_from: str  # the 15-digit number it was converted from, or ""


# Full-width forms of ASCII (U+FF01–U+FF5E, the Halfwidth and Fullwidth Forms block) are the
# ASCII character plus 0xFEE0. Only the full-width digits, letters and the signs written inside
# numbers and codes (＋－．／＠＿) are mapped, and the spaces: Chinese text keeps its own
# punctuation （），：；！？ (第五条（一）, 陕质委办〔2021〕15号), and NFKC would also rewrite
# ①, ², ℃, … and the CJK compatibility ideographs found in names.
_IN_NUMBERS = "０１２３４５６７８９＋－．／＠＿"
_LETTERS = [*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
_HALF_WIDTH: dict[int, int | str | None] = {
    code: code - 0xFEE0 for code in [*map(ord, _IN_NUMBERS), *_LETTERS]
}
_HALF_WIDTH |= {0x3000: " ", 0x00A0: " ", 0x0000: None}  # ideographic space, NBSP, NUL
# Excel keeps 15 significant digits: an integral float at or above this has lost digits.
_EXACT_FLOAT_LIMIT = 1e15


def normalise(value: object) -> str:
    """A cell's text as the live import reads it (cqo/imports/rules/columns.py ``cell_text``):
    None is "", an integral float loses its ".0" (Excel stores 13800138000 as 13800138000.0), a
    date is written in ISO, a boolean is "1" or "0".

    Text is mapped from full-width to ASCII as below, the ideographic space
    (U+3000) and the no-break space to a space, NUL dropped (PostgreSQL text cannot hold it),
    runs of whitespace collapsed to one space and the ends trimmed. Only full-width digits,
    letters and the signs of numbers and codes (＋－．／＠＿) become ASCII: Chinese punctuation
    （），：；！？、。《》〔〕【】 and every other character are kept as written.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return " ".join(str(value).translate(_HALF_WIDTH).split())


def digits_or_letters(value: object) -> str:
    """A code as printed (a certificate number, a filing number): ``normalise``d, upper case,
    without the spaces clerks type between groups of characters ("ab 12 cd" is "AB12CD")."""
    return normalise(value).replace(" ", "").upper()


def _spreadsheet_bool(value: bool) -> str:
    return "TRUE" if value else "FALSE"  # as Excel shows it


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "…"


def _chinese(day: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


# Resident ID numbers ---------------------------------------------------------------------------

_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID15 = re.compile(r"[0-9]{15}")


def _check_character(first17: str) -> str:
    # python-stdnum 2.2 cn/ric.py: calc_check_digit takes the number with its check character
    # and ignores that last character, so the 17 digits get a placeholder.
    return ric.calc_check_digit(first17 + "0")


def _birth(digits: str) -> dt.date | None:
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def id_number(value: object, *, on: dt.date) -> IdNumber:
    """A resident ID number (居民身份证号码), GB 11643-1999, as 18 characters.

    An 18-character number is 6 digits of address code, 8 of birth date (YYYYMMDD), 3 of
    sequence and the ISO 7064 MOD 11-2 check character (0–9 or X; a lower-case x is read as X).
    A 15-digit number of the earlier GB 11643-1989 has a 6-digit birth date (YYMMDD) and no check
    character; it is converted as GB 11643-1999 prescribes: "19" is written after the address
    code and the check character appended. The birth date must exist and not be after ``on``.

    The 15-digit numbers do not say their century. They were issued to people born 1900–1999,
    but a 19xx reading that makes the person more than 100 years old on ``on`` cannot be a
    serving CQO and is refused for a person to look at, rather than guessed. Full-width digits
    and spaces between groups are accepted; the address code is checked later, with the rest
    of the person's record (cqo/reference/validators.py).
    """
    if isinstance(value, float) and abs(value) >= _EXACT_FLOAT_LIMIT:
        raise LegacyValueError(
            _(
                "身份证号码在表格中存成了数字，Excel 只保留 15 位有效数字，"
                "末尾几位已丢失：%(shown)s。请把该列设为文本，按原件重新录入"
            )
            % {"shown": _shown(normalise(value))}
        )
    text = digits_or_letters(value)
    shown = _shown(text)
    if not text:
        raise LegacyValueError(_("身份证号码未填写"))
    if len(text) not in (15, 18):
        raise LegacyValueError(
            _("身份证号码应为 18 位（旧式号码为 15 位），此处为 %(length)d 位：%(shown)s")
            % {"length": len(text), "shown": shown}
        )
    if len(text) == 18 and not _ID18.fullmatch(text):
        raise LegacyValueError(
            _("身份证号码只能由数字组成，18 位号码的最后一位可以是 X：%(shown)s") % {"shown": shown}
        )
    if len(text) == 15 and not _ID15.fullmatch(text):
        raise LegacyValueError(_("15 位身份证号码只能由数字组成：%(shown)s") % {"shown": shown})
    converted_from = text if len(text) == 15 else ""
    first17 = text[:6] + LEGACY_ID_CENTURY + text[6:] if converted_from else text[:17]
    birth = _birth(first17[6:14])
    if birth is None:
        raise LegacyValueError(
            _("身份证号码中的出生日期 %(digits)s 不存在：%(shown)s")
            % {"digits": first17[6:14], "shown": shown}
        )
    if birth > on:
        raise LegacyValueError(
            _("身份证号码中的出生日期 %(birth)s 晚于 %(on)s：%(shown)s")
            % {"birth": _chinese(birth), "on": _chinese(on), "shown": shown}
        )
    if converted_from and (age := _age(birth, on)) > LEGACY_ID_MAX_AGE:
        raise LegacyValueError(
            _(
                "15 位身份证号码的出生世纪不明确：%(shown)s 按 19xx 年读是 %(birth)s 出生，"
                "到 %(on)s 已满 %(age)d 岁，不可能在任。请核对后改填 18 位号码"
            )
            % {"shown": shown, "birth": _chinese(birth), "on": _chinese(on), "age": age}
        )
    check = _check_character(first17)
    if not converted_from and text[17] != check:
        # The expected character is not shown: a wrong check character usually means another
        # digit was mistyped, and "correcting" the last one would hide it.
        raise LegacyValueError(
            _("身份证号码校验位错误（GB 11643-1999），请逐位核对原件：%(shown)s") % {"shown": shown}
        )
    return IdNumber(number=first17 + check, converted_from=converted_from)


# Dates -----------------------------------------------------------------------------------------

_SPELLINGS = (
    # 2019年3月5日, 2019年03月05日, 2019年3月5号, 2019 年 3 月 5 日
    re.compile(r"(?P<y>[0-9]{4}) ?年 ?(?P<m>[0-9]{1,2}) ?月 ?(?P<d>[0-9]{1,2}) ?[日号]", re.ASCII),
    # 2019.3.5, 2019/03/05, 2019-3-5, 2019-03-05 (one separator throughout)
    re.compile(
        r"(?P<y>[0-9]{4})(?P<sep>[./-])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})", re.ASCII
    ),
    # 20190305
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})", re.ASCII),
)
# a time of day after the date, as a datetime column exports it ("2019-03-05 00:00:00"): dropped
_TIME = re.compile(r"[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\Z", re.ASCII)
_SERIAL = re.compile(r"[0-9]{1,7}(?:\.[0-9]+)?", re.ASCII)
_SHORT_YEAR = (
    re.compile(r"[0-9]{2} ?年 ?[0-9]{1,2} ?月 ?[0-9]{1,2} ?[日号]?", re.ASCII),
    re.compile(r"[0-9]{2}([./-])[0-9]{1,2}\1[0-9]{1,2}", re.ASCII),
)
_MONTH_ONLY = (
    re.compile(r"[0-9]{4} ?年 ?[0-9]{1,2} ?月?", re.ASCII),
    re.compile(r"[0-9]{4}[/-][0-9]{1,2}", re.ASCII),
)
# 2019.3 typed into a number cell is a year and a month, not a time of day on 1905-07-11
# (serial 2019): a serial with a fraction and a year's integral part is read as the former.
_YEARS_AS_NUMBERS = range(1900, 2101)
_EXPECTED = "2019年3月5日、2019-03-05、2019/03/05、2019.3.5 或 20190305"


def _unrecognised(shown: str) -> LegacyValueError:
    return LegacyValueError(
        _("日期无法识别：%(shown)s（应写作 %(expected)s）")
        % {"shown": shown, "expected": _EXPECTED}
    )


def _month_only(shown: str) -> LegacyValueError:
    return LegacyValueError(
        _("日期应写到日，如 %(expected)s；此处只有年月：%(shown)s")
        % {"expected": _EXPECTED, "shown": shown}
    )


def _from_serial(number: float, shown: str) -> dt.date:
    if isinstance(number, float) and not math.isfinite(number):
        raise _unrecognised(shown)
    serial = math.floor(number)  # a fraction is the time of day, dropped
    if serial != number and serial in _YEARS_AS_NUMBERS:
        raise _month_only(shown)
    if serial == EXCEL_PHANTOM_SERIAL:
        raise LegacyValueError(
            _(
                "Excel 日期序号 60 表示 1900年2月29日，这一天并不存在（Excel 沿用的闰年错误），"
                "请按原件填写日期：%(shown)s"
            )
            % {"shown": shown}
        )
    if not EXCEL_FIRST_SERIAL <= serial <= EXCEL_LAST_SERIAL:
        raise LegacyValueError(
            _("Excel 日期序号应在 1（1900年1月1日）到 2958465（9999年12月31日）之间：%(shown)s")
            % {"shown": shown}
        )
    return _EXCEL_DAY_ZERO + dt.timedelta(days=serial - (serial > EXCEL_PHANTOM_SERIAL))


def legacy_date(value: object) -> dt.date | None:
    """A calendar date as legacy archives write it; None for an empty cell.

    A date or datetime cell is its date. A number is an Excel serial in the 1900 date system
    (ECMA-376 Part 1 §18.17.4): serial 1 is 1900-01-01, 2,958,465 is 9999-12-31, and 60 is
    Excel's fictitious 1900-02-29, refused; a numeric text ("43529", "43529.0") is read the same
    way. A fraction is the time of day and dropped, except after a year (2019.3 is March 2019,
    refused as a month without a day). Text is read in the spellings of Chinese archives:
    2019年3月5日 (or 号), 2019.3.5, 2019/03/05, 2019-3-5, 20190305, with full-width digits and
    a trailing time of day ("2019-03-05 00:00:00", dropped). A two-digit year, a month without
    a day or a day that does not exist is refused, the message saying which form is expected.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise _unrecognised(_spreadsheet_bool(value))
    text = normalise(value)
    shown = _shown(text)
    if isinstance(value, (int, float)):
        return _from_serial(value, shown)
    if not text:
        return None
    text = _TIME.sub("", text)
    if _SERIAL.fullmatch(text):
        return _from_serial(float(text), shown)
    for spelling in _SPELLINGS:
        if match := spelling.fullmatch(text):
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                raise LegacyValueError(
                    _("日期无法识别：%(shown)s，这一天不存在") % {"shown": shown}
                ) from None
    if any(pattern.fullmatch(text) for pattern in _SHORT_YEAR):
        raise LegacyValueError(
            _("日期的年份应写全 4 位，如 %(expected)s：%(shown)s")
            % {"expected": _EXPECTED, "shown": shown}
        )
    if any(pattern.fullmatch(text) for pattern in _MONTH_ONLY):
        raise _month_only(shown)
    raise _unrecognised(shown)


# Study hours -----------------------------------------------------------------------------------

_HOURS = re.compile(r"([+-]?[0-9]+(?:\.[0-9]+)?)(?: ?学时)?", re.ASCII)


def hours(value: object) -> Decimal:
    """A study-hour figure (学时), as the hour records store it: one decimal place at most
    (cqo/hours/models.py, ``decimal_places=1``), above 0 and at most ``HOURS_MAX``.

    "8", "8.0", "8学时", "8 学时", full-width "８" and the numbers 8 and 8.5 are read; "8.25"
    is refused rather than rounded. Only the unit 学时 is accepted: a 小时 (clock hour) is not
    a study hour.
    """
    if isinstance(value, bool):
        raise LegacyValueError(
            _("学时应为数字，如 8 或 8.5（可带“学时”二字）：%(shown)s")
            % {"shown": _spreadsheet_bool(value)}
        )
    text = normalise(value)
    shown = _shown(text)
    if not text:
        raise LegacyValueError(_("学时未填写"))
    match = _HOURS.fullmatch(text)
    if match is None:
        raise LegacyValueError(
            _("学时应为数字，如 8 或 8.5（可带“学时”二字）：%(shown)s") % {"shown": shown}
        )
    number = Decimal(match.group(1))
    if not 0 < number <= HOURS_MAX:
        raise LegacyValueError(
            _("学时应大于 0 且不超过 %(max)s：%(shown)s") % {"max": HOURS_MAX, "shown": shown}
        )
    if number != number.quantize(_ONE_PLACE):
        raise LegacyValueError(_("学时最多保留 1 位小数：%(shown)s") % {"shown": shown})
    return number.quantize(_ONE_PLACE)
