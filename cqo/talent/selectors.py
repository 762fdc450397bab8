"""Searching CQOs for the talent pool inside the viewer's scope (SPEC §8)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.lib import clock
from cqo.reference.models import Industry, Region
from cqo.registry.models import Appointment, Person
from cqo.talent import index
from cqo.talent.models import SearchRow, SearchTally, TalentEntry

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


def person_scope(user: Any) -> Q:
    """Regulators, departments and clerks search the persons they may see; a certification body
    the persons it recommended; the admin everyone."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.CERTIFIER:
        return Q(pk__in=TalentEntry.objects.filter(recommended_by=user).values("person_id"))
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        # the same persons as access.person_q, as an EXISTS per person rather than a join of
        # every appointment into an IN list (the search stays fast at a million persons)
        through = Appointment.objects.filter(person=OuterRef("pk")).filter(
            access.region_q(user, "enterprise__region")
        )
        return access.region_q(user, "region") | Q(Exists(through))
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
    # the place of a person (cqo/talent/index.py): their latest filing that is not a draft
    return (
        Appointment.objects.filter(person=OuterRef("pk"))
        .exclude(status=Appointment.Status.DRAFT)
        .order_by("-start_date", "-pk")
    )


class Found:
    """The persons a search finds, in name order: what Paginator, the API and the export read
    (``count()``, slices, iteration). The ids come from the search index, or from the live query
    while the index is catching up; each page is then read with what its rows show. ``tally``
    counts them faster when the search allows it (SearchTally)."""

    def __init__(self, ids: QuerySet[Any], tally: QuerySet[Any] | None = None) -> None:
        self._ids = ids
        self._tally = tally
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            if self._tally is not None:
                self._count = self._tally.aggregate(n=Sum("persons"))["n"] or 0
            else:
                self._count = self._ids.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _page(self, ids: list[int]) -> list[Person]:
        by_pk = {p.pk: p for p in _annotated(Person.objects.filter(pk__in=ids))}
        return [by_pk[i] for i in ids if i in by_pk]

    def __getitem__(self, key: slice) -> list[Person]:
        if not isinstance(key, slice):
            raise TypeError("Found takes slices")
        return self._page(list(self._ids[key]))

    def __iter__(self) -> Iterator[Person]:
        batch: list[int] = []
        for pk in self._ids.iterator(chunk_size=PAGE):
            batch.append(pk)
            if len(batch) == PAGE:
                yield from self._page(batch)
                batch = []
        yield from self._page(batch)

    iterator = __iter__


PAGE = 500


def search(*, user: Any, live: bool = False, **filters: Any) -> Found:
    """Persons in the viewer's scope by name (a Chinese substring), place (region subtree,
    GB/T 4754 section or division), years of quality work, capability level in force, pool
    state and training certificate; in name order. From the search index when it is current
    (cqo/talent/index.py), else (or with ``live``) the same answer from the registry."""
    f = Filters(**filters)
    if not live and index.ensure_fresh():
        return _index_found(user, f)
    return Found(_live_ids(user, f))


def _region(code: str) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


def _level_rank(level: str) -> int:
    return index.LEVELS.get(level, 0)


def _index_found(user: Any, f: Filters) -> Found:
    q = f.q.strip().casefold()
    # the place and the filters, in the columns SearchRow and SearchTally share
    where = [_index_scope(user)]
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
    ids = rows.order_by("name", "person_id").values_list("person_id", flat=True)
    # without a name or a level, and for a scope that is a place, the tallies count them
    counted = not q and not f.level and _place_scope(user)
    return Found(ids, SearchTally.objects.filter(*where) if counted else None)


def _place_scope(user: Any) -> bool:
    """Whether ``_scope`` is a place (or nothing) rather than a list of persons."""
    authenticated = getattr(user, "is_authenticated", False) and user.is_active
    return not authenticated or user.is_platform_admin or user.role in _PLACE_ROLES


def _index_region(region: Region) -> Q:
    if region.level == Region.Level.PROVINCE:
        return Q(province=region.code)
    if region.level == Region.Level.CITY:
        return Q(city=region.code)
    return Q(region=region.code)


def _index_scope(user: Any) -> Q:
    return _scope(
        user,
        _index_region,
        lambda codes: Q(section__in=codes) | Q(division__in=codes),
        "person_id",
    )


_PLACE_ROLES = (Role.REGULATOR, Role.DEPARTMENT)


def _scope(
    user: Any,
    place: Callable[[Region], Q],
    industries: Callable[[list[str]], Q],
    person: str,
) -> Q:
    """Whom a user searches among (for the index or the live query, which name the place and
    the person differently): a regulator the places in its region, a department also within
    its industries, the admin everyone, the other roles their listed persons."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_platform_admin:
        return Q()
    if user.role in _PLACE_ROLES:
        if user.region is None:
            return Q(pk__in=[])
        scope = place(user.region)
        if user.role == Role.DEPARTMENT:
            codes = access.department_industries(user)
            if codes is not None:
                scope &= industries(codes)
        return scope
    return Q(**{f"{person}__in": _listed_persons(user)})


def _listed_persons(user: Any) -> QuerySet[Any]:
    """Whom a certification body (those it recommended) or an enterprise (its own and invited
    persons) searches among; nobody for the other roles."""
    if user.role == Role.CERTIFIER:
        return TalentEntry.objects.filter(recommended_by=user).values("person_id")
    if user.role == Role.ENTERPRISE:
        return Person.objects.filter(access.person_q(user)).values("pk")
    return Person.objects.none().values("pk")


def _live_ids(user: Any, f: Filters) -> QuerySet[Any]:
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
    qs = qs.filter(_live_scope(user))
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
    return qs.order_by("name", "pk").values_list("pk", flat=True)


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


def _live_scope(user: Any) -> Q:
    return _scope(
        user,
        lambda region: Q(place_region__in=_subtree(region)),
        lambda codes: Q(place_industry__in=_industry_codes(codes)),
        "pk",
    )


def entry_get(*, user: Any, public_id: Any) -> TalentEntry:
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
