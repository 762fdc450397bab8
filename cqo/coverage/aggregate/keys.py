"""What the aggregate is keyed on: the cells (a region node × GB/T 4754 section × key-industry
division × size × licence) and the new-CQO counts (a region node × section × division × year),
the key-industry divisions the cells keep apart, and the cells' rows found or created."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cqo.coverage.models import Cell
from cqo.policy import schema
from cqo.policy.models import Pack, PackVersion
from cqo.policy.selectors import installed_state
from cqo.reference.models import Region

# the levels of a region node: the enterprise's own region, its city, its province
LEAF, CITY, PROVINCE = "r", "c", "p"
LEVELS = (PROVINCE, CITY, LEAF)  # parents first


@dataclass(frozen=True)
class CellKey:
    level: str
    code: str
    province: str
    section: str
    keydiv: str
    size: str
    licence: bool

    @property
    def leaf(self) -> str:
        """``Cell.leaf_key``: what an enterprise's own attributes spell (build.states)."""
        return f"{self.code}|{self.section}|{self.keydiv}|{self.size}|{int(self.licence)}"

    @property
    def city(self) -> str:
        """The city of a leaf's region ("" where the region has none)."""
        return regions().get(self.code, ("", ""))[0]

    def parents(self) -> tuple[CellKey, CellKey]:
        """A leaf's city node and province node (the city's code blank where there is none)."""
        return (
            dataclasses.replace(self, level=CITY, code=self.city),
            dataclasses.replace(self, level=PROVINCE, code=self.province),
        )

    def new_cell(self, ids: dict[CellKey, int], **counts: Any) -> Cell:
        """The unsaved cell of this key, its parents' ids taken from ``ids``."""
        parent_city = parent_province = None
        if self.level == LEAF:
            city, province = self.parents()
            parent_city, parent_province = ids.get(city), ids[province]
        elif self.level == CITY:
            parent_province = ids[dataclasses.replace(self, level=PROVINCE, code=self.province)]
        return Cell(
            level=self.level,
            code=self.code,
            leaf_key=self.leaf if self.level == LEAF else "",
            city_code=self.code if self.level == CITY else self.city if self.level == LEAF else "",
            province_code=self.province,
            section=self.section,
            keydiv=self.keydiv,
            size=self.size,
            licence=self.licence,
            parent_city_id=parent_city,
            parent_province_id=parent_province,
            **counts,
        )


def leaf_key(region_id: str, section: str | None, keydiv: str, size: str, lic: bool) -> CellKey:
    province = regions().get(region_id, ("", ""))[1]
    return CellKey(LEAF, region_id, province, section or "", keydiv, size, bool(lic))


def with_parents(key: CellKey) -> tuple[CellKey, ...]:
    return (key, *key.parents()) if key.level == LEAF else (key,)


@dataclass(frozen=True)
class NewCqoKey:
    level: str
    code: str
    section: str
    keydiv: str
    year: int


# The divisions the cells keep apart -------------------------------------------------------------


_UNIVERSE: dict[tuple[Any, ...], tuple[str, ...]] = {}


def universe() -> tuple[str, ...]:
    """Every GB/T 4754 division any installed jurisdiction pack names as a key industry; kept
    in the process while no pack version is installed (versions never change)."""
    state = installed_state()
    found = _UNIVERSE.get(state)
    if found is None:
        _UNIVERSE.clear()
        found = _UNIVERSE[state] = _universe()
    return found


def _universe() -> tuple[str, ...]:
    divisions: set[str] = set()
    for content in PackVersion.objects.filter(pack__kind=Pack.Kind.JURISDICTION).values_list(
        "content", flat=True
    ):
        raw = (content or {}).get("key_industries")
        if raw:
            divisions.update(schema.KeyIndustries.model_validate(raw).divisions)
    return tuple(sorted(divisions))


@functools.lru_cache(maxsize=1)
def _regions() -> dict[str, tuple[str, str]]:
    return {
        c: (city or "", prov or "")
        for c, city, prov in Region.objects.values_list("code", "city_code", "province_code")
    }


def regions() -> dict[str, tuple[str, str]]:
    """Each region's (city, province) codes."""
    found = _regions()
    if not found:
        _regions.cache_clear()
    return found


# Cells' rows ------------------------------------------------------------------------------------


def cell_ids(keys: Iterable[CellKey]) -> dict[CellKey, int]:
    """Cell ids of the keys, creating missing cells (parents first)."""
    wanted = {k for key in keys for k in with_parents(key)}
    found: dict[CellKey, int] = {}
    for level in LEVELS:
        ks = [k for k in wanted if k.level == level]
        if not ks:
            continue
        for row in Cell.objects.filter(level=level, code__in={k.code for k in ks}).values_list(
            "pk", "level", "code", "province_code", "section", "keydiv", "size", "licence"
        ):
            key = CellKey(*row[1:7], bool(row[7]))
            if key in wanted:
                found[key] = row[0]
        for k in ks:
            if k not in found:
                cell = k.new_cell(found)
                cell.save()
                found[k] = cell.pk
    return found
