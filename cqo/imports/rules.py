"""The official enterprise list's columns and the checks on each row (SPEC §2, §3 "Bulk import").

Pure functions over plain data: the reference tables arrive as a ``Reference`` of dicts and sets,
so a million rows are checked without a query each. The rules are those of the registry's
``_apply_enterprise`` (cqo/registry/services/enterprises.py): USCC with both check characters
(GB 32100-2015 and the GB 11714 organisation code, as ``validators.validate_uscc``), a county-level
or city-without-county GB/T 2260 region, a GB/T 4754-2017 division, a size of the 2017 size
rules, years between 1949 and next year, a quality award only with its year.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.lib.bounds import too_long_message
from cqo.reference import validators

MAX_EMPLOYEES = 10_000_000  # as the registry service: beyond it the figure is a typo


@dataclass(frozen=True)
class Column:
    key: str  # the Enterprise field it fills
    label: Any  # the documented Chinese header (Annex A / SPEC §2)
    aliases: tuple[str, ...]
    required: bool = False


# The fixed, documented header of the import file (shenzhen-guide Annex A 单位 part, SPEC §2).
COLUMNS: tuple[Column, ...] = (
    Column("uscc", gettext_lazy("统一社会信用代码"), ("统一社会信用代码", "uscc"), True),
    Column("name", gettext_lazy("单位名称"), ("单位名称", "企业名称", "name"), True),
    Column(
        "region",
        gettext_lazy("所属行政区划代码"),
        ("所属行政区划代码", "行政区划代码", "区划代码", "region", "region_code"),
        True,
    ),
    Column(
        "industry",
        gettext_lazy("行业代码"),
        ("行业代码", "所属行业代码", "国民经济行业代码", "industry", "industry_code"),
        True,
    ),
    Column("size", gettext_lazy("企业规模"), ("企业规模", "规模", "size"), True),
    Column(
        "above_scale",
        gettext_lazy("规模以上企业"),
        ("规模以上企业", "是否规模以上企业", "规上企业", "above_scale"),
    ),
    Column(
        "above_scale_year",
        gettext_lazy("规上认定年度"),
        ("规上认定年度", "above_scale_year"),
    ),
    Column("quality_award", gettext_lazy("政府质量奖"), ("政府质量奖", "quality_award")),
    Column(
        "quality_award_year",
        gettext_lazy("获奖年度"),
        ("获奖年度", "政府质量奖获奖年度", "quality_award_year"),
    ),
    Column(
        "special_equipment_licence",
        gettext_lazy("特种设备生产许可证号"),
        (
            "特种设备生产许可证号",
            "special_equipment_licence",
            "special_equipment_license",
        ),
    ),
    Column("employees", gettext_lazy("员工总数"), ("员工总数", "从业人员", "employees")),
    Column("nature", gettext_lazy("单位性质"), ("单位性质", "nature")),
    Column(
        "registered_address",
        gettext_lazy("注册地址"),
        ("注册地址", "registered_address", "address"),
    ),
    Column(
        "main_products",
        gettext_lazy("主导产品及经营项目"),
        ("主导产品及经营项目", "主导产品", "经营范围", "main_products"),
    ),
)
# The text columns whose length the Enterprise model bounds; the limits come from its fields
# (``Reference.limits``): this module stays free of the models, as the reading process has none.
LIMITED = ("name", "special_equipment_licence", "registered_address", "main_products")
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}

_SIZES = {
    "大型": "large",
    "大": "large",
    "large": "large",
    "中型": "medium",
    "中": "medium",
    "medium": "medium",
    "小型": "small",
    "小": "small",
    "small": "small",
    "微型": "micro",
    "微": "micro",
    "micro": "micro",
}
_BOOLS = {
    "是": True,
    "y": True,
    "yes": True,
    "1": True,
    "true": True,
    "√": True,
    "否": False,
    "n": False,
    "no": False,
    "0": False,
    "false": False,
    "×": False,
    "": False,
}
_AWARDS = {
    "": "",
    "无": "",
    "否": "",
    "none": "",
    "政府质量奖": "winner",
    "获奖": "winner",
    "质量奖": "winner",
    "winner": "winner",
    "政府质量奖提名奖": "nominee",
    "提名奖": "nominee",
    "提名": "nominee",
    "nominee": "nominee",
}
_NATURES = {
    "": "",
    "国营": "state",
    "国有": "state",
    "state": "state",
    "民营": "private",
    "private": "private",
    "混合所有制": "mixed",
    "mixed": "mixed",
    "外资": "foreign",
    "foreign": "foreign",
    "中外合资": "joint_venture",
    "joint_venture": "joint_venture",
}
_INDUSTRY_RE = re.compile(r"^[A-Ta-t]?(\d{2})\d{0,2}$")
_HEADER_NOTE_RE = re.compile(r"[(（\[【].*?[)）\]】]|[*＊:：]")


def header_key(text: Any) -> str:
    """A header cell reduced for matching: NFKC (full-width → half-width), no spaces, no "*"
    or "(必填)" notes, lower case."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = _HEADER_NOTE_RE.sub("", value)
    return "".join(value.split()).lower()


_ALIAS = {header_key(a): c.key for c in COLUMNS for a in (*c.aliases, str(c.label))}


def expected_header() -> str:
    return "、".join(f"{c.label}{'*' if c.required else ''}" for c in COLUMNS)


@dataclass
class Header:
    """Which file column holds which field: ``positions[key]`` is the cell index."""

    positions: dict[str, int]
    ignored: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max(self.positions.values()) + 1


def match_header(cells: Sequence[Any]) -> Header:
    """Map a header row to the fields; raises ``ValidationError`` naming the expected columns."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    duplicated: list[str] = []
    for index, cell in enumerate(cells):
        key = _ALIAS.get(header_key(cell))
        if key is None:
            if header_key(cell):
                ignored.append(str(cell))
            continue
        if key in positions:
            duplicated.append(str(COLUMN_BY_KEY[key].label))
        positions[key] = index
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in positions]
    problems = []
    if missing:
        problems.append(_("表头缺少必填列：%(cols)s") % {"cols": "、".join(missing)})
    if duplicated:
        problems.append(_("表头列重复：%(cols)s") % {"cols": "、".join(duplicated)})
    if problems:
        raise ValidationError(
            "；".join(problems)
            + "。"
            + _("表头应为（*为必填）：%(cols)s") % {"cols": expected_header()},
            code="header",
        )
    return Header(positions=positions, ignored=ignored)


def looks_like_header(cells: Sequence[Any]) -> bool:
    """A row naming every required column (title rows above the header are skipped)."""
    keys = {_ALIAS.get(header_key(c)) for c in cells}
    return all(c.key in keys for c in COLUMNS if c.required)


# Cells ----------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as trimmed text: whole floats lose their ".0" (calamine reads numbers as float),
    dates become ISO, full-width characters are normalised (NFKC), NUL is dropped."""
    if type(value) is str:
        if not value.isascii() and not _is_nfkc("NFKC", value):
            value = _nfkc("NFKC", value)
        if "\x00" in value:
            value = value.replace("\x00", "")
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, str):
        return cell_text(str(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


_is_nfkc = unicodedata.is_normalized
_nfkc = unicodedata.normalize


# USCC: a fast path equal to validators.validate_uscc (tested against it); the validator itself
# runs only for rows that fail, to give its exact message.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_VALUE = {c: i for i, c in enumerate(_ORG_ALPHABET)}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHECK = {10: "X", 11: "0"}


def uscc_fast(number: str) -> bool:
    """GB 32100-2015 mod-31 check and GB 11714 organisation-code check of a compact code.

    The weighted sums are written out (a lookup and a multiplication per character): a million
    rows pay for every step here."""
    head = number[:8]
    if len(number) != 18 or not (head.isdigit() and head.isascii()):
        return False
    v = _USCC_VALUE
    try:
        total = (
            v[number[0]]
            + 3 * v[number[1]]
            + 9 * v[number[2]]
            + 27 * v[number[3]]
            + 19 * v[number[4]]
            + 26 * v[number[5]]
            + 16 * v[number[6]]
            + 17 * v[number[7]]
            + 20 * v[number[8]]
            + 29 * v[number[9]]
            + 25 * v[number[10]]
            + 13 * v[number[11]]
            + 8 * v[number[12]]
            + 24 * v[number[13]]
            + 10 * v[number[14]]
            + 30 * v[number[15]]
            + 28 * v[number[16]]
        )  # fmt: skip  (_USCC_WEIGHTS)
        check = v[number[17]]
        if (31 - total) % 31 != check:
            return False
        o = _ORG_VALUE
        org = (
            3 * o[number[8]]
            + 7 * o[number[9]]
            + 9 * o[number[10]]
            + 10 * o[number[11]]
            + 5 * o[number[12]]
            + 8 * o[number[13]]
            + 4 * o[number[14]]
            + 2 * o[number[15]]
        )  # fmt: skip  (_ORG_WEIGHTS)
    except KeyError:
        return False
    remainder = 11 - org % 11
    return _ORG_CHECK.get(remainder, str(remainder)) == number[16]


def compact_uscc(text: str) -> str:
    return text.replace(" ", "").replace("-", "").upper()


# Rows -----------------------------------------------------------------------------------------


@dataclass
class RegionInfo:
    level: str
    province_code: str
    city_code: str
    has_children: bool


@dataclass
class Reference:
    """Everything a row is checked against, loaded once per file."""

    regions: dict[str, RegionInfo]
    divisions: frozenset[str]
    scope: dict[str, str]  # the list's region subtree: {"level": ..., "code": ...}
    reference_year: int
    this_year: int
    limits: dict[str, int]  # max_length of each LIMITED column's Enterprise field
    lines: dict[str, int]  # the line limit of those that have one (main_products)


def in_scope(scope: dict[str, str], info: RegionInfo, code: str) -> bool:
    level = scope["level"]
    if level == "all":
        return True
    if level == "province":
        return info.province_code == scope["code"]
    if level == "city":
        return info.city_code == scope["code"]
    return code == scope["code"]


def may_change(actor_scope: dict[str, str] | None, ref: Reference, region: str) -> bool:
    """Whether the importer may change an enterprise already registered in ``region``: only
    within their own subtree."""
    info = ref.regions.get(region)
    return actor_scope is not None and info is not None and in_scope(actor_scope, info, region)


class RowError(NamedTuple):
    row: int
    column: str
    value: str
    rule: str


class Row(NamedTuple):
    """A checked row: the USCC and the Enterprise columns (by attname) the file gives. (Named
    tuples: a large file's rows cross from the reading process as pickles, and a tuple
    unpickles several times faster than a dataclass.)"""

    uscc: str
    values: dict[str, Any]
    uscc_ok: bool = True


def written_columns(header: Header) -> list[str]:
    """The Enterprise columns an import writes for this header (absent columns stay as they
    are on existing enterprises)."""
    pos = header.positions
    names = ["name", "region_id", "industry_id", "size"]
    for key in ("above_scale", "quality_award", "quality_award_year"):
        if key in pos:
            names.append(key)
    if "above_scale" in pos or "above_scale_year" in pos:
        names.append("above_scale_year")
    for key in (
        "special_equipment_licence",
        "employees",
        "nature",
        "registered_address",
        "main_products",
    ):
        if key in pos:
            names.append(key)
    return names


def _year(text: str, ref: Reference) -> int | str | None:
    if not text:
        return None
    text = text.removesuffix("年")
    if not text.isdigit() or len(text) != 4:
        return _("年度应为四位数字")
    value = int(text)
    if not 1949 <= value <= ref.this_year + 1:
        return _("年度应在1949年至明年之间")
    return value


def check_row(
    number: int, cells: Sequence[Any], header: Header, ref: Reference
) -> tuple[Row, list[RowError]]:
    """One data row → the enterprise's list fields and the rules it breaks (every one); the row
    is written only if there are none. (A file's rows go through ``row_checker``.)"""
    return row_checker(header, ref)(number, cells)


def row_checker(
    header: Header, ref: Reference
) -> Callable[[int, Sequence[Any]], tuple[Row, list[RowError]]]:
    """``check_row`` for every row of one file: the header's positions and the optional
    columns' presence are bound once, not looked up per cell."""
    p = header.positions
    width = header.width
    i_uscc, i_name, i_region, i_industry, i_size = (
        p["uscc"], p["name"], p["region"], p["industry"], p["size"]
    )  # fmt: skip
    i_above = p.get("above_scale")
    i_above_year = p.get("above_scale_year")
    i_award = p.get("quality_award")
    i_award_year = p.get("quality_award_year")
    i_licence = p.get("special_equipment_licence")
    i_employees = p.get("employees")
    i_nature = p.get("nature")
    i_address = p.get("registered_address")
    i_products = p.get("main_products")
    labels = {c.key: str(c.label) for c in COLUMNS}
    limits, lines = ref.limits, ref.lines
    regions, divisions, scope = ref.regions, ref.divisions, ref.scope
    t = cell_text
    reference_year = ref.reference_year

    def lookup(table: dict[str, Any], value: Any) -> Any:
        # the usual cell is already one of the table's spellings: skip its normalisation
        if type(value) is str and value in table:
            return table[value]
        return table.get(t(value).lower())

    def check(number: int, cells: Sequence[Any]) -> tuple[Row, list[RowError]]:
        c = cells if len(cells) >= width else [*cells, *([None] * (width - len(cells)))]
        errors: list[RowError] = []

        def bad(key: str, value: Any, rule: str) -> None:
            errors.append(RowError(number, labels[key], t(value), rule))

        def too_long(key: str, value: str) -> None:
            bad(key, value, too_long_message(labels[key], limits[key], len(value)))

        values: dict[str, Any] = {}
        # USCC: numbers cannot hold 18 digits (Excel keeps 15), so a numeric cell is refused.
        uscc_cell = c[i_uscc]
        uscc = t(uscc_cell)
        if " " in uscc or "-" in uscc or not uscc.isupper():
            uscc = compact_uscc(uscc)
        uscc_ok = False
        if isinstance(uscc_cell, float):
            bad("uscc", uscc_cell, _("统一社会信用代码须以文本格式填写（数字格式会丢失位数）"))
        elif not uscc:
            bad("uscc", "", _("统一社会信用代码必填"))
        elif uscc_fast(uscc):
            uscc_ok = True
        else:
            try:
                uscc = validators.validate_uscc(uscc)
                uscc_ok = True
            except ValidationError as exc:
                bad("uscc", uscc_cell, exc.messages[0])

        name = t(c[i_name])
        if not name:
            bad("name", name, _("单位名称必填"))
        elif len(name) > limits["name"]:
            too_long("name", name)
        values["name"] = name

        region = t(c[i_region])
        if len(region) == 12 and region.endswith("000000"):
            region = region[:6]  # the 12-digit statistical division code of the same county
        info = regions.get(region)
        if info is None:
            bad("region", region, _("行政区划代码不存在（GB/T 2260）"))
        elif info.level == "province" or (info.level == "city" and info.has_children):
            bad("region", region, _("请选择到区县一级的行政区划"))
        elif not in_scope(scope, info, region):
            bad("region", region, _("行政区划不在本名录（导入人）的辖区内"))
        values["region_id"] = region

        industry_cell = c[i_industry]
        industry = t(industry_cell)
        if isinstance(industry_cell, float) and len(industry) in (1, 3):
            industry = "0" + industry  # a leading zero lost to a numeric cell (06, 0610)
        match = _INDUSTRY_RE.match(industry)
        division = match.group(1) if match else ""
        if division not in divisions:
            bad("industry", industry, _("所属行业应为 GB/T 4754-2017 的大类代码（两位数字）"))
        values["industry_id"] = division

        size = lookup(_SIZES, c[i_size])
        if size is None:
            bad("size", c[i_size], _("企业规模应为大型、中型、小型或微型"))
        values["size"] = size

        if i_above is not None:
            above = lookup(_BOOLS, c[i_above])
            if above is None:
                bad("above_scale", c[i_above], _("规模以上企业应填是或否"))
            values["above_scale"] = bool(above)
        if i_above_year is not None:
            year = _year(t(c[i_above_year]), ref)
            if isinstance(year, str):
                bad("above_scale_year", c[i_above_year], year)
                year = None
            if year is None and values.get("above_scale"):
                year = reference_year  # the list's reference year (SPEC §12.10)
            values["above_scale_year"] = year
        elif i_above is not None:
            values["above_scale_year"] = reference_year if values["above_scale"] else None
        if i_award is not None:
            award = lookup(_AWARDS, c[i_award])
            if award is None:
                bad("quality_award", c[i_award], _("政府质量奖应填政府质量奖、提名奖或无"))
            values["quality_award"] = award or ""
        if i_award_year is not None:
            year = _year(t(c[i_award_year]), ref)
            if isinstance(year, str):
                bad("quality_award_year", c[i_award_year], year)
                year = None
            values["quality_award_year"] = year
        if values.get("quality_award") and not values.get("quality_award_year"):
            year_cell = c[i_award_year] if i_award_year is not None else None
            bad("quality_award_year", year_cell, _("填写政府质量奖时须填写获奖年度"))
        if i_licence is not None:
            licence = t(c[i_licence])
            if len(licence) > limits["special_equipment_licence"]:
                too_long("special_equipment_licence", licence)
            values["special_equipment_licence"] = licence
        if i_employees is not None:
            cell = c[i_employees]
            employees: int | None = None
            if type(cell) is float and cell.is_integer() and 0 <= cell <= MAX_EMPLOYEES:
                text, employees = "", int(cell)  # the usual numeric cell
            else:
                text = t(cell)
            if text:
                if text.isdigit() and int(text) <= MAX_EMPLOYEES:
                    employees = int(text)
                else:
                    bad("employees", c[i_employees], _("员工总数应为0至1000万之间的整数"))
            values["employees"] = employees
        if i_nature is not None:
            nature = lookup(_NATURES, c[i_nature])
            if nature is None:
                bad(
                    "nature",
                    c[i_nature],
                    _("单位性质应为国营、民营、混合所有制、外资或中外合资"),
                )
            values["nature"] = nature or ""
        if i_address is not None:
            address = t(c[i_address])
            if len(address) > limits["registered_address"]:
                too_long("registered_address", address)
            values["registered_address"] = address
        if i_products is not None:
            products = t(c[i_products])
            if len(products) > limits["main_products"]:
                too_long("main_products", products)
            elif (count := sum(1 for x in products.splitlines() if x.strip())) > lines.get(
                "main_products", count
            ):
                bad(
                    "main_products",
                    products,
                    _("%(label)s最多 %(limit)d 行（现有 %(count)d 行）")
                    % {
                        "label": labels["main_products"],
                        "limit": lines["main_products"],
                        "count": count,
                    },
                )
            values["main_products"] = products
        return Row(uscc=uscc, values=values, uscc_ok=uscc_ok), errors

    return check


HEADER_SEARCH_ROWS = 10  # title rows an official list may carry above its header
BATCH = 2000  # checked rows per event


def find_header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[Header, int, int]:
    """The header (within the first rows: title rows may sit above it), its row number, and
    how many file rows were read to find it; ``ValidationError`` naming the expected columns."""
    first: list[Any] | None = None
    seen = read = 0
    for number, cells in rows:
        read += 1
        if is_empty(cells):
            continue
        if looks_like_header(cells):
            return match_header(cells), number, read
        first = first if first is not None else cells
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise ValidationError(_("文件中没有内容（应有表头行和数据行）"), code="empty")
    match_header(first)  # raises, naming the expected columns
    raise ValidationError(_("未找到表头行"), code="header")  # pragma: no cover


# A checked row as the stream carries it: (row number, USCC, USCC valid, the values of
# ``written_columns(header)`` in that order, errors). Plain tuples: a large file's rows cross
# between processes as pickles, and a tuple is the cheapest thing to pickle and unpickle.
Checked = tuple[int, str, bool, tuple[Any, ...], list[RowError]]


def check_stream(rows: Iterable[tuple[int, list[Any]]], ref: Reference) -> Iterator[Any]:
    """A file's rows, checked: first ``("header", header, header_row, rows_read)``, then
    ``("rows", rows_read, [Checked, …])`` batches of its non-empty rows. Pure, so
    it runs in the importer or, for a large file, in the process reading the file
    (``cqo.imports.worker``); the importer then does what needs the database."""
    rows = iter(rows)
    header, header_row, read = find_header(rows)
    yield "header", header, header_row, read
    check = row_checker(header, ref)
    empty = is_empty
    pick = operator.itemgetter(*written_columns(header))
    batch: list[Checked] = []
    read = 0
    for number, cells in rows:
        read += 1
        if empty(cells):
            continue
        row, errors = check(number, cells)
        batch.append((number, row.uscc, row.uscc_ok, pick(row.values), errors))
        if len(batch) >= BATCH:
            yield "rows", read, batch
            batch, read = [], 0
    yield "rows", read, batch


def is_empty(cells: Sequence[Any]) -> bool:
    for c in cells:
        if c is not None and c != "" and not (isinstance(c, str) and not c.strip()):
            return False
    return True
