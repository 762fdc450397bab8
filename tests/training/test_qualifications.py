"""Training institutions' qualifications (培训资质): recorded and revoked by a regulator, read by
regulators and the institution itself, on the pages and the API (shaanxi-2021 §五(一);
jiangsu-2020 §五; hangzhou-spec 聘用与培训·培训)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cqo.accounts.models import ApiToken, Role
from cqo.audit.models import AuditEntry
from cqo.test import PASSWORD, Personas, make_user
from cqo.training import selectors, services
from tests.training.conftest import World, qualify

API = "/api/v1"


def login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def body(**overrides: Any) -> dict[str, Any]:
    data = {
        "institution": "trainer",
        "granted_by": "陕西省市场监督管理局",
        "document": "陕市监函〔2025〕1号",
        "basis": "陕质委办〔2021〕15号 第五条（一）",
        "valid_from": "2025-01-01",
        "valid_until": "2027-12-31",
    }
    data.update(overrides)
    return data


def test_a_regulator_records_a_qualification_audited(personas: Personas) -> None:
    q = qualify(personas.city, personas.trainer)
    assert q.region_id == "610100" and q.recorded_by == personas.city
    assert AuditEntry.objects.filter(
        target_type=selectors.QUALIFICATION, target_id=str(q.public_id), action="create"
    ).exists()
    assert selectors.qualified_on(personas.trainer, dt.date(2026, 6, 15))


@pytest.mark.parametrize("who", ["trainer", "certifier", "cqo", "clerk_a", "admin"])
def test_only_a_regulator_records_one(personas: Personas, who: str) -> None:
    with pytest.raises(PermissionDenied):
        qualify(getattr(personas, who), personas.trainer)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"institution": "cqo"}, "institution"),  # not a training institution
        ({"institution": ""}, "institution"),
        ({"granted_by": ""}, "granted_by"),
        ({"granted_by": "局" * 201}, "granted_by"),
        ({"document": "x"}, "document"),
        ({"basis": ""}, "basis"),
        ({"valid_from": None}, "valid_from"),
        ({"valid_from": dt.date(2011, 12, 31)}, "valid_from"),  # before the system began
        ({"valid_until": dt.date(2024, 12, 31)}, "valid_until"),  # before valid_from
        ({"valid_until": dt.date(2037, 1, 1)}, "valid_until"),  # over ten years ahead
    ],
)
def test_it_names_the_bad_field(personas: Personas, overrides: dict[str, Any], field: str) -> None:
    terms = {
        "institution": "trainer",
        "granted_by": "陕西省市场监督管理局",
        "document": "陕市监函〔2025〕1号",
        "basis": "陕质委办〔2021〕15号 第五条（一）",
        "valid_from": dt.date(2025, 1, 1),
        "valid_until": dt.date(2027, 12, 31),
        **overrides,
    }
    with pytest.raises(ValidationError) as exc:
        services.qualification_create(
            actor=personas.province, terms=services.QualificationTerms(**terms)
        )
    assert list(exc.value.message_dict) == [field]


@pytest.mark.parametrize(
    ("day", "valid"),
    [
        (dt.date(2024, 12, 31), False),
        (dt.date(2025, 1, 1), True),
        (dt.date(2027, 12, 31), True),
        (dt.date(2028, 1, 1), False),
    ],
)
def test_it_is_qualified_within_its_validity(personas: Personas, day: dt.date, valid: bool) -> None:
    qualify(personas.province, personas.trainer)
    assert selectors.qualified_on(personas.trainer, day) is valid


def test_a_regulator_of_the_recording_region_revokes_it(personas: Personas) -> None:
    q = qualify(personas.county_a, personas.trainer)
    for who in (personas.county_b, personas.trainer):
        with pytest.raises(PermissionDenied):
            services.qualification_revoke(actor=who, qualification=q, reason="资质被撤回")
    with pytest.raises(ValidationError) as exc:
        services.qualification_revoke(actor=personas.city, qualification=q, reason="撤")
    assert list(exc.value.message_dict) == ["reason"]
    services.qualification_revoke(actor=personas.city, qualification=q, reason="资质被撤回")
    q.refresh_from_db()
    assert q.revoked_by == personas.city and q.revoke_reason == "资质被撤回"
    assert not selectors.qualified_on(personas.trainer, dt.date(2026, 6, 15))
    with pytest.raises(PermissionDenied):  # once
        services.qualification_revoke(actor=personas.city, qualification=q, reason="再次撤回")


def test_it_scopes_the_reads(personas: Personas) -> None:
    q = qualify(personas.province, personas.trainer)
    other = make_user("other_trainer", Role.TRAINER, organisation="另一培训机构")
    for who, sees in [
        (personas.county_b, True),  # every regulator checks an institution's standing
        (personas.trainer, True),
        (other, False),
        (personas.cqo, False),
        (personas.clerk_a, False),
        (personas.certifier, False),
    ]:
        assert (q in selectors.qualification_list(user=who)) is sees, who


def test_the_pages_record_show_and_revoke(personas: Personas) -> None:
    client = login(personas.province)
    page = client.get("/training/qualifications/new/")
    assert page.status_code == 200 and "陕质委办〔2021〕15号" in page.content.decode()
    bad = client.post("/training/qualifications/new/", body(institution="nobody"))
    assert bad.status_code == 422 and 'id="error-institution"' in bad.content.decode()
    response = client.post("/training/qualifications/new/", body())
    assert response.status_code == 302
    q = selectors.qualification_list(user=personas.province).get()
    detail = client.get(f"/training/qualifications/{q.public_id}/").content.decode()
    assert "陕市监函〔2025〕1号" in detail and "今日有效" in detail
    listed = login(personas.trainer).get("/training/qualifications/").content.decode()
    assert "陕西省市场监督管理局" in listed
    assert login(personas.cqo).get("/training/qualifications/").status_code == 403
    assert login(personas.trainer).get("/training/qualifications/new/").status_code == 403
    assert login(personas.cqo).get(f"/training/qualifications/{q.public_id}/").status_code == 404
    url = f"/training/qualifications/{q.public_id}/"
    assert login(personas.trainer).post(url, {"r-reason": "资质被撤回"}).status_code == 403
    assert client.post(url, {"r-reason": "撤"}).status_code == 422
    assert client.post(url, {"r-reason": "资质被撤回"}).status_code == 302
    q.refresh_from_db()
    assert q.revoked_at is not None


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/training/qualifications/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_api_records_lists_and_revokes(personas: Personas) -> None:
    def api(user: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {ApiToken.issue(user)}"}

    client = Client()
    url = f"{API}/training/qualifications"
    r = client.post(url, body(), content_type="application/json", headers=api(personas.trainer))
    assert r.status_code == 403
    r = client.post(
        url,
        body(valid_until="2024-01-01"),
        content_type="application/json",
        headers=api(personas.city),
    )
    assert r.status_code == 422
    r = client.post(url, body(), content_type="application/json", headers=api(personas.city))
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["valid_today"] is True and created["institution"] == "陕西质量培训中心"
    r = client.get(url, headers=api(personas.trainer))
    assert r.json()["count"] == 1
    assert client.get(url, headers=api(personas.cqo)).json()["count"] == 0
    one = f"{url}/{created['id']}"
    assert client.get(one, headers=api(personas.cqo)).status_code == 404
    assert client.get(one).status_code == 401
    r = client.post(
        f"{one}/revoke",
        {"reason": "资质被撤回"},
        content_type="application/json",
        headers=api(personas.city),
    )
    assert r.status_code == 200 and r.json()["valid_today"] is False


def test_the_course_page_shows_whether_the_institution_is_qualified(world: World) -> None:
    page = login(world.p.province).get(f"/training/courses/{world.course.public_id}/")
    assert "培训资质有效" in page.content.decode()
