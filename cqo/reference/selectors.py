from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet

from cqo.reference.models import Industry, Region


@lru_cache(maxsize=1)
def region_names() -> dict[str, tuple[str, str, str, str]]:
    """code -> (name, province_code, city_code, flags), cached: the table changes only on load."""
    return {
        code: (name, prov, city, flags)
        for code, name, prov, city, flags in Region.objects.values_list(
            "code", "name", "province_code", "city_code", "flags"
        )
    }


def region_label(code: str | None) -> str:
    """Full name such as 陕西省西安市雁塔区, skipping placeholder rows like 市辖区."""
    if not code:
        return ""
    names = region_names()
    if code not in names:
        return code
    name, prov, city, _flags = names[code]
    parts = []
    for ancestor in (prov, city):
        if (
            ancestor
            and ancestor != code
            and ancestor in names
            and names[ancestor][3] != "placeholder"
        ):
            parts.append(names[ancestor][0])
    return "".join([*parts, name])


def region_get(code: str) -> Region | None:
    """The region of a GB/T 2260 code; None when no region has it."""
    return Region.objects.filter(code=code).first()


def region_children(parent_code: str | None) -> QuerySet[Region]:
    if not parent_code:
        return Region.objects.filter(level=Region.Level.PROVINCE)
    return Region.objects.filter(parent_id=parent_code)


def industry_divisions() -> QuerySet[Industry]:
    return Industry.objects.filter(level=Industry.Level.DIVISION).select_related("parent")
