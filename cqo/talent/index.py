"""The talent-pool search index (SPEC §8 "search CQOs by name, region, industry, years, level,
training status" at provincial scale: 1,000,000 persons).

A search by a Chinese substring cannot use an ordinary index, and counting the matches of a
province with filters reads every person: seconds at a million persons. ``SearchRow`` holds, per
person, one row for every distinct character of the name and one with ``gram`` "" — each with
the person's place and the filtered values. A search reads one range of one index: the rows of
a character of the query (then ``name`` contains the whole query) or of "", in the searcher's
province, city or county, already in name order; the filters are columns of the same index, so
a count never reads the table. A count without a name or a level, which would read every
person of a province, sums ``SearchTally`` instead: persons per place and filter values, kept
with the rows.

The place of a person (decision recorded in the README): the region and industry of the
enterprise of their latest filing (not a draft; latest by start date), else the region they
registered in with no industry. It is what the result list shows, so filtering by a region or
an industry returns exactly the rows that show it.

Whom a viewer searches among is the person scope of cqo/accounts/access.py (``person_q``), not
the place: a regulator sees a person registered in its region or appointed (even in a draft)
at an enterprise there, a department one appointed at an enterprise of its industries there.
The place covers most persons; ``SearchLink`` holds each person's other ways into a scope (the
region they registered in and their appointments' enterprises where these differ from the
place), so a search reads its place's index range and adds the few persons a link brings in.

Kept current from the audit trail, like the coverage aggregate: ``ensure_fresh`` re-derives the
persons named by audit entries after the watermark; a large backlog (an imported list) is left
to ``refresh`` (the job that follows every audited transaction, and ``manage.py
talent_refresh``), and the search answers live until then (exact, slower).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cqo.audit import follow as feed
from cqo.audit.models import AuditEntry
from cqo.lib import clock
from cqo.reference.models import Industry, Region
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.talent.models import (
    TALLY_KEYS,
    SearchLink,
    SearchMark,
    SearchRow,
    SearchTally,
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
# at most this many persons are re-derived on a read; more wait for refresh()
INLINE_LIMIT = 200
# at most this many after a commit (a follower runs after the transaction that made them)
FOLLOW_LIMIT = 5000
CHUNK = 2000
# audit entries younger than this are applied again on later reads (see coverage.aggregate)
SETTLE_SECONDS = 60

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


def cards(ids: Iterable[int] | None = None) -> Iterator[Card]:
    """The cards of the given persons (all when None), in person order: three ordered streams
    (persons, their filings, their pool entries) merged, so memory does not grow with the
    number of persons."""
    today = clock.today()
    regions, parents = _places()
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
    appt_rows = _ordered(
        appts.order_by("person_id", "start_date", "pk"),
        "person_id",
        "enterprise__region_id",
        "enterprise__industry_id",
        "status",
    )
    entry_rows = _ordered(entries.order_by("person_id", "created_at", "pk"), "person_id", "state")
    next_appt = next(appt_rows, None)
    next_entry = next(entry_rows, None)

    def industry_of(code: str) -> tuple[str, str]:
        parent = parents.get(code, "")
        return (parent, code) if parent else (code, "")

    def link(region: str, industry: str, filing: bool) -> Link:
        city, province = regions.get(region, ("", ""))
        return Link(region, city, province, *industry_of(industry), filing)

    for pk, name, years, home in _ordered(
        persons.order_by("pk"), "pk", "name", "quality_years", "region_id"
    ):
        place: tuple[str, str, bool] = (home or "", "", False)
        appointed: set[tuple[str, str]] = set()
        while next_appt is not None and next_appt[0] <= pk:
            if next_appt[0] == pk:
                _pid, at, industry, status = next_appt
                appointed.add((at or "", industry or ""))
                if status != Appointment.Status.DRAFT:
                    place = (at or "", industry or "", True)
            next_appt = next(appt_rows, None)
        state = ""
        while next_entry is not None and next_entry[0] <= pk:
            if next_entry[0] == pk:
                state = next_entry[1]
            next_entry = next(entry_rows, None)
        region, industry, placed = place
        city, province = regions.get(region, ("", ""))
        section, division = industry_of(industry)
        level, until = levels.get(pk, (0, None))
        yield Card(
            person_id=pk,
            name=name,
            region=region,
            city=city,
            province=province,
            section=section,
            division=division,
            years=years,
            level=level,
            level_until=until,
            state=state,
            trained=pk in trained,
            placed=placed,
            links=_links(home or "", appointed, place, link),
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


# Writing -----------------------------------------------------------------------------------------


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _tables() -> dict[str, tuple[str, list[str]]]:
    return {
        "row": (SearchRow._meta.db_table, COLUMNS),
        "link": (SearchLink._meta.db_table, LINK_COLUMNS),
    }


def _insert(items: Iterable[tuple[str, tuple[Any, ...]]]) -> Counter[str]:
    """Raw inserts (COPY on PostgreSQL) of SearchRow ("row") and SearchLink ("link") rows: the
    ORM would build a model object per row. The rows are taken in batches: they come from
    queries on the same connection, which cannot run while a COPY is open."""
    written: Counter[str] = Counter()
    with connection.cursor() as cursor:
        for batch in _batches(items, CHUNK * 10):
            for kind, (db_table, columns) in _tables().items():
                rows = [row for k, row in batch if k == kind]
                if not rows:
                    continue
                table = connection.ops.quote_name(db_table)
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 (names quoted, values bound)
                        rows,
                    )
                written[kind] += len(rows)
    return written


def _tally(delta: Counter[tuple[Any, ...]]) -> None:
    """Add ``delta`` (persons per TALLY_KEYS; negative for persons who left) to the tallies;
    a tally that reaches nobody is removed."""
    changes = [(*key, n) for key, n in delta.items() if n]
    if not changes:
        return
    table = connection.ops.quote_name(SearchTally._meta.db_table)
    keys = ", ".join(connection.ops.quote_name(k) for k in TALLY_KEYS)
    values = ", ".join(["%s"] * (len(TALLY_KEYS) + 1))
    upsert = (
        f"INSERT INTO {table} ({keys}, persons) VALUES ({values})"  # noqa: S608 (names quoted, values bound)
        f" ON CONFLICT ({keys}) DO UPDATE SET persons = {table}.persons + excluded.persons"
    )
    where = " AND ".join(f"{connection.ops.quote_name(k)} = %s" for k in TALLY_KEYS)
    with connection.cursor() as cursor:
        cursor.executemany(upsert, changes)
        gone = [row[:-1] for row in changes if row[-1] < 0]
        if gone:
            cursor.executemany(f"DELETE FROM {table} WHERE {where} AND persons <= 0", gone)  # noqa: S608


def _tally_all() -> None:
    """Every tally again from the rows with ``gram`` "" (after a full build)."""
    table = connection.ops.quote_name(SearchTally._meta.db_table)
    rows = connection.ops.quote_name(SearchRow._meta.db_table)
    keys = ", ".join(connection.ops.quote_name(k) for k in TALLY_KEYS)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} ({keys}, persons) "  # noqa: S608 (names quoted)
            f"SELECT {keys}, COUNT(*) FROM {rows} WHERE gram = '' GROUP BY {keys}"
        )


@dataclass
class BuildStats:
    persons: int = 0
    rows: int = 0
    links: int = 0


def rebuild() -> BuildStats:
    """The whole index from the registry (``manage.py talent_refresh --full``). The indexes are
    dropped during the load and built once after it: several times faster than maintaining them
    row by row."""
    stats = BuildStats()
    latest = feed.latest_id()
    models = (SearchRow, SearchLink)
    with transaction.atomic():
        SearchMark.objects.all().delete()
        # plain statements: SQLite's schema editor may not run inside a transaction
        editor = connection.schema_editor()
        with connection.cursor() as cursor:
            for model in models:
                for index in model._meta.indexes:
                    name = connection.ops.quote_name(index.name)
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608

        def counted() -> Iterator[tuple[str, tuple[Any, ...]]]:
            for card in cards():
                stats.persons += 1
                yield from card.items()

        written = _insert(counted())
        stats.rows, stats.links = written["row"], written["link"]
        with connection.cursor() as cursor:
            for model in models:
                for index in model._meta.indexes:
                    cursor.execute(str(index.create_sql(model, editor)))
        _tally_all()
        now = timezone.now()
        # what the build read is reflected; entries still settling are applied once more
        watermark, _recent = feed.settle(latest, AUDIT_TYPES, SETTLE_SECONDS)
        SearchMark.objects.create(audit_id=watermark, built_at=now, refreshed_at=now)
    with connection.cursor() as cursor:
        # the planner's statistics for the new rows (which index fits a search); on PostgreSQL
        # VACUUM also marks the pages all-visible, so counts read the index alone
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        for db_table in (
            SearchRow._meta.db_table,
            SearchTally._meta.db_table,
            SearchLink._meta.db_table,
        ):
            name = connection.ops.quote_name(db_table)
            cursor.execute(f"{'VACUUM ' if vacuum else ''}ANALYZE {name}")
    return stats


def apply_persons(ids: Iterable[int]) -> int:
    """Re-derive the rows and tallies of these persons (a person no longer registered loses
    them). The caller holds the SearchMark lock: one applier at a time."""
    id_list = sorted(set(ids))
    for start in range(0, len(id_list), CHUNK):
        chunk = id_list[start : start + CHUNK]
        rows = SearchRow.objects.filter(person_id__in=chunk)
        new = list(cards(chunk))
        delta = Counter(card.key() for card in new)
        delta.subtract(Counter(rows.filter(gram="").values_list(*TALLY_KEYS)))
        rows.delete()
        SearchLink.objects.filter(person_id__in=chunk).delete()
        _insert(item for card in new for item in card.items())
        _tally(delta)
    return len(id_list)


# Freshness ---------------------------------------------------------------------------------------


def _uuids(values: Iterable[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def persons_named(pending: Iterable[tuple[str, str]], limit: int | None = None) -> set[int] | None:
    """The persons whose rows the audit entries (target type, id) may have changed; None when
    there are more than ``limit``."""
    from cqo.certification.models import LevelCertificate
    from cqo.imports.models import EnterpriseList
    from cqo.training.models import TrainingCertificate

    by_type: dict[str, list[str]] = {}
    for target_type, target_id in pending:
        by_type.setdefault(target_type, []).append(target_id)
    ids: set[int] = set()
    ids |= set(
        Person.objects.filter(public_id__in=_uuids(by_type.get("person", []))).values_list(
            "pk", flat=True
        )
    )
    for model, kind, field in (
        (Appointment, "appointment", "person_id"),
        (TalentEntry, "talent_entry", "person_id"),
        (TrainingCertificate, "training_certificate", "holder_id"),
        (LevelCertificate, "level_certificate", "holder_id"),
    ):
        public_ids = _uuids(by_type.get(kind, []))
        if public_ids:
            ids |= set(model.objects.filter(public_id__in=public_ids).values_list(field, flat=True))
    enterprises = Enterprise.objects.filter(uscc__in=by_type.get("enterprise", []))
    lists = _uuids(by_type.get("enterprise_list", []))
    if lists:
        listed = EnterpriseList.objects.filter(public_id__in=lists).values("pk")
        enterprises = enterprises | Enterprise.objects.filter(last_list__in=listed)
    at = Appointment.objects.filter(enterprise__in=enterprises.values("pk")).values_list(
        "person_id", flat=True
    )
    if limit is not None:
        at = at[: limit + 1]
    ids |= set(at)
    if limit is not None and len(ids) > limit:
        return None
    return ids


def ensure_fresh(limit: int | None = None) -> bool:
    """Apply the audited changes not yet reflected if they name few persons (at most ``limit``,
    INLINE_LIMIT on a read); True when the index now reflects every change (the search may use
    it)."""
    limit = INLINE_LIMIT if limit is None else limit
    mark = SearchMark.objects.order_by("pk").first()
    if mark is None:
        return False

    def change(todo: feed.Pending) -> Callable[[], object] | None:
        ids = persons_named([(t, i) for _pk, t, i in todo], limit)
        return None if ids is None else lambda: apply_persons(ids)

    done = feed.apply_pending(
        mark, AUDIT_TYPES, limit=limit, seconds=SETTLE_SECONDS, prepare=change
    )
    return ensure_fresh(limit) if done is None else done


def _starting_today(mark: SearchMark) -> set[int]:
    """Holders of capability certificates that came into force since the last refresh (a
    certificate dated ahead is audited when it is issued, not when it starts)."""
    from cqo.certification.models import LevelCertificate

    since = timezone.localdate(mark.refreshed_at) if mark.refreshed_at else clock.today()
    return set(
        LevelCertificate.objects.filter(
            issued_on__gt=since - dt.timedelta(days=1), issued_on__lte=clock.today()
        ).values_list("holder_id", flat=True)
    )


def refresh() -> str:
    """``manage.py talent_refresh`` and the job after audited transactions: apply the audited
    backlog, or rebuild when it is large or there is no index yet."""
    mark = SearchMark.objects.order_by("pk").first()
    if mark is not None and ensure_fresh(limit=20000):
        # what the calendar changed: certificates that began or ended since the last refresh
        with transaction.atomic():
            SearchMark.objects.select_for_update().filter(pk=mark.pk).exists()
            changed = _starting_today(mark) | set(
                SearchRow.objects.filter(
                    gram="", level__gt=0, level_until__lt=clock.today()
                ).values_list("person_id", flat=True)
            )
            if changed:
                apply_persons(changed)
        return "incremental"
    rebuild()
    return "full"


def follow() -> str:
    """After a transaction that wrote audit entries this index follows: apply them
    incrementally. A rebuild only for an imported list (its entry is written by the import job,
    so this runs in that job, never in a web request); nothing before the first
    ``talent_refresh``; another backlog too large is left to ``refresh`` (the periodic job),
    the search answering live until then."""
    mark = SearchMark.objects.order_by("pk").first()
    if mark is None:
        return "none"
    if ensure_fresh(limit=FOLLOW_LIMIT):
        return "incremental"
    listed = AuditEntry.objects.filter(pk__gt=mark.audit_id, target_type="enterprise_list")
    return refresh() if listed.exists() else "left to refresh"
