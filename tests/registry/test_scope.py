"""Data scope (SPEC §1): for every persona, exactly which registry records each selector returns,
and which writes each may make. Scope is decided in cqo.accounts.access alone; these tests go
through the selectors and services that every page and endpoint uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cqo.accounts import access
from cqo.audit.models import AuditEntry
from cqo.registry import selectors, services
from cqo.registry.models import Appointment, Enterprise, Person, Reminder
from cqo.test import (
    COUNTY_A,
    COUNTY_B,
    PASSWORD,
    Personas,
    appointment_data,
    declare,
    file_appointment,
    new_id_number,
    person_data,
)

PERSONAS = [
    "province",
    "city",
    "county_a",
    "county_b",
    "clerk_a",
    "clerk_b",
    "cqo",
    "trainer",
    "certifier",
    "admin",
    "anonymous",
]


@dataclass
class World:
    """enterprise A (Yanta) has a filed CQO, the persona ``cqo``'s person P. Enterprise B
    (Weibin) has a submitted filing of B, a person its clerk invited, and a returned filing of
    X, who registered in Yanta but is appointed in Weibin."""

    p: Personas
    appt_a: Appointment
    person_b: Person
    appt_b: Appointment
    person_x: Person
    appt_x: Appointment
    reminder_a: Reminder
    reminder_b: Reminder

    def user(self, name: str) -> Any:
        return AnonymousUser() if name == "anonymous" else getattr(self.p, name)

    def enterprises(self) -> dict[str, Enterprise]:
        return {"A": self.p.enterprise_a, "B": self.p.enterprise_b}

    def persons(self) -> dict[str, Person]:
        return {"P": self.p.person, "B": self.person_b, "X": self.person_x}

    def appointments(self) -> dict[str, Appointment]:
        return {"A": self.appt_a, "B": self.appt_b, "X": self.appt_x}

    def reminders(self) -> dict[str, Reminder]:
        return {"A": self.reminder_a, "B": self.reminder_b}


@pytest.fixture
def world(personas: Personas) -> World:
    p = personas
    appt_a = file_appointment(p)
    person_b, _token = services.person_invite(
        actor=p.clerk_b,
        details=services.PersonDetails(
            **person_data(
                name="周建华", id_number=new_id_number(birth=dt.date(1987, 5, 2)), region=COUNTY_B
            )
        ),
    )
    appt_b = services.appointment_create(
        actor=p.clerk_b, terms=services.AppointmentTerms(**appointment_data(person_b))
    )
    # the invitee claims the profile and declares (SPEC §12.11: only the person declares)
    services.person_claim(
        token=_token, username="cqo_b", password=PASSWORD, id_number=person_b.id_number
    )
    declare(Appointment.objects.get(pk=appt_b.pk))
    services.filing_submit(actor=p.clerk_b, appointment=appt_b)
    x_id = new_id_number(birth=dt.date(1988, 8, 8), gender="F")
    _user, person_x = services.person_register(
        details=services.PersonDetails(
            **{
                **person_data(name="赵喆", id_number=x_id, region=COUNTY_A),
                "username": "cqo_x",
                "password": PASSWORD,
            }
        ),
    )
    appt_x = services.appointment_create(
        actor=p.clerk_b, terms=services.AppointmentTerms(**appointment_data(person_x))
    )
    declare(appt_x)
    services.filing_submit(actor=p.clerk_b, appointment=appt_x)
    services.filing_return(actor=p.county_b, appointment=appt_x, reason="请补充聘任授权证书扫描件")
    reminder_a = services.reminder_send(
        actor=p.county_a, enterprise=p.enterprise_a, message="请核对首席质量官聘任信息"
    )
    reminder_b = services.reminder_send(
        actor=p.county_b, enterprise=p.enterprise_b, message="请尽快完成首席质量官备案"
    )
    return World(p, appt_a, person_b, appt_b, person_x, appt_x, reminder_a, reminder_b)


ENTERPRISES = {
    "province": {"A", "B"},
    "city": {"A"},
    "county_a": {"A"},
    "county_b": {"B"},
    "clerk_a": {"A"},
    "clerk_b": {"B"},
    "cqo": {"A"},
    "trainer": set(),
    "certifier": set(),
    "admin": {"A", "B"},
    "anonymous": set(),
}
PERSONS = {
    "province": {"P", "B", "X"},
    "city": {"P", "X"},
    "county_a": {"P", "X"},
    "county_b": {"B", "X"},
    "clerk_a": {"P"},
    "clerk_b": {"B", "X"},
    "cqo": {"P"},
    "trainer": set(),
    "certifier": set(),
    "admin": {"P", "B", "X"},
    "anonymous": set(),
}
APPOINTMENTS = {
    "province": {"A", "B", "X"},
    "city": {"A"},
    "county_a": {"A"},
    "county_b": {"B", "X"},
    "clerk_a": {"A"},
    "clerk_b": {"B", "X"},
    "cqo": {"A"},
    "trainer": set(),
    "certifier": set(),
    "admin": {"A", "B", "X"},
    "anonymous": set(),
}


def names(objs: Any, table: dict[str, Any]) -> list[str]:
    """Symbolic names of ``objs`` (a list, so duplicates show)."""
    by_pk = {obj.pk: name for name, obj in table.items()}
    return sorted(by_pk.get(obj.pk, f"unknown {obj.pk}") for obj in objs)


def expected_list(expected: set[str]) -> list[str]:
    return sorted(expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lists_exactly_the_enterprises_in_scope(world, persona):
    user = world.user(persona)
    found = selectors.enterprise_list(user=user)
    assert names(found, world.enterprises()) == expected_list(ENTERPRISES[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gets_an_enterprise_only_in_scope(world, persona):
    user = world.user(persona)
    for name, ent in world.enterprises().items():
        if name in ENTERPRISES[persona]:
            assert selectors.enterprise_get(user=user, uscc=ent.uscc.lower()).pk == ent.pk
        else:
            with pytest.raises(Http404):
                selectors.enterprise_get(user=user, uscc=ent.uscc)


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lists_exactly_the_persons_in_scope(world, persona):
    found = selectors.person_list(user=world.user(persona))
    assert names(found, world.persons()) == expected_list(PERSONS[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gets_a_person_only_in_scope(world, persona):
    user = world.user(persona)
    for name, person in world.persons().items():
        visible = name in PERSONS[persona]
        assert selectors.person_visible(user=user, person=person) is visible
        if visible:
            assert selectors.person_get(user=user, public_id=person.public_id).pk == person.pk
        else:
            with pytest.raises(Http404):
                selectors.person_get(user=user, public_id=person.public_id)


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lists_exactly_the_appointments_in_scope(world, persona):
    found = selectors.appointment_list(user=world.user(persona))
    assert names(found, world.appointments()) == expected_list(APPOINTMENTS[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gets_an_appointment_only_in_scope(world, persona):
    user = world.user(persona)
    for name, appt in world.appointments().items():
        if name in APPOINTMENTS[persona]:
            assert selectors.appointment_get(user=user, public_id=appt.public_id).pk == appt.pk
        else:
            with pytest.raises(Http404):
                selectors.appointment_get(user=user, public_id=appt.public_id)


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_fills_the_oversight_queue_from_the_scope_only(world, persona):
    queue = selectors.oversight_queue(user=world.user(persona))
    sees_b = "B" in ENTERPRISES[persona]
    # Enterprise A has a filed CQO, so only B can lack one; B's filings are the only open ones.
    assert names(queue["without_cqo"], world.enterprises()) == (["B"] if sees_b else [])
    assert names(queue["submitted"], world.appointments()) == (["B"] if sees_b else [])
    assert names(queue["returned"], world.appointments()) == (["X"] if sees_b else [])


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_reminders_of_enterprises_in_scope_only(world, persona):
    found = selectors.reminders_for(user=world.user(persona))
    assert names(found, world.reminders()) == expected_list(ENTERPRISES[persona])


def test_it_lists_each_record_once_when_a_cqo_has_several_appointments(world):
    p = world.p
    services.appointment_end(
        actor=p.clerk_a, appointment=world.appt_a, ended_on=dt.date(2026, 2, 1), reason="resigned"
    )
    file_appointment(p, start_date=dt.date(2026, 3, 1))
    assert names(selectors.enterprise_list(user=p.cqo), world.enterprises()) == ["A"]
    assert names(selectors.reminders_for(user=p.cqo), world.reminders()) == ["A"]
    assert len(selectors.appointment_list(user=p.cqo)) == 2
    assert names(selectors.person_list(user=p.county_a), world.persons()) == ["P", "X"]
    assert names(selectors.person_list(user=p.clerk_a), world.persons()) == ["P"]
    second = Appointment.objects.get(status="filed", enterprise=p.enterprise_a)
    services.appointment_end(
        actor=p.clerk_a, appointment=second, ended_on=dt.date(2026, 4, 1), reason="term_ended"
    )
    assert names(selectors.oversight_queue(user=p.cqo)["without_cqo"], world.enterprises()) == ["A"]
    assert names(selectors.oversight_queue(user=p.admin)["without_cqo"], world.enterprises()) == [
        "A",
        "B",
    ]


def test_it_shows_nothing_to_a_deactivated_regulator(world):
    province = world.p.province
    province.is_active = False
    province.save(update_fields=["is_active"])
    assert not selectors.enterprise_list(user=province).exists()
    assert not selectors.person_list(user=province).exists()
    assert not selectors.appointment_list(user=province).exists()
    assert not selectors.reminders_for(user=province).exists()
    with pytest.raises(Http404):
        selectors.enterprise_get(user=province, uscc=world.p.enterprise_a.uscc)


@pytest.mark.parametrize("public_id", ["", "not-a-uuid", "12345"])
def test_it_answers_404_for_a_malformed_public_id(world, public_id):
    with pytest.raises(Http404):
        selectors.person_get(user=world.p.admin, public_id=public_id)
    with pytest.raises(Http404):
        selectors.appointment_get(user=world.p.admin, public_id=public_id)


def test_it_filters_inside_the_scope_never_beyond_it(world):
    # Asking for another region's records by filter still yields only what the scope allows.
    county_a = world.p.county_a
    assert not selectors.enterprise_list(user=county_a, region=COUNTY_B).exists()
    assert not selectors.enterprise_list(user=county_a, q=world.p.enterprise_b.uscc).exists()
    assert not selectors.appointment_list(user=county_a, q=world.p.enterprise_b.name).exists()
    assert names(selectors.person_list(user=county_a, q="周建华"), world.persons()) == []


# Writes ---------------------------------------------------------------------------------------


@pytest.fixture
def submitted_a(personas: Personas) -> Appointment:
    appt = services.appointment_create(
        actor=personas.clerk_a, terms=services.AppointmentTerms(**appointment_data(personas.person))
    )
    declare(appt)
    return services.filing_submit(actor=personas.clerk_a, appointment=appt)


REVIEWERS = [
    ("county_a", True),
    ("city", True),
    ("province", True),
    ("county_b", False),
    ("clerk_a", False),
    ("clerk_b", False),
    ("cqo", False),
    ("trainer", False),
    ("certifier", False),
    ("admin", False),
]


@pytest.mark.parametrize(("persona", "allowed"), REVIEWERS)
def test_it_lets_only_the_filing_authority_or_a_superior_approve(
    personas, submitted_a, persona, allowed
):
    actor = getattr(personas, persona)
    if allowed:
        appt = services.filing_approve(actor=actor, appointment=submitted_a)
        assert appt.status == Appointment.Status.FILED
        assert appt.filed_by == actor
        # Filed with the county of the enterprise, whoever in the chain approved it.
        assert appt.filing_authority_id == COUNTY_A
    else:
        with pytest.raises(PermissionDenied):
            services.filing_approve(actor=actor, appointment=submitted_a)
        submitted_a.refresh_from_db()
        assert submitted_a.status == Appointment.Status.SUBMITTED


@pytest.mark.parametrize(("persona", "allowed"), REVIEWERS)
def test_it_lets_only_the_filing_authority_or_a_superior_return(
    personas, submitted_a, persona, allowed
):
    actor = getattr(personas, persona)
    if allowed:
        appt = services.filing_return(actor=actor, appointment=submitted_a, reason="职务填写不完整")
        assert appt.status == Appointment.Status.RETURNED
    else:
        with pytest.raises(PermissionDenied):
            services.filing_return(actor=actor, appointment=submitted_a, reason="职务填写不完整")
        submitted_a.refresh_from_db()
        assert submitted_a.status == Appointment.Status.SUBMITTED


@pytest.mark.parametrize(
    "persona", ["clerk_b", "county_a", "city", "province", "cqo", "trainer", "certifier", "admin"]
)
def test_it_lets_only_the_own_clerk_submit_a_filing(personas, persona):
    appt = services.appointment_create(
        actor=personas.clerk_a, terms=services.AppointmentTerms(**appointment_data(personas.person))
    )
    with pytest.raises(PermissionDenied):
        services.filing_submit(actor=getattr(personas, persona), appointment=appt)
    with pytest.raises(PermissionDenied):
        services.appointment_update(
            actor=getattr(personas, persona),
            appointment=appt,
            terms=services.AppointmentTerms(post="总经理助理"),
        )
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.DRAFT
    assert appt.post == appointment_data(personas.person)["post"]


@pytest.mark.parametrize(
    "persona", ["county_a", "province", "cqo", "trainer", "certifier", "admin"]
)
def test_it_lets_only_clerks_record_appointments(personas, persona):
    before = Appointment.objects.count()
    with pytest.raises(PermissionDenied):
        services.appointment_create(
            actor=getattr(personas, persona),
            terms=services.AppointmentTerms(**appointment_data(personas.person)),
        )
    assert Appointment.objects.count() == before


def test_it_does_not_let_another_clerk_renew_or_end_a_filing(personas):
    appt = file_appointment(personas)
    with pytest.raises(PermissionDenied):
        services.appointment_renew(
            actor=personas.clerk_b, appointment=appt, term_end=dt.date(2030, 12, 31)
        )
    with pytest.raises(PermissionDenied):
        services.appointment_end(
            actor=personas.clerk_b,
            appointment=appt,
            ended_on=dt.date(2026, 2, 1),
            reason="resigned",
        )
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.FILED
    assert appt.term_end is None


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin", True),
        ("province", True),
        ("city", True),
        ("county_a", True),
        ("clerk_a", True),
        ("county_b", False),
        ("clerk_b", False),
        ("cqo", False),
        ("trainer", False),
        ("certifier", False),
    ],
)
def test_it_lets_only_the_scope_update_an_enterprise(personas, persona, allowed):
    ent = personas.enterprise_a
    actor = getattr(personas, persona)
    if allowed:
        services.enterprise_update(
            actor=actor, enterprise=ent, details=services.EnterpriseDetails(employees=400)
        )
        ent.refresh_from_db()
        assert ent.employees == 400
    else:
        audits = AuditEntry.objects.count()
        with pytest.raises(PermissionDenied):
            services.enterprise_update(
                actor=actor, enterprise=ent, details=services.EnterpriseDetails(employees=400)
            )
        ent.refresh_from_db()
        assert ent.employees == 320
        assert AuditEntry.objects.count() == audits


def test_it_does_not_let_a_county_register_an_enterprise_elsewhere(personas):
    from cqo.test import enterprise_data

    before = Enterprise.objects.count()
    with pytest.raises(PermissionDenied):
        services.enterprise_create(
            actor=personas.county_b, details=services.EnterpriseDetails(**enterprise_data())
        )
    assert Enterprise.objects.count() == before


def test_it_does_not_let_a_regulator_move_an_enterprise_out_of_its_scope(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.enterprise_update(
            actor=personas.county_a,
            enterprise=personas.enterprise_a,
            details=services.EnterpriseDetails(region=COUNTY_B),
        )
    assert "region" in exc.value.message_dict
    personas.enterprise_a.refresh_from_db()
    assert personas.enterprise_a.region_id == COUNTY_A


def test_it_does_not_let_a_county_urge_an_enterprise_elsewhere(personas):
    with pytest.raises(PermissionDenied):
        services.reminder_send(
            actor=personas.county_b, enterprise=personas.enterprise_a, message="请尽快完成备案"
        )
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("persona", ["clerk_b", "county_a", "province", "trainer", "certifier"])
def test_it_does_not_let_others_edit_a_registered_persons_profile(personas, persona):
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=getattr(personas, persona),
            person=personas.person,
            details=services.PersonDetails(position="总经理"),
        )
    personas.person.refresh_from_db()
    assert personas.person.position == "副总经理"


@pytest.mark.parametrize("field", ["id_number", "mobile"])
@pytest.mark.parametrize("persona", ["county_b", "clerk_b", "trainer", "certifier"])
def test_it_does_not_reveal_personal_data_outside_the_scope(world, persona, field):
    user = world.user(persona)
    person = world.p.person  # registered in Yanta, filed at enterprise A
    honest = selectors.person_visible(user=user, person=person)
    assert honest is False
    with pytest.raises(PermissionDenied):
        services.personal_reveal(actor=user, person=person, field=field, visible=honest)
    # The service decides scope itself: a caller that claims visibility gains nothing.
    with pytest.raises(PermissionDenied):
        services.personal_reveal(actor=user, person=person, field=field, visible=True)
    assert not AuditEntry.objects.filter(action="unmask").exists()


@pytest.mark.parametrize("persona", ["county_a", "city", "province", "cqo", "admin"])
def test_it_reveals_personal_data_in_scope_and_logs_the_view(world, persona):
    user = world.user(persona)
    person = world.p.person
    value = services.personal_reveal(actor=user, person=person, field="id_number", visible=True)
    assert value == person.id_number
    entry = AuditEntry.objects.get(action="unmask")
    assert entry.actor == user
    assert entry.target_id == str(person.public_id)
    assert entry.note == "id_number"
    assert value not in str(entry.changes) + entry.note + entry.target_repr


@pytest.mark.parametrize("field", ["id_number", "mobile"])
def test_it_reveals_nothing_to_a_clerk_who_drafted_an_appointment_of_a_stranger(world, field):
    # A clerk elsewhere who knows a person's ID number and name drafts an appointment of them:
    # the person now shows in that clerk's scope, but not their contact data (SPEC §12.23).
    person = world.p.person
    services.appointment_create(
        actor=world.p.clerk_b, terms=services.AppointmentTerms(**appointment_data(person))
    )
    assert selectors.person_visible(user=world.p.clerk_b, person=person)
    assert not access.can_see_contact(world.p.clerk_b, person)
    with pytest.raises(PermissionDenied):
        services.personal_reveal(actor=world.p.clerk_b, person=person, field=field, visible=True)
    assert not AuditEntry.objects.filter(action="unmask").exists()


def test_it_reveals_to_the_clerk_once_the_person_confirmed_the_appointment(world):
    person = world.p.person
    with pytest.raises(PermissionDenied):
        services.personal_reveal(actor=world.p.clerk_a, person=person, field="mobile", visible=True)
    services.appointment_confirm(actor=world.p.cqo, appointment=world.appt_a)
    value = services.personal_reveal(
        actor=world.p.clerk_a, person=person, field="mobile", visible=True
    )
    assert value == person.mobile
    assert AuditEntry.objects.filter(action="unmask", actor=world.p.clerk_a).count() == 1
    # the confirmation was for enterprise A: enterprise B's clerk still sees nothing
    assert not access.can_see_contact(world.p.clerk_b, person)
