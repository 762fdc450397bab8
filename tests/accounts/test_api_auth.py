"""The API's front door: bearer tokens, who-am-I, and the OpenAPI documentation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cqo.accounts.models import ApiToken, User
from cqo.audit.models import AuditEntry
from cqo.test import PASSWORD, Personas

BASE = "/api/v1"


def token_response(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        f"{BASE}/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def bearer(client: Client, user: User) -> dict[str, str]:
    response = token_response(client, user.username)
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def fields(response: Any) -> set[str]:
    return {item["field"] for item in response.json()["detail"]}


def test_it_issues_a_token_for_valid_credentials(
    personas: Personas, client: Client, settings: Any
) -> None:
    settings.CQO_TOKEN_DAYS = 3
    before = timezone.now()
    response = token_response(client, "county_a")
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "regulator"
    assert len(body["token"]) >= 32
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(days=3) <= expires_at - before <= dt.timedelta(days=3, minutes=1)


def test_it_lets_a_token_live_a_week_at_most_by_default(personas: Personas, client: Client) -> None:
    from config import settings as config

    assert config.CQO_TOKEN_DAYS <= 7
    before = timezone.now()
    expires_at = dt.datetime.fromisoformat(token_response(client, "county_a").json()["expires_at"])
    assert expires_at - before <= dt.timedelta(days=7, minutes=1)


def test_it_names_a_token_by_the_client_that_asked(personas: Personas, client: Client) -> None:
    client.post(
        f"{BASE}/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
        HTTP_USER_AGENT="ERP-同步程序/2.1 " + "x" * 300,
    )
    token = ApiToken.objects.get(user=personas.clerk_a)
    assert token.label.startswith("ERP-同步程序/2.1 ")
    assert len(token.label) == 200


def test_it_stores_only_the_digest_of_a_token(personas: Personas, client: Client) -> None:
    token = token_response(client, "clerk_a").json()["token"]
    assert not ApiToken.objects.filter(digest=token).exists()
    assert ApiToken.objects.filter(user=personas.clerk_a).count() == 1


def test_it_logs_a_sign_in(personas: Personas, client: Client) -> None:
    token_response(client, "county_a")
    entry = AuditEntry.objects.get(action="login")
    assert entry.actor == personas.county_a
    assert entry.note == "api token"


@pytest.mark.parametrize(
    ("username", "password"), [("county_a", "wrong-password"), ("nobody", PASSWORD)]
)
def test_it_rejects_wrong_credentials_alike(
    personas: Personas, client: Client, username: str, password: str
) -> None:
    response = token_response(client, username, password)
    assert response.status_code == 401
    assert response.json() == {"detail": [{"field": "__all__", "message": "用户名或密码错误"}]}
    assert not ApiToken.objects.exists()


def test_it_rejects_an_inactive_user(personas: Personas, client: Client) -> None:
    personas.clerk_a.is_active = False
    personas.clerk_a.save(update_fields=["is_active"])
    assert token_response(client, "clerk_a").status_code == 401


def test_it_names_the_missing_field(personas: Personas, client: Client) -> None:
    response = client.post(
        f"{BASE}/auth/token", {"username": "county_a"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert fields(response) == {"password"}


def test_it_rejects_an_empty_password(personas: Personas, client: Client) -> None:
    response = token_response(client, "county_a", "")
    assert response.status_code == 422
    assert fields(response) == {"password"}


def test_it_tells_a_regulator_who_it_is(personas: Personas, client: Client) -> None:
    response = client.get(f"{BASE}/auth/me", **bearer(client, personas.city))
    assert response.status_code == 200
    assert response.json() == {
        "username": "city",
        "display_name": "西安市市场监管部门",  # a name, never the login
        "role": "regulator",
        "region": "610100",
        "enterprise": None,
    }


def test_it_tells_a_clerk_its_enterprise(personas: Personas, client: Client) -> None:
    body = client.get(f"{BASE}/auth/me", **bearer(client, personas.clerk_b)).json()
    assert body["role"] == "enterprise"
    assert body["enterprise"] == personas.enterprise_b.uscc
    assert body["region"] is None


def test_it_tells_a_cqo_its_role(personas: Personas, client: Client) -> None:
    body = client.get(f"{BASE}/auth/me", **bearer(client, personas.cqo)).json()
    assert (body["role"], body["display_name"]) == ("cqo", "李堃")


def test_it_requires_a_token(personas: Personas, client: Client) -> None:
    response = client.get(f"{BASE}/auth/me")
    assert response.status_code == 401
    assert fields(response) == {"__all__"}


def test_it_rejects_an_unknown_token(personas: Personas, client: Client) -> None:
    response = client.get(f"{BASE}/auth/me", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


def test_it_rejects_an_expired_token(personas: Personas, client: Client) -> None:
    headers = bearer(client, personas.county_a)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"{BASE}/auth/me", **headers).status_code == 401


def test_it_rejects_the_token_of_a_deactivated_user(personas: Personas, client: Client) -> None:
    headers = bearer(client, personas.county_a)
    personas.county_a.is_active = False
    personas.county_a.save(update_fields=["is_active"])
    assert client.get(f"{BASE}/auth/me", **headers).status_code == 401


def test_it_signs_out_the_token_that_asks(personas: Personas, client: Client) -> None:
    first, second = bearer(client, personas.clerk_a), bearer(client, personas.clerk_a)
    assert client.get(f"{BASE}/auth/me", **first).status_code == 200
    response = client.post(f"{BASE}/auth/logout", **first)
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"{BASE}/auth/me", **first).status_code == 401
    assert client.post(f"{BASE}/auth/logout", **first).status_code == 401
    # the user's other token (another program) still works
    assert client.get(f"{BASE}/auth/me", **second).status_code == 200
    assert ApiToken.objects.filter(user=personas.clerk_a).count() == 1
    entry = AuditEntry.objects.get(action="logout")
    assert (entry.actor, entry.note) == (personas.clerk_a, "api")


def test_it_asks_a_token_to_sign_out(personas: Personas, client: Client) -> None:
    response = client.post(f"{BASE}/auth/logout")
    assert response.status_code == 401
    assert fields(response) == {"__all__"}
    assert not AuditEntry.objects.filter(action="logout").exists()


def test_it_keeps_when_a_token_was_last_used_without_a_write_per_request(
    personas: Personas, client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = bearer(client, personas.county_a)
    token = ApiToken.objects.get(user=personas.county_a)
    assert token.last_used_at is None
    client.get(f"{BASE}/auth/me", **headers)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=30)
    with CaptureQueriesContext(connection) as seen:
        client.get(f"{BASE}/auth/me", **headers)
    assert not [q for q in seen.captured_queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == first
    # older than the step: noted again
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=6))
    client.get(f"{BASE}/auth/me", **headers)
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at >= first


def test_it_renders_the_api_docs(db: Any, client: Client) -> None:
    response = client.get(f"{BASE}/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_it_lists_every_endpoint_in_the_openapi_schema(db: Any, client: Client) -> None:
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/api/v1/auth/token": {"post"},
        "/api/v1/auth/logout": {"post"},
        "/api/v1/auth/me": {"get"},
        "/api/v1/regions": {"get"},
        "/api/v1/industries": {"get"},
        "/api/v1/enterprises": {"get", "post"},
        "/api/v1/enterprises/{uscc}": {"get", "patch"},
        "/api/v1/persons": {"get"},
        "/api/v1/persons/invite": {"post"},
        "/api/v1/persons/{public_id}": {"get", "patch"},
        "/api/v1/filings": {"get", "post"},
        "/api/v1/filings/{public_id}": {"get", "patch"},
        "/api/v1/filings/{public_id}/submit": {"post"},
        "/api/v1/filings/{public_id}/approve": {"post"},
        "/api/v1/filings/{public_id}/return": {"post"},
        "/api/v1/filings/{public_id}/end": {"post"},
        "/api/v1/filings/{public_id}/renew": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    # Bearer auth everywhere except the token endpoint itself.
    assert "security" not in paths["/api/v1/auth/token"]["post"]
    assert paths["/api/v1/enterprises"]["get"]["security"] == [{"BearerToken": []}]
    logout = paths["/api/v1/auth/logout"]["post"]
    assert logout["security"] == [{"BearerToken": []}]
    assert {"204", "401"} <= set(logout["responses"])
    assert "429" in paths["/api/v1/auth/token"]["post"]["responses"]
