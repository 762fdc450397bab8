"""Incremental maintenance: for the enterprises an audited change names, subtract what was counted
for each and add what is true now; then the first filings of their persons."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import F, Min, Q
from django.utils import timezone

from cqo.coverage import rules
from cqo.coverage.aggregate.keys import CITY, LEAF, PROVINCE, CellKey, cell_ids, leaf_key, universe
from cqo.coverage.aggregate.periods import COUNTING, Filing, Period, first_filings, merge_spans
from cqo.coverage.aggregate.periods import by_enterprise as appointments_by_enterprise
from cqo.coverage.models import Cell, CellCount, EntState, FirstFiling, NewCqoCount, Span
from cqo.registry.models import Appointment, Enterprise

_FIELDS = (
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


@dataclass(frozen=True)
class _Now:
    """What is true of an enterprise now, as the aggregate counts it."""

    cell: int
    above: bool
    award: bool
    list_as_of: dt.date | None
    spans: list[Period]


@dataclass(frozen=True)
class _Held:
    """What the aggregate holds for an enterprise."""

    state: EntState | None
    spans: list[Period]
    firsts: list[FirstFiling]


# Counts of a cell chain --------------------------------------------------------------------------


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


def _add_range(cell_id: int, span: Period, d: int, *, above: bool, award: bool) -> None:
    start, end = span
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


def _add_spans(chain: list[int], spans: list[Period], d: int, *, above: bool, award: bool) -> None:
    for span in spans:
        for c in chain:
            _add_range(c, span, d, above=above, award=award)


def _add_newcqo(cell_id: int, year: int, replacing: bool, d: int) -> None:
    cell = Cell.objects.get(pk=cell_id)
    for level, code in ((LEAF, cell.code), (CITY, cell.city_code), (PROVINCE, cell.province_code)):
        if not code:
            continue
        obj, _ = NewCqoCount.objects.get_or_create(
            level=level, code=code, section=cell.section, keydiv=cell.keydiv, year=year
        )
        NewCqoCount.objects.filter(pk=obj.pk).update(
            new_cqos=F("new_cqos") + d, replacements=F("replacements") + (d if replacing else 0)
        )


def _den(chain: list[int], d: int, *, above: bool, award: bool, hand: bool) -> None:
    Cell.objects.filter(pk__in=chain).update(
        den_all=F("den_all") + d,
        den_above=F("den_above") + (d if above else 0),
        den_award=F("den_award") + (d if award else 0),
        hand_all=F("hand_all") + (d if hand else 0),
        hand_above=F("hand_above") + (d if hand and above else 0),
        hand_award=F("hand_award") + (d if hand and award else 0),
    )


# Enterprises -------------------------------------------------------------------------------------


def apply_enterprises(ids: set[int]) -> None:
    """Bring the aggregate up to date for these enterprises (and the persons filed at them)."""
    ents = {e["pk"]: e for e in Enterprise.objects.filter(pk__in=ids).values(*_FIELDS)}
    uni = universe()
    keys = {pk: _key(e, uni) for pk, e in ents.items()}
    cells = cell_ids(keys.values())
    held = _held(ids)
    appts = dict(appointments_by_enterprise(sorted(ids)))
    touched: set[int] = set()
    for pk in ids:
        e = ents.get(pk)
        spans = merge_spans(appts.get(pk, []))
        now = None
        if e is not None:
            above, award = bool(e["above_scale"]), e["quality_award"] in rules.AWARDS
            now = _Now(cells[keys[pk]], above, award, e["last_list__as_of"], spans)
        touched |= _apply(pk, held[pk], now, spans)
    _apply_persons(ids)
    _refresh_asof(touched)


def _key(e: dict[str, Any], uni: tuple[str, ...]) -> CellKey:
    keydiv = e["industry_id"] if e["industry_id"] in uni else ""
    lic = bool(e["special_equipment_licence"])
    return leaf_key(e["region_id"], e["industry__parent_id"] or "", keydiv, e["size"], lic)


def _held(ids: set[int]) -> dict[int, _Held]:
    states = {s.enterprise_id: s for s in EntState.objects.filter(enterprise_id__in=ids)}
    spans: dict[int, list[Period]] = defaultdict(list)
    for ent, start, end in Span.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "start", "end_excl"
    ):
        spans[ent].append((start, end))
    firsts: dict[int, list[FirstFiling]] = defaultdict(list)
    for f in FirstFiling.objects.filter(enterprise_id__in=ids):
        firsts[f.enterprise_id].append(f)
    return {pk: _Held(states.get(pk), spans.get(pk, []), firsts.get(pk, [])) for pk in ids}


def _apply(pk: int, held: _Held, now: _Now | None, spans: list[Period]) -> set[int]:
    """One enterprise; the cells whose list dates may have moved."""
    old = held.state
    if (
        old is not None
        and now is not None
        and (old.cell_id, old.above, old.award) == (now.cell, now.above, now.award)
        and (old.list_as_of is None) == (now.list_as_of is None)
    ):
        return _move_periods(pk, old, held.spans, now)
    touched: set[int] = set()
    if old is not None:
        touched |= _subtract(old, held)
    if now is not None:
        touched |= _add(pk, now, held.firsts)
    else:
        EntState.objects.filter(enterprise_id=pk).delete()
    _write_spans(pk, spans)
    return touched


def _move_periods(pk: int, old: EntState, old_spans: list[Period], now: _Now) -> set[int]:
    """The same cell and flags (a filing decided, a name changed): only the periods that changed
    move, and the enterprise's counts stay where they are."""
    touched: set[int] = set()
    if old_spans != now.spans:
        chain = _chain(now.cell)
        gone = list(set(old_spans) - set(now.spans))
        _add_spans(chain, gone, -1, above=now.above, award=now.award)
        came = list(set(now.spans) - set(old_spans))
        _add_spans(chain, came, 1, above=now.above, award=now.award)
        _write_spans(pk, now.spans)
    if old.list_as_of != now.list_as_of:
        EntState.objects.filter(enterprise_id=pk).update(list_as_of=now.list_as_of)
        touched.update(_chain(now.cell))
    return touched


def _subtract(old: EntState, held: _Held) -> set[int]:
    chain = _chain(old.cell_id)
    _den(chain, -1, above=old.above, award=old.award, hand=old.list_as_of is None)
    _add_spans(chain, held.spans, -1, above=old.above, award=old.award)
    if old.above:
        for f in held.firsts:
            _add_newcqo(old.cell_id, f.year, f.replacing, -1)
    return set(chain)


def _add(pk: int, now: _Now, firsts: list[FirstFiling]) -> set[int]:
    chain = _chain(now.cell)
    _den(chain, 1, above=now.above, award=now.award, hand=now.list_as_of is None)
    _add_spans(chain, now.spans, 1, above=now.above, award=now.award)
    if now.above:
        for f in firsts:
            _add_newcqo(now.cell, f.year, f.replacing, 1)
    EntState.objects.update_or_create(
        enterprise_id=pk,
        defaults={
            "cell_id": now.cell,
            "list_as_of": now.list_as_of,
            "above": now.above,
            "award": now.award,
        },
    )
    return set(chain)


def _write_spans(pk: int, spans: list[Period]) -> None:
    Span.objects.filter(enterprise_id=pk).delete()
    Span.objects.bulk_create([Span(enterprise_id=pk, start=s, end_excl=e) for s, e in spans])


# Persons -----------------------------------------------------------------------------------------

FirstKey = tuple[int, int, bool]  # enterprise, year, replacing


def _firsts_now(persons: set[int]) -> dict[int, FirstKey]:
    """The persons' first filings as the registry has them now (over every enterprise any of
    them was filed at)."""
    ents = set(
        Appointment.objects.filter(
            person_id__in=persons, status__in=COUNTING, filed_at__isnull=False
        ).values_list("enterprise_id", flat=True)
    )
    by_ent: dict[int, list[Filing]] = defaultdict(list)
    for pk, ent, person, filed_at in Appointment.objects.filter(
        enterprise_id__in=ents, status__in=COUNTING, filed_at__isnull=False
    ).values_list("pk", "enterprise_id", "person_id", "filed_at"):
        by_ent[ent].append(Filing(pk, person, cast(dt.datetime, filed_at)))
    return {
        p: (f.enterprise, timezone.localtime(f.filed_at).year, f.replacing)
        for p, f in first_filings(by_ent.items()).items()
        if p in persons
    }


def _apply_persons(ids: set[int]) -> None:
    persons = set(
        Appointment.objects.filter(enterprise_id__in=ids).values_list("person_id", flat=True)
    ) | set(FirstFiling.objects.filter(enterprise_id__in=ids).values_list("person_id", flat=True))
    if not persons:
        return
    computed = _firsts_now(persons)
    olds = {
        f.person_id: (f.enterprise_id, f.year, f.replacing)
        for f in FirstFiling.objects.filter(person_id__in=persons)
    }
    states = {
        s.enterprise_id: s
        for s in EntState.objects.filter(
            enterprise_id__in={f[0] for f in olds.values()} | {f[0] for f in computed.values()}
        )
    }
    for p in persons:
        old, new = olds.get(p), computed.get(p)
        if old == new:
            continue
        for first, d in ((old, -1), (new, 1)):
            st = states.get(first[0]) if first is not None else None
            if first is not None and st is not None and st.above:
                _add_newcqo(st.cell_id, first[1], first[2], d)
        if new is not None:
            FirstFiling.objects.update_or_create(
                person_id=p,
                defaults={"enterprise_id": new[0], "year": new[1], "replacing": new[2]},
            )
        else:
            FirstFiling.objects.filter(person_id=p).delete()


def _refresh_asof(cells: set[int]) -> None:
    leaves = set(Cell.objects.filter(pk__in=cells, level=LEAF).values_list("pk", flat=True))
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
