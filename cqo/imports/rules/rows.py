"""What rows are checked against and what a checked row is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from cqo.imports.rules.columns import Header

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
