"""The training pages: every role's scope (success, out of scope → 404, no login → sign-in),
the forms with their errors beside the fields, and the enrolment export (audited)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from cqo.accounts.models import Role, User
from cqo.audit.models import AuditEntry
from cqo.hours import selectors as hour_selectors
from cqo.hours.models import StudyRecord
from cqo.reference.models import Region
from cqo.test import PASSWORD, Personas, make_user
from cqo.training import selectors, services
from cqo.training.models import Course, Enrolment, Session, TrainingCertificate, TrainingPlan
from tests.training.conftest import (
    World,
    course_terms,
    passed_enrolment,
    session_terms,
)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def html(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def certified(world: World) -> TrainingCertificate:
    return services.certificate_issue(actor=world.p.trainer, enrolment=passed_enrolment(world))


# Scope ----------------------------------------------------------------------------------------

# the province's course for 610000 (institution: trainer), its session, the CQO's certificate
SCOPE = {
    "province": 200,
    "city": 404,  # the course serves the whole province, not the city's subtree
    "county_a": 404,
    "county_b": 404,
    "trainer": 200,  # its 承办机构
    "certifier": 404,
    "cqo": 200,  # enrolled; the certificate is theirs
    "clerk_a": 404,
    "admin": 200,
}


@pytest.mark.parametrize(("who", "status"), SCOPE.items())
def test_it_scopes_course_session_and_certificate_pages(
    world: World, certified: TrainingCertificate, who: str, status: int
) -> None:
    client = client_for(getattr(world.p, who))
    urls = [
        f"/training/courses/{world.course.public_id}/",
        f"/training/sessions/{world.session.public_id}/",
        f"/training/certificates/{certified.number}/",
        f"/training/certificates/{certified.number}/certificate.pdf",
    ]
    for url in urls:
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(
    "url",
    [
        "/training/plans/",
        "/training/courses/",
        "/training/sessions/",
        "/training/certificates/",
        "/training/mine/",
        "/training/courses/new/",
    ],
)
def test_it_sends_anonymous_visitors_to_sign_in(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_sends_anonymous_visitors_of_a_record_to_sign_in(
    world: World, certified: TrainingCertificate
) -> None:
    for url in (
        f"/training/courses/{world.course.public_id}/",
        f"/training/sessions/{world.session.public_id}/",
        f"/training/certificates/{certified.number}/",
    ):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_lists_only_what_is_in_scope(world: World, certified: TrainingCertificate) -> None:
    p = world.p
    city_course = services.course_create(
        actor=p.city,
        terms=course_terms(title="西安市提升培训班", tier="enhancement", region="610100"),
    )
    listing = html(client_for(p.province).get("/training/courses/"))
    assert world.course.title in listing and city_course.title in listing
    listing = html(client_for(p.city).get("/training/courses/"))
    assert city_course.title in listing and world.course.title not in listing
    assert world.course.title not in html(client_for(p.county_a).get("/training/courses/"))
    assert world.course.title in html(client_for(p.trainer).get("/training/courses/"))
    assert world.course.title not in html(client_for(p.certifier).get("/training/courses/"))
    certificates = html(client_for(p.cqo).get("/training/certificates/"))
    assert certified.number in certificates
    assert certified.number not in html(client_for(p.city).get("/training/certificates/"))


def test_it_shows_a_cqo_open_sessions_of_their_region_only(world: World) -> None:
    p = world.p
    suzhou = make_user("suzhou", Role.REGULATOR, region=Region.objects.get(code="320500"))
    other = services.course_create(
        actor=suzhou, terms=course_terms(title="苏州基础培训班", tier="basic", region="320581")
    )
    far = services.session_create(actor=p.trainer, course=other, terms=session_terms())
    near = services.session_create(actor=p.province, course=world.course, terms=session_terms())
    client = client_for(p.cqo)
    page = html(client.get("/training/sessions/"))
    assert world.course.title in page and "苏州基础培训班" not in page
    assert client.get(f"/training/sessions/{far.public_id}/").status_code == 404
    assert client.get(f"/training/sessions/{near.public_id}/").status_code == 200
    # a closed session the CQO is not in disappears from their view
    services.session_set_status(actor=p.province, session=near, status="closed")
    assert client.get(f"/training/sessions/{near.public_id}/").status_code == 404


def test_it_hides_the_enrolment_list_from_a_cqo(world: World) -> None:
    page = html(client_for(world.p.cqo).get(f"/training/sessions/{world.session.public_id}/"))
    assert 'id="enrolments"' not in page and 'id="mine"' in page
    page = html(client_for(world.p.province).get(f"/training/sessions/{world.session.public_id}/"))
    assert 'id="enrolments"' in page and world.p.person.id_number_masked in page
    assert world.p.person.id_number not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("province", 200),
        ("city", 200),
        ("certifier", 200),
        ("trainer", 403),
        ("cqo", 403),
        ("clerk_a", 403),
        ("admin", 200),
    ],
)
def test_it_shows_plans_to_regulators_and_certifiers(
    personas: Personas, who: str, status: int
) -> None:
    assert client_for(getattr(personas, who)).get("/training/plans/").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("province", 200), ("city", 404), ("county_a", 404), ("certifier", 404), ("admin", 200)],
)
def test_it_scopes_a_plan(personas: Personas, who: str, status: int) -> None:
    plan = services.plan_create(
        actor=personas.province, year=2026, budget=Decimal(1000), planned_sessions=2
    )
    url = f"/training/plans/{plan.public_id}/"
    assert client_for(getattr(personas, who)).get(url).status_code == status


# Plans ----------------------------------------------------------------------------------------


def test_it_creates_and_updates_a_plan_on_the_page(personas: Personas) -> None:
    client = client_for(personas.city)
    response = client.post(
        "/training/plans/new/",
        {"year": "2026", "budget": "150000", "planned_sessions": "3", "notes": "统一教材"},
    )
    plan = TrainingPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/training/plans/{plan.public_id}/"
    response = client.post(
        f"/training/plans/{plan.public_id}/",
        {"budget": "180000", "planned_sessions": "4", "notes": "统一师资"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.planned_sessions == 4 and plan.notes == "统一师资"
    # the same year again: the error beside the year
    response = client.post(
        "/training/plans/new/", {"year": "2026", "budget": "1", "planned_sessions": "1"}
    )
    assert response.status_code == 200 and 'id="error-year"' in html(response)
    # another level cannot change it
    response = client_for(personas.province).post(
        f"/training/plans/{plan.public_id}/",
        {"budget": "1", "planned_sessions": "1", "notes": ""},
    )
    assert response.status_code == 403


# Courses and sessions -------------------------------------------------------------------------


def course_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "企业首席质量官提升培训班",
        "tier": "enhancement",
        "region": "610100",
        "forms": ["lecture", "site_visit"],
        "hours": "16",
        "method": "exam",
        "pass_mark": "60",
        "min_attendance": "",
        "plan": "",
        "institution": "trainer",
        "description": "",
    }
    data.update(overrides)
    return data


def test_it_creates_a_course_and_a_session_on_the_pages(personas: Personas) -> None:
    client = client_for(personas.city)
    response = client.post("/training/courses/new/", course_form())
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/training/courses/{course.public_id}/"
    assert course.forms == ["lecture", "site_visit"]
    response = client.post(
        f"/training/courses/{course.public_id}/sessions/",
        {
            "s-start_date": "2026-06-01",
            "s-end_date": "2026-06-02",
            "s-place": "西安市会议中心",
            "s-capacity": "40",
        },
    )
    session = Session.objects.get()
    assert response["Location"] == f"/training/sessions/{session.public_id}/"
    page = html(client.get(f"/training/courses/{course.public_id}/"))
    assert "西安市会议中心" in page


def test_it_shows_course_errors_beside_their_fields(personas: Personas) -> None:
    client = client_for(personas.city)
    response = client.post("/training/courses/new/", course_form(tier="advanced", pass_mark=""))
    page = html(response)
    assert response.status_code == 200
    assert 'id="error-tier"' in page and "省级" in page
    assert 'id="error-pass_mark"' in page
    response = client.post("/training/courses/new/", course_form(hours="2.25", forms=[]))
    page = html(response)
    assert 'id="error-hours"' in page and 'id="error-forms"' in page
    assert not Course.objects.exists()


def test_it_refuses_course_creation_to_others(personas: Personas) -> None:
    for who in (personas.cqo, personas.clerk_a):
        assert client_for(who).get("/training/courses/new/").status_code == 403


def test_it_refuses_session_changes_to_others_in_scope(world: World) -> None:
    # the city does not see the province's course at all; the CQO sees it but may not run it
    client = client_for(world.p.cqo)
    url = f"/training/courses/{world.course.public_id}/sessions/"
    assert client.post(url, {"s-place": "x"}).status_code == 403
    url = f"/training/sessions/{world.session.public_id}/status/"
    assert client.post(url, {"st-status": "closed"}).status_code == 403
    assert client_for(world.p.city).post(url, {"st-status": "closed"}).status_code == 404


def test_it_changes_a_session_status_on_the_page(world: World) -> None:
    client = client_for(world.p.trainer)
    url = f"/training/sessions/{world.session.public_id}/status/"
    assert client.post(url, {"st-status": "held"}).status_code == 302
    world.session.refresh_from_db()
    assert world.session.status == "held"
    response = client.post(url, {"st-status": "open"})
    assert response.status_code == 422 and 'id="error-st-status"' in html(response)


# Enrolment ------------------------------------------------------------------------------------


def test_it_enrols_by_id_number_and_name_on_the_page(world: World) -> None:
    from tests.training.conftest import register_person

    _, person = register_person("610113", "second", name="张二")
    client = client_for(world.p.province)
    url = f"/training/sessions/{world.session.public_id}/enrol/"
    response = client.post(url, {"e-person_name": "张二", "e-id_number": person.id_number})
    assert response.status_code == 302
    assert Enrolment.objects.filter(session=world.session, person=person).exists()
    # again: the error beside the ID number
    response = client.post(url, {"e-person_name": "张二", "e-id_number": person.id_number})
    assert response.status_code == 422
    assert 'id="error-e-id_number"' in html(response) and "已报名" in html(response)
    # wrong name: the same answer as an unknown number, beside the ID number
    response = client.post(url, {"e-person_name": "张三", "e-id_number": person.id_number})
    assert 'id="error-e-id_number"' in html(response) and "未找到" in html(response)


def test_it_refuses_an_enrolment_over_capacity_on_the_page(world: World) -> None:
    from tests.training.conftest import register_person

    full = services.session_create(
        actor=world.p.province, course=world.course, terms=session_terms(capacity=1)
    )
    _, person = register_person("610113", "second", name="张二")
    client = client_for(world.p.province)
    url = f"/training/sessions/{full.public_id}/enrol/"
    client.post(url, {"e-person_name": "张二", "e-id_number": person.id_number})
    response = client.post(
        url, {"e-person_name": world.p.person.name, "e-id_number": world.p.person.id_number}
    )
    assert response.status_code == 422 and "名额已满" in html(response)
    assert full.enrolments.count() == 1


def test_a_cqo_enrols_themself_in_an_open_session(world: World) -> None:
    session = services.session_create(
        actor=world.p.province, course=world.course, terms=session_terms()
    )
    client = client_for(world.p.cqo)
    page = html(client.get(f"/training/sessions/{session.public_id}/"))
    assert 'id="btn-join"' in page
    response = client.post(f"/training/sessions/{session.public_id}/join/")
    assert response.status_code == 302
    assert session.enrolments.filter(person=world.p.person).exists()
    page = html(client.get(f"/training/sessions/{session.public_id}/"))
    assert 'id="btn-join"' not in page and 'id="mine"' in page
    response = client.post(f"/training/sessions/{session.public_id}/join/")
    assert response.status_code == 422 and "已报名" in html(response)
    # others may not use the CQO's button
    assert (
        client_for(world.p.province)
        .post(f"/training/sessions/{session.public_id}/join/")
        .status_code
        == 403
    )


# Attendance, results, certificates ------------------------------------------------------------


def test_it_marks_attendance_and_results_on_the_pages(world: World) -> None:
    client = client_for(world.p.trainer)
    e = world.enrolment
    url = f"/training/sessions/{world.session.public_id}/attendance/"
    page = html(client.get(url))
    assert world.p.person.name in page
    assert client.post(url, {f"attendance_{e.public_id.hex}": "100"}).status_code == 302
    assert StudyRecord.objects.filter(person=world.p.person).count() == 1
    url = f"/training/sessions/{world.session.public_id}/results/"
    response = client.post(url, {f"score_{e.public_id.hex}": "101"})
    assert response.status_code == 422
    assert f'id="error-score_{e.public_id.hex}"' in html(response)
    assert client.post(url, {f"score_{e.public_id.hex}": "60"}).status_code == 302
    e.refresh_from_db()
    assert e.passed is True
    # marking again with another share corrects the record (SPEC §12.25): one effective record
    # with the 学时 attended
    client.post(
        f"/training/sessions/{world.session.public_id}/attendance/",
        {f"attendance_{e.public_id.hex}": "90"},
    )
    records = hour_selectors.effective(StudyRecord.objects.filter(person=world.p.person))
    assert [r.hours for r in records] == [Decimal("21.6")]


def test_it_refuses_marking_pages_to_others(world: World) -> None:
    for who, status in ((world.p.cqo, 403), (world.p.city, 404), (None, 302)):
        client = client_for(who)
        for kind in ("attendance", "results"):
            url = f"/training/sessions/{world.session.public_id}/{kind}/"
            assert client.get(url).status_code == status


def test_it_issues_a_certificate_from_the_session_page(world: World) -> None:
    e = passed_enrolment(world)
    url = f"/training/enrolments/{e.public_id}/certificate/"
    page = html(client_for(world.p.trainer).get(f"/training/sessions/{world.session.public_id}/"))
    assert "btn-issue" in page
    # shaanxi-2021 §五(一): the provincial regulator (organiser) may not issue
    page = html(client_for(world.p.province).get(f"/training/sessions/{world.session.public_id}/"))
    assert "btn-issue" not in page
    assert client_for(world.p.province).post(url).status_code == 403
    response = client_for(world.p.trainer).post(url)
    cert = TrainingCertificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/training/certificates/{cert.number}/"
    response = client_for(world.p.trainer).post(url)
    assert response.status_code == 422 and cert.number in html(response)
    # out of scope
    assert client_for(world.p.city).post(url).status_code == 404


def test_it_revokes_a_certificate_on_its_page(certified: TrainingCertificate, world: World) -> None:
    url = f"/training/certificates/{certified.number}/revoke/"
    assert client_for(world.p.cqo).post(url, {"r-reason": "本人申请撤销"}).status_code == 403
    response = client_for(world.p.trainer).post(url, {"r-reason": "错"})
    assert response.status_code == 422 and 'id="error-r-reason"' in html(response)
    assert client_for(world.p.trainer).post(url, {"r-reason": "证书信息有误"}).status_code == 302
    certified.refresh_from_db()
    assert certified.status == "revoked"


def test_it_serves_the_certificate_pdf(certified: TrainingCertificate, world: World) -> None:
    response = client_for(world.p.cqo).get(
        f"/training/certificates/{certified.number}/certificate.pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_my_training_shows_enrolments_certificates_and_open_sessions(
    world: World, certified: TrainingCertificate
) -> None:
    open_one = services.session_create(
        actor=world.p.province,
        course=world.course,
        terms=session_terms(place="宝鸡市会议中心"),
    )
    page = html(client_for(world.p.cqo).get("/training/mine/"))
    assert certified.number in page
    assert world.course.title in page
    assert "宝鸡市会议中心" in page
    assert str(open_one.public_id) in page
    assert client_for(world.p.province).get("/training/mine/").status_code == 403


# Export ---------------------------------------------------------------------------------------


def test_it_exports_the_enrolment_list_audited(
    world: World, certified: TrainingCertificate
) -> None:
    client = client_for(world.p.province)
    response = client.get(f"/training/sessions/{world.session.public_id}/", {"export": "xlsx"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "姓名"
    assert rows[1][0] == world.p.person.name
    assert rows[1][1] == world.p.person.id_number_masked
    assert certified.number in [str(v) for v in rows[1]]
    assert world.p.person.id_number not in str(rows)
    assert AuditEntry.objects.filter(action="export", target_type=selectors.ENROLMENT).exists()
    # a CQO has no enrolment list to export
    response = client_for(world.p.cqo).get(
        f"/training/sessions/{world.session.public_id}/", {"export": "xlsx"}
    )
    assert response.status_code == 403


def test_it_paginates_and_searches_the_enrolment_list(world: World) -> None:
    page = html(
        client_for(world.p.province).get(
            f"/training/sessions/{world.session.public_id}/", {"q": "不存在的人"}
        )
    )
    roster = page.split('id="enrolments"')[1].split("</table>")[0]
    assert world.p.person.name not in roster and "暂无报名" in roster
    page = html(
        client_for(world.p.province).get(
            f"/training/sessions/{world.session.public_id}/", {"q": "李"}
        )
    )
    assert world.p.person.name in page.split('id="enrolments"')[1].split("</table>")[0]


def test_it_paginates_the_course_list(personas: Personas) -> None:
    for n in range(27):  # the province's courses, run by the trainer as 承办机构
        services.course_create(
            actor=personas.province, terms=course_terms(title=f"质量课程{n:02d}")
        )
    client = client_for(personas.trainer)
    first = html(client.get("/training/courses/"))
    second = html(client.get("/training/courses/", {"page": 2}))
    assert "第 1 / 2 页" in first and "共 27 条" in first
    assert "质量课程26" in first and "质量课程00" in second and "质量课程00" not in first
    searched = html(client.get("/training/courses/", {"q": "课程13"}))
    assert "质量课程13" in searched and "质量课程12" not in searched
