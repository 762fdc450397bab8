"""What the index holds of each person (a card: the place, the filtered values, the links into
scopes) and how the cards are derived from the registry, in person order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from cqo.lib import clock
from cqo.reference.models import Industry, Region
from cqo.registry.models import Appointment, Person
from cqo.talent.models import (
    TALLY_KEYS,
    TalentEntry,
)

# the capability levels of level-standard §9.4.1.1 in order; 0 is none
LEVELS = {"AAA": 1, "AAAA": 2, "AAAAA": 3}
# audit target types whose entries can change a person's row
AUDIT_TYPES = (
    "person",
    "appointment",
    "enterprise",
    "enterprise_list",
    "talent_entry",
    "training_certificate",
    "level_certificate",
)
CHUNK = 2000

COLUMNS = [
    "gram",
    "person_id",
    "name",
    "region",
    "city",
    "province",
    "section",
    "division",
    "years",
    "level",
    "level_until",
    "state",
    "trained",
    "flagged",
    "placed",
]
LINK_COLUMNS = [
    "person_id",
    "region",
    "city",
    "province",
    "section",
    "division",
    "filing",
    "out_region",
    "out_city",
    "out_province",
    "first_region",
    "first_city",
    "first_province",
    "name",
    "place_region",
    "place_city",
    "place_province",
    "place_section",
    "place_division",
    "years",
    "level",
    "level_until",
    "state",
    "trained",
]


@dataclass(frozen=True)
class Link:
    """A way into a viewer's scope other than the place (SearchLink)."""

    region: str
    city: str
    province: str
    section: str
    division: str
    filing: bool  # an appointment's enterprise; else the region the person registered in


@dataclass(frozen=True)
class Card:
    """What the index knows of one person."""

    person_id: int
    name: str
    region: str
    city: str
    province: str
    section: str
    division: str
    years: int
    level: int
    level_until: dt.date | None
    state: str
    trained: bool
    placed: bool = False  # the place is a filing's enterprise, not the registered region
    links: tuple[Link, ...] = ()

    def rows(self) -> Iterator[tuple[Any, ...]]:
        rest = (
            self.person_id,
            self.name,
            self.region,
            self.city,
            self.province,
            self.section,
            self.division,
            self.years,
            self.level,
            self.level_until,
            self.state,
            self.trained,
            bool(self.level or self.state or self.trained),
            self.placed,
        )
        yield ("", *rest)
        for gram in grams(self.name):
            yield (gram, *rest)

    def key(self) -> tuple[Any, ...]:
        """Its SearchTally (TALLY_KEYS)."""
        return tuple(getattr(self, k) for k in TALLY_KEYS)

    def items(self) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """Its SearchRow rows ("row") and SearchLink rows ("link"), as _insert takes them."""
        for row in self.rows():
            yield ("row", row)
        for link in self.link_rows():
            yield ("link", link)

    def link_rows(self) -> Iterator[tuple[Any, ...]]:
        seen: set[tuple[str, str]] = set()
        for link in self.links:
            firsts = []
            for level, code in (("r", link.region), ("c", link.city), ("p", link.province)):
                firsts.append((level, code) not in seen)
                seen.add((level, code))
            yield (
                self.person_id,
                link.region,
                link.city,
                link.province,
                link.section,
                link.division,
                link.filing,
                link.region != self.region,
                link.city != self.city,
                link.province != self.province,
                *firsts,
                self.name,
                self.region,
                self.city,
                self.province,
                self.section,
                self.division,
                self.years,
                self.level,
                self.level_until,
                self.state,
                self.trained,
            )


def grams(text: str) -> list[str]:
    """The distinct characters of a name, case-folded (a query "li" finds "Li Wei")."""
    return sorted({c for c in text.casefold() if not c.isspace()})


# Deriving the cards ----------------------------------------------------------------------------


def _places() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    regions = {
        code: (city or "", province or "")
        for code, city, province in Region.objects.values_list("code", "city_code", "province_code")
    }
    parents = {
        code: parent or "" for code, parent in Industry.objects.values_list("code", "parent")
    }
    return regions, parents


def _level_rows(ids: Iterable[int] | None, today: dt.date) -> dict[int, tuple[int, dt.date]]:
    """Per person: the highest capability level in force today (certification.selectors.
    certified_level) and the last day that certificate stays in force as things stand."""
    from cqo.certification.models import LevelCertificate

    rows = LevelCertificate.objects.filter(issued_on__lte=today, valid_until__gte=today).filter(
        Q(status=LevelCertificate.Status.VALID) | Q(status_changed_on__gt=today)
    )
    if ids is not None:
        rows = rows.filter(holder_id__in=list(ids))
    best: dict[int, tuple[int, dt.date]] = {}
    for holder, level, valid_until, status, changed in rows.values_list(
        "holder_id", "level", "valid_until", "status", "status_changed_on"
    ):
        rank = LEVELS.get(level, 0)
        if not rank:
            continue
        # a suspension or withdrawal dated later ends it the day before
        last = valid_until
        if status != LevelCertificate.Status.VALID and changed is not None:
            last = min(last, changed - dt.timedelta(days=1))
        if holder not in best or (rank, last) > best[holder]:
            best[holder] = (rank, last)
    return best


def _trained(ids: Iterable[int] | None) -> set[int]:
    from cqo.training.models import TrainingCertificate

    rows = TrainingCertificate.objects.filter(status=TrainingCertificate.Status.VALID)
    if ids is not None:
        rows = rows.filter(holder_id__in=list(ids))
    return set(rows.values_list("holder_id", flat=True))


def _ordered(qs: QuerySet[Any], *fields: str) -> Iterator[tuple[Any, ...]]:
    return qs.values_list(*fields).iterator(chunk_size=CHUNK)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class _Places:
    regions: dict[str, tuple[str, str]]  # code → (city, province)
    parents: dict[str, str]  # industry code → its parent (a division's section)

    def industry_of(self, code: str) -> tuple[str, str]:
        parent = self.parents.get(code, "")
        return (parent, code) if parent else (code, "")

    def link(self, region: str, industry: str, filing: bool) -> Link:
        city, province = self.regions.get(region, ("", ""))
        return Link(region, city, province, *self.industry_of(industry), filing)


class _Stream:
    """An ordered stream of rows by person, read along with the persons."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self.rows = rows
        self.next = next(rows, None)

    def upto(self, pk: int) -> Iterator[tuple[Any, ...]]:
        """The person's rows, skipping those of persons before it."""
        while self.next is not None and self.next[0] <= pk:
            row, self.next = self.next, next(self.rows, None)
            if row[0] == pk:
                yield row


def cards(ids: Iterable[int] | None = None) -> Iterator[Card]:
    """The cards of the given persons (all when None), in person order: three ordered streams
    (persons, their filings, their pool entries) merged, so memory does not grow with the
    number of persons."""
    today = clock.today()
    places = _Places(*_places())
    id_list = None if ids is None else sorted(set(ids))
    levels = _level_rows(id_list, today)
    trained = _trained(id_list)
    persons = Person.objects.all()
    # drafts too: they bring a person into a scope (access.person_q) but do not move the place
    appts = Appointment.objects.all()
    entries = TalentEntry.objects.all()
    if id_list is not None:
        persons = persons.filter(pk__in=id_list)
        appts = appts.filter(person_id__in=id_list)
        entries = entries.filter(person_id__in=id_list)
    # the last row of each person is the one that counts
    appt_rows = _Stream(
        _ordered(
            appts.order_by("person_id", "start_date", "pk"),
            "person_id",
            "enterprise__region_id",
            "enterprise__industry_id",
            "status",
        )
    )
    entry_rows = _Stream(
        _ordered(entries.order_by("person_id", "created_at", "pk"), "person_id", "state")
    )
    for pk, name, years, home in _ordered(
        persons.order_by("pk"), "pk", "name", "quality_years", "region_id"
    ):
        place: tuple[str, str, bool] = (home or "", "", False)
        appointed: set[tuple[str, str]] = set()
        for _pid, at, industry, status in appt_rows.upto(pk):
            appointed.add((at or "", industry or ""))
            if status != Appointment.Status.DRAFT:
                place = (at or "", industry or "", True)
        state = ""
        for entry in entry_rows.upto(pk):
            state = entry[1]
        yield _card(
            places,
            pk,
            name,
            years,
            place,
            state,
            levels.get(pk, (0, None)),
            trained=pk in trained,
            links=_links(home or "", appointed, place, places.link),
        )


def _card(
    places: _Places,
    pk: int,
    name: str,
    years: int,
    place: tuple[str, str, bool],
    state: str,
    level: tuple[int, dt.date | None],
    *,
    trained: bool,
    links: tuple[Link, ...],
) -> Card:
    region, industry, placed = place
    city, province = places.regions.get(region, ("", ""))
    section, division = places.industry_of(industry)
    return Card(
        person_id=pk,
        name=name,
        region=region,
        city=city,
        province=province,
        section=section,
        division=division,
        years=years,
        level=level[0],
        level_until=level[1],
        state=state,
        trained=trained,
        placed=placed,
        links=links,
    )


def _links(
    home: str,
    appointed: set[tuple[str, str]],
    place: tuple[str, str, bool],
    link: Callable[[str, str, bool], Link],
) -> tuple[Link, ...]:
    """The person's ways into a scope that the place does not already give: every viewer who
    sees them by a link left out sees them by the place (a regulator by the same region, a
    department by the same enterprise region and industry of a filing)."""
    region, industry, placed = place
    found = [
        link(at, ind, True)
        for at, ind in sorted(appointed)
        if at and not (placed and (at, ind) == (region, industry))
    ]
    # the registered region counts for regulators only, who also see the person by the place
    # or by an appointment in the same region
    if home and home != region and home not in {at for at, _ind in appointed}:
        found.append(link(home, "", False))
    return tuple(found)
