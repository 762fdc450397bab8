"""Public verification of level certificates (SPEC §1 "public", §6): what anyone may read of a
certificate without login, numbers that cannot be walked, and the limit per address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cqo.certification import rules, services
from cqo.certification.models import LevelCertificate
from tests.certification.conftest import World, certified

pytestmark = pytest.mark.django_db
API = "/api/v1/public/certificates"


def page(number: str, address: str = "198.51.100.7") -> Any:
    return Client(REMOTE_ADDR=address).get(f"/verify/certificate/{number}/")


def api(number: str, address: str = "198.51.100.7") -> Any:
    return Client(REMOTE_ADDR=address).get(f"{API}/{number}")


# What the public sees -------------------------------------------------------------------------


def test_it_shows_the_public_only_what_a_verifier_needs(world: World) -> None:
    cert = certified(world)
    r = api(cert.number)
    assert r.status_code == 200
    body, text = r.json(), r.content.decode()
    assert set(body["content"]) <= set(rules.PUBLIC_FACTS)
    assert body["content"]["holder"] == "李堃" and body["content"]["level"] == "AAAA"
    # no panel score, no internal ids of application or person, no ID number
    assert "total" not in body["content"] and "740.0" not in text  # (a hash may hold "740")
    assert str(cert.application.public_id) not in text
    assert str(cert.holder.public_id) not in text
    assert world.p.person.id_number not in text


def test_it_shows_the_page_only_what_a_verifier_needs(world: World) -> None:
    cert = certified(world)
    r = page(cert.number)
    html = r.content.decode()
    assert r.status_code == 200 and "李堃" in html and "西安示例精密制造有限公司" in html
    assert str(cert.application.public_id) not in html
    assert str(cert.holder.public_id) not in html
    assert "level-standard" not in html  # no pack id on a public page (SPEC §12.24)
    assert world.p.person.id_number not in html


def test_it_still_shows_its_readers_the_whole_certificate(world: World) -> None:
    from cqo.accounts.models import ApiToken

    cert = certified(world)
    token = ApiToken.issue(world.p.certifier)
    r = Client().get(
        f"/api/v1/certification/certificates/{cert.number}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200 and r.json()["content"]["total"] == "740.0"


# Numbers ---------------------------------------------------------------------------------------


def test_it_issues_numbers_whose_neighbours_are_not_valid(world: World) -> None:
    cert = certified(world)
    assert rules.number_valid(cert.number) and cert.number.startswith("CQO2026-SXZX-00001-")
    neighbour = cert.number.replace("-00001-", "-00002-")
    assert api(neighbour).status_code == 422
    assert api(cert.number.rsplit("-", 1)[0]).status_code == 404  # without its check part


def test_it_still_verifies_a_number_printed_before_check_parts(world: World) -> None:
    cert = certified(world)
    LevelCertificate.objects.filter(pk=cert.pk).update(number="CQO2025-SXZX-00042")
    assert api("CQO2025-SXZX-00042").json()["status"] == "valid"
    assert page("CQO2025-SXZX-00042").status_code == 200
    cert.refresh_from_db()
    new = services.certificate_reissue(actor=world.p.certifier, cert=cert, reason="更正组织名称")
    assert new.number == "CQO2025-SXZX-00042-R1"
    assert api("CQO2025-SXZX-00042-R1").json()["status"] == "valid"
    assert api("CQO2025-SXZX-00042").json()["superseded_by"] == "CQO2025-SXZX-00042-R1"


def test_it_reissues_under_the_number_with_its_check_part(world: World) -> None:
    cert = certified(world)
    new = services.certificate_reissue(actor=world.p.certifier, cert=cert, reason="更正组织名称")
    assert new.number == f"{cert.number}-R1" and api(new.number).status_code == 200


# The limit per address -------------------------------------------------------------------------


@pytest.fixture
def three_a_minute(settings: Any) -> None:
    settings.CQO_PUBLIC_VERIFY_RATE = "3/m"


def test_it_limits_the_api_per_address(world: World, three_a_minute: None) -> None:
    cert = certified(world)
    assert [api(cert.number).status_code for _ in range(3)] == [200, 200, 200]
    r = api(cert.number)
    assert r.status_code == 429 and r["Retry-After"]
    assert (
        r.json()["detail"][0]["field"] == "__all__" and "频繁" in r.json()["detail"][0]["message"]
    )
    # unknown numbers count too: walking them is what the limit stops
    assert api(rules.certificate_number("SXZX", 2026, 9)).status_code == 429
    assert api(cert.number, address="203.0.113.9").status_code == 200


def test_it_limits_the_page_per_address_with_a_chinese_message(
    world: World, three_a_minute: None
) -> None:
    cert = certified(world)
    assert [page(cert.number).status_code for _ in range(3)] == [200, 200, 200]
    r = page(cert.number)
    assert r.status_code == 429 and "查验次数已达上限" in r.content.decode()


def test_it_counts_the_api_and_the_page_against_one_budget(
    world: World, three_a_minute: None
) -> None:
    cert = certified(world)
    assert api(cert.number).status_code == 200
    assert page(cert.number).status_code == 200
    assert (
        Client(REMOTE_ADDR="198.51.100.7")
        .get("/api/v1/public/training-certificates/PX610100202600009")
        .status_code
        == 404
    )
    assert page(cert.number).status_code == 429


def test_it_does_not_limit_without_a_rate(world: World, settings: Any) -> None:
    settings.CQO_PUBLIC_VERIFY_RATE = None
    cert = certified(world)
    assert {api(cert.number).status_code for _ in range(70)} == {200}
