"""Accounts over the API, as the pages open them: online registration of a CQO (线上注册),
claiming an enterprise's invitation, and a regulator opening an enterprise clerk's account."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cqo.accounts.models import Role, User
from cqo.registry import services
from cqo.registry.models import Person
from cqo.test import (
    COUNTY_B,
    PASSWORD,
    Personas,
    file_appointment,
    new_id_number,
    new_uscc,
    person_data,
)
from tests.registry.test_api import callers, fields


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def registration(**overrides: Any) -> dict[str, Any]:
    return {
        **person_data(name="王质量", mobile="13912345678"),
        "username": "wangzl",
        "password": PASSWORD,
        **overrides,
    }


# POST /register -----------------------------------------------------------------------------


def test_it_registers_a_cqo_who_then_signs_in(personas: Personas, as_: Any, client: Client) -> None:
    data = registration()
    response = as_(None).post("/register", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["username"] == "wangzl"
    person = body["person"]
    assert (person["name"], person["registered"]) == ("王质量", True)
    assert person["id_number"] is None and person["mobile"] is None
    assert person["mobile_masked"] == "139****5678"
    assert data["id_number"] not in response.content.decode()

    token = client.post(
        "/api/v1/auth/token",
        {"username": "wangzl", "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 200, token.content
    assert token.json()["role"] == Role.CQO
    own = client.get(
        f"/api/v1/persons/{person['public_id']}",
        {"unmask": "true"},
        HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}",
    )
    assert own.json()["id_number"] == data["id_number"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "ab"}, "username"),
        ({"username": "CQO"}, "username"),  # taken by the persona, whatever the case
        ({"username": "x" * 151}, "username"),
        ({"password": "123"}, "password"),
        ({"id_number": "610113198503141234"}, "id_number"),
        ({"mobile": "1391234567"}, "mobile"),
        ({"education": "phd"}, "education"),
        ({"gender": "F"}, "gender"),
    ],
)
def test_it_rejects_an_invalid_registration(
    personas: Personas, as_: Any, overrides: dict[str, Any], field: str
) -> None:
    assert fields(as_(None).post("/register", registration(**overrides))) == {field}
    assert not User.objects.filter(username="wangzl").exists()
    assert Person.objects.count() == 1


@pytest.mark.parametrize("missing", ["username", "password", "name", "id_number"])
def test_it_names_a_missing_registration_field(personas: Personas, as_: Any, missing: str) -> None:
    data = registration()
    del data[missing]
    assert fields(as_(None).post("/register", data)) == {missing}


def test_it_refuses_to_register_an_id_number_twice(personas: Personas, as_: Any) -> None:
    response = as_(None).post("/register", registration(id_number=personas.person.id_number))
    assert fields(response) == {"id_number"}
    assert "邀请" in response.json()["detail"][0]["message"]


# POST /persons/claim --------------------------------------------------------------------------


SOMEONE_ELSE = "someone else's ID number"


@pytest.fixture
def invited(personas: Personas) -> tuple[Person, str]:
    return services.person_invite(
        actor=personas.clerk_a, details=services.PersonDetails(**person_data(name="赵邀请"))
    )


def claim(person: Person, invite_token: str, **overrides: Any) -> dict[str, Any]:
    body = {"token": invite_token, "id_number": person.id_number, "username": "zhaoyq"}
    return {**body, "password": PASSWORD, **overrides}


def test_it_lets_an_invited_person_claim_the_account(
    personas: Personas, as_: Any, invited: tuple[Person, str]
) -> None:
    person, token = invited
    response = as_(None).post("/persons/claim", claim(person, token))
    assert response.status_code == 201, response.content
    assert response.json() == {"username": "zhaoyq"}
    user = User.objects.get(username="zhaoyq")
    assert user.role == Role.CQO
    own = as_(user).get(f"/persons/{person.public_id}")
    assert own.status_code == 200
    assert own.json()["registered"] is True


def test_it_refuses_to_reuse_an_invitation(
    personas: Personas, as_: Any, invited: tuple[Person, str]
) -> None:
    person, token = invited
    assert as_(None).post("/persons/claim", claim(person, token)).status_code == 201
    again = as_(None).post("/persons/claim", claim(person, token, username="zhaoyq2"))
    assert fields(again) == {"token"}
    assert not User.objects.filter(username="zhaoyq2").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"token": "forged-token"}, "token"),
        ({"id_number": SOMEONE_ELSE}, "id_number"),
        ({"id_number": "610113198503141234"}, "id_number"),
        ({"id_number": "6101131985031412345"}, "id_number"),
        ({"username": "zy"}, "username"),
        ({"username": "clerk_a"}, "username"),
        ({"password": "123"}, "password"),
    ],
)
def test_it_rejects_an_invalid_claim(
    personas: Personas,
    as_: Any,
    invited: tuple[Person, str],
    overrides: dict[str, Any],
    field: str,
) -> None:
    person, token = invited
    if overrides.get("id_number") == SOMEONE_ELSE:
        overrides = {"id_number": new_id_number(COUNTY_B)}  # valid, but not the invited person's
    assert fields(as_(None).post("/persons/claim", claim(person, token, **overrides))) == {field}
    person.refresh_from_db()
    assert person.user is None


@pytest.mark.parametrize("missing", ["token", "id_number", "username", "password"])
def test_it_names_a_missing_claim_field(
    personas: Personas, as_: Any, invited: tuple[Person, str], missing: str
) -> None:
    body = claim(*invited)
    del body[missing]
    assert fields(as_(None).post("/persons/claim", body)) == {missing}


# POST /enterprises/{uscc}/clerks --------------------------------------------------------------


def clerk(**overrides: Any) -> dict[str, Any]:
    return {"username": "clerk_a2", "display_name": "张会计", "password": PASSWORD, **overrides}


@pytest.mark.parametrize("opener", ["county_a", "city", "province", "admin"])
def test_it_opens_a_clerk_account_in_scope(personas: Personas, as_: Any, opener: str) -> None:
    uscc = personas.enterprise_a.uscc
    response = as_(getattr(personas, opener)).post(f"/enterprises/{uscc}/clerks", clerk())
    assert response.status_code == 201, response.content
    assert response.json() == {"username": "clerk_a2"}
    user = User.objects.get(username="clerk_a2")
    assert (user.role, user.enterprise, user.display_name) == (
        Role.ENTERPRISE,
        personas.enterprise_a,
        "张会计",
    )
    # The new clerk signs in and acts for that enterprise only.
    listed = as_(user).get("/enterprises").json()["items"]
    assert [e["uscc"] for e in listed] == [uscc]


def test_it_names_a_clerk_after_the_enterprise_by_default(personas: Personas, as_: Any) -> None:
    uscc = personas.enterprise_a.uscc
    body = {"username": "clerk_a2", "password": PASSWORD}
    assert as_(personas.county_a).post(f"/enterprises/{uscc}/clerks", body).status_code == 201
    assert User.objects.get(username="clerk_a2").display_name == personas.enterprise_a.name


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "ab"}, "username"),
        ({"username": "Clerk_B"}, "username"),
        ({"password": "123"}, "password"),
        ({"password": None}, "password"),
        ({"display_name": "张" * 101}, "display_name"),
    ],
)
def test_it_rejects_an_invalid_clerk_account(
    personas: Personas, as_: Any, overrides: dict[str, Any], field: str
) -> None:
    url = f"/enterprises/{personas.enterprise_a.uscc}/clerks"
    assert fields(as_(personas.county_a).post(url, clerk(**overrides))) == {field}
    assert not User.objects.filter(username="clerk_a2").exists()


def test_it_rejects_a_clerk_account_outside_scope(personas: Personas, as_: Any) -> None:
    url = f"/enterprises/{personas.enterprise_a.uscc}/clerks"
    for user in (personas.county_b, personas.clerk_b, personas.trainer, personas.certifier):
        assert as_(user).post(url, clerk()).status_code == 404, user
    unknown = new_uscc()  # well-formed, not registered
    assert as_(personas.province).post(f"/enterprises/{unknown}/clerks", clerk()).status_code == 404
    assert not User.objects.filter(username="clerk_a2").exists()


def test_it_forbids_a_clerk_or_cqo_to_open_a_clerk_account(personas: Personas, as_: Any) -> None:
    file_appointment(personas)  # the CQO now sees its enterprise
    url = f"/enterprises/{personas.enterprise_a.uscc}/clerks"
    for user in (personas.clerk_a, personas.cqo):
        assert as_(user).post(url, clerk()).status_code == 403, user
    assert not User.objects.filter(username="clerk_a2").exists()
