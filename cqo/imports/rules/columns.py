"""The official list's columns, its header and how a cell reads as text."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
