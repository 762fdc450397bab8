"""One active chief CQO per enterprise (SPEC §12.17) holds under concurrent approvals, and the
database itself enforces it (the partial unique index registry_appointment_one_active_chief)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cqo.registry import services
from cqo.registry.models import Appointment, Person
from cqo.test import (
    PASSWORD,
    Personas,
    appointment_data,
    at_once,
    build_personas,
    declare,
    new_id_number,
    person_data,
)


def second_person() -> Person:
    data = person_data(name="陈立新", id_number=new_id_number(birth=dt.date(1983, 9, 9)))
    _user, person = services.person_register(
        details=services.PersonDetails(**{**data, "username": "chenlixin", "password": PASSWORD})
    )
    return person


def two_submitted_filings(p: Personas) -> list[Appointment]:
    filings = []
    for person in (p.person, second_person()):
        appt = services.appointment_create(
            actor=p.clerk_a, terms=services.AppointmentTerms(**appointment_data(person))
        )
        declare(appt)
        filings.append(services.filing_submit(actor=p.clerk_a, appointment=appt))
    return filings


# transaction=True: the two approvals must commit for real, on their own connections. Whichever
# way the backend orders them (SQLite's BEGIN IMMEDIATE, PostgreSQL's row locks, or at the last the
# partial unique index), the second must see the first and refuse.
# serialized_rollback=True: the flush after a transactional test empties every table, including
# the reference regions and industries that a data migration loaded; this restores them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_files_only_one_of_two_concurrent_approvals():
    p = build_personas()
    filings = two_submitted_filings(p)
    results = at_once(
        *[
            lambda appt=appt: services.filing_approve(actor=p.county_a, appointment=appt)
            for appt in filings
        ]
    )
    outcomes: dict[int, Any] = {appt.pk: r for appt, r in zip(filings, results, strict=True)}

    won = [o for o in outcomes.values() if isinstance(o, Appointment)]
    lost = [o for o in outcomes.values() if not isinstance(o, Appointment)]
    assert len(won) == 1, outcomes
    assert len(lost) == 1, outcomes
    assert isinstance(lost[0], ValidationError), repr(lost[0])
    assert "企业同一时间只有一名在任首席质量官（平台规则）" in " ".join(lost[0].messages)

    filed = Appointment.objects.filter(enterprise=p.enterprise_a, status=Appointment.Status.FILED)
    assert list(filed.values_list("pk", flat=True)) == [won[0].pk]
    loser = Appointment.objects.get(pk=next(pk for pk, o in outcomes.items() if o is lost[0]))
    assert loser.status == Appointment.Status.SUBMITTED
    assert loser.filing_number is None


def test_it_enforces_one_filed_chief_in_the_database_itself(personas):
    first, second = two_submitted_filings(personas)
    services.filing_approve(actor=personas.county_a, appointment=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=second.pk).update(status=Appointment.Status.FILED)
    second.refresh_from_db()
    assert second.status == Appointment.Status.SUBMITTED
    assert Appointment.objects.filter(enterprise=personas.enterprise_a, status="filed").count() == 1


def test_it_allows_filed_chiefs_at_different_enterprises_in_the_database(personas):
    first, _second = two_submitted_filings(personas)
    services.filing_approve(actor=personas.county_a, appointment=first)
    appt_b = services.appointment_create(
        actor=personas.clerk_b, terms=services.AppointmentTerms(**appointment_data(personas.person))
    )
    Appointment.objects.filter(pk=appt_b.pk).update(status=Appointment.Status.FILED)
    assert Appointment.objects.filter(status="filed").count() == 2


def test_it_turns_an_index_violation_into_a_validation_error(personas, monkeypatch):
    # The path a race takes if both approvals pass the blocking check: the index refuses and the
    # service answers with the same rule, leaving the loser untouched and the transaction usable.
    first, second = two_submitted_filings(personas)
    services.filing_approve(actor=personas.county_a, appointment=first)
    monkeypatch.setattr(services.filings.selectors, "filing_checks", lambda appt: [])
    with pytest.raises(ValidationError) as exc:
        services.filing_approve(actor=personas.county_a, appointment=second)
    assert isinstance(exc.value.__cause__, IntegrityError)
    assert "SPEC §12.17" in " ".join(exc.value.messages)
    second.refresh_from_db()
    assert (second.status, second.filing_number) == (Appointment.Status.SUBMITTED, None)
    assert Appointment.objects.filter(enterprise=personas.enterprise_a, status="filed").count() == 1
