"""Public verification of training certificates (SPEC §1 "public"): only the printed facts, numbers
that cannot be walked, and the limit per address shared with the level certificates."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cqo.training import rules, services
from cqo.training.models import TrainingCertificate
from tests.training.conftest import World, passed_enrolment

pytestmark = pytest.mark.django_db
API = "/api/v1/public/training-certificates"


def api(number: str, address: str = "198.51.100.7") -> Any:
    return Client(REMOTE_ADDR=address).get(f"{API}/{number}")


def page(number: str, address: str = "198.51.100.7") -> Any:
    return Client(REMOTE_ADDR=address).get(f"/verify/training/{number}/")


def issued(world: World) -> TrainingCertificate:
    return services.certificate_issue(actor=world.p.trainer, enrolment=passed_enrolment(world))


def test_it_shows_the_public_only_what_a_verifier_needs(world: World) -> None:
    cert = issued(world)
    r = api(cert.number)
    body, text = r.json(), r.content.decode()
    assert r.status_code == 200 and set(body["content"]) <= set(rules.PUBLIC_FACTS)
    assert body["content"]["holder"] == "李堃" and body["content"]["hours"] == "24.0"
    # no exam score, no internal ids of person or course, no pack id, no ID number
    assert "score" not in body["content"] and "85.0" not in text
    assert str(cert.holder.public_id) not in text and str(cert.course.public_id) not in text
    assert "shaanxi-2021" not in text
    assert world.p.person.id_number not in text


def test_it_shows_the_page_only_what_a_verifier_needs(world: World) -> None:
    cert = issued(world)
    html = page(cert.number).content.decode()
    assert "李堃" in html and "企业首席质量官高级研修班" in html
    assert "85.0" not in html and "考核结果" not in html
    assert str(cert.holder.public_id) not in html and "shaanxi-2021" not in html


def test_it_still_shows_its_holder_the_assessment_result(world: World) -> None:
    cert = issued(world)
    client = Client()
    client.force_login(world.p.cqo)
    html = client.get(f"/training/certificates/{cert.number}/").content.decode()
    assert "85.0" in html


def test_it_issues_numbers_whose_neighbours_are_not_valid(world: World) -> None:
    cert = issued(world)
    assert rules.number_valid(cert.number)
    assert api(cert.number.replace("00001-", "00002-")).status_code == 422
    assert api(cert.number.split("-")[0]).status_code == 404


def test_it_still_verifies_a_number_printed_before_check_parts(world: World) -> None:
    cert = issued(world)
    TrainingCertificate.objects.filter(pk=cert.pk).update(number="PX610000202500007")
    assert api("PX610000202500007").json()["status"] == "valid"
    assert page("PX610000202500007").status_code == 200


def test_it_limits_the_api_and_the_page_per_address(world: World, settings: Any) -> None:
    settings.CQO_PUBLIC_VERIFY_RATE = "3/m"
    cert = issued(world)
    assert [api(cert.number).status_code for _ in range(2)] == [200, 200]
    assert page(cert.number).status_code == 200
    r = api(cert.number)
    assert r.status_code == 429 and r["Retry-After"] and "频繁" in r.json()["detail"][0]["message"]
    assert page(cert.number).status_code == 429
    assert page(cert.number, address="2001:db8::1").status_code == 200
