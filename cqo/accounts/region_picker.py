"""The province → city → county picker of the online registration (and any form that places a
person in a county): what each of its three lists offers for the choices made so far, and the
counties whose name holds a searched text. Every list is bounded."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from cqo.reference.models import Region
from cqo.reference.selectors import region_label

# a search lists at most this many counties; the picker asks to narrow it down beyond
SEARCH_LIMIT = 50
SEARCH_MAX_LENGTH = 20
PLACEHOLDER = "placeholder"

Options = list[tuple[str, str]]


@dataclass(frozen=True)
class Picker:
    provinces: Options
    cities: Options
    counties: Options
    province: str = ""
    city: str = ""
    county: str = ""
    q: str = ""
    # the search found more counties than it lists
    more: bool = False
    notes: list[str] = field(default_factory=list)


def _counties() -> Q:
    # as the registry's forms offer them: counties, not the 市辖区 placeholder rows
    return Q(level=Region.Level.COUNTY) & ~Q(flags=PLACEHOLDER)


def picker(*, province: str = "", city: str = "", county: str = "", q: str = "") -> Picker:
    """The lists for the choices made so far. A county alone (a form shown again) fills in its
    province and city; a city or county outside the chosen province is dropped. A search looks
    through the chosen province (everywhere when none is chosen), and the one county it finds
    is chosen with its province and city."""
    q = q.strip()[:SEARCH_MAX_LENGTH]
    chosen = Region.objects.filter(_counties(), code=county).first() if county else None
    if chosen is not None and not province:
        province, city = chosen.province_code, chosen.city_code
    provinces = Region.objects.filter(level=Region.Level.PROVINCE)
    if not provinces.filter(code=province).exists():
        province = ""
    city = _city_of(province, "" if q else city)
    counties, more, notes = _county_options(province, city, q)
    county = chosen.code if chosen is not None else ""
    if county not in {code for code, _name in counties}:
        county = ""
    if q and len(counties) == 1:  # the one county a search finds, where it lies
        found = Region.objects.get(code=counties[0][0])
        county, province, city = found.code, found.province_code, found.city_code
    return Picker(
        provinces=list(provinces.values_list("code", "name")),
        cities=_cities(province),
        counties=counties,
        province=province,
        city=city,
        county=county,
        q=q,
        more=more,
        notes=notes,
    )


def _cities(province: str) -> Options:
    if not province:
        return []
    cities = Region.objects.filter(level=Region.Level.CITY, province_code=province)
    return list(cities.values_list("code", "name"))


def _city_of(province: str, city: str) -> str:
    """``city`` when it lies in the province; a municipality's one 市辖区 row (北京市, 上海市…)
    without being asked; else none."""
    options = [code for code, _name in _cities(province)]
    if len(options) == 1:
        return options[0]
    return city if city in options else ""


def _county_options(province: str, city: str, q: str) -> tuple[Options, bool, list[str]]:
    if not q and not city:  # a province's counties are many: its city first, or a search
        return [], False, []
    qs = Region.objects.filter(_counties())
    if city:
        qs = qs.filter(city_code=city)
    elif province:
        qs = qs.filter(province_code=province)
    if q:
        qs = qs.filter(name__icontains=q)
    found = list(qs.order_by("code").values_list("code", "name")[: SEARCH_LIMIT + 1])
    more = len(found) > SEARCH_LIMIT
    found = found[:SEARCH_LIMIT]
    # a search names each county in full (陕西省西安市雁塔区): the same name is in many places
    options = [(code, region_label(code) if q else name) for code, name in found]
    notes = []
    if q and not found:
        notes.append(_("没有名称含“%(q)s”的区县，请换个关键字或直接逐级选择") % {"q": q})
    elif more:
        notes.append(
            _("符合的区县较多，仅列出前 %(n)d 个，请输入更完整的名称") % {"n": SEARCH_LIMIT}
        )
    elif (city or province) and not found:
        notes.append(_("该地不设区县，请选择其他地区"))
    return options, more, notes
