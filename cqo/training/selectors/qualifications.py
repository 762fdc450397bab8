"""Reads of training institutions' qualifications (培训资质): who sees them, who manages them,
whether an institution was qualified on a day, and which study records a qualified institution
organised or reported (hangzhou-spec 聘用与培训·培训; shaanxi-2021 §五(一); jiangsu-2020 §五).

Who sees what: the platform admin and every regulator see every qualification (a regulator
engages institutions from anywhere and must check their standing); a training institution sees
its own; nobody else. A regulator manages (records, revokes) those recorded in its region's
subtree.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.hours.models import Source, StudyRecord
from cqo.training.models import Enrolment, Qualification

QUALIFICATION = "training_qualification"  # AuditEntry.target_type


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def qualification_q(user: Any) -> Q:
    if not _active(user):
        return access.NOTHING
    if user.is_platform_admin or user.role == Role.REGULATOR:
        return Q()
    if user.role == Role.TRAINER:
        return Q(institution=user)
    return access.NOTHING


def can_manage_qualifications(user: Any) -> bool:
    """Regulators record training qualifications (the market regulation bureau keeps the
    training mechanism, shaanxi-2021 §五(一)); the platform admin through the admin."""
    return _active(user) and user.role == Role.REGULATOR and user.region_id is not None


def can_revoke_qualification(user: Any, qualification: Qualification) -> bool:
    return (
        can_manage_qualifications(user)
        and qualification.revoked_at is None
        and access.region_contains(user, qualification.region)
    )


def qualification_list(*, user: Any, q: str = "", current_on: dt.date | None = None) -> Any:
    qs = Qualification.objects.filter(qualification_q(user))
    if q:
        qs = qs.filter(
            Q(institution__organisation__icontains=q)
            | Q(institution__username__iexact=q)
            | Q(granted_by__icontains=q)
        )
    if current_on is not None:
        qs = qs.filter(_valid_on_q(current_on))
    return qs.select_related("institution", "region", "recorded_by")


def qualification_get(*, user: Any, public_id: Any) -> Qualification:
    try:
        key = uuid.UUID(str(public_id))
    except (TypeError, ValueError):
        key = None
    found = (
        Qualification.objects.filter(qualification_q(user), public_id=key)
        .select_related("institution", "region", "recorded_by", "revoked_by")
        .first()
        if key
        else None
    )
    if found is None:
        raise Http404
    return found


def _valid_on_q(day: dt.date, prefix: str = "") -> Q:
    p = f"{prefix}__" if prefix else ""
    return Q(
        **{
            f"{p}valid_from__lte": day,
            f"{p}valid_until__gte": day,
            f"{p}revoked_at__isnull": True,
        }
    )


def qualified_on(institution: User | int | None, day: dt.date) -> bool:
    """Whether the institution holds an unrevoked training qualification covering ``day``."""
    if institution is None:
        return False
    pk = institution if isinstance(institution, int) else institution.pk
    return Qualification.objects.filter(_valid_on_q(day), institution_id=pk).exists()


def qualified_records(record_ids: Collection[int], _arg: None = None) -> set[int]:
    """Of ``record_ids``, the study records a qualified institution organised or reported
    (hangzhou-spec 聘用与培训·培训 "具备首席质量官培训资质的机构组织的…培训"): a session's
    record whose course's 承办机构 was qualified on the session's last day, and a record an
    institution reported itself (its e-learning) while qualified on the record's day. A record
    entered by the person, the enterprise or a regulator with a free-text provider is not."""
    ids = list(record_ids)
    if not ids:
        return set()
    found: set[int] = set()
    sessions = Enrolment.objects.filter(study_record_id__in=ids).values_list(
        "study_record_id", "session__course__institution_id", "session__end_date"
    )
    reported = StudyRecord.objects.filter(
        pk__in=ids, source=Source.API, created_by__role=Role.TRAINER
    ).values_list("pk", "created_by_id", "occurred_on")
    pairs = [(r, i, d) for r, i, d in [*sessions, *reported] if i is not None]
    by_institution: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for inst, start, end in Qualification.objects.filter(
        institution_id__in={i for _r, i, _d in pairs}, revoked_at__isnull=True
    ).values_list("institution_id", "valid_from", "valid_until"):
        by_institution.setdefault(inst, []).append((start, end))
    for record, inst, day in pairs:
        if any(start <= day <= end for start, end in by_institution.get(inst, [])):
            found.add(record)
    return found


def qualifications_of(institution: User) -> QuerySet[Qualification]:
    return Qualification.objects.filter(institution=institution).select_related("region")
