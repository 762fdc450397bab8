"""The training API: the same scope and rules as the pages; errors keyed by field (422),
refusals 403, out of scope 404, no token 401; the public verification needs no token."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from cqo.accounts.models import ApiToken, User
from cqo.hours.models import StudyRecord
from cqo.test import Personas
from cqo.training import services
from cqo.training.models import Course, Enrolment, TrainingCertificate
from tests.training.conftest import World, passed_enrolment, qualify, register_person

API = "/api/v1"


class Api:
    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"} if user else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            API + path, body or {}, content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            API + path, body, content_type="application/json", headers=self.headers
        )


def fields(response: Any) -> set[str]:
    return {d["field"] for d in response.json()["detail"]}


def course_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "企业首席质量官提升培训班",
        "tier": "enhancement",
        "region": "610100",
        "forms": ["lecture", "group_discussion"],
        "hours": "16",
        "method": "exam",
        "pass_mark": 60,
        "institution": "trainer",
    }
    body.update(overrides)
    return body


SESSION = {
    "start_date": "2026-06-01",
    "end_date": "2026-06-02",
    "place": "西安市会议中心",
    "capacity": 2,
}


def test_it_runs_a_course_from_creation_to_certificate(personas: Personas) -> None:
    qualify(personas.province, personas.trainer)
    city, trainer = Api(personas.city), Api(personas.trainer)
    r = city.post("/training/courses", course_body())
    assert r.status_code == 201, r.content
    course = r.json()
    assert course["tier"] == "enhancement" and course["organiser"] == "西安市市场监督管理局"
    r = city.post(f"/training/courses/{course['id']}/sessions", SESSION)
    assert r.status_code == 201, r.content
    session = r.json()
    assert session["status"] == "open" and session["enrolled"] == 0
    person = personas.person
    r = city.post(
        f"/training/sessions/{session['id']}/enrolments",
        {"id_number": person.id_number, "person_name": person.name},
    )
    assert r.status_code == 201, r.content
    enrolment = r.json()
    assert enrolment["id_number_masked"] == person.id_number_masked
    assert person.id_number not in r.content.decode()
    r = trainer.post(f"/training/enrolments/{enrolment['id']}/attendance", {"attendance": 100})
    assert r.status_code == 200, r.content
    assert r.json()["study_record"] and r.json()["ledger_index"] is not None
    assert StudyRecord.objects.filter(person=person).count() == 1
    r = trainer.post(f"/training/enrolments/{enrolment['id']}/result", {"score": "60"})
    assert r.json()["passed"] is True
    # shaanxi-2021 §五(一): only the qualified 承办机构
    r = city.post(f"/training/enrolments/{enrolment['id']}/certificate")
    assert r.status_code == 403
    assert "shaanxi-2021 §五(一)" in r.json()["detail"][0]["message"]
    r = trainer.post(f"/training/enrolments/{enrolment['id']}/certificate")
    assert r.status_code == 201, r.content
    cert = r.json()
    assert cert["number"].startswith("PX610100202600001-")
    assert cert["content"]["holder"] == person.name
    assert cert["intact"] is True and len(cert["content_hash"]) == 64
    assert [e["action"] for e in cert["audit"]] == ["create"]
    r = Api(personas.cqo).get(f"/training/certificates/{cert['number']}")
    assert r.status_code == 200 and r.json()["status"] == "valid"
    r = city.post(f"/training/certificates/{cert['number']}/revoke", {"reason": "证书信息有误"})
    assert r.status_code == 200 and r.json()["status"] == "revoked"


def test_it_verifies_a_certificate_publicly_without_a_token(world: World) -> None:
    cert = services.certificate_issue(actor=world.p.trainer, enrolment=passed_enrolment(world))
    r = Client().get(f"{API}/public/training-certificates/{cert.number}")
    assert r.status_code == 200
    body = r.json()
    assert body["number"] == cert.number and body["status"] == "valid"
    assert body["content"]["course"] == world.course.title
    assert body["intact"] is True
    assert body["verify_url"].endswith(f"/verify/training/{cert.number}/")
    assert world.p.person.id_number not in r.content.decode()
    assert world.p.person.id_number_masked not in r.content.decode()
    assert Client().get(f"{API}/public/training-certificates/PX1").status_code == 422
    assert Client().get(f"{API}/public/training-certificates/PX610100202600009").status_code == 404


def test_it_needs_a_token(world: World) -> None:
    anonymous = Api(None)
    assert anonymous.get("/training/courses").status_code == 401
    assert anonymous.post("/training/courses", course_body()).status_code == 401
    assert anonymous.get(f"/training/sessions/{world.session.public_id}").status_code == 401


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("province", 200),
        ("city", 404),
        ("county_a", 404),
        ("trainer", 200),
        ("certifier", 404),
        ("cqo", 200),
        ("clerk_a", 404),
        ("admin", 200),
    ],
)
def test_it_scopes_every_read(world: World, who: str, status: int) -> None:
    cert = services.certificate_issue(actor=world.p.trainer, enrolment=passed_enrolment(world))
    api = Api(getattr(world.p, who))
    for path in (
        f"/training/courses/{world.course.public_id}",
        f"/training/sessions/{world.session.public_id}",
        f"/training/sessions/{world.session.public_id}/enrolments",
        f"/training/certificates/{cert.number}",
    ):
        assert api.get(path).status_code == status, path
    listed = api.get("/training/courses").json()["items"]
    assert (str(world.course.public_id) in [c["id"] for c in listed]) is (status == 200)


def test_a_cqo_sees_only_their_own_enrolment(world: World) -> None:
    _, other = register_person("610113", "second", name="张二")
    services.enrolment_create(
        actor=world.p.province,
        session=world.session,
        id_number=other.id_number,
        person_name=other.name,
    )
    items = Api(world.p.cqo).get(f"/training/sessions/{world.session.public_id}/enrolments")
    assert [e["person_name"] for e in items.json()["items"]] == [world.p.person.name]
    items = Api(world.p.province).get(f"/training/sessions/{world.session.public_id}/enrolments")
    assert items.json()["count"] == 2


def test_a_cqo_enrols_themself_and_not_twice(world: World) -> None:
    session = services.session_create(
        actor=world.p.province,
        course=world.course,
        terms=services.SessionTerms(
            start_date=dt.date(2026, 7, 1), end_date=dt.date(2026, 7, 2), place="西安", capacity=1
        ),
    )
    api = Api(world.p.cqo)
    r = api.post(f"/training/sessions/{session.public_id}/enrolments", {})
    assert r.status_code == 201
    r = api.post(f"/training/sessions/{session.public_id}/enrolments", {})
    assert r.status_code == 422 and fields(r) == {"session"}
    # a regulator has no profile to enrol
    r = Api(world.p.province).post(f"/training/sessions/{session.public_id}/enrolments", {})
    assert r.status_code == 403


def test_it_refuses_over_capacity(world: World) -> None:
    p = world.p
    course = Api(p.province)
    r = course.post(
        f"/training/courses/{world.course.public_id}/sessions", {**SESSION, "capacity": 1}
    )
    session = r.json()["id"]
    _, other = register_person("610113", "second", name="张二")
    course.post(
        f"/training/sessions/{session}/enrolments",
        {"id_number": other.id_number, "person_name": other.name},
    )
    r = course.post(
        f"/training/sessions/{session}/enrolments",
        {"id_number": p.person.id_number, "person_name": p.person.name},
    )
    assert r.status_code == 422 and fields(r) == {"session"}
    assert "名额已满" in r.json()["detail"][0]["message"]
    assert Enrolment.objects.filter(session__public_id=session).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"tier": "expert"}, "tier"),
        ({"tier": "advanced"}, "tier"),  # the city may not organise the province's tier
        ({"region": "61010"}, "region"),
        ({"region": "320581"}, "region"),  # outside the city
        ({"forms": []}, "forms"),
        ({"forms": ["karaoke"]}, "forms.0"),
        ({"hours": "0"}, "hours"),
        ({"hours": "1.25"}, "hours"),
        ({"method": "vibes"}, "method"),
        ({"pass_mark": 101}, "pass_mark"),
        ({"pass_mark": None}, "pass_mark"),
        ({"method": "attendance", "pass_mark": None}, "min_attendance"),
        ({"institution": "cqo"}, "institution"),
        ({"plan": "00000000-0000-0000-0000-000000000000"}, "plan"),
    ],
)
def test_it_names_the_bad_field(personas: Personas, overrides: dict[str, Any], field: str) -> None:
    r = Api(personas.city).post("/training/courses", course_body(**overrides))
    assert r.status_code == 422, r.content
    assert fields(r) == {field}
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("attendance", {"attendance": 101}, "attendance"),
        ("attendance", {"attendance": "x"}, "attendance"),
        ("result", {"score": "100.5"}, "score"),
        ("result", {"score": "50.55"}, "score"),
        ("result", {"score": 90}, "score"),  # not attended yet
    ],
)
def test_it_names_bad_marks(world: World, path: str, body: dict[str, Any], field: str) -> None:
    r = Api(world.p.province).post(f"/training/enrolments/{world.enrolment.public_id}/{path}", body)
    assert r.status_code == 422 and fields(r) == {field}


def test_it_refuses_marks_and_issues_to_others(world: World) -> None:
    e = passed_enrolment(world)
    cqo = Api(world.p.cqo)
    assert (
        cqo.post(f"/training/enrolments/{e.public_id}/attendance", {"attendance": 1}).status_code
        == 403
    )
    assert cqo.post(f"/training/enrolments/{e.public_id}/result", {"score": 1}).status_code == 403
    assert cqo.post(f"/training/enrolments/{e.public_id}/certificate").status_code == 403
    city = Api(world.p.city)
    assert city.post(f"/training/enrolments/{e.public_id}/certificate").status_code == 404
    assert not TrainingCertificate.objects.exists()


def test_it_keeps_plans(personas: Personas) -> None:
    api = Api(personas.certifier)
    r = api.post("/training/plans", {"year": 2026, "budget": "50000.5", "planned_sessions": 2})
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["organisation"] == "陕西省质量协会" and plan["delivered_sessions"] == 0
    r = api.post("/training/plans", {"year": 2026, "budget": "1", "planned_sessions": 1})
    assert r.status_code == 422 and fields(r) == {"year"}
    r = api.patch(f"/training/plans/{plan['id']}", {"budget": "1", "planned_sessions": 3})
    assert r.status_code == 200 and r.json()["planned_sessions"] == 3
    assert Api(personas.province).get(f"/training/plans/{plan['id']}").status_code == 404
    assert (
        Api(personas.trainer)
        .post("/training/plans", {"year": 2026, "budget": "1", "planned_sessions": 1})
        .status_code
        == 403
    )
    r = api.get("/training/plans", limit=500)
    assert r.status_code == 422 and fields(r) == {"limit"}


def test_it_moves_a_session_through_the_api(world: World) -> None:
    api = Api(world.p.trainer)
    path = f"/training/sessions/{world.session.public_id}/status"
    assert api.post(path, {"status": "held"}).json()["status"] == "held"
    r = api.post(path, {"status": "open"})
    assert r.status_code == 422 and fields(r) == {"status"}
    r = Api(world.p.cqo).post(path, {"status": "closed"})
    assert r.status_code == 403
