"""A Shaanxi filing's pages and printed documents, the policy pages and the eligibility check
cite documents by title and number (SPEC §12.24): no pack id, no SPEC number, no version string;
a filing's form checks cite the form the governing pack files on."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cqo.policy.models import PackVersion
from cqo.registry import selectors, services
from cqo.test import Personas, appointment_data, declare, file_appointment
from tests.citing import assert_cites_like_users, capture_printing
from tests.policy.conftest import Elsewhere


def _page(client: Client, user: Any, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_shaanxi_filing_reads_like_its_documents(
    personas: Personas, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    appt = services.appointment_create(
        actor=personas.clerk_a,
        terms=services.AppointmentTerms(**appointment_data(personas.person)),
    )
    declare(appt)
    services.filing_submit(actor=personas.clerk_a, appointment=appt)
    detail = reverse("registry:appointment_detail", args=[appt.public_id])
    submitted = _page(client, personas.county_a, detail)
    assert "陕质委办〔2021〕15号" in submitted and "2021-08-24 起施行" in submitted
    assert_cites_like_users(submitted)
    services.filing_approve(actor=personas.county_a, appointment=appt)
    for user in (personas.clerk_a, personas.county_a, personas.province):
        assert_cites_like_users(_page(client, user, detail))
    printed = capture_printing(monkeypatch)
    for name in ("registry:appointment_pdf", "registry:appointment_authorisation"):
        _page(client, personas.clerk_a, reverse(name, args=[appt.public_id]))
    assert len(printed) == 2
    for html in printed:
        assert_cites_like_users(html)
    ent = personas.enterprise_a
    assert_cites_like_users(
        _page(client, personas.clerk_a, reverse("registry:enterprise_detail", args=[ent.uscc]))
    )


def test_a_filings_form_checks_cite_the_form_of_its_governing_pack(
    personas: Personas, elsewhere: Elsewhere
) -> None:
    shaanxi = services.appointment_create(
        actor=personas.clerk_a,
        terms=services.AppointmentTerms(**appointment_data(personas.person)),
    )
    shenzhen = services.appointment_create(
        actor=elsewhere.shenzhen_clerk,
        terms=services.AppointmentTerms(**appointment_data(elsewhere.newcomer)),
    )
    for appt, form in ((shaanxi, "平台备案表"), (shenzhen, "shenzhen-guide 附录A")):
        checks = {c.code: c.clause for c in selectors.filing_checks(appt)}
        assert checks["declaration"] == form
        assert checks["profile_complete"] == form


def test_the_policy_pages_name_documents_and_dates(personas: Personas, client: Client) -> None:
    version = PackVersion.objects.get(pack__slug="shaanxi-2021", version="2021.3")
    level = PackVersion.objects.filter(pack__slug="level-standard").order_by("-pk").first()
    assert level is not None
    pages = {
        "index": reverse("policy:pack_index"),
        "version": reverse("policy:version_detail", args=[version.pk]),
        "level": reverse("policy:version_detail", args=[level.pk]),
        "governing": reverse("policy:governing") + "?region=610113",
        "default": reverse("policy:governing") + "?region=440106",
        "eligibility": reverse("policy:eligibility")
        + f"?version={version.pk}&education=high_school&quality_years=2&size=medium"
        "&rank=senior_deputy&appointing_authority=general_manager&reports_to_top=on",
    }
    # other users never see the technical ids
    for url in (pages["index"], pages["version"]):
        shown = _page(client, personas.province, url)
        assert "技术标识" not in shown and "shaanxi-2021" not in shown.split('id="trail"')[0]
    html = {k: _page(client, personas.admin, url) for k, url in pages.items()}
    # the admin's pack list keeps the ids in its technical column only
    index = html.pop("index")
    assert 'class="small text-muted font-monospace">shaanxi-2021' in index
    assert "陕质委办〔2021〕15号" in index and "2021-08-24 起施行" in index
    # a version's page keeps them in its technical line and its installation record only
    for key in ("version", "level"):
        technical = html[key].split("技术标识")
        assert len(technical) == 2
        html[key] = technical[0] + technical[1].split("</dd>", 1)[1].split('id="trail"')[0]
    assert "《首席质量官能力水平认定》（征求意见稿）" in html["level"]
    assert "2024-01-01 起参照适用" in html["level"]
    assert "平台默认规则" in html["default"]
    assert 'id="verdict"' in html["eligibility"]
    for key, page in html.items():
        assert_cites_like_users(page), key


def test_the_eligibility_form_offers_documents_by_name(personas: Personas, client: Client) -> None:
    page = _page(client, personas.clerk_a, reverse("policy:eligibility"))
    assert (
        "陕西省 关于深化企业首席质量官制度的意见（陕质委办〔2021〕15号，2021-08-24 起施行）" in page
    )
    assert_cites_like_users(page)


def test_a_filed_filings_frozen_label_reads_without_ids(personas: Personas, client: Client) -> None:
    appt = file_appointment(personas)
    # a verdict frozen before labels named documents
    appt.verdict = {
        **appt.verdict,
        "label": "陕西省 关于深化企业首席质量官制度的意见（shaanxi-2021 2021.2，2021-08-24 起）"
        " ← 全国默认规则（本地区尚无政策包）（national-default 2，2020-01-01 起）",
    }
    appt.save(update_fields=["verdict"])
    page = _page(
        client, personas.clerk_a, reverse("registry:appointment_detail", args=[appt.public_id])
    )
    assert "陕质委办〔2021〕15号，2021-08-24 起" in page
    assert_cites_like_users(page)
