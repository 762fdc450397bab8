"""The policy pages: packs and the regions they govern, a version's rules with their clauses,
the rules governing a region, installing through the page, and the eligibility check."""

from __future__ import annotations

import pytest
from django.test import Client

from cqo.policy.models import PackVersion
from cqo.registry import services
from cqo.test import PASSWORD, Personas, appointment_data, declare
from tests.policy.conftest import SICHUAN_PACK, Elsewhere

pytestmark = pytest.mark.django_db


def login(client: Client, user) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_pack_list_shows_the_regions_each_pack_governs(personas: Personas, client: Client):
    page = login(client, personas.county_a).get("/policy/").content.decode()
    assert "陕质委办〔2021〕15号" in page and "陕西省" in page
    assert "《杭州市企业首席质量官管理规范》" in page and "杭州市" in page
    assert "shaanxi-2021" not in page  # the technical ids are the admin's
    assert 'id="upload"' not in page  # only the admin installs
    assert client.post("/policy/", {"text": SICHUAN_PACK}).status_code == 403


def test_the_admin_adds_a_fourth_province_through_the_page(
    personas: Personas, elsewhere: Elsewhere, client: Client
):
    login(client, personas.admin)
    bad = client.post("/policy/", {"text": SICHUAN_PACK.replace('severity = "advisory"', "")})
    assert bad.status_code == 200
    assert "conditions[1].severity" in bad.content.decode()
    assert not PackVersion.objects.filter(pack__slug="sichuan-test").exists()
    response = client.post("/policy/", {"text": SICHUAN_PACK})
    version = PackVersion.objects.get(pack__slug="sichuan-test")
    assert response.status_code == 302
    assert response["Location"] == f"/policy/versions/{version.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "第二条（一）" in detail and "四川省" in detail
    # applied to that province's filings, every verdict naming its clause
    appt = services.appointment_create(
        actor=elsewhere.sichuan_clerk,
        terms=services.AppointmentTerms(**appointment_data(elsewhere.newcomer)),
    )
    client.logout()
    page = login(client, elsewhere.sichuan_clerk).get(f"/filings/{appt.public_id}/")
    html = page.content.decode()
    assert (
        "第二条（一）" in html
        and "sichuan-test" not in html
        and "四川省企业首席质量官制度（测试）" in html
    )
    assert 'data-code="quality_years"' in html


def test_a_version_page_lists_every_condition_with_its_clause(personas: Personas, client: Client):
    version = PackVersion.objects.get(pack__slug="shaanxi-2021")
    html = login(client, personas.cqo).get(f"/policy/versions/{version.pk}/").content.decode()
    for clause in (
        "陕质委办〔2021〕15号 第四条（一）",
        "陕质委办〔2021〕15号 第四条（二）",
        "陕质委办〔2021〕15号 第四条（三）",
    ):
        assert clause in html
    source = client.get(f"/policy/versions/{version.pk}/pack.toml")
    assert source.content.decode() == version.source_text
    assert client.get("/policy/versions/999999/").status_code == 404


def test_the_governing_page_labels_the_national_default(personas: Personas, client: Client):
    login(client, personas.province)
    html = client.get("/policy/governing/", {"region": "440106"}).content.decode()
    assert 'id="national-default"' in html
    html = client.get("/policy/governing/", {"region": "330106"}).content.decode()
    assert "《杭州市企业首席质量官管理规范》" in html and 'id="national-default"' not in html
    assert "不存在" in client.get("/policy/governing/", {"region": "000000"}).content.decode()


def test_the_eligibility_page_shows_the_verdict(personas: Personas, client: Client):
    version = PackVersion.objects.get(pack__slug="jiangsu-2020")
    params = {
        "version": version.pk,
        "education": "high_school",
        "quality_years": 5,
        "size": "medium",
        "rank": "senior_deputy",
        "appointing_authority": "general_manager",
        "reports_to_top": "on",
    }
    html = login(client, personas.clerk_a).get("/policy/eligibility/", params).content.decode()
    assert "苏质委办〔2020〕9号 第二条" in html
    assert 'class="verdict-unmet" data-code="education"' in html
    assert 'class="verdict-met" data-code="quality_years"' in html


def test_the_filing_page_shows_the_reviewer_the_verdict(personas: Personas, client: Client):
    appt = services.appointment_create(
        actor=personas.clerk_a,
        terms=services.AppointmentTerms(
            **appointment_data(personas.person, justification="技术骨干，实践经验丰富")
        ),
    )
    declare(appt)
    services.filing_submit(actor=personas.clerk_a, appointment=appt)
    html = login(client, personas.county_a).get(f"/filings/{appt.public_id}/").content.decode()
    assert 'id="eligibility"' in html and "陕质委办〔2021〕15号 第四条（二）" in html
    assert "技术骨干，实践经验丰富" in html
    assert 'id="route"' in html


def test_the_authorisation_prints_the_pack_s_duties_powers_and_norms(
    personas: Personas, elsewhere: Elsewhere, client: Client, tmp_path
):
    from tests.registry.test_printing import flat, pdf_text

    login(client, elsewhere.hangzhou_clerk)
    form = client.get("/filings/new/").content.decode()
    # the clerk's form starts from the governing pack's lists (hangzhou-spec 岗位职责)
    assert "负责企业质量文化创建与推进" in form
    appt = services.appointment_create(
        actor=elsewhere.hangzhou_clerk,
        terms=services.AppointmentTerms(**appointment_data(personas.person, duties="", powers="")),
    )
    response = client.get(f"/filings/{appt.public_id}/authorisation.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content, tmp_path))
    assert "聘任授权证书" in text and personas.person.name in text
    assert "负责企业质量文化创建与推进" in text  # a duty of hangzhou-spec
    assert "行使质量安全“一票否决”权" in text  # a power
    assert "积极参加各种义务性质量咨询服务活动和公益活动" in text  # a norm (职业素养)
    client.logout()
    login(client, personas.clerk_b)
    assert client.get(f"/filings/{appt.public_id}/authorisation.pdf").status_code == 404
