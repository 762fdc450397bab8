"""The registry's REST API (and the reference lookups its forms use), as a spec: each endpoint
succeeds for the right user, names the field of bad input, answers 404 outside the viewer's
scope and 401 without a token."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cqo.accounts.models import User
from cqo.audit.models import AuditEntry
from cqo.registry import services
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.test import (
    COUNTY_A,
    COUNTY_B,
    PASSWORD,
    Personas,
    appointment_data,
    declare,
    enterprise_data,
    file_appointment,
    new_id_number,
    new_uscc,
    person_data,
)

BASE = "/api/v1"


CORRUPTED_USCC = "9144030027939873X8"  # a real shape with a wrong check character


class Caller:
    """Calls the API as one user, with a token from POST /auth/token."""

    def __init__(self, client: Client, user: User | None) -> None:
        self.client = client
        self.headers: dict[str, str] = {}
        if user is not None:
            response = client.post(
                f"{BASE}/auth/token",
                {"username": user.username, "password": PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {response.json()['token']}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, **self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        data = {} if body is None else body
        return self.client.post(BASE + path, data, content_type="application/json", **self.headers)

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(BASE + path, body, content_type="application/json", **self.headers)


def callers(client: Client) -> Callable[[User | None], Caller]:
    """``as_(user)``: a Caller for ``user`` (None: no token). Each test file's ``as_`` fixture."""
    made: dict[str | None, Caller] = {}

    def caller(user: User | None) -> Caller:
        # One token per user and test: each sign-in costs a password hash.
        key = user.username if user else None
        if key not in made:
            made[key] = Caller(client, user)
        return made[key]

    return caller


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def fields(response: Any) -> set[str]:
    assert response.status_code == 422, response.content
    return {item["field"] for item in response.json()["detail"]}


def today() -> dt.date:
    return timezone.localdate()


def filing_body(person: Person, **overrides: Any) -> dict[str, Any]:
    """An appointment as JSON, starting a month ago so that ending it today is valid."""
    body = appointment_data(person, start_date=(today() - dt.timedelta(days=30)).isoformat())
    body.update(overrides)
    return body


def draft(p: Personas, **overrides: Any) -> Appointment:
    data = appointment_data(p.person, start_date=today() - dt.timedelta(days=30), **overrides)
    return services.appointment_create(actor=p.clerk_a, terms=services.AppointmentTerms(**data))


def submitted(p: Personas) -> Appointment:
    appt = draft(p)
    declare(appt)
    return services.filing_submit(actor=p.clerk_a, appointment=appt)


def filed(p: Personas) -> Appointment:
    return file_appointment(p, start_date=today() - dt.timedelta(days=30))


# No token --------------------------------------------------------------------------------------

ZERO = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/regions"),
        ("get", "/industries"),
        ("get", "/enterprises"),
        ("post", "/enterprises"),
        ("get", "/enterprises/{uscc}"),
        ("patch", "/enterprises/{uscc}"),
        ("get", "/persons"),
        ("post", "/persons/invite"),
        ("get", "/persons/{person}"),
        ("get", "/persons/{person}?unmask=true"),
        ("patch", "/persons/{person}"),
        ("get", "/filings"),
        ("post", "/filings"),
        ("get", "/filings/{filing}"),
        ("patch", "/filings/{filing}"),
        ("post", "/filings/{filing}/submit"),
        ("post", "/filings/{filing}/approve"),
        ("post", "/filings/{filing}/return"),
        ("post", "/filings/{filing}/end"),
        ("post", "/filings/{filing}/renew"),
        ("get", "/filings/{filing}/form.pdf"),
        ("get", "/filings/{filing}/form.pdf?full=true"),
        ("post", "/enterprises/{uscc}/clerks"),
        ("post", "/enterprises/{uscc}/reminders"),
        ("get", "/reminders"),
        ("post", "/reminders/{reminder}/read"),
        ("get", "/oversight"),
    ],
)
def test_it_requires_a_token(personas: Personas, as_: Any, method: str, path: str) -> None:
    appt = filed(personas)
    reminder = services.reminder_send(
        actor=personas.county_a,
        enterprise=personas.enterprise_a,
        message="请尽快完成首席质量官备案",
    )
    url = path.format(
        uscc=personas.enterprise_a.uscc,
        person=personas.person.public_id,
        filing=appt.public_id,
        reminder=reminder.pk,
    )
    anonymous = as_(None)
    response = getattr(anonymous, method)(url, {}) if method != "get" else anonymous.get(url)
    assert response.status_code == 401
    assert response.json()["detail"][0]["field"] == "__all__"
    assert not AuditEntry.objects.filter(action="unmask").exists()
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_it_rejects_a_bogus_token(personas: Personas, client: Client) -> None:
    response = client.get(f"{BASE}/enterprises", HTTP_AUTHORIZATION="Bearer forged")
    assert response.status_code == 401


# Reference lookups -----------------------------------------------------------------------------


def test_it_lists_the_provinces(personas: Personas, as_: Any) -> None:
    body = as_(personas.clerk_a).get("/regions").json()
    codes = {r["code"] for r in body}
    assert "610000" in codes
    assert all(r["level"] == "province" and r["parent"] is None for r in body)


def test_it_lists_the_children_of_a_region(personas: Personas, as_: Any) -> None:
    body = as_(personas.clerk_a).get("/regions", parent="610100").json()
    yanta = next(r for r in body if r["code"] == COUNTY_A)
    assert yanta["parent"] == "610100"
    assert yanta["level"] == "county"
    assert yanta["full_name"].endswith("雁塔区")


@pytest.mark.parametrize("parent", ["61", "abcdef", "６１００００"])
def test_it_rejects_a_bad_parent_region(personas: Personas, as_: Any, parent: str) -> None:
    assert fields(as_(personas.clerk_a).get("/regions", parent=parent)) == {"parent"}


def test_it_answers_404_for_an_unknown_parent_region(personas: Personas, as_: Any) -> None:
    # well-formed, but no GB/T 2260 region has it
    assert as_(personas.clerk_a).get("/regions", parent="999999").status_code == 404


def test_it_lists_industry_sections(personas: Personas, as_: Any) -> None:
    body = as_(personas.trainer).get("/industries", level="section").json()
    codes = [i["code"] for i in body]
    assert "C" in codes
    assert all(i["level"] == "section" for i in body)


def test_it_lists_the_divisions_of_a_section(personas: Personas, as_: Any) -> None:
    body = as_(personas.trainer).get("/industries", level="division", parent="C").json()
    assert "34" in {i["code"] for i in body}
    assert {i["parent"] for i in body} == {"C"}


def test_it_rejects_an_unknown_industry_level(personas: Personas, as_: Any) -> None:
    assert fields(as_(personas.trainer).get("/industries", level="class")) == {"level"}


# Enterprises -----------------------------------------------------------------------------------


def test_it_lists_the_enterprises_in_the_viewers_region(personas: Personas, as_: Any) -> None:
    by_county = as_(personas.county_a).get("/enterprises").json()
    assert by_county["count"] == 1
    assert by_county["items"][0]["uscc"] == personas.enterprise_a.uscc
    assert by_county["items"][0]["region_name"].endswith("雁塔区")
    assert as_(personas.province).get("/enterprises").json()["count"] == 2
    clerk = as_(personas.clerk_b).get("/enterprises").json()
    assert [e["uscc"] for e in clerk["items"]] == [personas.enterprise_b.uscc]


def test_it_shows_a_trainer_no_enterprises(personas: Personas, as_: Any) -> None:
    response = as_(personas.trainer).get("/enterprises")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "items": []}


def test_it_filters_enterprises(personas: Personas, as_: Any) -> None:
    filed(personas)
    province = as_(personas.province)

    def usccs(**params: Any) -> list[str]:
        return [e["uscc"] for e in province.get("/enterprises", **params).json()["items"]]

    a, b = personas.enterprise_a.uscc, personas.enterprise_b.uscc
    assert usccs(q="宝鸡") == [b]
    assert usccs(q=a.lower()) == [a]
    assert usccs(region="610300") == [b]
    assert usccs(industry="C") == sorted([a, b], key=lambda u: Enterprise.objects.get(uscc=u).name)
    assert usccs(industry="14") == [b]
    assert usccs(size="medium") == [a]
    assert usccs(cqo_status="filed") == [a]
    assert usccs(cqo_status="none") == [b]
    items = province.get("/enterprises").json()["items"]
    assert {e["uscc"]: e["cqo_status"] for e in items} == {a: "filed", b: "none"}


def test_it_paginates_enterprises(personas: Personas, as_: Any) -> None:
    province = as_(personas.province)
    everything = province.get("/enterprises").json()["items"]
    page = province.get("/enterprises", limit=1, offset=1).json()
    assert page["count"] == 2
    assert page["items"] == everything[1:]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 201}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"size": "huge"}, "size"),
        ({"cqo_status": "maybe"}, "cqo_status"),
        ({"region": "61"}, "region"),
        ({"industry": "C34"}, "industry"),
    ],
)
def test_it_rejects_bad_enterprise_filters(
    personas: Personas, as_: Any, params: dict[str, Any], field: str
) -> None:
    assert fields(as_(personas.province).get("/enterprises", **params)) == {field}


def test_it_creates_an_enterprise(personas: Personas, as_: Any) -> None:
    data = enterprise_data(name="西安新建电子有限公司", industry="39")
    response = as_(personas.county_a).post("/enterprises", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["uscc"] == data["uscc"]
    assert (body["industry"], body["industry_section"]) == ("39", "C")
    assert body["responsible_mobile_masked"] == "139****1111"
    assert "13900001111" not in response.content.decode()
    assert body["cqo_status"] == "none"
    assert body["nature"] == "private"
    assert body["quality_award"] is None
    assert AuditEntry.objects.filter(action="create", target_id=data["uscc"]).exists()


def test_it_rejects_a_corrupted_uscc(personas: Personas, as_: Any) -> None:
    response = as_(personas.county_a).post("/enterprises", enterprise_data(uscc=CORRUPTED_USCC))
    assert fields(response) == {"uscc"}
    assert "校验位" in response.json()["detail"][0]["message"]
    assert not Enterprise.objects.filter(uscc=CORRUPTED_USCC).exists()


def test_it_names_every_missing_enterprise_field(personas: Personas, as_: Any) -> None:
    response = as_(personas.county_a).post("/enterprises", {"website": "www.example.cn"})
    assert fields(response) == {"uscc", "name", "industry", "size", "region"}


def test_it_rejects_an_unknown_industry(personas: Personas, as_: Any) -> None:
    response = as_(personas.county_a).post("/enterprises", enterprise_data(industry="C"))
    assert fields(response) == {"industry"}


def test_it_rejects_a_duplicate_uscc(personas: Personas, as_: Any) -> None:
    data = enterprise_data(uscc=personas.enterprise_a.uscc)
    assert fields(as_(personas.county_a).post("/enterprises", data)) == {"uscc"}


def test_it_forbids_registering_an_enterprise_outside_the_region(
    personas: Personas, as_: Any
) -> None:
    response = as_(personas.county_b).post("/enterprises", enterprise_data())
    assert response.status_code == 403
    assert Enterprise.objects.count() == 2


def test_it_forbids_a_clerk_to_register_an_enterprise(personas: Personas, as_: Any) -> None:
    assert as_(personas.clerk_a).post("/enterprises", enterprise_data()).status_code == 403


def test_it_shows_an_enterprise(personas: Personas, as_: Any) -> None:
    ent = personas.enterprise_a
    response = as_(personas.city).get(f"/enterprises/{ent.uscc.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert (body["uscc"], body["name"], body["region"]) == (ent.uscc, ent.name, COUNTY_A)
    assert body["industry_name"]
    assert body["employees"] == 320
    assert body["group_parent"] is None


def test_it_rejects_foreign_enterprise(personas: Personas, as_: Any) -> None:
    uscc = personas.enterprise_a.uscc
    for user in (personas.county_b, personas.clerk_b, personas.cqo, personas.trainer):
        response = as_(user).get(f"/enterprises/{uscc}")
        assert response.status_code == 404, user
        assert response.json()["detail"][0]["field"] == "__all__"


def test_it_answers_404_for_an_unknown_uscc(personas: Personas, as_: Any) -> None:
    assert as_(personas.province).get(f"/enterprises/{new_uscc()}").status_code == 404


def test_it_updates_an_enterprise(personas: Personas, as_: Any) -> None:
    ent = personas.enterprise_a
    response = as_(personas.clerk_a).patch(
        f"/enterprises/{ent.uscc}", {"employees": 350, "group_parent": personas.enterprise_b.uscc}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["employees"] == 350
    assert body["group_parent"] == personas.enterprise_b.uscc
    assert body["name"] == ent.name  # untouched fields stay as they were
    entry = AuditEntry.objects.get(action="update", target_id=ent.uscc)
    assert entry.changes["employees"] == [320, 350]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"uscc": CORRUPTED_USCC}, "uscc"),
        ({"employees": -1}, "employees"),
        ({"employees": "many"}, "employees"),
        ({"size": "huge"}, "size"),
        ({"industry": "00"}, "industry"),
        ({"region": "610000"}, "region"),
        ({"responsible_mobile": "12345"}, "responsible_mobile"),
        ({"quality_award": "winner"}, "quality_award_year"),
    ],
)
def test_it_rejects_an_invalid_enterprise_update(
    personas: Personas, as_: Any, body: dict[str, Any], field: str
) -> None:
    ent = personas.enterprise_a
    assert fields(as_(personas.county_a).patch(f"/enterprises/{ent.uscc}", body)) == {field}
    ent.refresh_from_db()
    assert ent.employees == 320


def test_it_rejects_an_update_of_a_foreign_enterprise(personas: Personas, as_: Any) -> None:
    uscc = personas.enterprise_a.uscc
    for user in (personas.county_b, personas.clerk_b):
        assert as_(user).patch(f"/enterprises/{uscc}", {"employees": 1}).status_code == 404


def test_it_forbids_a_cqo_to_edit_its_enterprise(personas: Personas, as_: Any) -> None:
    filed(personas)  # the CQO now sees enterprise A through its appointment
    response = as_(personas.cqo).patch(
        f"/enterprises/{personas.enterprise_a.uscc}", {"employees": 1}
    )
    assert response.status_code == 403


# Persons ---------------------------------------------------------------------------------------


def test_it_lists_the_persons_in_scope(personas: Personas, as_: Any) -> None:
    response = as_(personas.county_a).get("/persons")
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["public_id"] == str(personas.person.public_id)
    assert item["registered"] is True
    assert item["id_number_masked"] == personas.person.id_number_masked
    assert personas.person.id_number not in response.content.decode()
    for user in (personas.county_b, personas.clerk_b, personas.trainer):
        assert as_(user).get("/persons").json()["count"] == 0, user


def test_it_filters_and_paginates_persons(personas: Personas, as_: Any) -> None:
    services.person_invite(
        actor=personas.clerk_a,
        details=services.PersonDetails(**person_data(name="王芳", mobile="13700000000")),
    )
    province = as_(personas.province)
    assert [p["name"] for p in province.get("/persons", q="王").json()["items"]] == ["王芳"]
    page = province.get("/persons", limit=1, offset=1).json()
    assert (page["count"], len(page["items"])) == (2, 1)
    assert province.get("/persons", region="610300").json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"), [({"limit": 500}, "limit"), ({"region": "x"}, "region")]
)
def test_it_rejects_bad_person_filters(
    personas: Personas, as_: Any, params: dict[str, Any], field: str
) -> None:
    assert fields(as_(personas.province).get("/persons", **params)) == {field}


def test_it_invites_a_person(personas: Personas, as_: Any) -> None:
    data = person_data(name="王芳", mobile="13700000000")
    data["qualifications"] = [
        {"kind": "professional_title", "name": "高级工程师", "level": "associate_senior"}
    ]
    response = as_(personas.clerk_a).post("/persons/invite", data)
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(public_id=body["person"]["public_id"])
    assert body["person"]["registered"] is False
    assert body["person"]["invited_by"] == personas.enterprise_a.uscc
    assert body["person"]["mobile_masked"] == "137****0000"
    assert body["person"]["qualifications"][0]["level"] == "associate_senior"
    assert body["person"]["id_number"] is None
    # The one-time token lets the person claim the account.
    user = services.person_claim(
        token=body["invite_token"],
        username="wangfang",
        password=PASSWORD,
        id_number=data["id_number"],
    )
    person.refresh_from_db()
    assert person.user == user


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "610113198503141234"}, "id_number"),
        ({"mobile": "1380013800"}, "mobile"),
        ({"email": "not-an-email"}, "email"),
        ({"education": "phd"}, "education"),
        ({"gender": "F"}, "gender"),
        ({"quality_years": 61}, "quality_years"),
        ({"name": "李堃123"}, "name"),
        (
            {"qualifications": [{"kind": "x", "name": "a", "level": "junior"}]},
            "qualifications.0.kind",
        ),
    ],
)
def test_it_rejects_an_invalid_invitation(
    personas: Personas, as_: Any, overrides: dict[str, Any], field: str
) -> None:
    data = person_data(**overrides)
    assert fields(as_(personas.clerk_a).post("/persons/invite", data)) == {field}
    assert Person.objects.count() == 1


def test_it_rejects_inviting_a_registered_person_again(personas: Personas, as_: Any) -> None:
    data = person_data(id_number=personas.person.id_number)
    assert fields(as_(personas.clerk_a).post("/persons/invite", data)) == {"id_number"}


def test_it_forbids_a_regulator_to_invite(personas: Personas, as_: Any) -> None:
    assert as_(personas.county_a).post("/persons/invite", person_data()).status_code == 403


def test_it_shows_a_person_masked_by_default(personas: Personas, as_: Any) -> None:
    person = personas.person
    response = as_(personas.county_a).get(f"/persons/{person.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] is None and body["mobile"] is None
    assert body["id_number_masked"] == person.id_number_masked
    assert "*" in body["id_number_masked"]
    assert body["mobile_masked"] == "138****8000"
    assert person.id_number not in response.content.decode()
    assert not AuditEntry.objects.filter(action="unmask").exists()


def test_it_unmasks_for_a_regulator_in_scope_and_logs_it(personas: Personas, as_: Any) -> None:
    person = personas.person
    response = as_(personas.county_a).get(f"/persons/{person.public_id}", unmask="true")
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] == person.id_number
    assert body["mobile"] == "13800138000"
    entries = AuditEntry.objects.filter(action="unmask", target_id=str(person.public_id))
    assert {(e.actor, e.note) for e in entries} == {
        (personas.county_a, "id_number"),
        (personas.county_a, "mobile"),
    }


def test_it_unmasks_a_cqos_own_record(personas: Personas, as_: Any) -> None:
    body = as_(personas.cqo).get(f"/persons/{personas.person.public_id}", unmask="true").json()
    assert body["id_number"] == personas.person.id_number


def test_it_rejects_a_non_boolean_unmask(personas: Personas, as_: Any) -> None:
    response = as_(personas.county_a).get(f"/persons/{personas.person.public_id}", unmask="please")
    assert fields(response) == {"unmask"}


def test_it_rejects_foreign_person(personas: Personas, as_: Any) -> None:
    url = f"/persons/{personas.person.public_id}"
    for user in (personas.county_b, personas.clerk_b, personas.clerk_a, personas.trainer):
        assert as_(user).get(url).status_code == 404, user
        assert as_(user).get(url, unmask="true").status_code == 404, user
    assert not AuditEntry.objects.filter(action="unmask").exists()


def test_it_answers_404_for_an_unknown_person(personas: Personas, as_: Any) -> None:
    assert as_(personas.province).get(f"/persons/{uuid.uuid4()}").status_code == 404


def test_it_rejects_a_malformed_public_id(personas: Personas, as_: Any) -> None:
    assert fields(as_(personas.province).get("/persons/42")) == {"public_id"}


def test_it_lets_a_cqo_update_its_profile(personas: Personas, as_: Any) -> None:
    url = f"/persons/{personas.person.public_id}"
    response = as_(personas.cqo).patch(url, {"position": "总经理助理", "quality_years": 10})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["position"], body["quality_years"]) == ("总经理助理", 10)
    assert body["education"] == "bachelor"


def test_it_lets_a_clerk_complete_an_unclaimed_invitation(personas: Personas, as_: Any) -> None:
    person, _ = services.person_invite(
        actor=personas.clerk_a, details=services.PersonDetails(**person_data(mobile="13700000000"))
    )
    url = f"/persons/{person.public_id}"
    response = as_(personas.clerk_a).patch(url, {"major": "质量管理工程"})
    assert response.status_code == 200
    assert response.json()["major"] == "质量管理工程"
    assert as_(personas.clerk_b).patch(url, {"major": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"quality_years": 99}, "quality_years"),
        ({"birth_date": "1985-02-30"}, "birth_date"),
        ({"mobile": "abc"}, "mobile"),
        ({"region": "999999"}, "region"),
    ],
)
def test_it_rejects_an_invalid_profile_update(
    personas: Personas, as_: Any, body: dict[str, Any], field: str
) -> None:
    url = f"/persons/{personas.person.public_id}"
    assert fields(as_(personas.cqo).patch(url, body)) == {field}


def test_it_forbids_a_regulator_to_edit_a_person(personas: Personas, as_: Any) -> None:
    url = f"/persons/{personas.person.public_id}"
    assert as_(personas.county_a).patch(url, {"position": "x"}).status_code == 403


def test_it_rejects_an_update_of_a_foreign_person(personas: Personas, as_: Any) -> None:
    url = f"/persons/{personas.person.public_id}"
    assert as_(personas.clerk_b).patch(url, {"position": "x"}).status_code == 404


# Filings ---------------------------------------------------------------------------------------


def test_it_runs_the_filing_workflow_over_the_api(personas: Personas, as_: Any) -> None:
    clerk, county = as_(personas.clerk_a), as_(personas.county_a)

    created = clerk.post("/filings", filing_body(personas.person))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["enterprise"] == personas.enterprise_a.uscc
    assert body["person"] == str(personas.person.public_id)
    assert body["departments_led"] == ["quality_management", "inspection"]
    assert {c["code"] for c in body["checks"]} >= {"one_active_chief", "declaration"}
    assert all(
        set(c) == {"code", "label", "ok", "severity", "clause", "detail"} for c in body["checks"]
    )
    url = f"/filings/{body['public_id']}"
    # without the person's own declaration the filing is blocked (SPEC §12.11) …
    blocked = clerk.post(f"{url}/submit")
    assert blocked.status_code == 422
    assert "不得担任首席质量官" in blocked.content.decode("unicode_escape")
    # … which only the person makes, with their own token
    assert clerk.post(f"{url}/declare", {"declarations": ["disqualifications"]}).status_code == 403
    declared = as_(personas.cqo).post(f"{url}/declare", {"declarations": ["disqualifications"]})
    assert declared.status_code == 200, declared.content
    assert declared.json()["declarations"] == ["disqualifications"]

    submitted_ = clerk.post(f"{url}/submit")
    assert submitted_.status_code == 200, submitted_.content
    assert submitted_.json()["status"] == "submitted"
    assert county.get("/filings", status="submitted").json()["count"] == 1

    approved = county.post(f"{url}/approve", {"note": "材料齐全"})
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "filed"
    assert body["filing_number"].startswith(COUNTY_A)
    assert body["filed_by"] == "county_a"
    assert body["filing_authority"] == COUNTY_A
    assert clerk.get(f"/enterprises/{personas.enterprise_a.uscc}").json()["cqo_status"] == "filed"

    ended = clerk.post(
        f"{url}/end", {"ended_on": today().isoformat(), "reason": "resigned", "note": "个人原因"}
    )
    assert ended.status_code == 200, ended.content
    body = ended.json()
    assert (body["status"], body["end_reason"], body["ended_on"]) == (
        "ended",
        "resigned",
        today().isoformat(),
    )
    trail = clerk.get(url).json()["audit"]
    # ended, filed, submitted, the person's declaration, created
    assert [e["action"] for e in trail] == [
        "transition",
        "transition",
        "transition",
        "transition",
        "create",
    ]
    assert trail[1]["actor"] == "county_a"
    assert trail[1]["note"] == "材料齐全"
    assert trail[0]["changes"]["status"] == ["filed", "ended"]


def test_it_approves_without_a_body(personas: Personas, as_: Any) -> None:
    appt = submitted(personas)
    county = as_(personas.county_a)
    url = f"{BASE}/filings/{appt.public_id}/approve"
    response = county.client.post(url, "", content_type="application/json", **county.headers)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "filed"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # one answer for a wrong name and an unknown number (no identity oracle)
        ({"person_name": "李坤"}, "id_number"),
        ({"id_number": "610113198503141234"}, "id_number"),
        ({"rank": "boss"}, "rank"),
        ({"start_date": "2026-13-01"}, "start_date"),
        ({"departments_led": ["canteen"]}, "departments_led.0"),
        ({"selection_method": None}, "selection_method"),
    ],
)
def test_it_rejects_an_invalid_filing(
    personas: Personas, as_: Any, overrides: dict[str, Any], field: str
) -> None:
    response = as_(personas.clerk_a).post("/filings", filing_body(personas.person, **overrides))
    assert fields(response) == {field}
    assert not Appointment.objects.exists()


def test_it_rejects_a_term_ending_before_it_starts(personas: Personas, as_: Any) -> None:
    start = today() - dt.timedelta(days=30)
    body = filing_body(personas.person, term_end=(start - dt.timedelta(days=1)).isoformat())
    assert fields(as_(personas.clerk_a).post("/filings", body)) == {"term_end"}


def test_it_rejects_an_unregistered_person(personas: Personas, as_: Any) -> None:
    body = filing_body(personas.person, id_number=new_id_number(COUNTY_B))
    response = as_(personas.clerk_a).post("/filings", body)
    assert fields(response) == {"id_number"}


def test_it_rejects_a_second_open_filing_for_the_same_person(personas: Personas, as_: Any) -> None:
    draft(personas)
    assert fields(as_(personas.clerk_a).post("/filings", filing_body(personas.person))) == {
        "id_number"
    }


def test_it_forbids_a_regulator_to_create_a_filing(personas: Personas, as_: Any) -> None:
    response = as_(personas.county_a).post("/filings", filing_body(personas.person))
    assert response.status_code == 403


def test_it_lists_the_filings_in_scope(personas: Personas, as_: Any) -> None:
    appt = filed(personas)
    for user in (
        personas.clerk_a,
        personas.county_a,
        personas.city,
        personas.province,
        personas.cqo,
    ):
        items = as_(user).get("/filings").json()["items"]
        assert [i["public_id"] for i in items] == [str(appt.public_id)], user
    for user in (personas.clerk_b, personas.county_b, personas.trainer, personas.certifier):
        assert as_(user).get("/filings").json() == {"count": 0, "items": []}, user


def test_it_filters_and_paginates_filings(personas: Personas, as_: Any) -> None:
    appt = filed(personas)
    province = as_(personas.province)

    def count(**params: Any) -> int:
        return province.get("/filings", **params).json()["count"]

    assert count(status="filed") == 1
    assert count(status="draft") == 0
    assert count(q="李堃") == 1
    assert count(q=appt.filing_number) == 1
    assert count(q="张三") == 0
    assert count(region="610100") == 1
    assert count(region="610300") == 0
    page = province.get("/filings", limit=1, offset=1).json()
    assert (page["count"], page["items"]) == (1, [])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "approved"}, "status"),
        ({"limit": 1000}, "limit"),
        ({"region": "6101"}, "region"),
    ],
)
def test_it_rejects_bad_filing_filters(
    personas: Personas, as_: Any, params: dict[str, Any], field: str
) -> None:
    assert fields(as_(personas.province).get("/filings", **params)) == {field}


def test_it_shows_a_filing_with_its_checks(personas: Personas, as_: Any) -> None:
    appt = draft(personas, declaration_confirmed=False, rank="top_manager")
    body = as_(personas.clerk_a).get(f"/filings/{appt.public_id}").json()
    checks = {c["code"]: c for c in body["checks"]}
    assert checks["declaration"]["ok"] is False
    assert checks["declaration"]["severity"] == "blocking"
    # a Shaanxi filing is made on the platform's form, not the Shenzhen guide's Annex A
    assert checks["declaration"]["clause"] == "平台备案表"
    assert checks["not_self_appointed"]["ok"] is False
    assert checks["not_self_appointed"]["severity"] == "advisory"
    assert body["audit"][0]["action"] == "create"
    assert body["audit"][0]["actor"] == "clerk_a"


def test_it_rejects_foreign_filing(personas: Personas, as_: Any) -> None:
    appt = submitted(personas)
    url = f"/filings/{appt.public_id}"
    for user in (personas.clerk_b, personas.county_b, personas.trainer):
        caller = as_(user)
        assert caller.get(url).status_code == 404, user
        assert caller.patch(url, {"post": "x"}).status_code == 404, user
        assert caller.post(f"{url}/submit").status_code == 404, user
        assert caller.post(f"{url}/approve").status_code == 404, user
        assert caller.post(f"{url}/return", {"reason": "请补充材料后再提交"}).status_code == 404
    appt.refresh_from_db()
    assert appt.status == "submitted"


def test_it_answers_404_for_an_unknown_filing(personas: Personas, as_: Any) -> None:
    assert as_(personas.province).get(f"/filings/{ZERO}").status_code == 404


def test_it_rejects_a_malformed_filing_id(personas: Personas, as_: Any) -> None:
    assert fields(as_(personas.clerk_a).post("/filings/not-a-uuid/submit")) == {"public_id"}


def test_it_updates_a_draft_filing(personas: Personas, as_: Any) -> None:
    appt = draft(personas)
    response = as_(personas.clerk_a).patch(
        f"/filings/{appt.public_id}",
        {"post": "首席质量官", "concurrent_role": "management_representative"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["post"], body["concurrent_role"]) == ("首席质量官", "management_representative")
    assert body["rank"] == "senior_deputy"
    assert body["audit"][0]["changes"]["post"] == ["副总经理兼首席质量官", "首席质量官"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rank": "boss"}, "rank"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"form_date": "2999-01-01"}, "form_date"),
        ({"post": ""}, "post"),
    ],
)
def test_it_rejects_an_invalid_filing_update(
    personas: Personas, as_: Any, body: dict[str, Any], field: str
) -> None:
    appt = draft(personas)
    assert fields(as_(personas.clerk_a).patch(f"/filings/{appt.public_id}", body)) == {field}


def test_it_refuses_to_change_a_submitted_filing(personas: Personas, as_: Any) -> None:
    appt = submitted(personas)
    response = as_(personas.clerk_a).patch(f"/filings/{appt.public_id}", {"post": "x"})
    assert fields(response) == {"status"}


def test_it_forbids_a_regulator_to_edit_a_filing(personas: Personas, as_: Any) -> None:
    appt = draft(personas)
    response = as_(personas.county_a).patch(f"/filings/{appt.public_id}", {"post": "x"})
    assert response.status_code == 403


def test_it_refuses_to_submit_an_unconfirmed_filing(personas: Personas, as_: Any) -> None:
    appt = draft(personas, declaration_confirmed=False)
    response = as_(personas.clerk_a).post(f"/filings/{appt.public_id}/submit")
    assert fields(response) == {"__all__"}
    assert "平台备案表" in response.json()["detail"][0]["message"]


def test_it_forbids_the_regulator_to_submit_for_the_enterprise(
    personas: Personas, as_: Any
) -> None:
    appt = draft(personas)
    assert as_(personas.county_a).post(f"/filings/{appt.public_id}/submit").status_code == 403


def test_it_refuses_to_submit_twice(personas: Personas, as_: Any) -> None:
    appt = submitted(personas)
    assert fields(as_(personas.clerk_a).post(f"/filings/{appt.public_id}/submit")) == {"status"}


def test_it_forbids_the_clerk_to_approve_its_own_filing(personas: Personas, as_: Any) -> None:
    appt = submitted(personas)
    assert as_(personas.clerk_a).post(f"/filings/{appt.public_id}/approve").status_code == 403


def test_it_lets_a_regulator_above_the_county_approve(personas: Personas, as_: Any) -> None:
    appt = submitted(personas)
    response = as_(personas.city).post(f"/filings/{appt.public_id}/approve", {})
    assert response.json()["status"] == "filed"


def test_it_refuses_to_approve_a_draft(personas: Personas, as_: Any) -> None:
    appt = draft(personas)
    assert fields(as_(personas.county_a).post(f"/filings/{appt.public_id}/approve")) == {"status"}


def test_it_rejects_an_overlong_approval_note(personas: Personas, as_: Any) -> None:
    appt = submitted(personas)
    response = as_(personas.county_a).post(
        f"/filings/{appt.public_id}/approve", {"note": "x" * 2001}
    )
    assert fields(response) == {"note"}


def test_it_requires_a_reason_to_return_a_filing(personas: Personas, as_: Any) -> None:
    appt = submitted(personas)
    county = as_(personas.county_a)
    url = f"/filings/{appt.public_id}/return"
    assert fields(county.post(url, {})) == {"reason"}
    assert fields(county.post(url, {"reason": "不行"})) == {"reason"}
    appt.refresh_from_db()
    assert appt.status == "submitted"

    response = county.post(url, {"reason": "请补充聘任授权证书扫描件"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["return_reason"]) == (
        "returned",
        "请补充聘任授权证书扫描件",
    )
    # The clerk corrects and submits again.
    clerk = as_(personas.clerk_a)
    assert clerk.patch(f"/filings/{appt.public_id}", {"remarks": "已补充"}).status_code == 200
    assert clerk.post(f"/filings/{appt.public_id}/submit").json()["status"] == "submitted"


def test_it_forbids_the_clerk_to_return_its_own_filing(personas: Personas, as_: Any) -> None:
    appt = submitted(personas)
    response = as_(personas.clerk_a).post(
        f"/filings/{appt.public_id}/return", {"reason": "请补充材料后再提交"}
    )
    assert response.status_code == 403


def test_it_renews_a_filed_appointment(personas: Personas, as_: Any) -> None:
    appt = filed(personas)
    term_end = today().replace(year=today().year + 3)
    response = as_(personas.clerk_a).post(
        f"/filings/{appt.public_id}/renew", {"term_end": term_end.isoformat(), "note": "董事会决议"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["term_end"]) == ("filed", term_end.isoformat())
    assert body["audit"][0]["note"] == "renewed 董事会决议"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"term_end": "someday"}, "term_end"),
        ({}, "term_end"),
        ({"term_end": "2020-01-01"}, "term_end"),
    ],
)
def test_it_rejects_an_invalid_renewal(
    personas: Personas, as_: Any, body: dict[str, Any], field: str
) -> None:
    appt = filed(personas)
    assert fields(as_(personas.clerk_a).post(f"/filings/{appt.public_id}/renew", body)) == {field}


def test_it_refuses_to_renew_a_draft(personas: Personas, as_: Any) -> None:
    appt = draft(personas)
    body = {"term_end": today().replace(year=today().year + 3).isoformat()}
    assert fields(as_(personas.clerk_a).post(f"/filings/{appt.public_id}/renew", body)) == {
        "status"
    }


def test_it_forbids_a_regulator_to_renew(personas: Personas, as_: Any) -> None:
    appt = filed(personas)
    body = {"term_end": today().replace(year=today().year + 3).isoformat()}
    assert as_(personas.county_a).post(f"/filings/{appt.public_id}/renew", body).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ended_on": "today", "reason": "resigned"}, "ended_on"),
        ({"reason": "resigned"}, "ended_on"),
        ({"ended_on": "{today}", "reason": "fired"}, "reason"),
        ({"ended_on": "{tomorrow}", "reason": "dismissed"}, "ended_on"),
        ({"ended_on": "2000-01-01", "reason": "dismissed"}, "ended_on"),
    ],
)
def test_it_rejects_an_invalid_end(
    personas: Personas, as_: Any, body: dict[str, Any], field: str
) -> None:
    appt = filed(personas)
    dates = {"today": today().isoformat(), "tomorrow": (today() + dt.timedelta(days=1)).isoformat()}
    if "ended_on" in body:
        body = {**body, "ended_on": body["ended_on"].format(**dates)}
    assert fields(as_(personas.clerk_a).post(f"/filings/{appt.public_id}/end", body)) == {field}
    appt.refresh_from_db()
    assert appt.status == "filed"


def test_it_refuses_to_end_a_draft(personas: Personas, as_: Any) -> None:
    appt = draft(personas)
    body = {"ended_on": today().isoformat(), "reason": "dismissed"}
    assert fields(as_(personas.clerk_a).post(f"/filings/{appt.public_id}/end", body)) == {"status"}


def test_it_forbids_a_regulator_to_end_an_appointment(personas: Personas, as_: Any) -> None:
    appt = filed(personas)
    body = {"ended_on": today().isoformat(), "reason": "dismissed"}
    assert as_(personas.county_a).post(f"/filings/{appt.public_id}/end", body).status_code == 403


def test_it_rejects_ending_a_foreign_appointment(personas: Personas, as_: Any) -> None:
    appt = filed(personas)
    body = {"ended_on": today().isoformat(), "reason": "dismissed"}
    for user in (personas.clerk_b, personas.county_b):
        assert as_(user).post(f"/filings/{appt.public_id}/end", body).status_code == 404
        renew = {"term_end": today().replace(year=today().year + 3).isoformat()}
        assert as_(user).post(f"/filings/{appt.public_id}/renew", renew).status_code == 404


def test_it_lets_the_cqo_read_but_not_manage_its_filing(personas: Personas, as_: Any) -> None:
    appt = filed(personas)
    cqo = as_(personas.cqo)
    assert cqo.get(f"/filings/{appt.public_id}").json()["status"] == "filed"
    body = {"ended_on": today().isoformat(), "reason": "resigned"}
    assert cqo.post(f"/filings/{appt.public_id}/end", body).status_code == 403


def test_it_answers_an_unparseable_body_in_the_error_shape(client, personas):
    token = client.post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.post(
        "/api/v1/filings",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (400, 422)
    assert response.json()["detail"][0]["field"] == "__all__"


def test_it_serves_the_api_docs_without_a_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in page
    assert "/static/ninja/" in page


def test_it_keeps_the_operation_ids_clients_were_generated_with(client: Client) -> None:
    # The ids the API had as the one module cqo/registry/api.py, before it became a package:
    # "cqo_registry_api_" and the function name, for the endpoints added since as well.
    schema = client.get(f"{BASE}/openapi.json").json()
    ids = {
        op["operationId"].removeprefix("cqo_registry_api_")
        for item in schema["paths"].values()
        for op in item.values()
        if op["tags"] == ["registry"]
    }
    assert ids == {
        *(f"enterprise_{v}" for v in ("list", "create", "detail", "update", "clerk")),
        *(f"person_{v}" for v in ("register", "list", "invite", "claim", "detail", "update")),
        *(f"filing_{v}" for v in ("list", "create", "detail", "update", "submit", "approve")),
        *(f"filing_{v}" for v in ("return", "end", "renew", "form")),
        "filing_confirm",  # the person confirms the appointment naming them (SPEC §12.23)
        "filing_declare",  # the person's own declarations (level-standard §5.1.5; SPEC §12.11)
        # a filing the CQO starts and the enterprise confirms (SPEC §12.23)
        *(f"filing_{v}" for v in ("prepare", "prepared_update", "hand_over")),
        *(f"filing_{v}" for v in ("enterprise_confirm", "return_to_person")),
        *(f"reminder_{v}" for v in ("send", "list", "read")),
        "oversight",
        "enterprise_cqo_status",  # added with the incentive prerequisite (shaanxi-2021 §六(三))
    }


def test_it_refuses_an_offset_beyond_any_page(client, personas):
    token = client.post(
        "/api/v1/auth/token",
        {"username": "prov", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for path in ("/api/v1/enterprises", "/api/v1/oversight", "/api/v1/filings"):
        response = client.get(path + "?offset=9223372036854775809", **auth)
        assert response.status_code == 422, path
        assert response.json()["detail"][0]["field"] == "offset"


def test_it_answers_a_nul_in_a_search_with_a_field_error(client, personas):
    token = client.post(
        "/api/v1/auth/token",
        {"username": "prov", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.get("/api/v1/persons?q=a%00b", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "q"


def test_it_drops_a_nul_from_json_text_before_saving(client, personas):
    token = client.post(
        "/api/v1/auth/token",
        {"username": "prov", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.patch(
        f"/api/v1/enterprises/{personas.enterprise_a.uscc}",
        {"main_products": "轴承\x00零件"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    personas.enterprise_a.refresh_from_db()
    assert personas.enterprise_a.main_products == "轴承零件"


def test_it_gives_filings_and_persons_an_id_that_addresses_them(client, personas):
    token = client.post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = appointment_data(personas.person)
    body["start_date"] = "2026-01-01"
    created = client.post("/api/v1/filings", body, content_type="application/json", **auth).json()
    assert created["id"] == created["public_id"]
    declare(Appointment.objects.get(public_id=created["id"]))
    submitted = client.post(f"/api/v1/filings/{created['id']}/submit", **auth)
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    listed = client.get("/api/v1/persons", **auth).json()["items"][0]
    assert listed["id"] == listed["public_id"]
