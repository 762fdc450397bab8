"""Registration, appointment and filing (SPEC §3) through the services: the filing's life,
its audit trail (SPEC §10), the one-chief rule (SPEC §12.17), identity cross-checks, rare
characters, invitations and encryption at rest."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cqo.accounts.models import Role, User
from cqo.audit.models import AuditEntry
from cqo.lib import clock
from cqo.registry import selectors, services
from cqo.registry.models import Appointment, Enterprise, Person, Qualification
from cqo.test import (
    PASSWORD,
    Personas,
    appointment_data,
    declare,
    file_appointment,
    new_id_number,
    person_data,
)

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    # The services date every rule ("not in the future", "later than today") by this one clock.
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def trail(appt: Appointment) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            target_type="appointment", target_id=str(appt.public_id)
        ).order_by("id")
    )


def register(name: str, birth: dt.date, username: str, gender: str = "M", **extra: Any) -> Person:
    data = person_data(name=name, id_number=new_id_number(birth=birth, gender=gender), **extra)
    _user, person = services.person_register(
        details=services.PersonDetails(**{**data, "username": username, "password": PASSWORD})
    )
    return person


def fields_of(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# The filing's life ------------------------------------------------------------------------------


def test_it_walks_a_filing_from_draft_to_end_auditing_every_step(personas: Personas):
    p = personas
    appt = services.appointment_create(
        actor=p.clerk_a, terms=services.AppointmentTerms(**appointment_data(p.person))
    )
    assert appt.status == Appointment.Status.DRAFT
    [created] = trail(appt)
    assert (created.action, created.actor) == ("create", p.clerk_a)
    assert created.changes["post"] == [None, "副总经理兼首席质量官"]
    assert created.changes["start_date"] == [None, "2026-01-01"]

    declare(appt)
    services.filing_submit(actor=p.clerk_a, appointment=appt)
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.SUBMITTED
    assert appt.form_date == TODAY
    assert trail(appt)[-1].changes == {
        "status": ["draft", "submitted"],
        # the rules it is judged under are recorded with it (SPEC §4)
        "pack_version": [
            None,
            "陕西省 关于深化企业首席质量官制度的意见（陕质委办〔2021〕15号，2021-08-24 起施行）",
        ],
    }
    assert appt.pack_version is not None and appt.pack_version.pack.slug == "shaanxi-2021"

    for reason in ["", "   ", "不全", "补充 ", "不完整", " 不完整 "]:
        with pytest.raises(ValidationError) as exc:
            services.filing_return(actor=p.county_a, appointment=appt, reason=reason)
        assert fields_of(exc) == {"reason"}
    assert len(trail(appt)) == 3  # created, the person's declaration, submitted
    services.filing_return(actor=p.county_a, appointment=appt, reason=" 补充材料 ")  # 4 characters
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.RETURNED
    assert appt.return_reason == "补充材料"
    returned = trail(appt)[-1]
    assert (returned.action, returned.actor) == ("transition", p.county_a)
    assert returned.changes == {"status": ["submitted", "returned"]}
    assert returned.note == "补充材料"

    services.appointment_update(
        actor=p.clerk_a,
        appointment=appt,
        terms=services.AppointmentTerms(post="质量副总经理", term_end="2028-12-31"),
    )
    corrected = trail(appt)[-1]
    assert corrected.action == "update"
    assert corrected.changes == {
        "post": ["副总经理兼首席质量官", "质量副总经理"],
        "term_end": [None, "2028-12-31"],
    }

    services.filing_submit(actor=p.clerk_a, appointment=appt)
    assert trail(appt)[-1].changes == {"status": ["returned", "submitted"]}

    services.filing_approve(actor=p.county_a, appointment=appt)
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.FILED
    assert appt.filed_by == p.county_a
    assert appt.filing_number.startswith("610113")
    assert appt.return_reason == ""
    assert appt.snapshot["appointment"]["post"] == "质量副总经理"
    assert trail(appt)[-1].changes == {"status": ["submitted", "filed"]}

    for term_end in [dt.date(2028, 12, 31), dt.date(2027, 6, 30), "2028-12-31", TODAY]:
        with pytest.raises(ValidationError) as exc:
            services.appointment_renew(actor=p.clerk_a, appointment=appt, term_end=term_end)
        assert fields_of(exc) == {"term_end"}
    with pytest.raises(ValidationError) as exc:
        services.appointment_renew(actor=p.clerk_a, appointment=appt, term_end="2031-02-30")
    assert fields_of(exc) == {"term_end"}
    services.appointment_renew(actor=p.clerk_a, appointment=appt, term_end="2031-12-31")
    appt.refresh_from_db()
    assert (appt.status, appt.term_end) == (Appointment.Status.FILED, dt.date(2031, 12, 31))
    assert trail(appt)[-1].changes == {"term_end": ["2028-12-31", "2031-12-31"]}

    bad_ends = [
        (dt.date(2025, 12, 31), "resigned", "ended_on"),  # before the start date
        (TODAY + dt.timedelta(days=1), "resigned", "ended_on"),  # in the future
        ("2026-13-01", "resigned", "ended_on"),
        (dt.date(2026, 6, 1), "fired", "reason"),
        (dt.date(2026, 6, 1), "", "reason"),
    ]
    for ended_on, reason, field in bad_ends:
        with pytest.raises(ValidationError) as exc:
            services.appointment_end(
                actor=p.clerk_a, appointment=appt, ended_on=ended_on, reason=reason
            )
        assert fields_of(exc) == {field}
    services.appointment_end(
        actor=p.clerk_a, appointment=appt, ended_on=TODAY, reason="resigned", note="个人原因离职"
    )
    appt.refresh_from_db()
    assert (appt.status, appt.ended_on, appt.end_reason) == ("ended", TODAY, "resigned")
    ended = trail(appt)[-1]
    assert ended.changes == {"status": ["filed", "ended"], "end_reason": [None, "resigned"]}
    assert ended.note == "个人原因离职"

    # One entry per step, none for the rejected attempts.
    entries = trail(appt)
    assert [e.action for e in entries] == [
        "create",
        "transition",  # the person's declaration (SPEC §12.11)
        "transition",
        "transition",
        "update",
        "transition",
        "transition",
        "transition",
        "transition",
    ]
    assert [e.actor for e in entries] == [
        p.clerk_a,
        p.cqo,
        p.clerk_a,
        p.county_a,
        p.clerk_a,
        p.clerk_a,
        p.county_a,
        p.clerk_a,
        p.clerk_a,
    ]


def test_it_lets_a_filing_end_on_the_day_it_started(personas):
    appt = file_appointment(personas, start_date=TODAY)
    services.appointment_end(
        actor=personas.clerk_a, appointment=appt, ended_on=TODAY, reason="dismissed"
    )
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.ENDED


ACTIONS = ["submit", "approve", "return", "update", "renew", "end"]
VALID = {
    "draft": {"submit", "update"},
    "submitted": {"approve", "return"},
    "returned": {"submit", "update"},
    "filed": {"renew", "end"},
    "ended": set(),
}


def in_state(p: Personas, state: str) -> Appointment:
    appt = services.appointment_create(
        actor=p.clerk_a, terms=services.AppointmentTerms(**appointment_data(p.person))
    )
    declare(appt)
    if state == "draft":
        return appt
    services.filing_submit(actor=p.clerk_a, appointment=appt)
    if state == "returned":
        services.filing_return(actor=p.county_a, appointment=appt, reason="请补充分管部门")
    if state in ("filed", "ended"):
        services.filing_approve(actor=p.county_a, appointment=appt)
    if state == "ended":
        services.appointment_end(
            actor=p.clerk_a, appointment=appt, ended_on=dt.date(2026, 2, 1), reason="resigned"
        )
    appt.refresh_from_db()
    assert appt.status == state
    return appt


def act(p: Personas, action: str, appt: Appointment) -> Any:
    if action == "submit":
        return services.filing_submit(actor=p.clerk_a, appointment=appt)
    if action == "approve":
        return services.filing_approve(actor=p.county_a, appointment=appt)
    if action == "return":
        return services.filing_return(actor=p.county_a, appointment=appt, reason="请补充分管部门")
    if action == "update":
        return services.appointment_update(
            actor=p.clerk_a, appointment=appt, terms=services.AppointmentTerms(post="质量总监")
        )
    if action == "renew":
        return services.appointment_renew(actor=p.clerk_a, appointment=appt, term_end="2030-12-31")
    return services.appointment_end(
        actor=p.clerk_a, appointment=appt, ended_on=TODAY, reason="term_ended"
    )


@pytest.mark.parametrize(
    ("state", "action"),
    [(s, a) for s in VALID for a in ACTIONS if a not in VALID[s]],
)
def test_it_rejects_an_invalid_transition_naming_the_status(personas, state, action):
    appt = in_state(personas, state)
    entries = len(trail(appt))
    with pytest.raises(ValidationError) as exc:
        act(personas, action, appt)
    assert fields_of(exc) == {"status"}
    appt.refresh_from_db()
    assert appt.status == state
    assert len(trail(appt)) == entries


@pytest.mark.parametrize(("state", "action"), [(s, a) for s in VALID for a in sorted(VALID[s])])
def test_it_allows_each_valid_transition(personas, state, action):
    act(personas, action, in_state(personas, state))


# One active chief per enterprise (SPEC §12.17) --------------------------------------------------


def test_it_blocks_approving_a_second_chief_while_one_is_filed(personas):
    p = personas
    other = register("陈立新", dt.date(1983, 9, 9), "chenlixin")
    first = services.appointment_create(
        actor=p.clerk_a, terms=services.AppointmentTerms(**appointment_data(p.person))
    )
    second = services.appointment_create(
        actor=p.clerk_a, terms=services.AppointmentTerms(**appointment_data(other))
    )
    declare(first)
    services.filing_submit(actor=p.clerk_a, appointment=first)
    declare(second)
    services.filing_submit(actor=p.clerk_a, appointment=second)
    services.filing_approve(actor=p.county_a, appointment=first)
    with pytest.raises(ValidationError) as exc:
        services.filing_approve(actor=p.county_a, appointment=second)
    assert "企业同一时间只有一名在任首席质量官（平台规则）" in " ".join(exc.value.messages)
    second.refresh_from_db()
    assert second.status == Appointment.Status.SUBMITTED
    assert trail(second)[-1].changes["status"] == ["draft", "submitted"]
    assert Appointment.objects.filter(enterprise=p.enterprise_a, status="filed").count() == 1


def test_it_blocks_submitting_a_second_chief_while_one_is_filed(personas):
    p = personas
    file_appointment(p)
    other = register("陈立新", dt.date(1983, 9, 9), "chenlixin")
    second = services.appointment_create(
        actor=p.clerk_a, terms=services.AppointmentTerms(**appointment_data(other))
    )
    declare(second)
    with pytest.raises(ValidationError) as exc:
        services.filing_submit(actor=p.clerk_a, appointment=second)
    assert "企业同一时间只有一名在任首席质量官（平台规则）" in " ".join(exc.value.messages)
    second.refresh_from_db()
    assert second.status == Appointment.Status.DRAFT


def test_it_files_a_successor_once_the_chief_has_ended(personas):
    p = personas
    first = file_appointment(p)
    services.appointment_end(
        actor=p.clerk_a, appointment=first, ended_on=dt.date(2026, 5, 31), reason="resigned"
    )
    other = register("陈立新", dt.date(1983, 9, 9), "chenlixin")
    second = file_appointment(p, person=other, start_date=dt.date(2026, 6, 1))
    assert second.status == Appointment.Status.FILED


def test_it_lets_one_person_be_chief_at_two_enterprises_with_a_warning(personas):
    p = personas
    file_appointment(p)
    appt_b = services.appointment_create(
        actor=p.clerk_b, terms=services.AppointmentTerms(**appointment_data(p.person))
    )
    checks = {c.code: c for c in selectors.filing_checks(appt_b)}
    assert checks["single_enterprise"].ok is False
    assert checks["single_enterprise"].severity == "advisory"
    declare(appt_b)
    services.filing_submit(actor=p.clerk_b, appointment=appt_b)
    services.filing_approve(actor=p.county_b, appointment=appt_b)
    assert Appointment.objects.filter(person=p.person, status="filed").count() == 2


# Audit trail and masking (SPEC §10) -------------------------------------------------------------


def all_audit_text() -> str:
    return json.dumps(
        [[e.changes, e.note, e.target_repr] for e in AuditEntry.objects.all()], ensure_ascii=False
    )


def test_it_audits_field_changes_with_masked_personal_values_only(personas):
    p = personas
    old_id, old_mobile = p.person.id_number, p.person.mobile
    appt = file_appointment(p)
    services.person_update(
        actor=p.cqo,
        person=p.person,
        details=services.PersonDetails(position="总经理", mobile="13922223333"),
    )
    entry = AuditEntry.objects.filter(target_type="person", action="update").latest("id")
    assert entry.actor == p.cqo
    assert entry.changes == {
        "position": ["副总经理", "总经理"],
        "mobile_masked": ["138****8000", "139****3333"],
    }
    services.enterprise_update(
        actor=p.clerk_a,
        enterprise=p.enterprise_a,
        details=services.EnterpriseDetails(employees=400, responsible_mobile="13700002222"),
    )
    entry = AuditEntry.objects.filter(target_type="enterprise", action="update").latest("id")
    assert entry.target_id == p.enterprise_a.uscc
    assert entry.changes == {
        "employees": [320, 400],
        "responsible_mobile_masked": ["139****1111", "137****2222"],
    }
    services.personal_reveal(actor=p.county_a, person=p.person, field="id_number", visible=True)
    services.appointment_end(
        actor=p.clerk_a, appointment=appt, ended_on=TODAY, reason="resigned", note="已离职"
    )

    text = all_audit_text()
    assert p.person.id_number_masked in text
    for plain in [old_id, old_mobile, "13922223333", "13900001111", "13700002222"]:
        assert plain not in text


def test_it_records_no_audit_entry_for_a_change_that_changes_nothing(personas):
    before = AuditEntry.objects.count()
    services.enterprise_update(
        actor=personas.clerk_a,
        enterprise=personas.enterprise_a,
        details=services.EnterpriseDetails(employees=320),
    )
    services.person_update(
        actor=personas.cqo,
        person=personas.person,
        details=services.PersonDetails(position="副总经理"),
    )
    assert AuditEntry.objects.count() == before


def test_it_keeps_the_filed_snapshot_when_the_records_change_later(personas):
    p = personas
    appt = file_appointment(p)
    filed = json.loads(json.dumps(selectors.filing_form_data(appt)))
    services.person_update(
        actor=p.cqo,
        person=p.person,
        details=services.PersonDetails(name="李堃明", position="总经理", mobile="13922223333"),
    )
    services.enterprise_update(
        actor=p.clerk_a,
        enterprise=p.enterprise_a,
        details=services.EnterpriseDetails(name="西安示例精密科技股份有限公司"),
    )
    appt = Appointment.objects.get(pk=appt.pk)
    assert selectors.filing_form_data(appt) == filed
    assert filed["person"]["name"] == "李堃"
    assert filed["person"]["mobile_masked"] == "138****8000"
    assert filed["enterprise"]["name"] == "西安示例精密制造有限公司"
    live = selectors.filing_form_data(appt, frozen=False)
    assert live["person"]["name"] == "李堃明"
    assert live["enterprise"]["name"] == "西安示例精密科技股份有限公司"


# Registration (线上注册) --------------------------------------------------------------------------

BIRTH = dt.date(1990, 7, 1)


def counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        User.objects.count(),
        Qualification.objects.count(),
        AuditEntry.objects.count(),
    )


def registration(**overrides: Any) -> dict[str, Any]:
    data = person_data(id_number=new_id_number(birth=BIRTH, gender="F"), name="孙丽")
    data.update(
        username="sunli",
        password=PASSWORD,
        gender="F",
        birth_date="1990-07-01",
        qualifications=[{"kind": "professional_title", "name": "工程师", "level": "intermediate"}],
    )
    data.update(overrides)
    return data


def test_it_registers_a_person_whose_details_agree_with_the_id_number(personas):
    user, person = services.person_register(details=services.PersonDetails(**registration()))
    assert user.role == Role.CQO
    assert person.user == user
    assert (person.gender, person.birth_date) == ("F", BIRTH)
    assert person.qualifications.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"gender": "M"}, "gender"),
        ({"birth_date": "1990-07-02"}, "birth_date"),
        ({"birth_date": dt.date(1991, 7, 1)}, "birth_date"),
        ({"birth_date": "1990/07/01"}, "birth_date"),
        ({"mobile": "12345"}, "mobile"),
        ({"mobile": "23800138000"}, "mobile"),
        ({"mobile": ""}, "mobile"),
        ({"id_number": "610113199007011234"}, "id_number"),
        ({"id_number": ""}, "id_number"),
        ({"name": "孙丽; DROP TABLE"}, "name"),
        ({"email": "sunli@"}, "email"),
        ({"username": "cqo"}, "username"),
        (
            {"qualifications": [{"kind": "degree", "name": "学士", "level": "x"}]},
            "qualifications.0.kind",
        ),
    ],
)
def test_it_rejects_a_registration_and_saves_nothing(personas, overrides, field):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.person_register(details=services.PersonDetails(**registration(**overrides)))
    assert field in fields_of(exc)
    assert counts() == before


def test_it_rejects_a_duplicate_id_number_and_saves_nothing(personas):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.person_register(
            details=services.PersonDetails(
                **registration(
                    id_number=personas.person.id_number, gender="M", birth_date="1985-03-14"
                )
            )
        )
    assert fields_of(exc) == {"id_number"}
    assert "邀请" in exc.value.message_dict["id_number"][0]
    assert counts() == before


def test_it_reports_every_problem_of_a_registration_at_once(personas):
    with pytest.raises(ValidationError) as exc:
        services.person_register(
            details=services.PersonDetails(**registration(gender="M", mobile="1", email="x"))
        )
    assert {"gender", "mobile", "email"} <= fields_of(exc)


RARE_NAMES = ["𠮷祥", "王堃", "陈喆"]


def test_it_stores_and_finds_names_with_rare_characters(personas):
    people = {
        name: register(name, dt.date(1984 + i, 4, 4), f"rare{i}", gender="F")
        for i, name in enumerate(RARE_NAMES)
    }
    assert ord("𠮷祥"[0]) == 0x20BB7  # outside the BMP: a four-byte character in UTF-8
    for name, person in people.items():
        assert Person.objects.get(pk=person.pk).name == name
        with connection.cursor() as cur:
            cur.execute("SELECT name FROM registry_person WHERE id = %s", [person.pk])
            assert cur.fetchone()[0] == name
    province = personas.province

    def found(q: str) -> set[str]:
        return {x.name for x in selectors.person_list(user=province, q=q)}

    assert found("𠮷") == {"𠮷祥"}
    assert found("堃") == {"王堃", "李堃"}
    assert found("喆") == {"陈喆"}
    assert found("𠮷祥") == {"𠮷祥"}

    # The name checks of the appointment path compare it unchanged.
    appt = file_appointment(personas, person=people["𠮷祥"])
    assert appt.snapshot["person"]["name"] == "𠮷祥"
    assert [a.pk for a in selectors.appointment_list(user=province, q="𠮷")] == [appt.pk]


def test_it_rejects_an_appointment_whose_name_does_not_match_the_id_number(personas):
    before = Appointment.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.appointment_create(
            actor=personas.clerk_a,
            terms=services.AppointmentTerms(
                **appointment_data(personas.person, person_name="李坤")
            ),
        )
    assert fields_of(exc) == {"id_number"}
    wrong_name = exc.value.message_dict["id_number"]
    # an unknown number gets the same words: the clerk cannot tell which half was wrong
    with pytest.raises(ValidationError) as exc:
        services.appointment_create(
            actor=personas.clerk_a,
            terms=services.AppointmentTerms(
                **appointment_data(personas.person, id_number=new_id_number())
            ),
        )
    assert exc.value.message_dict["id_number"] == wrong_name
    assert Appointment.objects.count() == before


# Invitation -------------------------------------------------------------------------------------


def test_it_binds_an_invited_person_to_the_account_that_claims_it(personas):
    p = personas
    id_number = new_id_number(birth=dt.date(1986, 6, 6), gender="F")
    person, token = services.person_invite(
        actor=p.clerk_a,
        details=services.PersonDetails(**person_data(name="王喆", id_number=id_number, region="")),
    )
    assert person.user is None
    assert person.invited_by == p.enterprise_a
    assert person.region_id == p.enterprise_a.region_id
    assert token not in person.invite_token_hash

    before = counts()
    wrong_id = new_id_number(birth=dt.date(1986, 6, 7), gender="F")
    with pytest.raises(ValidationError) as exc:
        services.person_claim(
            token=token, username="wangzhe", password=PASSWORD, id_number=wrong_id
        )
    assert fields_of(exc) == {"id_number"}
    with pytest.raises(ValidationError) as exc:
        services.person_claim(
            token=token + "x", username="wangzhe", password=PASSWORD, id_number=id_number
        )
    assert fields_of(exc) == {"token"}
    assert counts() == before
    person.refresh_from_db()
    assert person.user is None

    user = services.person_claim(
        token=token, username="wangzhe", password=PASSWORD, id_number=id_number
    )
    person.refresh_from_db()
    assert person.user == user
    assert user.role == Role.CQO
    assert user.check_password(PASSWORD)
    assert selectors.person_get(user=user, public_id=person.public_id) == person
    claimed = AuditEntry.objects.filter(target_type="person", action="update").latest("id")
    assert (claimed.actor, claimed.changes) == (user, {"user": [None, "wangzhe"]})

    with pytest.raises(ValidationError) as exc:
        services.person_claim(
            token=token, username="wangzhe2", password=PASSWORD, id_number=id_number
        )
    assert fields_of(exc) == {"token"}
    assert not User.objects.filter(username="wangzhe2").exists()
    # Once claimed, the profile is the person's own: the inviting clerk no longer edits it.
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=p.clerk_a, person=person, details=services.PersonDetails(position="总经理")
        )


def test_it_lets_the_inviting_clerk_file_the_invited_person(personas):
    p = personas
    id_number = new_id_number(birth=dt.date(1986, 6, 6))
    person, token = services.person_invite(
        actor=p.clerk_a,
        details=services.PersonDetails(**person_data(name="刘建国", id_number=id_number)),
    )
    services.person_update(
        actor=p.clerk_a, person=person, details=services.PersonDetails(position="质量总监")
    )
    # only the person declares (SPEC §12.11): the invitee claims the profile before the filing
    services.person_claim(
        token=token, username="liujianguo", password=PASSWORD, id_number=id_number
    )
    person.refresh_from_db()
    assert file_appointment(p, person=person).status == Appointment.Status.FILED


# Encryption at rest -----------------------------------------------------------------------------


def raw_row(model: type[Any], pk: int) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608  (table name is ours)
        row = cur.fetchone()
    return " ".join(str(v) for v in row)


def test_it_keeps_id_numbers_and_mobiles_encrypted_at_rest(personas):
    p = personas
    appt = file_appointment(p)
    person = Person.objects.get(pk=p.person.pk)
    id_number, mobile = person.id_number, person.mobile
    assert (len(id_number), len(mobile)) == (18, 11)

    row = raw_row(Person, person.pk)
    assert id_number not in row
    assert mobile not in row
    assert person.id_number_masked in row
    assert person.mobile_masked in row

    ent_row = raw_row(Enterprise, p.enterprise_a.pk)
    assert "13900001111" not in ent_row
    # The frozen filing form keeps the personal numbers encrypted too.
    appt_row = raw_row(Appointment, appt.pk)
    assert id_number not in appt_row
    assert mobile not in appt_row
    assert "13900001111" not in appt_row

    # Equality lookups use the keyed hash, so an ID number still finds its person.
    assert Person.objects.get(id_number_hash=Person(id_number=id_number).id_number_hash) == person
