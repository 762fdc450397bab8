"""The full build of the aggregate from the registry: each step one pass over its tables, in SQL
where the rows are many (an enterprise's cell, the covered counts by day)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import BooleanField, Case, CharField, Count, F, Field, Min, Model, Q, Value
from django.db.models import When as On
from django.utils import timezone

from cqo.coverage import rules
from cqo.coverage.aggregate.keys import (
    CITY,
    LEAF,
    LEVELS,
    PROVINCE,
    CellKey,
    NewCqoKey,
    leaf_key,
    regions,
    with_parents,
)
from cqo.coverage.aggregate.periods import Filing, by_enterprise, first_filings, merge_spans
from cqo.coverage.models import Cell, CellCount, EntState, FirstFiling, Mark, NewCqoCount, Span
from cqo.imports.models import EnterpriseList
from cqo.reference.models import Industry
from cqo.registry.models import Enterprise

CHUNK = 5000


@dataclass
class BuildStats:
    cells: int = 0
    enterprises: int = 0
    spans: int = 0
    counts: int = 0
    persons: int = 0


def column(model: type[Model], name: str) -> str:
    """The database column of a model's field, as its migrations made it."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise TypeError(name)
    return field.column


def build_tables(uni: tuple[str, ...]) -> BuildStats:
    """Every table of the aggregate but its mark, from the registry."""
    _clear()
    stats = BuildStats(cells=_cells(uni), enterprises=_states(uni))
    stats.spans, stats.persons = _spans_and_firsts()
    stats.counts = _counts()
    _new_cqos()
    return stats


def mark_built(*, audit_id: int, uni: tuple[str, ...]) -> None:
    """Record up to which audit entry, and for which key-industry divisions, it was built."""
    now = timezone.now()
    Mark.objects.all().delete()
    Mark.objects.create(audit_id=audit_id, universe=",".join(uni), built_at=now, refreshed_at=now)


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


# 1. cells: one GROUP BY over the enterprises ----------------------------------------------------

_COUNTS = ("den_all", "den_above", "den_award", "hand_all", "hand_above", "hand_award")
_ASOF = ("asof_all", "asof_above", "asof_award")


@dataclass
class _Totals:
    den_all: int = 0
    den_above: int = 0
    den_award: int = 0
    hand_all: int = 0
    hand_above: int = 0
    hand_award: int = 0
    asof_all: dt.date | None = None
    asof_above: dt.date | None = None
    asof_award: dt.date | None = None

    def add(self, group: dict[str, Any]) -> None:
        for col in _COUNTS:
            setattr(self, col, getattr(self, col) + group[col])
        for col in _ASOF:
            mine = getattr(self, col)
            if group[col] is not None and (mine is None or group[col] < mine):
                setattr(self, col, group[col])


def _keydiv_expr(uni: tuple[str, ...]) -> Any:
    if not uni:
        return Value("", output_field=CharField())
    return Case(
        On(industry_id__in=uni, then=F("industry_id")), default=Value(""), output_field=CharField()
    )


def _cell_totals(uni: tuple[str, ...]) -> dict[CellKey, _Totals]:
    above, award, hand = Q(above_scale=True), Q(quality_award__in=rules.AWARDS), Q(last_list=None)
    lic = Case(
        On(special_equipment_licence="", then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )
    grouped = (
        Enterprise.objects.annotate(sec=F("industry__parent_id"), kd=_keydiv_expr(uni), lic=lic)
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
    totals: dict[CellKey, _Totals] = {}
    for g in cast(Iterable[dict[str, Any]], grouped):
        leaf = leaf_key(g["region_id"], g["sec"], g["kd"], g["size"], g["lic"])
        for k in with_parents(leaf):
            totals.setdefault(k, _Totals()).add(g)
    return totals


def _cells(uni: tuple[str, ...]) -> int:
    totals = _cell_totals(uni)
    ids: dict[CellKey, int] = {}
    for level in LEVELS:
        keys = [k for k in totals if k.level == level]
        cells = [k.new_cell(ids, **dataclasses.asdict(totals[k])) for k in keys]
        for k, obj in zip(keys, Cell.objects.bulk_create(cells, batch_size=2000), strict=True):
            ids[k] = obj.pk
    return len(ids)


# 2. what each enterprise counts in, in one INSERT … SELECT --------------------------------------


def _states(uni: tuple[str, ...]) -> int:
    e = {f: column(Enterprise, f) for f in ("industry", "last_list", "region", "size")}
    e |= {f: column(Enterprise, f) for f in ("above_scale", "quality_award")}
    lic = column(Enterprise, "special_equipment_licence")
    ind, lst = Industry._meta, EnterpriseList._meta
    kd_sql, kd_params = "''", []
    if uni:
        kd_sql = (
            f"CASE WHEN e.{e['industry']} IN ({', '.join(['%s'] * len(uni))}) "
            f"THEN e.{e['industry']} ELSE '' END"
        )
        kd_params = list(uni)
    award_in = ", ".join(["%s"] * len(rules.AWARDS))
    sql = (
        f"INSERT INTO {EntState._meta.db_table} (enterprise_id, cell_id, list_as_of, above, award) "  # noqa: S608
        f"SELECT e.{Enterprise._meta.pk.column}, c.id, l.{column(EnterpriseList, 'as_of')}, "
        f"e.{e['above_scale']}, "
        f"CASE WHEN e.{e['quality_award']} IN ({award_in}) THEN %s ELSE %s END "
        f"FROM {Enterprise._meta.db_table} e "
        f"JOIN {ind.db_table} i ON i.{column(Industry, 'code')} = e.{e['industry']} "
        f"LEFT JOIN {lst.db_table} l ON l.{lst.pk.column} = e.{e['last_list']} "
        f"JOIN {Cell._meta.db_table} c ON c.leaf_key = (e.{e['region']} || '|' || "
        f"COALESCE(i.{column(Industry, 'parent')}, '') || '|' || {kd_sql} || '|' || "
        f"e.{e['size']} || '|' || CASE WHEN e.{lic} = '' THEN '0' ELSE '1' END)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rules.AWARDS, True, False, *kd_params])
        return int(cursor.rowcount)


# 3. spans and first filings from one ordered pass over the filed appointments --------------------


def _insert_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    with connection.cursor() as cursor:
        for i in range(0, len(rows), CHUNK * 4):
            cursor.executemany(sql, rows[i : i + CHUNK * 4])


def _spans_and_firsts() -> tuple[int, int]:
    """Each enterprise's merged periods with a CQO, and each person's first filing."""
    span_sql = (
        f"INSERT INTO {Span._meta.db_table} (enterprise_id, start, end_excl) VALUES (%s, %s, %s)"  # noqa: S608
    )
    spans = 0
    pending: list[tuple[int, dt.date, dt.date | None]] = []
    groups: list[tuple[int, list[Filing]]] = []
    for ent_id, appts in by_enterprise(None):
        pending.extend((ent_id, s, e) for s, e in merge_spans(appts))
        groups.append((ent_id, [a.filing() for a in appts]))
        if len(pending) >= CHUNK * 4:
            _insert_many(span_sql, pending)
            spans += len(pending)
            pending.clear()
    _insert_many(span_sql, pending)
    spans += len(pending)
    firsts = first_filings(groups)
    del groups
    first_sql = (
        f"INSERT INTO {FirstFiling._meta.db_table} (person_id, enterprise_id, year, replacing) "  # noqa: S608
        "VALUES (%s, %s, %s, %s)"
    )
    batch = [(p, f.enterprise, f.year, f.replacing) for p, f in firsts.items()]
    _insert_many(first_sql, batch)
    return spans, len(batch)


# 4. the covered counts by day, per cell at each level (a running sum over the events) ------------


def _counts() -> int:
    st, sp, cl, cc = (
        EntState._meta.db_table,
        Span._meta.db_table,
        Cell._meta.db_table,
        CellCount._meta.db_table,
    )
    counts = 0
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
            counts += cursor.rowcount
    return counts


# 5. new CQOs by node, section, key division and year (above-scale enterprises only) -------------


def _new_cqos() -> None:
    st, cl = EntState._meta.db_table, Cell._meta.db_table
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
                level=k.level,
                code=k.code,
                section=k.section,
                keydiv=k.keydiv,
                year=k.year,
                new_cqos=n,
                replacements=r,
            )
            for k, (n, r) in rows.items()
        ],
        batch_size=2000,
    )


def _newcqo_rows(sql: str, params: list[Any]) -> dict[NewCqoKey, list[int]]:
    out: dict[NewCqoKey, list[int]] = defaultdict(lambda: [0, 0])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for code, prov, section, keydiv, year, n, r in cursor.fetchall():
            city = regions().get(code, ("", ""))[0]
            for level, node in ((LEAF, code), (CITY, city), (PROVINCE, prov)):
                if node or level != CITY:  # a region may lie in no city
                    key = NewCqoKey(level, node, section, keydiv, year)
                    out[key][0] += n
                    out[key][1] += int(r or 0)
    return out
