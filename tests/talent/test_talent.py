"""The provincial talent pool (SPEC §8; shaanxi-2021 §五(一); level-standard §11): who may
recommend, the province decides, search in scope with filters, pages and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cqo.audit.models import AuditEntry
from cqo.talent import selectors, services
from cqo.talent.models import TalentEntry
from cqo.test import PASSWORD, Personas, file_appointment
from tests.registry.test_api import callers, fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def test_recommenders_and_the_province_s_decision(personas: Personas):
    p = personas
    file_appointment(p)
    for outsider in (p.county_b, p.clerk_b, p.trainer, p.cqo):
        with pytest.raises(PermissionDenied):
            services.recommend(actor=outsider, person=p.person, reason="业绩突出，推荐入库")
    with pytest.raises(ValidationError) as exc:
        services.recommend(actor=p.county_a, person=p.person, reason="好")
    assert set(exc.value.message_dict) == {"reason"}
    entry = services.recommend(actor=p.certifier, person=p.person, reason="认定为AAAA级，推荐入库")
    assert (entry.province_id, entry.recommender_kind) == ("610000", "certifier")
    with pytest.raises(ValidationError):  # one open entry per person and province
        services.recommend(actor=p.clerk_a, person=p.person, reason="企业推荐入库")
    for not_the_province in (p.city, p.county_a):
        with pytest.raises(PermissionDenied):
            services.decide(actor=not_the_province, entry=entry, admit=True)
    with pytest.raises(ValidationError) as exc:
        services.decide(actor=p.province, entry=entry, admit=False, note="")
    assert set(exc.value.message_dict) == {"note"}
    admitted = services.decide(actor=p.province, entry=entry, admit=True, note="同意")
    assert admitted.state == TalentEntry.State.ADMITTED
    assert AuditEntry.objects.filter(target_type="talent_entry").count() == 2
    with pytest.raises(ValidationError):
        services.decide(actor=p.province, entry=entry, admit=False, note="再次决定")


def test_search_filters_inside_scope(personas: Personas):
    p = personas
    file_appointment(p)
    names = lambda user, **f: [x.name for x in selectors.search(user=user, **f)]  # noqa: E731
    assert names(p.city, q="堃") == [p.person.name]
    assert names(p.county_b, q="堃") == []  # outside the scope
    assert names(p.province, industry="C") == [p.person.name]  # division 34 is in section C
    assert names(p.province, industry="14") == []
    assert names(p.province, min_years=8) == [p.person.name]
    assert names(p.province, min_years=9) == []
    assert names(p.province, state="none") == [p.person.name]
    entry = services.recommend(actor=p.certifier, person=p.person, reason="认定合格，推荐入库")
    assert names(p.province, state="recommended") == [p.person.name]
    assert names(p.province, training="yes") == []
    # a certification body reads no persons (access.person_q): it searches nobody, even whom it
    # recommended, and opens the entries it made
    assert names(p.certifier) == []
    assert selectors.entry_get(user=p.certifier, public_id=entry.public_id) == entry


def test_pages_and_export(personas: Personas, client: Client):
    p = personas
    file_appointment(p)
    assert client.login(username="county_a", password=PASSWORD)
    page = client.get("/talent/", {"q": "堃"}).content.decode()
    assert p.person.name in page
    assert client.get("/talent/", {"export": "xlsx"})["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    made = client.post(f"/talent/recommend/{p.person.public_id}/", {"reason": "推荐入选人才库"})
    entry = TalentEntry.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/talent/entries/{entry.public_id}/"
    client.logout()
    assert client.login(username="prov", password=PASSWORD)
    assert 'id="btn-admit"' in client.get(f"/talent/entries/{entry.public_id}/").content.decode()
    client.post(f"/talent/entries/{entry.public_id}/decide/", {"decision": "admit"})
    entry.refresh_from_db()
    assert entry.state == "admitted"
    client.logout()
    assert client.login(username="cqo", password=PASSWORD)
    assert client.get("/talent/").status_code == 403
    client.logout()
    assert client.login(username="county_b", password=PASSWORD)
    assert client.get(f"/talent/entries/{entry.public_id}/").status_code == 404


def test_api(personas: Personas, as_: Any):
    p = personas
    file_appointment(p)
    found = as_(p.city).get("/talent", q="堃").json()
    assert found["count"] == 1 and found["items"][0]["pool_state"] is None
    assert fields(as_(p.city).get("/talent", industry="XYZ")) == {"industry"}
    assert fields(as_(p.city).get("/talent", level="B")) == {"level"}
    assert as_(p.city).get("/talent", level="AAA").json()["count"] == 0
    body = {"person": str(p.person.public_id), "reason": "推荐入库"}
    made = as_(p.county_a).post("/talent", body)
    assert made.status_code == 201
    entry_id = made.json()["id"]
    assert as_(p.city).post(f"/talent/{entry_id}/decide", {"admit": True}).status_code == 403
    done = as_(p.province).post(f"/talent/{entry_id}/decide", {"admit": True, "note": "同意"})
    assert done.json()["state"] == "admitted"
    assert as_(None).get("/talent").status_code == 401
