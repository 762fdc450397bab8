"""Searching CQOs for the talent pool inside the viewer's scope (SPEC §8)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.lib import clock
from cqo.reference.models import Industry, Region
from cqo.registry.models import Appointment, Person
from cqo.talent import index
from cqo.talent.models import SearchLink, SearchRow, SearchTally, TalentEntry

# what search() annotates on each person
ANNOTATIONS = (
    "pool_state",
    "pool_entry",
    "enterprise_name",
    "enterprise_region",
    "enterprise_industry",
    "certified_training",
    "certified_level",
)


def person_scope(user: User) -> Q:
    """Whose pool entries a user may open: the persons of access.person_q, and for a
    certification body the persons it recommended (it is sent to the entry it made)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.CERTIFIER:
        return Q(pk__in=TalentEntry.objects.filter(recommended_by=user).values("person_id"))
    return _person_q(user)


def _person_q(user: User) -> Q:
    """access.person_q as a filter on persons. For a regulator an EXISTS per person rather than
    a join of every appointment into an IN list (the search stays fast at a million persons):
    the same persons."""
    if getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.REGULATOR:
        through = Appointment.objects.filter(person=OuterRef("pk")).filter(
            access.region_q(user, "enterprise__region")
        )
        return access.region_q(user, "region") | Q(Exists(through))
    if getattr(user, "is_platform_admin", False) and user.is_active:
        return Q()
    return Q(pk__in=Person.objects.filter(access.person_q(user)).values("pk"))


@dataclass(frozen=True)
class Filters:
    q: str = ""
    region: str = ""
    industry: str = ""
    min_years: int | None = None
    level: str = ""
    state: str = ""
    training: str = ""


def _annotated(qs: QuerySet[Person]) -> QuerySet[Person]:
    """What a result row shows (ANNOTATIONS)."""
    from cqo.training.models import TrainingCertificate

    latest_entry = TalentEntry.objects.filter(person=OuterRef("pk")).order_by("-created_at", "-pk")
    latest = _latest_filing()
    # "AAA" < "AAAA" < "AAAAA": the highest level in force sorts last
    level = _in_force(clock.today()).filter(holder=OuterRef("pk")).order_by("-level")
    return qs.annotate(
        certified_level=Subquery(level.values("level")[:1]),
        pool_state=Subquery(latest_entry.values("state")[:1]),
        pool_entry=Subquery(latest_entry.values("public_id")[:1]),
        enterprise_name=Subquery(latest.values("enterprise__name")[:1]),
        enterprise_region=Subquery(latest.values("enterprise__region_id")[:1]),
        enterprise_industry=Subquery(latest.values("enterprise__industry_id")[:1]),
        certified_training=Exists(
            TrainingCertificate.objects.filter(holder=OuterRef("pk"), status="valid")
        ),
    )


def _latest_filing() -> QuerySet[Appointment]:
    # the place of a person (cqo/talent/index/): their latest filing that is not a draft
    return (
        Appointment.objects.filter(person=OuterRef("pk"))
        .exclude(status=Appointment.Status.DRAFT)
        .order_by("-start_date", "-pk")
    )


class Found:
    """The persons a search finds, in name order: what Paginator, the API and the export read
    (``count()``, slices, iteration). ``parts`` are disjoint querysets of (name, person id)
    rows — the search index's place range and the persons links bring in, or the live query
    while the index is catching up; a page takes the first rows of each part in name order and
    merges them in the database (each part reads one index range), then reads what its rows
    show. ``tally`` counts the first part faster when the search allows it (SearchTally)."""

    def __init__(self, *parts: QuerySet[Any], tally: QuerySet[Any] | None = None) -> None:
        self._parts = [p.order_by("name", "person_id") for p in parts]
        self._tally = tally
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            rest = self._parts
            self._count = 0
            if self._tally is not None:
                self._count = self._tally.aggregate(n=Sum("persons"))["n"] or 0
                rest = self._parts[1:]
            self._count += sum(part.count() for part in rest)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _page(self, ids: list[int]) -> list[Person]:
        by_pk = {p.pk: p for p in _annotated(Person.objects.filter(pk__in=ids))}
        return [by_pk[i] for i in ids if i in by_pk]

    def _rows(
        self, start: int, stop: int, after: tuple[str, int] | None = None
    ) -> list[tuple[str, int]]:
        """Rows ``start``–``stop`` in name order (after the row ``after``, for iteration)."""
        parts = self._parts
        if after is not None:
            name, pk = after
            parts = [p.filter(Q(name__gt=name) | Q(name=name, person_id__gt=pk)) for p in parts]
        if len(parts) == 1:
            return list(parts[0].values_list("name", "person_id")[start:stop])
        # the first ``stop`` of each part, merged: the database's own order of names
        pieces: list[str] = []
        params: list[Any] = []
        for i, part in enumerate(parts):
            try:
                sql, args = part.values_list("name", "person_id")[:stop].query.sql_with_params()
            except EmptyResultSet:  # a part that cannot match (an empty scope)
                continue
            pieces.append(f"SELECT * FROM ({sql}) part{i}")  # noqa: S608 (Django's SQL)
            params.extend(args)
        if not pieces:
            return []
        merged = " UNION ALL ".join(pieces) + " ORDER BY 1, 2 LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(merged, [*params, stop - start, start])
            return [(name, pk) for name, pk in cursor.fetchall()]

    def __getitem__(self, key: slice) -> list[Person]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("Found takes slices")
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        return self._page([pk for _name, pk in self._rows(start, stop)])

    def __iter__(self) -> Iterator[Person]:
        after: tuple[str, int] | None = None
        while True:  # page by page from the last row read (the index ranges, not an offset)
            rows = self._rows(0, PAGE, after)
            if not rows:
                return
            yield from self._page([pk for _name, pk in rows])
            after = rows[-1]

    iterator = __iter__


PAGE = 500


def search(*, user: User, live: bool = False, **filters: Any) -> Found:
    """Persons in the viewer's scope by name (a Chinese substring), place (region subtree,
    GB/T 4754 section or division), years of quality work, capability level in force, pool
    state and training certificate; in name order. From the search index when it is current
    (cqo/talent/index/), else (or with ``live``) the same answer from the registry."""
    f = Filters(**filters)
    if not live and index.ensure_fresh():
        return _index_found(user, f)
    return Found(_live_ids(user, f))


def _region(code: str) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


def _level_rank(level: str) -> int:
    return index.LEVELS.get(level, 0)


def _index_found(user: User, f: Filters) -> Found:
    q = f.q.strip().casefold()
    # the filters, in the columns SearchRow and SearchTally share
    where: list[Q] = []
    if f.region:
        place = _region(f.region)
        where.append(_index_region(place) if place else Q(pk__in=[]))
    if f.industry:
        where.append(Q(section=f.industry) | Q(division=f.industry))
    if f.min_years is not None:
        where.append(Q(years__gte=f.min_years))
    if f.state:
        where.append(Q(state="" if f.state == "none" else f.state))
    if f.training:
        where.append(Q(trained=f.training == "yes"))
    # the rarest character is not known without a count; any character of the query finds
    # every name that contains the query, and ``name`` (in the same index) checks the rest
    gram = index.grams(q)[0] if index.grams(q) else ""
    rows = SearchRow.objects.filter(*where, gram=gram)
    if len(q) > 1:
        rows = rows.filter(name__icontains=f.q.strip())
    if f.level:
        rows = rows.filter(level__gte=_level_rank(f.level), level_until__gte=clock.today())
    if f.level or f.state not in ("", "none") or f.training == "yes":
        rows = rows.filter(flagged=True)  # the same rows, from the small partial indexes
    in_place, links, linked_ids = _index_scope(user)
    found = rows.filter(in_place).values_list("name", "person_id")
    # without a name or a level, and for a scope that is a place, the tallies count them
    counted = not q and not f.level and _place_scope(user)
    tally = SearchTally.objects.filter(*where, in_place) if counted else None
    # the persons a link brings in whose place is outside the scope: a regulator's links say
    # so and carry what the filters read; a department's are checked against its place scope
    if links is not None:
        return Found(found, _linked_rows(links, f), tally=tally)
    if linked_ids is not None:
        also = rows.filter(person_id__in=linked_ids).exclude(in_place)
        return Found(found, also.values_list("name", "person_id"), tally=tally)
    return Found(found, tally=tally)


def _linked_rows(links: QuerySet[Any], f: Filters) -> QuerySet[Any]:
    """The filters on the place and values a link carries (as on SearchRow)."""
    if f.region:
        place = _region(f.region)
        links = links.filter(_index_region(place, "place_") if place else Q(pk__in=[]))
    if f.industry:
        links = links.filter(Q(place_section=f.industry) | Q(place_division=f.industry))
    if f.min_years is not None:
        links = links.filter(years__gte=f.min_years)
    if f.state:
        links = links.filter(state="" if f.state == "none" else f.state)
    if f.training:
        links = links.filter(trained=f.training == "yes")
    if f.q.strip():
        links = links.filter(name__icontains=f.q.strip())
    if f.level:
        links = links.filter(level__gte=_level_rank(f.level), level_until__gte=clock.today())
    return links.values_list("name", "person_id")


def _place_scope(user: User) -> bool:
    """Whether the index scope is a place (or nothing) rather than a list of persons."""
    authenticated = getattr(user, "is_authenticated", False) and user.is_active
    return not authenticated or user.is_platform_admin or user.role in _PLACE_ROLES


def _index_region(region: Region, prefix: str = "") -> Q:
    if region.level == Region.Level.PROVINCE:
        return Q(**{f"{prefix}province": region.code})
    if region.level == Region.Level.CITY:
        return Q(**{f"{prefix}city": region.code})
    return Q(**{f"{prefix}region": region.code})


_PLACE_ROLES = (Role.REGULATOR, Role.DEPARTMENT)


def _index_scope(user: User) -> tuple[Q, QuerySet[Any] | None, QuerySet[Any] | None]:
    """Whom a user searches among: exactly the persons of access.person_q. On the index (whose
    rows hold the place) that is the rows whose place is in the scope and the persons links
    bring in: for a regulator the SearchLink rows of persons placed outside its region (one
    per person), for a department the ids of persons with a link in its scope (None: no
    links to read)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[]), None, None
    if user.is_platform_admin:
        return Q(), None, None
    if user.role not in _PLACE_ROLES:
        persons = Person.objects.filter(access.person_q(user)).values("pk")
        return Q(person_id__in=persons), None, None
    if user.region is None:
        return Q(pk__in=[]), None, None
    place = _index_region(user.region)
    if user.role == Role.REGULATOR:
        level: dict[str, str] = {Region.Level.PROVINCE: "province", Region.Level.CITY: "city"}
        at = level.get(user.region.level, "region")
        links = SearchLink.objects.filter(place, **{f"out_{at}": True, f"first_{at}": True})
        return place, links if links.exists() else None, None
    # a department sees persons through appointments at enterprises of its industries
    # (access._department_q), never by the region they registered in
    codes = access.department_industries(user)
    if codes is not None and not codes:
        return Q(pk__in=[]), None, None
    place &= Q(placed=True)
    found = SearchLink.objects.filter(_index_region(user.region), filing=True)
    if codes is not None:
        industries = Q(section__in=codes) | Q(division__in=codes)
        place &= industries
        found = found.filter(industries)
    return place, None, found.values("person_id") if found.exists() else None


def _live_ids(user: User, f: Filters) -> QuerySet[Any]:
    """The same answer from the registry: the place, level and state of every person derived in
    the query (exact; seconds at a million persons)."""
    from cqo.training.models import TrainingCertificate

    latest = _latest_filing()
    latest_entry = TalentEntry.objects.filter(person=OuterRef("pk")).order_by("-created_at", "-pk")
    qs = Person.objects.annotate(
        place_region=Coalesce(
            Subquery(latest.values("enterprise__region_id")[:1]),
            "region_id",
            output_field=CharField(),
        ),
        place_industry=Subquery(latest.values("enterprise__industry_id")[:1]),
    )
    qs = qs.filter(_person_q(user))
    if f.q.strip():
        qs = qs.filter(name__icontains=f.q.strip())
    if f.region:
        place = _region(f.region)
        qs = qs.filter(place_region__in=_subtree(place)) if place else qs.none()
    if f.industry:
        qs = qs.filter(place_industry__in=_industry_codes([f.industry]))
    if f.min_years is not None:
        qs = qs.filter(quality_years__gte=f.min_years)
    if f.level:
        ranks = [lv for lv, n in index.LEVELS.items() if n >= _level_rank(f.level)]
        in_force = _in_force(clock.today()).filter(holder=OuterRef("pk"), level__in=ranks)
        qs = qs.filter(Exists(in_force))
    if f.state:
        state = Subquery(latest_entry.values("state")[:1])
        qs = qs.annotate(pool=state)
        qs = qs.filter(pool__isnull=True) if f.state == "none" else qs.filter(pool=f.state)
    if f.training:
        trained = Exists(TrainingCertificate.objects.filter(holder=OuterRef("pk"), status="valid"))
        qs = qs.filter(trained) if f.training == "yes" else qs.exclude(trained)
    return qs.annotate(person_id=F("pk")).values_list("name", "person_id")


def _in_force(on: Any) -> QuerySet[Any]:
    """Capability certificates in force on a day (certification.selectors.certified_level)."""
    from cqo.certification.models import LevelCertificate

    return LevelCertificate.objects.filter(issued_on__lte=on, valid_until__gte=on).filter(
        Q(status=LevelCertificate.Status.VALID) | Q(status_changed_on__gt=on)
    )


def _subtree(region: Region | None) -> list[str]:
    if region is None:
        return []
    return list(
        Region.objects.filter(
            Q(code=region.code) | Q(city_code=region.code) | Q(province_code=region.code)
        ).values_list("code", flat=True)
    )


def _industry_codes(codes: list[str]) -> list[str]:
    return list(
        Industry.objects.filter(Q(code__in=codes) | Q(parent_id__in=codes)).values_list(
            "code", flat=True
        )
    )


def entry_get(*, user: User, public_id: Any) -> TalentEntry:
    try:
        entry = TalentEntry.objects.select_related(
            "person", "province", "recommended_by", "decided_by"
        ).get(public_id=public_id)
    except (TalentEntry.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if not Person.objects.filter(person_scope(user), pk=entry.person_id).exists() and not (
        getattr(user, "is_platform_admin", False)
    ):
        raise Http404
    return entry


# Who recommends and decides (cqo/talent/services.py) ----------------------------------------


def province_of(person: Person) -> Region | None:
    """The province whose pool the person belongs to: that of their latest appointment's
    enterprise, else of the region they registered in."""
    appt = (
        Appointment.objects.filter(person=person)
        .exclude(status=Appointment.Status.DRAFT)
        .select_related("enterprise__region")
        .order_by("-start_date")
        .first()
    )
    region = appt.enterprise.region if appt else person.region
    if region is None:
        return None
    return Region.objects.get(code=region.province_code)


def recommender_kind(actor: User, person: Person) -> str | None:
    if actor.role == Role.CERTIFIER:
        return TalentEntry.Recommender.CERTIFIER
    if (
        actor.role == Role.REGULATOR
        and Person.objects.filter(access.person_q(actor), pk=person.pk).exists()
    ):
        return TalentEntry.Recommender.REGULATOR
    if (
        actor.role == Role.ENTERPRISE
        and actor.enterprise_id is not None
        and person.appointments.filter(enterprise_id=actor.enterprise_id).exists()
    ):
        return TalentEntry.Recommender.ENTERPRISE
    return None


def may_recommend(actor: User, person: Person) -> bool:
    """Whether the recommend page (cqo/talent/views.py recommend) serves ``actor`` for
    ``person``: the person in access.person_q and a recommender kind for the actor. The pages
    show the 推荐 link on this, so link and page agree (no query for roles that never may)."""
    if actor.role not in (Role.CERTIFIER, Role.REGULATOR, Role.ENTERPRISE):
        return False
    if not Person.objects.filter(access.person_q(actor), pk=person.pk).exists():
        return False
    return recommender_kind(actor, person) is not None


def may_open_person(user: User, person: Person) -> bool:
    """Whether the person's page (portal person_detail: access.person_q) serves ``user``; a
    certification body opens the pool entries it made (person_scope) but not the person."""
    return Person.objects.filter(access.person_q(user), pk=person.pk).exists()


def can_decide(actor: User, entry: TalentEntry) -> bool:
    """The pool is the province's: its provincial regulator (or the platform admin) decides."""
    if actor.is_platform_admin:
        return True
    region = actor.region
    return (
        actor.role == Role.REGULATOR
        and region is not None
        and region.level == Region.Level.PROVINCE
        and region.code == entry.province_id
    )


def may_search_pages(user: User) -> bool:
    """The search pages are the regulators', departments', enterprises' and certifiers'; a CQO
    or a trainer has no pool to search, and the security and audit administrators (三员分立) no
    business records."""
    return user.role not in (Role.CQO, Role.TRAINER, Role.SECURITY, Role.AUDITOR)
