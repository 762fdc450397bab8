from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q, QuerySet
from django.utils import timezone

from cqo.audit import rules
from cqo.audit.models import AuditEntry, AuditVerification


def audit_trail(*, target_type: str, target_id: str) -> QuerySet[AuditEntry]:
    """The history of one record. Callers check that the viewer may read the record itself."""
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id))


# The whole trail, for the audit administrator (callers check access.can_read_audit) -----------


@dataclass(frozen=True, kw_only=True)
class TrailFilters:
    """What the trail is narrowed to; empty values narrow nothing. Dates are Beijing days."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: str = ""
    target_type: str = ""
    actor: str = ""  # a login, or "system"
    text: str = ""  # a record's code (exact) or a part of its name


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def trail_search(*, filters: TrailFilters) -> QuerySet[AuditEntry]:
    """The entries matching ``filters``, newest first (by insertion)."""
    qs = AuditEntry.objects.all()
    # the calendar's ends narrow nothing (and in UTC would fall outside it)
    if filters.date_from is not None and filters.date_from > dt.date.min:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to is not None and filters.date_to < dt.date.max:
        qs = qs.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.target_type:
        qs = qs.filter(target_type=filters.target_type)
    if filters.actor:
        # by the account's id (indexed) while it exists, by the name kept otherwise
        ids = list(
            get_user_model().objects.filter(username=filters.actor).values_list("pk", flat=True)[:1]
        )
        qs = qs.filter(actor_id=ids[0]) if ids else qs.filter(actor_name=filters.actor)
    if filters.text:
        qs = qs.filter(Q(target_id=filters.text) | Q(target_repr__icontains=filters.text))
    return qs.order_by("-id")


def entries_since(at: dt.datetime) -> int:
    return AuditEntry.objects.filter(at__gte=at).count()


def unsealed_count() -> int:
    """Entries written since the sealer last ran (the chain's unique index finds them)."""
    return AuditEntry.objects.filter(seq__isnull=True).count()


def oldest_entry_at() -> dt.datetime | None:
    return AuditEntry.objects.order_by("at").values_list("at", flat=True).first()


def platform_started() -> dt.datetime | None:
    """When the platform's database was made: its first migration applied."""
    recorder = MigrationRecorder(connection)
    return recorder.migration_qs.order_by("applied").values_list("applied", flat=True).first()


@dataclass(frozen=True, kw_only=True)
class ChainStatus:
    last: AuditVerification | None  # the last walk of the chain (audit_verify), if any
    unsealed: int
    retention: rules.Retention


def chain_status() -> ChainStatus:
    """The chain's state for a page: the last stored verification (no request walks the
    chain), the entries waiting for the sealer and the retention floor, in a few indexed
    queries."""
    return ChainStatus(
        last=AuditVerification.objects.order_by("-finished_at", "-id").first(),
        unsealed=unsealed_count(),
        retention=rules.retention(
            oldest=oldest_entry_at(),
            started=platform_started(),
            now=timezone.now(),
            days=settings.CQO_AUDIT_RETENTION_DAYS,
        ),
    )
