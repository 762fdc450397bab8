"""Reading study records and compliance inside the viewer's scope (SPEC §1, §5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.hours import facts, rules
from cqo.hours.models import HourReminder, StudyRecord
from cqo.lib import clock
from cqo.policy.selectors import (
    NoPackInForce,
    build,
    earliest_in_force,
    governing_for_region,
    national_default,
    require_governed,
)
from cqo.reference.models import Region
from cqo.registry.models import Appointment, Person

NOTHING = Q(pk__in=[])


def record_q(user: Any) -> Q:
    """Records of persons the viewer may see; a trainer sees the records it reported."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role in (Role.TRAINER, Role.CERTIFIER):
        return Q(created_by=user)
    if user.role == Role.CQO:
        return Q(person__user=user)
    scope = Person.objects.filter(access.person_q(user)).values("pk")
    return Q(person_id__in=scope)


def effective(qs: QuerySet[StudyRecord]) -> QuerySet[StudyRecord]:
    """Records not superseded by a correction."""
    corrected = StudyRecord.objects.filter(corrects=OuterRef("pk"))
    return qs.exclude(Exists(corrected))


def record_list(
    *, user: Any, person: Person | None = None, year: int | None = None, q: str = ""
) -> Any:
    qs = StudyRecord.objects.filter(record_q(user)).select_related("person", "corrects")
    if person is not None:
        qs = qs.filter(person=person)
    if q:  # a learner's name or a course title
        qs = qs.filter(Q(person__name__icontains=q) | Q(title__icontains=q))
    if year:
        qs = qs.filter(occurred_on__year=year)
    return qs.annotate(superseded=Exists(StudyRecord.objects.filter(corrects=OuterRef("pk"))))


def record_get(*, user: Any, public_id: Any) -> StudyRecord:
    try:
        return StudyRecord.objects.select_related("person", "corrects", "created_by").get(
            record_q(user), public_id=public_id
        )
    except (StudyRecord.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# Compliance -------------------------------------------------------------------------------------


def _year_end(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), clock.today())


def requirement_for_region(region: Region | None, year: int) -> rules.Requirement:
    """The yearly minimum of the pack governing ``region`` (SPEC §4 table, 年度学时); a person
    with no region falls under the national default. A year no pack governs (judged on its last
    day, or today for the current year) is a NoPackInForce naming ``year``; a year after the
    last pack's start keeps that pack (the last day asked is never after today)."""
    on = _year_end(year)
    try:
        if region is not None:
            gov = governing_for_region(region, on)
        else:
            default = national_default(on)
            if default is None:
                earliest = earliest_in_force(None)
                if earliest is not None and on < earliest:
                    raise NoPackInForce(on=on, earliest=earliest)
                return rules.Requirement(None, (), False, "", "")
            gov = build([default])
    except NoPackInForce as exc:
        raise exc.for_field("year", year=year) from None
    training = gov.rules.training
    study = training.study_hours if training is not None else None
    source = gov.section_source("training")
    if study is None:
        return rules.Requirement(None, (), False, "", gov.version.label)
    return rules.Requirement(
        Decimal(study.hours),
        tuple(study.kinds),
        study.in_principle,
        study.clause,
        source.label if source else gov.version.label,
        prospective=study.prospective,
        qualified_only=study.qualified_only,
    )


@dataclass(frozen=True)
class Serving:
    serving: bool
    first_start: dt.date | None
    region: Region | None


def serving_in(person: Person, year: int) -> Serving:
    """Whether the person held a filed appointment in the year (serving CQO), when their first
    one that year started, and the region whose pack governs them (SPEC §12.7)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    appts = (
        Appointment.objects.filter(
            person=person, status__in=[Appointment.Status.FILED, Appointment.Status.ENDED]
        )
        .filter(start_date__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("enterprise__region")
        .order_by("start_date")
    )
    first = appts.first()
    if first is None:
        return Serving(False, None, person.region)
    earlier = Appointment.objects.filter(
        person=person,
        status__in=[Appointment.Status.FILED, Appointment.Status.ENDED],
        start_date__lt=start,
    ).exists()
    latest = appts.last() or first
    return Serving(True, None if earlier else first.start_date, latest.enterprise.region)


def records_of(person: Person, year: int) -> list[rules.Record]:
    return _records_by_person([person.pk], year).get(person.pk, [])


def continuing_of(person_ids: list[int], year: int) -> dict[int, rules.Continuing]:
    """What each certified holder's capability certificate asks for in the year
    (level-standard §9.4.1.2, the certification pack's values), by person id."""
    if not person_ids:
        return {}
    return facts.CONTINUING(person_ids, _year_end(year))


def compliance_for(person: Person, year: int) -> rules.Compliance:
    s = serving_in(person, year)
    return rules.evaluate(
        year=year,
        requirement=requirement_for_region(s.region, year),
        records=records_of(person, year),
        serving=s.serving,
        first_start=s.first_start,
        continuing=continuing_of([person.pk], year).get(person.pk),
    )


@dataclass(frozen=True)
class Row:
    person: Person
    enterprise: str
    region_id: str
    compliance: rules.Compliance


def compliance_rows(
    *,
    user: Any,
    year: int,
    region: str = "",
    q: str = "",
    short_only: bool = False,
    prospective: bool = False,
) -> list[Row]:
    """Serving CQOs in the viewer's scope with their compliance for the year (for regulators,
    departments and the admin; clerks see their own enterprise's), then, with ``prospective``,
    the prospective CQOs registered in a region whose pack binds them (shaanxi-2021 §五(一)).
    Certified holders are measured against level-standard §9.4.1.2 as well. ``user`` None:
    everyone (the reminder job). A year no pack governs for the viewer's region (anywhere, for
    the admin and the job) is a NoPackInForce whether or not anyone served in it."""
    scope_region = getattr(user, "region", None) if user is not None else None
    try:
        require_governed(scope_region, _year_end(year))
    except NoPackInForce as exc:
        raise exc.for_field("year", year=year) from None
    appts = _serving_appointments(user=user, year=year, region=region, q=q)
    first_ever = _start_dates(appts)
    per_person: dict[int, Appointment] = {}
    for a in appts:
        per_person[a.person_id] = a  # the latest appointment of the year governs
    cache: dict[str, rules.Requirement] = {}
    candidates = [
        (a.person, a.enterprise.name, a.enterprise.region, first_ever.get(pid), True)
        for pid, a in per_person.items()
    ]
    if prospective:
        candidates += [
            (p, str(_("拟任")), p.region, None, False)
            for p in _prospective(user=user, year=year, region=region, q=q, serving=per_person)
            if p.region is not None and _requirement(cache, p.region, year).prospective
        ]
    ids = [c[0].pk for c in candidates]
    records = _records_by_person(ids, year)
    continuing = continuing_of(ids, year)
    rows = []
    for person, where, reg, first, serving in candidates:
        c = rules.evaluate(
            year=year,
            requirement=_requirement(cache, reg, year),
            records=records.get(person.pk, []),
            serving=serving,
            first_start=first if first and first.year == year else None,
            continuing=continuing.get(person.pk),
        )
        if short_only and c.met is not False:
            continue
        rows.append(Row(person, where, reg.code, c))
    return rows


def _requirement(
    cache: dict[str, rules.Requirement], region: Region, year: int
) -> rules.Requirement:
    if region.code not in cache:
        cache[region.code] = requirement_for_region(region, year)
    return cache[region.code]


def _prospective(
    *, user: Any, year: int, region: str, q: str, serving: dict[int, Appointment]
) -> QuerySet[Person]:
    """Persons registered online (an account) in the viewer's scope, with no filed appointment
    running in the year: the prospective (拟任) CQOs."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    running = Appointment.objects.filter(
        status__in=[Appointment.Status.FILED, Appointment.Status.ENDED],
        start_date__lte=end,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    qs = (
        Person.objects.filter(access.person_q(user) if user is not None else Q())
        .filter(user__isnull=False, region__isnull=False, created_at__date__lte=end)
        .exclude(pk__in=list(serving))
        .exclude(pk__in=running.values("person_id"))
        .select_related("region")
        .distinct()
        .order_by("name", "pk")
    )
    if region:
        qs = qs.filter(
            Q(region_id=region) | Q(region__city_code=region) | Q(region__province_code=region)
        )
    if q:
        qs = qs.filter(name__contains=q)
    return qs


def _serving_appointments(*, user: Any, year: int, region: str, q: str) -> QuerySet[Appointment]:
    """Filed (or since ended) appointments in the viewer's scope that ran during the year, in
    the region (county, city or province code) and matching ``q`` (person or enterprise name),
    by person, earliest first."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    appts = (
        Appointment.objects.filter(access.appointment_q(user) if user is not None else Q())
        .filter(status__in=[Appointment.Status.FILED, Appointment.Status.ENDED])
        .filter(start_date__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("person", "enterprise__region")
        .order_by("person__name", "start_date")
    )
    if region:
        appts = appts.filter(
            Q(enterprise__region_id=region)
            | Q(enterprise__region__city_code=region)
            | Q(enterprise__region__province_code=region)
        )
    if q:
        appts = appts.filter(Q(person__name__contains=q) | Q(enterprise__name__contains=q))
    return appts


def _start_dates(appts: QuerySet[Appointment]) -> dict[int, dt.date]:
    """The first-ever start date of a filed (or ended) appointment, in any year, for each
    person of ``appts`` (as ``serving_in`` reads it: read latest first, the dict keeps each
    person's earliest)."""
    return {
        pid: d
        for pid, d in Appointment.objects.filter(
            status__in=[Appointment.Status.FILED, Appointment.Status.ENDED],
            person_id__in=appts.values("person_id"),
        )
        .order_by("person_id", "-start_date")
        .values_list("person_id", "start_date")
        .distinct()
    }


def _records_by_person(person_ids: list[int], year: int) -> dict[int, list[rules.Record]]:
    """The effective records of the year of each of ``person_ids``, each marked whether a
    qualified institution organised or reported it (hangzhou-spec 聘用与培训·培训)."""
    rows = list(
        effective(
            StudyRecord.objects.filter(person_id__in=person_ids, occurred_on__year=year)
        ).values_list("pk", "person_id", "kind", "hours", "occurred_on")
    )
    qualified = facts.QUALIFIED_RECORDS([r[0] for r in rows], None) if rows else set()
    records: dict[int, list[rules.Record]] = {}
    for pk, pid, kind, hours, day in rows:
        records.setdefault(pid, []).append(rules.Record(kind, hours, day, pk in qualified, pk))
    return records


def reminders_for(user: Any) -> QuerySet[HourReminder]:
    if getattr(user, "role", None) == Role.CQO:
        return HourReminder.objects.filter(person__user=user, read_at__isnull=True)
    if getattr(user, "role", None) == Role.ENTERPRISE:
        return HourReminder.objects.filter(
            person__appointments__enterprise_id=user.enterprise_id,
            person__appointments__status=Appointment.Status.FILED,
            read_at__isnull=True,
        ).distinct()
    return HourReminder.objects.none()


def reminder_get(*, user: User, pk: int) -> HourReminder:
    """An unread reminder addressed to ``user``; any other answers 404."""
    reminder = reminders_for(user).filter(pk=pk).first()
    if reminder is None:
        raise Http404
    return reminder
