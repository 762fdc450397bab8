"""Pages: success, invalid input, outside the viewer's scope, and no login (STYLE.md Tests)."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.registry import services
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.test import appointment_data, declare, enterprise_data, file_appointment, person_data


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_it_redirects_anonymous_users_to_login(client, personas):
    ent = personas.enterprise_a
    for url in [
        reverse("home"),
        reverse("registry:enterprise_list"),
        reverse("registry:enterprise_detail", args=[ent.uscc]),
        reverse("registry:person_list"),
        reverse("registry:appointment_list"),
        reverse("portal:oversight"),
        reverse("registry:appointment_create"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "sees_a", "sees_b"),
    [
        ("province", True, True),
        ("city", True, False),
        ("county_a", True, False),
        ("county_b", False, True),
        ("clerk_a", True, False),
        ("clerk_b", False, True),
        ("trainer", False, False),
        ("certifier", False, False),
        ("admin", True, True),
    ],
)
def test_it_lists_and_opens_only_enterprises_in_scope(as_user, personas, who, sees_a, sees_b):
    client = as_user(getattr(personas, who))
    listing = client.get(reverse("registry:enterprise_list")).content.decode()
    for ent, expected in ((personas.enterprise_a, sees_a), (personas.enterprise_b, sees_b)):
        assert (ent.name in listing) is expected
        detail = client.get(reverse("registry:enterprise_detail", args=[ent.uscc]))
        assert detail.status_code == (200 if expected else 404)


def test_it_exports_only_enterprises_in_scope(as_user, personas):
    client = as_user(personas.county_a)
    response = client.get(reverse("registry:enterprise_list") + "?export=xlsx")
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    usccs = [r[0] for r in rows[1:]]
    assert usccs == [personas.enterprise_a.uscc]
    assert AuditEntry.objects.filter(action="export", target_type="enterprise").exists()


def test_it_exports_filings_with_masked_id_numbers(as_user, personas):
    file_appointment(personas)
    client = as_user(personas.province)
    response = client.get(reverse("registry:appointment_list") + "?export=xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(rows) == 2
    assert personas.person.id_number not in [str(c) for c in rows[1]]
    assert personas.person.id_number_masked in rows[1]


def test_it_refuses_a_foreign_enterprise_edit(as_user, personas):
    client = as_user(personas.county_b)
    url = reverse("registry:enterprise_edit", args=[personas.enterprise_a.uscc])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x"}).status_code == 404


def test_it_creates_an_enterprise_and_shows_field_errors(as_user, personas):
    client = as_user(personas.county_a)
    data = enterprise_data(uscc="9144030027939873X8")  # corrupted check character
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    response = client.post(reverse("registry:enterprise_create"), data)
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误" in response.content.decode()
    assert not Enterprise.objects.filter(uscc="9144030027939873X8").exists()
    data["uscc"] = "9144030027939873X7"
    response = client.post(reverse("registry:enterprise_create"), data)
    assert response.status_code == 302
    assert Enterprise.objects.filter(uscc="9144030027939873X7", region_id="610113").exists()


def test_it_refuses_an_enterprise_outside_the_regulators_county(as_user, personas):
    client = as_user(personas.county_a)
    data = enterprise_data(region="610302")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    response = client.post(reverse("registry:enterprise_create"), data)
    assert response.status_code == 200  # 610302 is not offered: the form rejects the choice
    assert not Enterprise.objects.filter(uscc=data["uscc"]).exists()


def test_it_registers_a_cqo_online(client, personas):
    data = person_data(name="张喆", id_number="", mobile="13700001111")
    from cqo.test import new_id_number

    data.update(
        id_number=new_id_number(),
        username="zhangzhe",
        password="Str0ng-pass-2026",
        password2="Str0ng-pass-2026",
    )
    response = client.post(reverse("registry:register"), data)
    assert response.status_code == 302
    person = Person.objects.get(user__username="zhangzhe")
    assert person.name == "张喆"


def test_it_rejects_a_registration_whose_gender_contradicts_the_id(client, personas):
    from cqo.test import new_id_number

    data = person_data(id_number=new_id_number(gender="M"), gender="F")
    data.update(username="wrong", password="Str0ng-pass-2026", password2="Str0ng-pass-2026")
    response = client.post(reverse("registry:register"), data)
    assert response.status_code == 200
    assert "性别与身份证号码" in response.content.decode()
    assert not Person.objects.filter(user__username="wrong").exists()


def test_it_runs_the_filing_workflow_through_pages(as_user, personas):
    client = as_user(personas.clerk_a)
    data = appointment_data(personas.person)
    data["start_date"] = "2026-01-01"
    data["reports_to_top"] = "on"
    data["declaration_confirmed"] = "on"
    response = client.post(reverse("registry:appointment_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    appt = Appointment.objects.get(enterprise=personas.enterprise_a)
    client.post(reverse("registry:appointment_transition", args=[appt.public_id, "submit"]))
    appt.refresh_from_db()
    assert appt.status == "draft"  # the person has not declared (SPEC §12.11)
    declare(appt)
    client.post(reverse("registry:appointment_transition", args=[appt.public_id, "submit"]))
    appt.refresh_from_db()
    assert appt.status == "submitted"
    # clerk cannot approve its own filing
    client.post(reverse("registry:appointment_transition", args=[appt.public_id, "approve"]))
    appt.refresh_from_db()
    assert appt.status == "submitted"
    # the county of another region cannot even see it
    other = as_user(personas.county_b)
    url = reverse("registry:appointment_transition", args=[appt.public_id, "approve"])
    assert other.post(url).status_code == 404
    reviewer = as_user(personas.county_a)
    page = reviewer.get(
        reverse("registry:appointment_detail", args=[appt.public_id])
    ).content.decode()
    assert "平台规则" in page and "SPEC §" not in page  # checks are shown with their source
    reviewer.post(url)
    appt.refresh_from_db()
    assert appt.status == "filed"
    trail = reviewer.get(
        reverse("registry:appointment_detail", args=[appt.public_id])
    ).content.decode()
    assert "待备案 → 已备案" in trail


def test_it_requires_a_reason_to_return_a_filing(as_user, personas):
    appt = services.appointment_create(
        actor=personas.clerk_a, terms=services.AppointmentTerms(**appointment_data(personas.person))
    )
    declare(appt)
    services.filing_submit(actor=personas.clerk_a, appointment=appt)
    client = as_user(personas.county_a)
    url = reverse("registry:appointment_transition", args=[appt.public_id, "return"])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "退回须写明" in response.content.decode()
    appt.refresh_from_db()
    assert appt.status == "submitted"


def test_it_reveals_an_id_number_and_logs_it(as_user, personas):
    file_appointment(personas)
    client = as_user(personas.county_a)
    url = reverse("registry:person_reveal", args=[personas.person.public_id, "id_number"])
    response = client.post(url)
    assert personas.person.id_number in response.content.decode()
    assert (
        AuditEntry.objects.filter(action="unmask", target_id=str(personas.person.public_id)).count()
        == 1
    )
    outsider = as_user(personas.county_b)
    assert outsider.post(url).status_code == 404


def test_it_masks_id_numbers_on_the_person_page(as_user, personas):
    file_appointment(personas)
    client = as_user(personas.city)
    page = client.get(
        reverse("portal:person_detail", args=[personas.person.public_id])
    ).content.decode()
    assert personas.person.id_number_masked in page
    assert personas.person.id_number not in page


def test_it_prints_the_filing_form(as_user, personas):
    appt = file_appointment(personas)
    client = as_user(personas.clerk_a)
    response = client.get(reverse("registry:appointment_pdf", args=[appt.public_id]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert (
        as_user(personas.clerk_b)
        .get(reverse("registry:appointment_pdf", args=[appt.public_id]))
        .status_code
        == 404
    )


def test_it_lists_enterprises_without_a_cqo_for_the_regulator(as_user, personas):
    client = as_user(personas.city)
    page = client.get(reverse("portal:oversight")).content.decode()
    assert personas.enterprise_a.name in page
    assert personas.enterprise_b.name not in page
    # the list is filtered by name or USCC and to above-scale enterprises, and exported
    url = reverse("portal:oversight")
    a = personas.enterprise_a
    assert a.name in client.get(url, {"q": a.uscc[-6:]}).content.decode()
    assert a.name not in client.get(url, {"q": "不存在的单位"}).content.decode()
    above = client.get(url, {"above": "1"}).content.decode()
    assert (a.name in above) == a.above_scale
    export = client.get(url, {"q": a.name, "export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0)
    assert [r[:2] for r in rows.to_python()[1:]] == [[a.uscc, a.name]]
    file_appointment(personas)
    page = client.get(reverse("portal:oversight")).content.decode()
    assert personas.enterprise_a.name not in page
    assert as_user(personas.clerk_a).get(reverse("portal:oversight")).status_code == 403


def test_it_sends_a_reminder_only_inside_scope(as_user, personas):
    client = as_user(personas.county_a)
    client.post(
        reverse("registry:enterprise_remind", args=[personas.enterprise_a.uscc]),
        {"message": "请尽快完成备案"},
    )
    assert personas.enterprise_a.reminders.count() == 1
    response = client.post(
        reverse("registry:enterprise_remind", args=[personas.enterprise_b.uscc]),
        {"message": "请尽快完成备案"},
    )
    assert response.status_code == 404
    home = as_user(personas.clerk_a).get(reverse("home")).content.decode()
    assert "请尽快完成备案" in home


def test_it_switches_the_interface_to_english(client, personas):
    client.force_login(personas.county_a)
    assert "首席质量官管理平台" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Chief Quality Officer Platform" in client.get(reverse("home")).content.decode()


def test_it_finds_people_by_a_rare_character(as_user, personas):
    services.person_update(
        actor=personas.cqo, person=personas.person, details=services.PersonDetails(name="𠮷堃喆")
    )
    client = as_user(personas.admin)
    page = client.get(reverse("registry:person_list") + "?q=𠮷").content.decode()
    assert "𠮷堃喆" in page


def test_it_lists_overdue_filings(as_user, personas, settings):
    import datetime as dt

    settings.CQO_FILING_DUE_DAYS = 30
    services.appointment_create(
        actor=personas.clerk_a,
        terms=services.AppointmentTerms(
            **appointment_data(personas.person, start_date=dt.date.today() - dt.timedelta(days=40))
        ),
    )
    page = as_user(personas.county_a).get(reverse("portal:oversight")).content.decode()
    assert "逾期未备案" in page
    assert personas.person.name in page.split("逾期未备案")[1].split("未备案首席质量官的企业")[0]


def test_it_serves_a_photo_only_inside_scope(as_user, personas, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (30, 40), "white").save(buf, format="JPEG")
    photo = SimpleUploadedFile("p.jpg", buf.getvalue(), "image/jpeg")
    services.person_update(
        actor=personas.cqo, person=personas.person, details=services.PersonDetails(photo=photo)
    )
    file_appointment(personas)
    url = reverse("registry:person_photo", args=[personas.person.public_id])
    assert as_user(personas.county_a).get(url).status_code == 200
    assert as_user(personas.county_b).get(url).status_code == 404


def test_it_drills_down_from_province_to_a_county(as_user, personas):
    client = as_user(personas.province)
    page = client.get(reverse("registry:enterprise_list") + "?region=610302").content.decode()
    assert personas.enterprise_b.name in page
    assert personas.enterprise_a.name not in page
    assert 'value="610100"' in page  # the city is offered as a filter
    # a county regulator filtering on another county sees nothing, not the other county
    county = as_user(personas.county_a)
    assert (
        personas.enterprise_b.name
        not in county.get(reverse("registry:enterprise_list") + "?region=610302").content.decode()
    )


def test_it_never_redirects_a_reminder_to_another_site(as_user, personas):
    client = as_user(personas.county_a)
    url = reverse("registry:enterprise_remind", args=[personas.enterprise_a.uscc])
    response = client.post(url, {"message": "请尽快完成备案", "next": "https://evil.example/"})
    assert response["Location"] == reverse(
        "registry:enterprise_detail", args=[personas.enterprise_a.uscc]
    )
    response = client.post(url, {"message": "请尽快完成备案", "next": "/oversight/?page=2"})
    assert response["Location"] == "/oversight/?page=2"


def test_it_prints_full_numbers_only_when_allowed_and_logs_both(as_user, personas):
    appt = file_appointment(personas)
    client = as_user(personas.county_a)
    page = client.get(
        reverse("registry:appointment_detail", args=[appt.public_id])
    ).content.decode()
    assert 'id="pdf-full"' in page
    response = client.get(reverse("registry:appointment_pdf", args=[appt.public_id]) + "?full=1")
    assert response.content.startswith(b"%PDF")
    notes = set(
        AuditEntry.objects.filter(
            action="unmask", target_id=str(personas.person.public_id)
        ).values_list("note", flat=True)
    )
    assert notes == {"id_number", "mobile"}


def test_it_records_qualifications_on_the_profile_page(as_user, personas):
    client = as_user(personas.cqo)
    person = personas.person
    url = reverse("registry:person_edit", args=[person.public_id])
    assert client.get(url).status_code == 200
    fields = ["name", "position", "title", "title_level", "education", "major", "mobile"]
    data = {f: getattr(person, f) for f in [*fields, "email", "quality_years"]}
    data["region"] = person.region_id
    data.update({"q-TOTAL_FORMS": "1", "q-INITIAL_FORMS": "0", "q-MAX_NUM_FORMS": "20"})
    data.update({"q-0-kind": "professional_title", "q-0-name": "高级工程师"})
    data.update({"q-0-field": "质量管理", "q-0-level": "associate_senior"})
    data.update({"q-0-issued_on": "2018-12-01", "q-0-issuer": "陕西省人社厅"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert person.qualifications.get().level == "associate_senior"
    page = client.get(reverse("portal:person_detail", args=[person.public_id])).content.decode()
    assert "高级工程师（专业技术职称，副高级，质量管理" in page
    # a qualification with no kind is refused beside its field, and nothing changes
    data["q-0-kind"] = ""
    data["q-0-name"] = "质量工程师"
    response = client.post(url, data)
    assert response.status_code == 200
    assert person.qualifications.get().name == "高级工程师"
    # someone else's profile is out of reach
    assert as_user(personas.clerk_b).get(url).status_code == 404


def test_it_speaks_chinese_to_an_english_browser_until_english_is_chosen(client, personas):
    client.force_login(personas.county_a)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "首席质量官管理平台" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Chief Quality Officer Platform" in page


def test_it_refuses_a_nul_in_a_page_search(as_user, personas):
    response = as_user(personas.province).get(reverse("registry:enterprise_list") + "?q=%00")
    assert response.status_code == 400


def test_it_filters_enterprises_by_cqo_status(as_user, personas):
    file_appointment(personas)
    client = as_user(personas.province)
    filed = client.get(reverse("registry:enterprise_list") + "?cqo_status=filed").content.decode()
    assert personas.enterprise_a.name in filed
    assert personas.enterprise_b.name not in filed
    none = client.get(reverse("registry:enterprise_list") + "?cqo_status=none").content.decode()
    assert personas.enterprise_b.name in none
    assert personas.enterprise_a.name not in none
