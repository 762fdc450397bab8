"""指导督促 over the API (shaanxi-2021 §五(三)): the regulators' oversight queue, and reminders
sent to enterprises, listed, and acknowledged by the enterprise's clerk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from cqo.audit.models import AuditEntry
from cqo.registry import services
from cqo.registry.models import Appointment, Reminder
from cqo.test import COUNTY_B, PASSWORD, Personas, appointment_data, declare, person_data
from tests.registry.test_api import callers, fields, submitted, today

MESSAGE = "请尽快完成首席质量官线上注册和聘任信息备案。"


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def remind(p: Personas, enterprise: Any = None, sender: Any = None) -> Reminder:
    return services.reminder_send(
        actor=sender or p.county_a, enterprise=enterprise or p.enterprise_a, message=MESSAGE
    )


# POST /enterprises/{uscc}/reminders -----------------------------------------------------------


@pytest.mark.parametrize("sender", ["county_a", "city", "province"])
def test_it_sends_a_reminder_in_scope(personas: Personas, as_: Any, sender: str) -> None:
    url = f"/enterprises/{personas.enterprise_a.uscc.lower()}/reminders"
    response = as_(getattr(personas, sender)).post(url, {"message": f"  {MESSAGE} "})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["enterprise"], body["sent_by"], body["message"]) == (
        personas.enterprise_a.uscc,
        sender if sender != "province" else "prov",
        MESSAGE,
    )
    assert body["read_at"] is None
    assert personas.enterprise_a.reminders.get().pk == body["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message": "快点"}, "message"),
        ({"message": "   "}, "message"),
        ({"message": "督" * 2001}, "message"),
        ({}, "message"),
        ({"message": None}, "message"),
    ],
)
def test_it_rejects_an_invalid_reminder(
    personas: Personas, as_: Any, body: dict[str, Any], field: str
) -> None:
    url = f"/enterprises/{personas.enterprise_a.uscc}/reminders"
    assert fields(as_(personas.county_a).post(url, body)) == {field}
    assert not Reminder.objects.exists()


def test_it_rejects_a_reminder_outside_scope(personas: Personas, as_: Any) -> None:
    url = f"/enterprises/{personas.enterprise_a.uscc}/reminders"
    for user in (personas.county_b, personas.clerk_b, personas.trainer):
        assert as_(user).post(url, {"message": MESSAGE}).status_code == 404, user
    assert not Reminder.objects.exists()


def test_it_forbids_an_enterprise_to_remind_itself(personas: Personas, as_: Any) -> None:
    url = f"/enterprises/{personas.enterprise_a.uscc}/reminders"
    assert as_(personas.clerk_a).post(url, {"message": MESSAGE}).status_code == 403
    assert as_(personas.admin).post(url, {"message": MESSAGE}).status_code == 403
    assert not Reminder.objects.exists()


# GET /reminders -------------------------------------------------------------------------------


def test_it_lists_the_reminders_in_scope(personas: Personas, as_: Any) -> None:
    to_a = remind(personas)
    to_b = remind(personas, personas.enterprise_b, personas.province)

    def ids(user: Any, **params: Any) -> list[int]:
        response = as_(user).get("/reminders", **params)
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["items"]]

    assert ids(personas.clerk_a) == [to_a.pk]
    assert ids(personas.county_a) == [to_a.pk]
    assert ids(personas.clerk_b) == [to_b.pk]
    assert ids(personas.county_b) == [to_b.pk]
    assert ids(personas.province) == [to_b.pk, to_a.pk]  # newest first
    assert ids(personas.trainer) == []
    assert ids(personas.province, enterprise=personas.enterprise_a.uscc.lower()) == [to_a.pk]
    assert ids(personas.county_b, enterprise=personas.enterprise_a.uscc) == []
    page = as_(personas.province).get("/reminders", limit=1, offset=1).json()
    assert (page["count"], [r["id"] for r in page["items"]]) == (2, [to_a.pk])


def test_it_lists_only_the_unread_reminders(personas: Personas, as_: Any) -> None:
    first, second = remind(personas), remind(personas)
    services.reminder_mark_read(actor=personas.clerk_a, reminder=first)
    body = as_(personas.clerk_a).get("/reminders", unread="true").json()
    assert [r["id"] for r in body["items"]] == [second.pk]


def test_it_records_who_read_a_reminder_and_when_once(personas: Personas, as_: Any) -> None:
    reminder = remind(personas)
    assert as_(personas.clerk_a).post(f"/reminders/{reminder.pk}/read").status_code in (200, 204)
    as_(personas.clerk_a).post(f"/reminders/{reminder.pk}/read")
    entries = AuditEntry.objects.filter(
        target_type="enterprise",
        target_id=personas.enterprise_a.uscc,
        changes__has_key="reminder_read_at",
    )
    assert entries.count() == 1
    assert entries.get().actor == personas.clerk_a


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"offset": -1}, "offset"), ({"unread": "maybe"}, "unread")],
)
def test_it_rejects_bad_reminder_filters(
    personas: Personas, as_: Any, params: dict[str, Any], field: str
) -> None:
    assert fields(as_(personas.clerk_a).get("/reminders", **params)) == {field}


# POST /reminders/{id}/read --------------------------------------------------------------------


def test_it_lets_the_clerk_mark_a_reminder_read(personas: Personas, as_: Any) -> None:
    reminder = remind(personas)
    clerk = as_(personas.clerk_a)
    response = clerk.post(f"/reminders/{reminder.pk}/read")
    assert response.status_code == 200, response.content
    read_at = response.json()["read_at"]
    assert read_at is not None
    # Reading it again keeps the first time it was read.
    assert clerk.post(f"/reminders/{reminder.pk}/read").json()["read_at"] == read_at
    assert clerk.get("/reminders", unread="true").json()["count"] == 0


def test_it_rejects_marking_a_foreign_reminder_read(personas: Personas, as_: Any) -> None:
    reminder = remind(personas)
    for user in (personas.clerk_b, personas.county_b, personas.trainer):
        assert as_(user).post(f"/reminders/{reminder.pk}/read").status_code == 404, user
    assert as_(personas.clerk_a).post("/reminders/999999/read").status_code == 404
    # past any database integer: malformed, refused before a lookup
    assert as_(personas.clerk_a).post(f"/reminders/{2**70}/read").status_code == 422
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_it_forbids_the_regulator_to_mark_a_reminder_read(personas: Personas, as_: Any) -> None:
    reminder = remind(personas)
    assert as_(personas.county_a).post(f"/reminders/{reminder.pk}/read").status_code == 403
    reminder.refresh_from_db()
    assert reminder.read_at is None


@pytest.mark.parametrize("reminder_id", ["abc", "1.5"])
def test_it_rejects_a_malformed_reminder_id(personas: Personas, as_: Any, reminder_id: str) -> None:
    response = as_(personas.clerk_a).post(f"/reminders/{reminder_id}/read")
    assert fields(response) == {"reminder_id"}


# GET /oversight -------------------------------------------------------------------------------


@pytest.fixture
def queue(personas: Personas) -> dict[str, Appointment]:
    """Enterprise A has a filing waiting for review; enterprise B one returned, and overdue: it
    started long before CQO_FILING_DUE_DAYS ago and is still not filed."""
    waiting = submitted(personas)
    data = person_data(name="孙逾期", region=COUNTY_B)
    person, token = services.person_invite(
        actor=personas.clerk_b, details=services.PersonDetails(**data)
    )
    # the invitee claims the profile to make the declaration every filing needs (SPEC §12.11)
    services.person_claim(
        token=token, username="sunyuqi", password=PASSWORD, id_number=data["id_number"]
    )
    person.refresh_from_db()
    started = today() - dt.timedelta(days=settings.CQO_FILING_DUE_DAYS + 60)
    late = services.appointment_create(
        actor=personas.clerk_b,
        terms=services.AppointmentTerms(**appointment_data(person, start_date=started)),
    )
    declare(late)
    services.filing_submit(actor=personas.clerk_b, appointment=late)
    late = services.filing_return(
        actor=personas.county_b, appointment=late, reason="请补充聘任授权证书扫描件"
    )
    return {"waiting": waiting, "late": late}


def test_it_shows_the_oversight_queue(
    personas: Personas, as_: Any, queue: dict[str, Appointment]
) -> None:
    response = as_(personas.province).get("/oversight")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due_days"] == settings.CQO_FILING_DUE_DAYS
    assert body["counts"] == {"without_cqo": 2, "submitted": 1, "returned": 1, "overdue": 1}
    a, b = personas.enterprise_a.uscc, personas.enterprise_b.uscc
    # Above-scale enterprises first: they are the ones the sources require a CQO of.
    assert [e["uscc"] for e in body["without_cqo"]] == [a, b]
    assert {e["cqo_status"] for e in body["without_cqo"]} == {"pending"}
    assert [f["public_id"] for f in body["submitted"]] == [str(queue["waiting"].public_id)]
    late = str(queue["late"].public_id)
    assert [f["public_id"] for f in body["returned"]] == [late]
    assert [f["public_id"] for f in body["overdue"]] == [late]
    assert as_(personas.admin).get("/oversight").json()["counts"] == body["counts"]


def test_it_leaves_filed_enterprises_out_of_the_queue(personas: Personas, as_: Any) -> None:
    waiting = submitted(personas)
    services.filing_approve(actor=personas.county_a, appointment=waiting)
    body = as_(personas.province).get("/oversight").json()
    assert [e["uscc"] for e in body["without_cqo"]] == [personas.enterprise_b.uscc]
    assert body["counts"]["submitted"] == 0


def test_it_pages_the_enterprises_without_a_cqo(
    personas: Personas, as_: Any, queue: dict[str, Appointment]
) -> None:
    province = as_(personas.province)
    first = province.get("/oversight", limit=1).json()
    second = province.get("/oversight", limit=1, offset=1).json()
    assert first["counts"]["without_cqo"] == second["counts"]["without_cqo"] == 2
    assert [e["uscc"] for e in first["without_cqo"]] == [personas.enterprise_a.uscc]
    assert [e["uscc"] for e in second["without_cqo"]] == [personas.enterprise_b.uscc]
    # limit and offset page only that list.
    assert len(second["submitted"]) == len(second["returned"]) == 1


def test_it_keeps_the_oversight_queue_to_the_regulators_region(
    personas: Personas, as_: Any, queue: dict[str, Appointment]
) -> None:
    for user, uscc, filing in (
        (personas.county_a, personas.enterprise_a.uscc, "submitted"),
        (personas.county_b, personas.enterprise_b.uscc, "returned"),
    ):
        body = as_(user).get("/oversight").json()
        assert [e["uscc"] for e in body["without_cqo"]] == [uscc], user
        counts = {k: v for k, v in body["counts"].items() if k != "without_cqo"}
        assert {k for k, v in counts.items() if v} == (
            {"submitted"} if filing == "submitted" else {"returned", "overdue"}
        ), user


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"offset": "x"}, "offset")],
)
def test_it_rejects_bad_oversight_paging(
    personas: Personas, as_: Any, params: dict[str, Any], field: str
) -> None:
    assert fields(as_(personas.county_a).get("/oversight", **params)) == {field}


def test_it_forbids_the_oversight_queue_to_anyone_but_regulators(
    personas: Personas, as_: Any
) -> None:
    for user in (personas.clerk_a, personas.cqo, personas.trainer, personas.certifier):
        response = as_(user).get("/oversight")
        assert response.status_code == 403, user
        assert response.json()["detail"][0]["field"] == "__all__"
