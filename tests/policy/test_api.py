"""The policy API: packs, versions, the rules governing a region, the eligibility verdict for a
described person (the same one the filing reviewer sees), and installing a version."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cqo.policy.models import PackVersion
from cqo.registry import selectors, services
from cqo.test import Personas, appointment_data, declare
from tests.policy.conftest import SICHUAN_PACK
from tests.registry.test_api import callers, fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def body(**changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        # the person has made the declarations every filing needs (SPEC §12.11)
        "person": {
            "education": "bachelor",
            "title_level": "none",
            "quality_years": 3,
            "declarations": ["disqualifications"],
        },
        "enterprise": {"size": "medium", "above_scale": True, "industry": "34"},
        "post": {"rank": "senior_deputy"},
    }
    for path, value in changes.items():
        part, key = path.split("__")
        out[part][key] = value
    return out


def by_code(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.content
    return {r["code"]: r for r in response.json()["results"]}


def test_anyone_may_read_the_packs(personas: Personas, as_: Any) -> None:
    response = as_(None).get("/policy/packs")
    assert response.status_code == 200
    packs = {p["id"]: p for p in response.json()}
    assert packs["shaanxi-2021"]["current_version"] == "2021.3"
    assert packs["shaanxi-2021"]["versions"][0]["regions"] == ["610000"]
    assert packs["national-default"]["national_default"] is True
    version = as_(None).get("/policy/packs/jiangsu-2020/versions/2020.3").json()
    assert version["content"]["training"]["study_hours"]["hours"] == 50
    assert as_(None).get("/policy/packs/nowhere").status_code == 404
    assert as_(None).get("/policy/packs/jiangsu-2020/versions/9").status_code == 404


def test_it_tells_which_rules_govern_a_region(personas: Personas, as_: Any) -> None:
    data = as_(None).get("/policy/governing", region="330106", on="2026-06-01").json()
    assert data["versions"] == ["hangzhou-spec@2", "national-default@3"]
    assert data["rules"]["training"]["study_hours"]["hours"] == 40
    assert data["rules"]["filing"]["authority"] == "county"
    assert as_(None).get("/policy/governing", region="999999").status_code == 404
    assert fields(as_(None).get("/policy/governing", region="61")) == {"region"}


@pytest.mark.parametrize(
    ("years", "status"),
    [(2, "unmet"), (3, "met")],
)
def test_shaanxi_years_just_inside_and_outside(personas: Personas, as_: Any, years, status):
    results = by_code(
        as_(None).post("/policy/packs/shaanxi-2021/eligibility", body(person__quality_years=years))
    )
    assert results["quality_years"]["status"] == status
    assert results["quality_years"]["clause"].startswith("shaanxi-2021 §四(二)")


def test_relaxation_needs_a_justification_and_is_cited(personas: Personas, as_: Any) -> None:
    response = as_(None).post(
        "/policy/packs/shaanxi-2021/eligibility", body(person__quality_years=1)
    )
    data = response.json()
    assert data["can_proceed"] is False
    assert "quality_years" in data["needs_justification"]
    response = as_(None).post(
        "/policy/packs/shaanxi-2021/eligibility",
        body(person__quality_years=1, post__justification="技术骨干"),
    )
    data = response.json()
    assert data["can_proceed"] is True
    relaxed = by_code(response)["quality_years"]
    assert relaxed["status"] == "relaxed"
    assert "shaanxi-2021 §四(二)" in relaxed["relaxation"]
    for r in data["results"]:
        if r["status"] in ("unmet", "relaxed"):
            assert r["clause"]


def test_the_api_verdict_equals_the_filing_verdict(personas: Personas, as_: Any) -> None:
    appt = services.appointment_create(
        actor=personas.clerk_a,
        terms=services.AppointmentTerms(
            **appointment_data(personas.person, rank="department_head")
        ),
    )
    on_page = {r["code"]: r["status"] for r in selectors.eligibility_view(appt)["results"]}
    p = personas.person
    response = as_(None).post(
        "/policy/packs/shaanxi-2021/eligibility",
        body(
            person__education=p.education,
            person__title_level=p.title_level,
            person__quality_years=p.quality_years,
            person__declarations=[],  # the person has not declared yet
            post__rank="department_head",
        ),
    )
    assert {code: r["status"] for code, r in by_code(response).items()} == on_page


def test_it_names_the_field_of_bad_input(personas: Personas, as_: Any) -> None:
    assert fields(
        as_(None).post("/policy/packs/shaanxi-2021/eligibility", body(enterprise__industry="99"))
    ) == {"enterprise.industry"}
    assert "person.education" in fields(
        as_(None).post("/policy/packs/shaanxi-2021/eligibility", body(person__education="phd"))
    )
    assert "person.quality_years" in fields(
        as_(None).post("/policy/packs/shaanxi-2021/eligibility", body(person__quality_years=-1))
    )
    response = as_(None).post(
        "/policy/packs/shaanxi-2021/eligibility", {**body(), "version": "1999"}
    )
    assert fields(response) == {"version"}
    assert as_(None).post("/policy/packs/nowhere/eligibility", body()).status_code == 404


def test_only_the_admin_installs_a_version(personas: Personas, as_: Any) -> None:
    assert as_(None).post("/policy/packs", {"text": SICHUAN_PACK}).status_code == 401
    assert as_(personas.province).post("/policy/packs", {"text": SICHUAN_PACK}).status_code == 403
    bad = as_(personas.admin).post("/policy/packs", {"text": SICHUAN_PACK.replace("4 }", "-4 }")})
    assert fields(bad) == {"text"}
    assert "conditions[0].test.years" in bad.json()["detail"][0]["message"]
    created = as_(personas.admin).post("/policy/packs", {"text": SICHUAN_PACK})
    assert created.status_code == 201
    assert created.json() == {"created": True, "pack": "sichuan-test", "version": "2024.1"}
    again = as_(personas.admin).post("/policy/packs", {"text": SICHUAN_PACK})
    assert (again.status_code, again.json()["created"]) == (200, False)
    assert PackVersion.objects.filter(pack__slug="sichuan-test").count() == 1


def test_a_filing_carries_its_verdict_and_route(personas: Personas, as_: Any) -> None:
    appt = services.appointment_create(
        actor=personas.clerk_a, terms=services.AppointmentTerms(**appointment_data(personas.person))
    )
    declare(appt)
    services.filing_submit(actor=personas.clerk_a, appointment=appt)
    data = as_(personas.county_a).get(f"/filings/{appt.public_id}").json()
    assert "陕质委办〔2021〕15号" in data["eligibility"]["label"]
    assert all(r["clause"] for r in data["eligibility"]["results"])
    assert data["route"]
    assert data["review_stage"] == ""
