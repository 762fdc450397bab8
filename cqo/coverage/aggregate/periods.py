"""What the aggregate counts of the filed appointments: each enterprise's merged periods with a
CQO (SPEC §12.8) and each person's first-ever filing (SPEC §12.12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import NamedTuple, cast

from django.utils import timezone

from cqo.registry.models import Appointment

COUNTING = ("filed", "ended")

Period = tuple[dt.date, dt.date | None]  # [start, end_excl)
_Row = tuple[int, int, int, dt.datetime, dt.date, dt.date | None]


class Filing(NamedTuple):
    """Who was filed at an enterprise, and when."""

    pk: int
    person: int
    filed_at: dt.datetime


class Filed(NamedTuple):
    """A counted filed appointment, as read for the aggregate."""

    pk: int
    enterprise: int
    person: int
    filed_at: dt.datetime
    start: dt.date
    ended_on: dt.date | None

    def filing(self) -> Filing:
        return Filing(self.pk, self.person, self.filed_at)


class First(NamedTuple):
    """A person's first-ever filed appointment."""

    filed_at: dt.datetime
    appointment: int
    enterprise: int
    replacing: bool  # an earlier filed CQO of the enterprise was someone else

    @property
    def year(self) -> int:
        return timezone.localtime(self.filed_at).year


def local_day(value: dt.datetime) -> dt.date:
    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


def merge_spans(rows: Iterable[Filed]) -> list[Period]:
    """Merged [start, end_excl) periods of the appointments counted by SPEC §12.8: active from
    the later of the filing day and the start, to the end date inclusive."""
    periods: list[Period] = []
    for a in rows:
        first = max(local_day(a.filed_at), a.start)
        if a.ended_on is not None and a.ended_on < first:
            continue
        periods.append((first, None if a.ended_on is None else a.ended_on + dt.timedelta(days=1)))
    periods.sort(key=lambda p: p[0])
    merged: list[list[dt.date | None]] = []
    for s, e in periods:
        if merged and (merged[-1][1] is None or s <= merged[-1][1]):
            if merged[-1][1] is not None and (e is None or e > merged[-1][1]):
                merged[-1][1] = e
            continue
        merged.append([s, e])
    return [(s, e) for s, e in merged if s is not None]


def first_filings(groups: Iterable[tuple[int, list[Filing]]]) -> dict[int, First]:
    """Per person: the first-ever filed appointment (SPEC §12.12), from each enterprise's
    filings."""
    best: dict[int, First] = {}
    for ent, filings in groups:
        # the earliest filing, and the earliest by someone else than its person
        m1 = min(filings, key=lambda f: (f.filed_at, f.pk))
        others = [f for f in filings if f.person != m1.person]
        m2 = min(others, key=lambda f: (f.filed_at, f.pk)) if others else None
        for f in filings:
            cur = best.get(f.person)
            if cur is not None and (cur.filed_at, cur.appointment) <= (f.filed_at, f.pk):
                continue
            other = m1 if m1.person != f.person else m2
            replacing = other is not None and other.filed_at < f.filed_at
            best[f.person] = First(f.filed_at, f.pk, ent, replacing)
    return best


def by_enterprise(ids: list[int] | None) -> Iterator[tuple[int, list[Filed]]]:
    """The counted filed appointments of these enterprises (of all with None), by enterprise."""
    qs = Appointment.objects.filter(status__in=COUNTING, filed_at__isnull=False)
    if ids is not None:
        qs = qs.filter(enterprise_id__in=ids)
    rows = qs.order_by("enterprise_id", "filed_at", "pk").values_list(
        "pk", "enterprise_id", "person_id", "filed_at", "start_date", "ended_on"
    )
    current: int | None = None
    bucket: list[Filed] = []
    for row in rows.iterator(chunk_size=20000):
        if row[1] != current:
            if current is not None and bucket:
                yield current, bucket
            current, bucket = row[1], []
        bucket.append(Filed(*cast(_Row, row)))
    if current is not None and bucket:
        yield current, bucket
