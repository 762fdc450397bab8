"""Reads from the registry, always through the scope of cqo.accounts.access (SPEC §1)."""

from __future__ import annotations

import datetime as dt
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cqo.accounts import access
from cqo.lib import crypto
from cqo.policy.selectors import NoPackInForce, build, governing_for_region, national_default
from cqo.reference.models import Region
from cqo.registry.models import Appointment, Enterprise, Person, Reminder

# the filing workflow's reads, in modules of their own
from cqo.registry.selectors.filings import (
    PROFILE_REQUIRED,
    chief_tenures,
    eligibility,
    eligibility_facts,
    eligibility_view,
    filing_checks,
    filing_facts,
    filing_form_data,
    verdict_record,
)
from cqo.registry.selectors.route import (
    Route,
    can_review_filing,
    filing_actions,
    filing_route,
    governing,
)

OPEN_STATUSES = (
    Appointment.Status.DRAFT,
    Appointment.Status.SUBMITTED,
    Appointment.Status.RETURNED,
)


def enterprise_list(
    *,
    user: Any,
    q: str = "",
    region: str = "",
    industry: str = "",
    size: str = "",
    cqo_status: str = "",
) -> QuerySet[Enterprise]:
    """Enterprises in scope, each annotated with ``cqo_status`` (filed / pending / none)."""
    qs = with_cqo_status(Enterprise.objects.filter(access.enterprise_q(user)))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q.upper()))
    if region:
        qs = qs.filter(
            Q(region_id=region) | Q(region__city_code=region) | Q(region__province_code=region)
        )
    if industry:
        qs = qs.filter(Q(industry_id=industry) | Q(industry__parent_id=industry))
    if size:
        qs = qs.filter(size=size)
    if cqo_status:
        # cqo_status is an annotation the stubs cannot see
        qs = qs.filter(cqo_status=cqo_status)  # type: ignore[misc]
    return qs.select_related("region", "industry")


def with_cqo_status(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Annotate filed / pending / none, the basis of 指导督促 (shaanxi-2021 §五(三))."""
    from django.db.models import Case, CharField, Value, When

    filed = Appointment.objects.filter(enterprise=OuterRef("pk"), status=Appointment.Status.FILED)
    # a filing the person is still filling in is not yet the enterprise's (SPEC §12.23)
    pending = Appointment.objects.filter(
        enterprise=OuterRef("pk"), status__in=OPEN_STATUSES
    ).exclude(preparation=Appointment.Preparation.PERSON)
    return qs.annotate(
        cqo_status=Case(
            When(Exists(filed), then=Value("filed")),
            When(Exists(pending), then=Value("pending")),
            default=Value("none"),
            output_field=CharField(),
        )
    )


def enterprise_get(*, user: Any, uscc: str) -> Enterprise:
    ent = (
        Enterprise.objects.filter(access.enterprise_q(user), uscc=(uscc or "").upper())
        .select_related("region", "industry", "industry__parent", "group_parent")
        .first()
    )
    if ent is None:
        raise Http404
    return ent


def person_list(*, user: Any, q: str = "", region: str = "") -> QuerySet[Person]:
    qs = Person.objects.filter(pk__in=Person.objects.filter(access.person_q(user)).values("pk"))
    if q:
        qs = qs.filter(name__icontains=q)
    if region:
        qs = qs.filter(
            Q(region_id=region) | Q(region__city_code=region) | Q(region__province_code=region)
        )
    return qs.select_related("region")


def person_get(*, user: Any, public_id: Any) -> Person:
    try:
        pid = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    person = Person.objects.filter(access.person_q(user), public_id=pid).distinct().first()
    if person is None:
        raise Http404
    return person


def person_visible(*, user: Any, person: Person) -> bool:
    return Person.objects.filter(access.person_q(user), pk=person.pk).exists()


# The one answer to "no such person" wherever a person is named by ID number and name
# (person_by_identity): it does not say which half did not match.
NO_SUCH_PERSON = _(
    "未找到与该身份证号和姓名相符的已登记人员；如尚未注册，请其先线上注册或由企业邀请"
)


def person_by_identity(*, id_number: str, name: str, among: Q | None = None) -> Person | None:
    """The registered person with this (already validated) ID number and this name, among the
    persons ``among`` admits (default: everyone), or None.

    Whoever names a person by ID number and name (a clerk appointing, a trainer reporting
    hours, a regulator listing or enrolling) must not learn which half was wrong, nor whether
    the person exists outside what they may act on: an unknown number, a known number with
    another name and a person outside ``among`` all give None, after the same one indexed
    query (the keyed hash and ``among`` are in its WHERE clause), and the names are compared in
    constant time, so neither the answer nor its timing tells them apart."""
    # one hash, or under the "both" suite two: a row rotate_data_keys has not moved yet
    qs = Person.objects.filter(id_number_hash__in=crypto.lookup_hashes(id_number))
    if among is not None:
        qs = qs.filter(among)
    found = qs.first()
    typed = " ".join((name or "").split()).encode()
    stored = (found.name if found is not None else "").encode()
    if found is None or not hmac.compare_digest(typed, stored):
        return None
    return found


def appointment_list(
    *, user: Any, status: str = "", q: str = "", region: str = ""
) -> QuerySet[Appointment]:
    qs = Appointment.objects.filter(access.appointment_q(user))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(person__name__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(enterprise__uscc=q.upper())
            | Q(filing_number=q)
        )
    if region:
        qs = qs.filter(
            Q(enterprise__region_id=region)
            | Q(enterprise__region__city_code=region)
            | Q(enterprise__region__province_code=region)
        )
    return qs.select_related("enterprise", "person", "enterprise__region")


def appointment_get(*, user: Any, public_id: Any) -> Appointment:
    try:
        pid = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    appt = (
        Appointment.objects.filter(access.appointment_q(user), public_id=pid)
        .select_related(
            "enterprise", "enterprise__region", "enterprise__industry", "person", "filed_by"
        )
        .first()
    )
    if appt is None:
        raise Http404
    return appt


@dataclass(frozen=True)
class FilingDue:
    """How many days after its start an unfiled appointment is overdue, under a pack's
    ``[filing] due_days``; ``platform_default`` when no document sets it (SPEC §3)."""

    days: int
    clause: str
    platform_default: bool


def filing_due(region: Region | None, on: dt.date) -> FilingDue:
    """The overdue period of the pack governing ``region`` (None: the national default's); the
    CQO_FILING_DUE_DAYS setting where no pack says."""
    try:
        rules = (
            governing_for_region(region, on).rules
            if region is not None
            else _national_default_rules(on)
        )
    except NoPackInForce:
        rules = None
    filing = rules.filing if rules is not None else None
    if filing is None:
        return FilingDue(settings.CQO_FILING_DUE_DAYS, "SPEC §3", True)
    return FilingDue(filing.due_days, filing.due_days_clause, "平台默认" in filing.due_days_clause)


def _national_default_rules(on: dt.date) -> Any:
    version = national_default(on)
    return build([version]).rules if version is not None else None


def overdue(qs: QuerySet[Appointment], today: dt.date) -> QuerySet[Appointment]:
    """The open appointments of ``qs`` started longer ago than the overdue period of the pack
    governing each one's enterprise (指导督促; SPEC §3)."""
    open_ = qs.filter(status__in=OPEN_STATUSES)
    codes = set(open_.values_list("enterprise__region_id", flat=True).distinct())
    by_days: dict[int, list[str]] = {}
    for region in Region.objects.filter(pk__in=codes):
        by_days.setdefault(filing_due(region, today).days, []).append(region.pk)
    late = Q(pk__in=[])
    for days, regions in by_days.items():
        late |= Q(enterprise__region_id__in=regions, start_date__lt=today - dt.timedelta(days))
    return open_.filter(late)


def unfiled_appointment(enterprise: Enterprise) -> Appointment | None:
    """The enterprise's appointment waiting longest for the enterprise to file it (a draft or a
    returned filing, the earliest start first): what a regulator's 督促 to file is about. The
    enterprise is one the caller already holds in its scope (a reminder sent to it)."""
    return (
        Appointment.objects.filter(
            enterprise=enterprise,
            status__in=[Appointment.Status.DRAFT, Appointment.Status.RETURNED],
        )
        .select_related("person")
        .order_by("start_date", "pk")
        .first()
    )


def oversight_queue(*, user: Any, today: dt.date | None = None) -> dict[str, QuerySet[Any]]:
    """指导督促: enterprises in scope without a filed CQO, filings waiting, returned or overdue.

    Overdue (SPEC §3 "filings overdue"): an appointment that started more than the governing
    pack's ``[filing] due_days`` ago and is still not filed. No document sets a deadline: the
    shipped packs carry a platform default, and the pages say so.
    """
    today = today or timezone.localdate()
    ents = with_cqo_status(Enterprise.objects.filter(access.enterprise_q(user)))
    return {
        # cqo_status is an annotation the stubs cannot see
        "without_cqo": ents.exclude(cqo_status="filed").select_related("region", "industry"),  # type: ignore[misc]
        "submitted": appointment_list(user=user, status=Appointment.Status.SUBMITTED).order_by(
            "submitted_at"
        ),
        "returned": appointment_list(user=user, status=Appointment.Status.RETURNED),
        "overdue": overdue(appointment_list(user=user), today).order_by("start_date"),
    }


def reminders_for(*, user: Any) -> QuerySet[Reminder]:
    return Reminder.objects.filter(access.enterprise_q(user, prefix="enterprise")).select_related(
        "enterprise", "sent_by"
    )


def open_reminders(*, user: Any) -> QuerySet[Reminder]:
    """The unread 督促通知 that still stand: one sent before the enterprise's chief CQO was
    filed was answered by that filing, so it no longer says the enterprise has none."""
    answered = Appointment.objects.filter(
        enterprise=OuterRef("enterprise"),
        status=Appointment.Status.FILED,
        filed_at__gte=OuterRef("sent_at"),
    )
    return reminders_for(user=user).filter(read_at__isnull=True).exclude(Exists(answered))


def active_appointment(enterprise: Enterprise, on: dt.date) -> Appointment | None:
    """The enterprise's chief CQO appointment active on ``on`` (SPEC §12.8): filed by that day,
    started, and not yet ended — the end date is the last day served, so an appointment ending
    on ``on`` still counts that day (the same inclusive reading as listing end dates,
    SPEC §12.15)."""
    return (
        Appointment.objects.filter(
            enterprise=enterprise,
            status__in=[Appointment.Status.FILED, Appointment.Status.ENDED],
            filed_at__date__lte=on,
            start_date__lte=on,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("person")
        .order_by("-start_date")
        .first()
    )


__all__ = [
    "PROFILE_REQUIRED",
    "FilingDue",
    "Route",
    "can_review_filing",
    "chief_tenures",
    "eligibility",
    "eligibility_facts",
    "eligibility_view",
    "filing_actions",
    "filing_checks",
    "filing_facts",
    "filing_form_data",
    "filing_route",
    "governing",
    "verdict_record",
]
