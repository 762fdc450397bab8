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
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from cqo.audit import follow as feed
from cqo.audit.models import AuditEntry
from cqo.lib import clock
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.talent.index.cards import (
    AUDIT_TYPES,
    CHUNK,
    COLUMNS,
    LEVELS,
    LINK_COLUMNS,
    Card,
    Link,
    cards,
    grams,
)
from cqo.talent.index.writing import BuildStats, apply_persons, build
from cqo.talent.models import SearchMark, SearchRow, TalentEntry

__all__ = [
    "AUDIT_TYPES",
    "CHUNK",
    "COLUMNS",
    "FOLLOW_LIMIT",
    "INLINE_LIMIT",
    "LEVELS",
    "LINK_COLUMNS",
    "SETTLE_SECONDS",
    "BuildStats",
    "Card",
    "Link",
    "apply_persons",
    "cards",
    "ensure_fresh",
    "follow",
    "grams",
    "persons_named",
    "rebuild",
    "refresh",
]

# at most this many persons are re-derived on a read; more wait for refresh()
INLINE_LIMIT = 200
# at most this many after a commit (a follower runs after the transaction that made them)
FOLLOW_LIMIT = 5000
# audit entries younger than this are applied again on later reads (see coverage.aggregate)
SETTLE_SECONDS = 60


def rebuild() -> BuildStats:
    """The whole index from the registry (``manage.py talent_refresh --full``)."""
    return build(settle_seconds=SETTLE_SECONDS)


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
