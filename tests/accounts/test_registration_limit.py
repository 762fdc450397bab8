"""Online registration (anonymous, page and API) is limited per client address per hour
(CQO_REGISTER_PER_HOUR); only registrations that succeeded count."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from cqo.accounts.models import User
from cqo.test import PASSWORD, Personas, new_id_number, person_data

MESSAGE = "注册过于频繁：同一网络地址每小时最多注册2个账户，请稍后再试"


def registration(username: str, **overrides: Any) -> dict[str, Any]:
    return {
        **person_data(name="王质量", mobile="13912345678", id_number=new_id_number()),
        "username": username,
        "password": PASSWORD,
        **overrides,
    }


def api_register(data: dict[str, Any], address: str = "203.0.113.30") -> Any:
    return Client().post(
        "/api/v1/register", data, content_type="application/json", REMOTE_ADDR=address
    )


def page_register(data: dict[str, Any], address: str = "203.0.113.31") -> Any:
    form = {**data, "password2": data["password"]}  # the page asks for it twice
    return Client().post(reverse("registry:register"), form, REMOTE_ADDR=address)


def test_it_refuses_registrations_over_the_limit_on_the_api(
    personas: Personas, settings: Any
) -> None:
    settings.CQO_REGISTER_PER_HOUR = 2
    assert api_register(registration("reg_one")).status_code == 201
    # a refused registration does not count
    assert api_register(registration("x")).status_code == 422
    assert api_register(registration("reg_two")).status_code == 201
    over = api_register(registration("reg_three"))
    assert over.status_code == 429
    assert over.json() == {"detail": [{"field": "__all__", "message": MESSAGE}]}
    assert not User.objects.filter(username="reg_three").exists()
    # another address has its own allowance
    assert api_register(registration("reg_three"), address="198.51.100.30").status_code == 201


def test_it_refuses_registrations_over_the_limit_on_the_page(
    personas: Personas, settings: Any
) -> None:
    settings.CQO_REGISTER_PER_HOUR = 2
    # the page and the API share the address's allowance
    assert api_register(registration("reg_a"), address="203.0.113.31").status_code == 201
    assert page_register(registration("reg_b")).status_code == 302
    over = page_register(registration("reg_c"))
    assert over.status_code == 429
    assert MESSAGE in over.content.decode()
    assert not User.objects.filter(username="reg_c").exists()
    # the form still shows, for later
    assert Client().get(reverse("registry:register"), REMOTE_ADDR="203.0.113.31").status_code == 200


def test_it_documents_the_refusal_in_openapi(personas: Personas, client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "429" in schema["paths"]["/api/v1/register"]["post"]["responses"]
