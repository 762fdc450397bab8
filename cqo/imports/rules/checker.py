"""The checks on each data row: every rule the registry's ``_apply_enterprise`` applies, on the
list's columns (cqo/registry/services/enterprises.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cqo.imports.rules.columns import (
    _AWARDS,
    _BOOLS,
    _INDUSTRY_RE,
    _NATURES,
    _SIZES,
    COLUMNS,
    MAX_EMPLOYEES,
    Header,
    cell_text,
)
from cqo.imports.rules.rows import Reference, Row, RowError, in_scope
from cqo.imports.rules.uscc import compact_uscc, uscc_fast
from cqo.lib.bounds import too_long_message
from cqo.reference import validators

Bad = Callable[[str, Any, str], None]  # (column key, cell, rule broken)


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
    return _RowChecker(header, ref)


def _lookup(table: dict[str, Any], value: Any) -> Any:
    # the usual cell is already one of the table's spellings: skip its normalisation
    if type(value) is str and value in table:
        return table[value]
    return table.get(cell_text(value).lower())


class _RowChecker:
    def __init__(self, header: Header, ref: Reference) -> None:
        p = header.positions
        self.width = header.width
        self.i_uscc, self.i_name, self.i_region, self.i_industry, self.i_size = (
            p["uscc"], p["name"], p["region"], p["industry"], p["size"]
        )  # fmt: skip
        self.i_above = p.get("above_scale")
        self.i_above_year = p.get("above_scale_year")
        self.i_award = p.get("quality_award")
        self.i_award_year = p.get("quality_award_year")
        self.i_licence = p.get("special_equipment_licence")
        self.i_employees = p.get("employees")
        self.i_nature = p.get("nature")
        self.i_address = p.get("registered_address")
        self.i_products = p.get("main_products")
        self.labels = {c.key: str(c.label) for c in COLUMNS}
        self.ref = ref
        self.limits, self.lines = ref.limits, ref.lines

    def __call__(self, number: int, cells: Sequence[Any]) -> tuple[Row, list[RowError]]:
        width = self.width
        c = cells if len(cells) >= width else [*cells, *([None] * (width - len(cells)))]
        errors: list[RowError] = []
        labels = self.labels

        def bad(key: str, value: Any, rule: str) -> None:
            errors.append(RowError(number, labels[key], cell_text(value), rule))

        values: dict[str, Any] = {}
        uscc, uscc_ok = self._uscc(c[self.i_uscc], bad)
        self._required(c, values, bad)
        self._scale(c, values, bad)
        self._award(c, values, bad)
        self._texts(c, values, bad)
        return Row(uscc=uscc, values=values, uscc_ok=uscc_ok), errors

    def _too_long(self, bad: Bad, key: str, value: str) -> None:
        bad(key, value, too_long_message(self.labels[key], self.limits[key], len(value)))

    @staticmethod
    def _uscc(cell: Any, bad: Bad) -> tuple[str, bool]:
        # USCC: numbers cannot hold 18 digits (Excel keeps 15), so a numeric cell is refused.
        uscc = cell_text(cell)
        if " " in uscc or "-" in uscc or not uscc.isupper():
            uscc = compact_uscc(uscc)
        if isinstance(cell, float):
            bad("uscc", cell, _("统一社会信用代码须以文本格式填写（数字格式会丢失位数）"))
        elif not uscc:
            bad("uscc", "", _("统一社会信用代码必填"))
        elif uscc_fast(uscc):
            return uscc, True
        else:
            try:
                return validators.validate_uscc(uscc), True
            except ValidationError as exc:
                bad("uscc", cell, exc.messages[0])
        return uscc, False

    def _required(self, c: Sequence[Any], values: dict[str, Any], bad: Bad) -> None:
        name = cell_text(c[self.i_name])
        if not name:
            bad("name", name, _("单位名称必填"))
        elif len(name) > self.limits["name"]:
            self._too_long(bad, "name", name)
        values["name"] = name
        region = cell_text(c[self.i_region])
        if len(region) == 12 and region.endswith("000000"):
            region = region[:6]  # the 12-digit statistical division code of the same county
        info = self.ref.regions.get(region)
        if info is None:
            bad("region", region, _("行政区划代码不存在（GB/T 2260）"))
        elif info.level == "province" or (info.level == "city" and info.has_children):
            bad("region", region, _("请选择到区县一级的行政区划"))
        elif not in_scope(self.ref.scope, info, region):
            bad("region", region, _("行政区划不在本名录（导入人）的辖区内"))
        values["region_id"] = region
        industry_cell = c[self.i_industry]
        industry = cell_text(industry_cell)
        if isinstance(industry_cell, float) and len(industry) in (1, 3):
            industry = "0" + industry  # a leading zero lost to a numeric cell (06, 0610)
        match = _INDUSTRY_RE.match(industry)
        division = match.group(1) if match else ""
        if division not in self.ref.divisions:
            bad("industry", industry, _("所属行业应为 GB/T 4754-2017 的大类代码（两位数字）"))
        values["industry_id"] = division
        size = _lookup(_SIZES, c[self.i_size])
        if size is None:
            bad("size", c[self.i_size], _("企业规模应为大型、中型、小型或微型"))
        values["size"] = size

    def _scale(self, c: Sequence[Any], values: dict[str, Any], bad: Bad) -> None:
        i_above, i_above_year = self.i_above, self.i_above_year
        reference_year = self.ref.reference_year
        if i_above is not None:
            above = _lookup(_BOOLS, c[i_above])
            if above is None:
                bad("above_scale", c[i_above], _("规模以上企业应填是或否"))
            values["above_scale"] = bool(above)
        if i_above_year is not None:
            year = _year(cell_text(c[i_above_year]), self.ref)
            if isinstance(year, str):
                bad("above_scale_year", c[i_above_year], year)
                year = None
            if year is None and values.get("above_scale"):
                year = reference_year  # the list's reference year (SPEC §12.10)
            values["above_scale_year"] = year
        elif i_above is not None:
            values["above_scale_year"] = reference_year if values["above_scale"] else None

    def _award(self, c: Sequence[Any], values: dict[str, Any], bad: Bad) -> None:
        i_award, i_award_year = self.i_award, self.i_award_year
        if i_award is not None:
            award = _lookup(_AWARDS, c[i_award])
            if award is None:
                bad("quality_award", c[i_award], _("政府质量奖应填政府质量奖、提名奖或无"))
            values["quality_award"] = award or ""
        if i_award_year is not None:
            year = _year(cell_text(c[i_award_year]), self.ref)
            if isinstance(year, str):
                bad("quality_award_year", c[i_award_year], year)
                year = None
            values["quality_award_year"] = year
        if values.get("quality_award") and not values.get("quality_award_year"):
            year_cell = c[i_award_year] if i_award_year is not None else None
            bad("quality_award_year", year_cell, _("填写政府质量奖时须填写获奖年度"))

    def _texts(self, c: Sequence[Any], values: dict[str, Any], bad: Bad) -> None:
        limits = self.limits
        if self.i_licence is not None:
            licence = cell_text(c[self.i_licence])
            if len(licence) > limits["special_equipment_licence"]:
                self._too_long(bad, "special_equipment_licence", licence)
            values["special_equipment_licence"] = licence
        if self.i_employees is not None:
            values["employees"] = self._employees(c[self.i_employees], bad)
        if self.i_nature is not None:
            nature = _lookup(_NATURES, c[self.i_nature])
            if nature is None:
                bad(
                    "nature",
                    c[self.i_nature],
                    _("单位性质应为国营、民营、混合所有制、外资或中外合资"),
                )
            values["nature"] = nature or ""
        if self.i_address is not None:
            address = cell_text(c[self.i_address])
            if len(address) > limits["registered_address"]:
                self._too_long(bad, "registered_address", address)
            values["registered_address"] = address
        if self.i_products is not None:
            values["main_products"] = self._products(c[self.i_products], bad)

    @staticmethod
    def _employees(cell: Any, bad: Bad) -> int | None:
        employees: int | None = None
        if type(cell) is float and cell.is_integer() and 0 <= cell <= MAX_EMPLOYEES:
            text, employees = "", int(cell)  # the usual numeric cell
        else:
            text = cell_text(cell)
        if text:
            if text.isdigit() and int(text) <= MAX_EMPLOYEES:
                employees = int(text)
            else:
                bad("employees", cell, _("员工总数应为0至1000万之间的整数"))
        return employees

    def _products(self, cell: Any, bad: Bad) -> str:
        products = cell_text(cell)
        lines = self.lines
        if len(products) > self.limits["main_products"]:
            self._too_long(bad, "main_products", products)
        elif (count := sum(1 for x in products.splitlines() if x.strip())) > lines.get(
            "main_products", count
        ):
            bad(
                "main_products",
                products,
                _("%(label)s最多 %(limit)d 行（现有 %(count)d 行）")
                % {
                    "label": self.labels["main_products"],
                    "limit": lines["main_products"],
                    "count": count,
                },
            )
        return products
