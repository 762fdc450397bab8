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
(an import's list entry is followed by ``follow`` right after the import job commits: the audit
follower registered in cqo/coverage/apps.py).

The modules: ``keys`` (what a cell is), ``periods`` (what is counted of the appointments),
``build`` (the full build), ``incremental`` (applying changed enterprises); here, when each runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import transaction

from cqo.audit import follow as feed
from cqo.audit.models import AuditEntry
from cqo.coverage.aggregate.build import CHUNK, BuildStats, build_tables, mark_built
from cqo.coverage.aggregate.incremental import apply_enterprises
from cqo.coverage.aggregate.keys import CellKey, NewCqoKey, regions, universe
from cqo.coverage.aggregate.periods import COUNTING, first_filings, local_day, merge_spans
from cqo.coverage.models import Mark
from cqo.registry.models import Appointment, Enterprise

__all__ = [
    "AUDIT_TYPES",
    "CHUNK",
    "COUNTING",
    "FOLLOW_LIMIT",
    "INLINE_LIMIT",
    "SETTLE_SECONDS",
    "BuildStats",
    "CellKey",
    "NewCqoKey",
    "apply_enterprises",
    "ensure_fresh",
    "first_filings",
    "follow",
    "local_day",
    "merge_spans",
    "rebuild",
    "refresh",
    "regions",
    "universe",
]

AUDIT_TYPES = ("enterprise", "appointment", "enterprise_list")
# at most this many audit entries are applied on a read; more wait for coverage_refresh
INLINE_LIMIT = 100
# at most this many after a commit (a follower runs after the transaction that made them)
FOLLOW_LIMIT = 5000
# audit entries younger than this may still be joined by a slower transaction's lower id
# (cqo/audit/follow.py)
SETTLE_SECONDS = 60


@transaction.atomic
def rebuild() -> BuildStats:
    """Rebuild every table of the aggregate from the registry (``manage.py coverage_refresh
    --full``)."""
    mark_id = feed.latest_id()
    uni = universe()
    stats = build_tables(uni)
    mark_built(audit_id=feed.settle(mark_id, AUDIT_TYPES, SETTLE_SECONDS)[0], uni=uni)
    return stats


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
