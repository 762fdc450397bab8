"""The maintained coverage aggregate (SPEC §8 at provincial scale; issue 4 "5,000,000 enterprises").

A live coverage answer is a GROUP BY over every enterprise of the region with an EXISTS over its
appointments — about a second per million enterprises. The aggregate answers the same question
from small tables:

- ``Cell``: per region node (the enterprise's own region, its city, its province) × GB/T 4754
  section × key-industry division (only divisions some pack names) × size × special-equipment
  licence: enterprise counts in total, above-scale and award-winning, how many were registered
  by hand, and the oldest list date. Denominators do not depend on the as-of date.
- ``CellCount``: per cell, the number of its enterprises covered (SPEC §12.8) from ``day`` on,
  one row per day the number changes. The numerator on any as-of date is the latest row on or
  before it: one index seek per cell.
- ``NewCqoCount``: new CQOs (SPEC §12.12) by node, section and filing year.

Kept current from the audit trail (every registry change is audited): ``ensure_fresh`` applies
the enterprises and appointments named by audit entries after the watermark, incrementally
(subtract what was counted for the enterprise, add what is true now). A large backlog (an
imported list) or a change of the key-industry divisions any pack names is not applied on a
read: the selectors then answer live (exactly, slowly) until ``manage.py coverage_refresh`` runs
(the import calls it when it finishes — REQUESTS.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import BooleanField, Case, CharField, Count, F, Min, Q, Value, When
from django.utils import timezone

from cqo.audit import follow as feed
from cqo.audit.models import AuditEntry
from cqo.coverage import rules
from cqo.coverage.models import Cell, CellCount, EntState, FirstFiling, Mark, NewCqoCount, Span
from cqo.policy.models import Pack, PackVersion
from cqo.policy.selectors import installed_state
from cqo.reference.models import Region
from cqo.registry.models import Appointment, Enterprise

COUNTING = ("filed", "ended")
AUDIT_TYPES = ("enterprise", "appointment", "enterprise_list")
# at most this many audit entries are applied on a read; more wait for coverage_refresh
INLINE_LIMIT = 100
# at most this many after a commit (a follower runs after the transaction that made them)
FOLLOW_LIMIT = 5000
CHUNK = 5000
# audit entries younger than this may still be joined by a slower transaction's lower id
# (cqo/audit/follow.py)
SETTLE_SECONDS = 60

Key = tuple[str, str, str, str, str, str, bool]  # level, code, province, section, keydiv, size, lic


# What the aggregate is built for ---------------------------------------------------------------


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
        ki = (content or {}).get("key_industries") or {}
        divisions.update(str(d) for d in ki.get("divisions") or [])
    return tuple(sorted(divisions))


@functools.lru_cache(maxsize=1)
def _regions() -> dict[str, tuple[str, str]]:
    return {
        c: (city or "", prov or "")
        for c, city, prov in Region.objects.values_list("code", "city_code", "province_code")
    }


def regions() -> dict[str, tuple[str, str]]:
    found = _regions()
    if not found:
        _regions.cache_clear()
    return found


def local_day(value: dt.datetime) -> dt.date:
    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


def merge_spans(rows: Iterable[tuple[Any, dt.date, dt.date | None]]) -> list[tuple[dt.date, Any]]:
    """Merged [start, end_excl) periods of the appointments (filed_at, start_date, ended_on)
    counted by SPEC §12.8: active from the later of the filing day and the start, to the end
    date inclusive."""
    periods = []
    for filed_at, start, ended in rows:
        first = max(local_day(filed_at), start)
        if ended is not None and ended < first:
            continue
        periods.append((first, None if ended is None else ended + dt.timedelta(days=1)))
    periods.sort(key=lambda p: p[0])
    merged: list[list[Any]] = []
    for s, e in periods:
        if merged and (merged[-1][1] is None or s <= merged[-1][1]):
            if merged[-1][1] is not None and (e is None or e > merged[-1][1]):
                merged[-1][1] = e
            continue
        merged.append([s, e])
    return [(s, e) for s, e in merged]


def first_filings(
    groups: Iterable[tuple[int, list[tuple[int, int, dt.datetime]]]],
) -> dict[int, tuple[dt.datetime, int, int, bool]]:
    """Per person: (filed_at, appointment pk, enterprise, replacing) of the first-ever filed
    appointment (SPEC §12.12), from each enterprise's filings (pk, person, filed_at)."""
    best: dict[int, tuple[dt.datetime, int, int, bool]] = {}
    for ent, filings in groups:
        # the earliest filing, and the earliest by someone else than its person
        m1 = min(filings, key=lambda f: (f[2], f[0]))
        others = [f for f in filings if f[1] != m1[1]]
        m2 = min(others, key=lambda f: (f[2], f[0])) if others else None
        for pk, person, filed_at in filings:
            cur = best.get(person)
            if cur is not None and (cur[0], cur[1]) <= (filed_at, pk):
                continue
            other = m1 if m1[1] != person else m2
            replacing = other is not None and other[2] < filed_at
            best[person] = (filed_at, pk, ent, replacing)
    return best


# Cells -----------------------------------------------------------------------------------------


def _keydiv_expr(uni: tuple[str, ...]) -> Any:
    if not uni:
        return Value("", output_field=CharField())
    return Case(
        When(industry_id__in=uni, then=F("industry_id")),
        default=Value(""),
        output_field=CharField(),
    )


def _leaf_key(region_id: str, section: str, keydiv: str, size: str, lic: bool) -> Key:
    prov = regions().get(region_id, ("", ""))[1]
    return ("r", region_id, prov, section or "", keydiv, size, bool(lic))


def _parents(key: Key) -> tuple[Key, Key]:
    _lvl, code, prov, section, keydiv, size, lic = key
    city = regions().get(code, ("", ""))[0]
    return ("c", city, prov, section, keydiv, size, lic), (
        "p",
        prov,
        prov,
        section,
        keydiv,
        size,
        lic,
    )


def _leaf_str(k: Key) -> str:
    return f"{k[1]}|{k[3]}|{k[4]}|{k[5]}|{int(k[6])}"


_COLS = ("den_all", "den_above", "den_award", "hand_all", "hand_above", "hand_award")


def _cell_ids(keys: Iterable[Key]) -> dict[Key, int]:
    """Cell ids of the keys, creating missing cells (parents first)."""
    wanted = set(keys)
    for k in list(wanted):
        if k[0] == "r":
            c, p = _parents(k)
            wanted.add(p)
            if c:
                wanted.add(c)
    found: dict[Key, int] = {}
    for level in ("p", "c", "r"):
        ks = [k for k in wanted if k[0] == level]
        if not ks:
            continue
        codes = {k[1] for k in ks}
        for row in Cell.objects.filter(level=level, code__in=codes).values_list(
            "pk", "level", "code", "province_code", "section", "keydiv", "size", "licence"
        ):
            key = (row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))
            if key in wanted:
                found[key] = row[0]
        missing = [k for k in ks if k not in found]
        for k in missing:
            city = regions().get(k[1], ("", ""))[0] if level == "r" else ""
            pc = pp = None
            if level == "r":
                ck, prk = _parents(k)
                pc = found.get(ck) if ck else None
                pp = found[prk]
            elif level == "c":
                pp = found[("p", k[2], k[2], *k[3:])]  # type: ignore[misc]
            cell = Cell.objects.create(
                level=level,
                code=k[1],
                leaf_key=_leaf_str(k) if level == "r" else "",
                city_code=k[1] if level == "c" else city,
                province_code=k[2],
                section=k[3],
                keydiv=k[4],
                size=k[5],
                licence=k[6],
                parent_city_id=pc,
                parent_province_id=pp,
            )
            found[k] = cell.pk
    return found


# Full build ------------------------------------------------------------------------------------


def _clear() -> None:
    tables = [m._meta.db_table for m in (CellCount, NewCqoCount, Span, FirstFiling, EntState)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred: check the pending ones now, so TRUNCATE may run
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)}, {Cell._meta.db_table}")
        else:
            for t in [*tables, Cell._meta.db_table]:
                cursor.execute(f"DELETE FROM {t}")  # noqa: S608 (model table names)


@dataclass
class BuildStats:
    cells: int = 0
    enterprises: int = 0
    spans: int = 0
    counts: int = 0
    persons: int = 0


@transaction.atomic
def rebuild() -> BuildStats:
    """Rebuild every table of the aggregate from the registry (``manage.py coverage_refresh
    --full``)."""
    stats = BuildStats()
    mark_id = feed.latest_id()
    uni = universe()
    _clear()
    # 1. cells: one GROUP BY over the enterprises
    above, award, hand = Q(above_scale=True), Q(quality_award__in=rules.AWARDS), Q(last_list=None)
    grouped = (
        Enterprise.objects.annotate(
            sec=F("industry__parent_id"),
            kd=_keydiv_expr(uni),
            lic=Case(
                When(special_equipment_licence="", then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            ),
        )
        .values("region_id", "sec", "kd", "size", "lic")
        .annotate(
            den_all=Count("pk"),
            den_above=Count("pk", filter=above),
            den_award=Count("pk", filter=award),
            hand_all=Count("pk", filter=hand),
            hand_above=Count("pk", filter=hand & above),
            hand_award=Count("pk", filter=hand & award),
            asof_all=Min("last_list__as_of"),
            asof_above=Min("last_list__as_of", filter=above),
            asof_award=Min("last_list__as_of", filter=award),
        )
        .order_by()
    )
    values: dict[Key, dict[str, Any]] = {}
    for g in cast(Iterable[dict[str, Any]], grouped):
        leaf = _leaf_key(g["region_id"], g["sec"], g["kd"], g["size"], g["lic"])
        for k in (leaf, *_parents(leaf)):
            v = values.setdefault(k, dict.fromkeys(_COLS, 0) | {"asof": [None, None, None]})
            for col in _COLS:
                v[col] += g[col]
            for i, col in enumerate(("asof_all", "asof_above", "asof_award")):
                if g[col] is not None and (v["asof"][i] is None or g[col] < v["asof"][i]):
                    v["asof"][i] = g[col]
    ids: dict[Key, int] = {}
    for level in ("p", "c", "r"):
        objs = []
        keys = [k for k in values if k[0] == level]
        for k in keys:
            v = values[k]
            city = regions().get(k[1], ("", ""))[0] if level == "r" else ""
            pc = pp = None
            if level == "r":
                ck, prk = _parents(k)
                pc, pp = (ids[ck] if ck else None), ids[prk]
            elif level == "c":
                pp = ids[("p", k[2], k[2], *k[3:])]  # type: ignore[misc]
            objs.append(
                Cell(
                    level=level,
                    code=k[1],
                    leaf_key=_leaf_str(k) if level == "r" else "",
                    city_code=k[1] if level == "c" else city,
                    province_code=k[2],
                    section=k[3],
                    keydiv=k[4],
                    size=k[5],
                    licence=k[6],
                    parent_city_id=pc,
                    parent_province_id=pp,
                    asof_all=v["asof"][0],
                    asof_above=v["asof"][1],
                    asof_award=v["asof"][2],
                    **{c: v[c] for c in _COLS},
                )
            )
        created = Cell.objects.bulk_create(objs, batch_size=2000)
        for k, obj in zip(keys, created, strict=True):
            ids[k] = obj.pk
    stats.cells = len(ids)

    # 2. what each enterprise counts in, in one INSERT … SELECT
    q = connection.ops.quote_name
    ent, ind, lst = (
        Enterprise._meta.db_table,
        "reference_industry",
        "imports_enterpriselist",
    )
    kd_sql, kd_params = "''", []
    if uni:
        kd_sql = f"CASE WHEN e.industry_id IN ({', '.join(['%s'] * len(uni))}) THEN e.industry_id ELSE '' END"  # noqa: E501
        kd_params = list(uni)
    award_in = ", ".join(["%s"] * len(rules.AWARDS))
    sql = (
        f"INSERT INTO {EntState._meta.db_table} (enterprise_id, cell_id, list_as_of, above, award) "  # noqa: S608
        f"SELECT e.id, c.id, l.as_of, e.above_scale, "
        f"CASE WHEN e.quality_award IN ({award_in}) THEN %s ELSE %s END "
        f"FROM {ent} e JOIN {ind} i ON i.code = e.industry_id "
        f"LEFT JOIN {lst} l ON l.id = e.last_list_id "
        f"JOIN {Cell._meta.db_table} c ON c.leaf_key = (e.region_id || '|' || "
        f"COALESCE(i.parent_id, '') || '|' || {kd_sql} || '|' || e.size || '|' || "
        f"CASE WHEN e.special_equipment_licence = '' THEN '0' ELSE '1' END)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rules.AWARDS, True, False, *kd_params])
        stats.enterprises = cursor.rowcount
    del q

    # 3. spans and first filings from one ordered pass over the filed appointments
    span_rows: list[tuple[int, dt.date, dt.date | None]] = []
    groups: list[tuple[int, list[tuple[int, int, dt.datetime]]]] = []
    span_sql = (
        f"INSERT INTO {Span._meta.db_table} (enterprise_id, start, end_excl) VALUES (%s, %s, %s)"  # noqa: S608
    )

    def flush_spans(force: bool = False) -> None:
        if span_rows and (force or len(span_rows) >= CHUNK * 4):
            with connection.cursor() as cursor:
                cursor.executemany(span_sql, span_rows)
            stats.spans += len(span_rows)
            span_rows.clear()

    for ent_id, appts in _appointments_by_enterprise(None):
        for s, e in merge_spans((a[3], a[4], a[5]) for a in appts):
            span_rows.append((ent_id, s, e))
        groups.append((ent_id, [(a[0], a[2], a[3]) for a in appts]))
        flush_spans()
    flush_spans(force=True)
    firsts = first_filings(groups)
    del groups
    first_sql = (
        f"INSERT INTO {FirstFiling._meta.db_table} (person_id, enterprise_id, year, replacing) "  # noqa: S608
        "VALUES (%s, %s, %s, %s)"
    )
    batch = [(p, f[2], timezone.localtime(f[0]).year, f[3]) for p, f in firsts.items()]
    stats.persons = len(batch)
    with connection.cursor() as cursor:
        for i in range(0, len(batch), CHUNK * 4):
            cursor.executemany(first_sql, batch[i : i + CHUNK * 4])
    del batch, firsts

    # 4. the covered counts by day, per cell at each level (a running sum over the events)
    st, sp, cl, cc = (
        EntState._meta.db_table,
        Span._meta.db_table,
        Cell._meta.db_table,
        CellCount._meta.db_table,
    )
    for col in ("c.id", "c.parent_city_id", "c.parent_province_id"):
        events = (
            f"SELECT {col} AS cell_id, s.start AS day, 1 AS d, st.above AS ab, st.award AS aw "  # noqa: S608
            f"FROM {sp} s JOIN {st} st ON st.enterprise_id = s.enterprise_id "
            f"JOIN {cl} c ON c.id = st.cell_id WHERE {col} IS NOT NULL "
            f"UNION ALL SELECT {col}, s.end_excl, -1, st.above, st.award "
            f"FROM {sp} s JOIN {st} st ON st.enterprise_id = s.enterprise_id "
            f"JOIN {cl} c ON c.id = st.cell_id WHERE {col} IS NOT NULL AND s.end_excl IS NOT NULL"
        )
        sql = (
            f"INSERT INTO {cc} (cell_id, day, num_all, num_above, num_award) "  # noqa: S608
            "SELECT cell_id, day, SUM(da) OVER w, SUM(db) OVER w, SUM(dc) OVER w FROM ("
            "SELECT x.cell_id, x.day, SUM(x.d) AS da, "
            "SUM(CASE WHEN x.ab THEN x.d ELSE 0 END) AS db, "
            "SUM(CASE WHEN x.aw THEN x.d ELSE 0 END) AS dc "
            f"FROM ({events}) x GROUP BY x.cell_id, x.day) g "
            "WINDOW w AS (PARTITION BY cell_id ORDER BY day ROWS UNBOUNDED PRECEDING)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            stats.counts += cursor.rowcount

    # 5. new CQOs by node, section, key division and year (above-scale enterprises only)
    rows = _newcqo_rows(
        f"SELECT c.code, c.province_code, c.section, c.keydiv, f.year, COUNT(*), "  # noqa: S608
        f"SUM(CASE WHEN f.replacing THEN 1 ELSE 0 END) FROM {FirstFiling._meta.db_table} f "
        f"JOIN {st} st ON st.enterprise_id = f.enterprise_id JOIN {cl} c ON c.id = st.cell_id "
        f"WHERE st.above = %s GROUP BY c.code, c.province_code, c.section, c.keydiv, f.year",
        [True],
    )
    NewCqoCount.objects.bulk_create(
        [
            NewCqoCount(
                level=k[0],
                code=k[1],
                section=k[2],
                keydiv=k[3],
                year=k[4],
                new_cqos=n,
                replacements=r,
            )
            for k, (n, r) in rows.items()
        ],
        batch_size=2000,
    )
    now = timezone.now()
    Mark.objects.all().delete()
    Mark.objects.create(
        audit_id=feed.settle(mark_id, AUDIT_TYPES, SETTLE_SECONDS)[0],
        universe=",".join(uni),
        built_at=now,
        refreshed_at=now,
    )
    return stats


def _newcqo_rows(sql: str, params: list[Any]) -> dict[tuple[str, str, str, str, int], list[int]]:
    out: dict[tuple[str, str, str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for code, prov, section, keydiv, year, n, r in cursor.fetchall():
            city = regions().get(code, ("", ""))[0]
            for key in (
                ("r", code, section, keydiv, year),
                ("c", city, section, keydiv, year) if city else None,
                ("p", prov, section, keydiv, year),
            ):
                if key is not None:
                    out[key][0] += n
                    out[key][1] += int(r or 0)
    return out


def _appointments_by_enterprise(
    ids: list[int] | None,
) -> Iterator[tuple[int, list[tuple[int, int, int, dt.datetime, dt.date, dt.date | None]]]]:
    """(enterprise, [(pk, enterprise, person, filed_at, start_date, ended_on)…]) of the counted
    filed appointments, by enterprise."""
    qs = Appointment.objects.filter(status__in=COUNTING, filed_at__isnull=False)
    if ids is not None:
        qs = qs.filter(enterprise_id__in=ids)
    rows = qs.order_by("enterprise_id", "filed_at", "pk").values_list(
        "pk", "enterprise_id", "person_id", "filed_at", "start_date", "ended_on"
    )
    current: int | None = None
    bucket: list[Any] = []
    for row in rows.iterator(chunk_size=20000):
        if row[1] != current:
            if bucket:
                yield current, bucket  # type: ignore[misc]
            current, bucket = row[1], []
        bucket.append(row)
    if bucket:
        yield current, bucket  # type: ignore[misc]


# Incremental maintenance -----------------------------------------------------------------------


def _chain(cell_id: int) -> list[int]:
    c = Cell.objects.filter(pk=cell_id).values_list("pk", "parent_city_id", "parent_province_id")
    row = c.first()
    if row is None:
        return []
    return [x for x in row if x is not None]


def _ensure_row(cell_id: int, day: dt.date) -> None:
    if CellCount.objects.filter(cell_id=cell_id, day=day).exists():
        return
    prev = (
        CellCount.objects.filter(cell_id=cell_id, day__lt=day)
        .order_by("-day")
        .values_list("num_all", "num_above", "num_award")
        .first()
    ) or (0, 0, 0)
    CellCount.objects.create(
        cell_id=cell_id, day=day, num_all=prev[0], num_above=prev[1], num_award=prev[2]
    )


def _add_range(
    cell_id: int, start: dt.date, end: dt.date | None, d: int, above: bool, award: bool
) -> None:
    _ensure_row(cell_id, start)
    qs = CellCount.objects.filter(cell_id=cell_id, day__gte=start)
    if end is not None:
        _ensure_row(cell_id, end)
        qs = qs.filter(day__lt=end)
    qs.update(
        num_all=F("num_all") + d,
        num_above=F("num_above") + (d if above else 0),
        num_award=F("num_award") + (d if award else 0),
    )


def _add_newcqo(cell_id: int, year: int, replacing: bool, d: int) -> None:
    cell = Cell.objects.get(pk=cell_id)
    for level, code in (("r", cell.code), ("c", cell.city_code), ("p", cell.province_code)):
        if not code:
            continue
        obj, _ = NewCqoCount.objects.get_or_create(
            level=level, code=code, section=cell.section, keydiv=cell.keydiv, year=year
        )
        NewCqoCount.objects.filter(pk=obj.pk).update(
            new_cqos=F("new_cqos") + d, replacements=F("replacements") + (d if replacing else 0)
        )


def _den(chain: list[int], above: bool, award: bool, hand: bool, d: int) -> None:
    Cell.objects.filter(pk__in=chain).update(
        den_all=F("den_all") + d,
        den_above=F("den_above") + (d if above else 0),
        den_award=F("den_award") + (d if award else 0),
        hand_all=F("hand_all") + (d if hand else 0),
        hand_above=F("hand_above") + (d if hand and above else 0),
        hand_award=F("hand_award") + (d if hand and award else 0),
    )


def apply_enterprises(ids: set[int]) -> None:
    """Bring the aggregate up to date for these enterprises (and the persons filed at them)."""
    uni = universe()
    touched: set[int] = set()
    ents = {
        e["pk"]: e
        for e in Enterprise.objects.filter(pk__in=ids).values(
            "pk",
            "region_id",
            "size",
            "above_scale",
            "quality_award",
            "special_equipment_licence",
            "industry_id",
            "industry__parent_id",
            "last_list__as_of",
        )
    }
    states = {s.enterprise_id: s for s in EntState.objects.filter(enterprise_id__in=ids)}
    spans = defaultdict(list)
    for row in Span.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "start", "end_excl"
    ):
        spans[row[0]].append((row[1], row[2]))
    appts = dict(_appointments_by_enterprise(sorted(ids)))
    new_keys = {
        pk: _leaf_key(
            e["region_id"],
            e["industry__parent_id"] or "",
            e["industry_id"] if e["industry_id"] in uni else "",
            e["size"],
            bool(e["special_equipment_licence"]),
        )
        for pk, e in ents.items()
    }
    cell_ids = _cell_ids(new_keys.values())
    firsts_here = defaultdict(list)
    for f in FirstFiling.objects.filter(enterprise_id__in=ids):
        firsts_here[f.enterprise_id].append(f)
    for pk in ids:
        old, e = states.get(pk), ents.get(pk)
        new_spans = merge_spans((a[3], a[4], a[5]) for a in appts.get(pk, []))
        new_cell = cell_ids[new_keys[pk]] if e else None
        above = bool(e and e["above_scale"])
        award = bool(e and e["quality_award"] in rules.AWARDS)
        old_spans = spans.get(pk, [])
        if (
            old is not None
            and e is not None
            and new_cell is not None
            and (old.cell_id, old.above, old.award) == (new_cell, above, award)
            and (old.list_as_of is None) == (e["last_list__as_of"] is None)
        ):
            # the same cell and flags (a filing decided, a name changed): only the periods
            # that changed move, and the enterprise's counts stay where they are
            if old_spans != new_spans:
                chain = _chain(new_cell)
                for span in set(old_spans) - set(new_spans):
                    for c in chain:
                        _add_range(c, span[0], span[1], -1, above, award)
                for span in set(new_spans) - set(old_spans):
                    for c in chain:
                        _add_range(c, span[0], span[1], 1, above, award)
                Span.objects.filter(enterprise_id=pk).delete()
                Span.objects.bulk_create(
                    [Span(enterprise_id=pk, start=a, end_excl=b) for a, b in new_spans]
                )
            if old.list_as_of != e["last_list__as_of"]:
                EntState.objects.filter(enterprise_id=pk).update(list_as_of=e["last_list__as_of"])
                touched.update(_chain(new_cell))
            continue
        if old is not None:
            chain = _chain(old.cell_id)
            touched.update(chain)
            _den(chain, old.above, old.award, old.list_as_of is None, -1)
            for start, end in old_spans:
                for c in chain:
                    _add_range(c, start, end, -1, old.above, old.award)
            if old.above:
                for f in firsts_here.get(pk, []):
                    _add_newcqo(old.cell_id, f.year, f.replacing, -1)
        if e is not None and new_cell is not None:
            chain = _chain(new_cell)
            touched.update(chain)
            _den(chain, above, award, e["last_list__as_of"] is None, 1)
            for s, end in new_spans:
                for c in chain:
                    _add_range(c, s, end, 1, above, award)
            if above:
                for f in firsts_here.get(pk, []):
                    _add_newcqo(new_cell, f.year, f.replacing, 1)
            EntState.objects.update_or_create(
                enterprise_id=pk,
                defaults={
                    "cell_id": new_cell,
                    "list_as_of": e["last_list__as_of"],
                    "above": above,
                    "award": award,
                },
            )
        else:
            EntState.objects.filter(enterprise_id=pk).delete()
        Span.objects.filter(enterprise_id=pk).delete()
        Span.objects.bulk_create(
            [Span(enterprise_id=pk, start=s, end_excl=x) for s, x in new_spans]
        )
    _apply_persons(ids)
    _refresh_asof(touched)


def _apply_persons(ids: set[int]) -> None:
    persons = set(
        Appointment.objects.filter(enterprise_id__in=ids).values_list("person_id", flat=True)
    ) | set(FirstFiling.objects.filter(enterprise_id__in=ids).values_list("person_id", flat=True))
    if not persons:
        return
    mine = list(
        Appointment.objects.filter(
            person_id__in=persons, status__in=COUNTING, filed_at__isnull=False
        ).values_list("pk", "person_id", "filed_at", "enterprise_id")
    )
    ents = {a[3] for a in mine}
    by_ent: dict[int, list[tuple[int, int, dt.datetime]]] = defaultdict(list)
    for pk, ent, person, filed_at in Appointment.objects.filter(
        enterprise_id__in=ents, status__in=COUNTING, filed_at__isnull=False
    ).values_list("pk", "enterprise_id", "person_id", "filed_at"):
        by_ent[ent].append((pk, person, cast(dt.datetime, filed_at)))
    computed = {p: f for p, f in first_filings(by_ent.items()).items() if p in persons}
    olds = {f.person_id: f for f in FirstFiling.objects.filter(person_id__in=persons)}
    states = {
        s.enterprise_id: s
        for s in EntState.objects.filter(
            enterprise_id__in={f.enterprise_id for f in olds.values()}
            | {f[2] for f in computed.values()}
        )
    }
    for p in persons:
        old, new = olds.get(p), computed.get(p)
        new_t = None if new is None else (new[2], timezone.localtime(new[0]).year, new[3])
        old_t = None if old is None else (old.enterprise_id, old.year, old.replacing)
        if old_t == new_t:
            continue
        if old_t is not None:
            st = states.get(old_t[0])
            if st is not None and st.above:
                _add_newcqo(st.cell_id, old_t[1], old_t[2], -1)
        if new_t is not None:
            st = states.get(new_t[0])
            if st is not None and st.above:
                _add_newcqo(st.cell_id, new_t[1], new_t[2], 1)
            FirstFiling.objects.update_or_create(
                person_id=p,
                defaults={"enterprise_id": new_t[0], "year": new_t[1], "replacing": new_t[2]},
            )
        else:
            FirstFiling.objects.filter(person_id=p).delete()


def _refresh_asof(cells: set[int]) -> None:
    leaves = set(Cell.objects.filter(pk__in=cells, level="r").values_list("pk", flat=True))
    for row in (
        EntState.objects.filter(cell_id__in=leaves)
        .values("cell_id")
        .annotate(
            a=Min("list_as_of"),
            b=Min("list_as_of", filter=Q(above=True)),
            c=Min("list_as_of", filter=Q(award=True)),
        )
        .order_by()
    ):
        Cell.objects.filter(pk=row["cell_id"]).update(
            asof_all=row["a"], asof_above=row["b"], asof_award=row["c"]
        )
    for field in ("parent_city_id", "parent_province_id"):
        parents = cells - leaves
        for row in (
            Cell.objects.filter(**{f"{field}__in": parents})
            .values(field)
            .annotate(a=Min("asof_all"), b=Min("asof_above"), c=Min("asof_award"))
            .order_by()
        ):
            Cell.objects.filter(pk=row[field]).update(
                asof_all=row["a"], asof_above=row["b"], asof_award=row["c"]
            )


# Freshness -------------------------------------------------------------------------------------


def ensure_fresh(limit: int = INLINE_LIMIT) -> bool:
    """Apply the audited changes not yet reflected if there are few; True when the aggregate
    now reflects every change (the selectors may use it)."""
    mark = Mark.objects.order_by("pk").first()
    if mark is None or mark.universe != ",".join(universe()):
        return False
    done = feed.apply_pending(
        mark, AUDIT_TYPES, limit=limit, seconds=SETTLE_SECONDS, prepare=_change
    )
    return ensure_fresh(limit) if done is None else done


def _change(todo: feed.Pending) -> Callable[[], object] | None:
    """The enterprises the entries name, re-applied; an imported list is left to a rebuild."""
    if any(t == "enterprise_list" for _pk, t, _i in todo):
        return None
    ids = _enterprise_ids([(t, i) for _pk, t, i in todo])
    return lambda: apply_enterprises(ids)


def _enterprise_ids(pending: list[tuple[str, str]]) -> set[int]:
    usccs = [i for t, i in pending if t == "enterprise"]
    appts = [i for t, i in pending if t == "appointment"]
    ids = set(Enterprise.objects.filter(uscc__in=usccs).values_list("pk", flat=True))
    valid = []
    for a in appts:
        try:
            valid.append(uuid.UUID(a))
        except ValueError:
            continue
    ids |= set(
        Appointment.objects.filter(public_id__in=valid).values_list("enterprise_id", flat=True)
    )
    return ids


def refresh() -> str:
    """``manage.py coverage_refresh``: apply the audited backlog, or rebuild when it is large,
    when imported lists are in it, or when there is no aggregate yet."""
    if ensure_fresh(limit=20000):
        return "incremental"
    rebuild()
    return "full"


def follow() -> str:
    """After a transaction with audited registry changes: apply them incrementally. A rebuild
    only for an imported list (its entry is written by the import job, so this runs in that
    job, never in a web request); a backlog too large or a changed key-industry universe are
    left to ``refresh`` (the periodic job), the selectors answering live until then."""
    mark = Mark.objects.order_by("pk").first()
    if mark is None:
        return "none"
    if ensure_fresh(limit=FOLLOW_LIMIT):
        return "incremental"
    listed = AuditEntry.objects.filter(pk__gt=mark.audit_id, target_type="enterprise_list")
    return refresh() if listed.exists() else "left to refresh"
