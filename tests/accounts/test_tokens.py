"""Revoking API tokens: on sign-out (pages, admin), on a password change, on deactivation (and
a reactivation does not bring them back), by their owner on the account page, and by a platform
admin. Each revocation is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cqo.accounts import services
from cqo.accounts.models import ApiToken, User
from cqo.audit.models import AuditEntry
from cqo.test import PASSWORD, Personas

ME = "/api/v1/auth/me"
NEW_PASSWORD = "Neu-Passwort-2027!"


def api_token(client: Client, user: User, agent: str = "") -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
        HTTP_USER_AGENT=agent,
    )
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def works(client: Client, headers: dict[str, str]) -> bool:
    status = client.get(ME, **headers).status_code
    assert status in (200, 401)
    return status == 200


def signed_in(user: User) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def admin_user_form(user: User, **changes: Any) -> dict[str, Any]:
    data = {
        "username": user.username,
        "role": user.role,
        "region": user.region_id or "",
        "display_name": user.display_name,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
        "is_active": "on",
        **changes,
    }
    return {k: v for k, v in data.items() if v is not None}


# Signing out ----------------------------------------------------------------------------------


def test_it_revokes_the_tokens_when_the_user_signs_out_of_the_pages(personas: Personas) -> None:
    api = Client()
    headers = api_token(api, personas.clerk_a)
    other = api_token(api, personas.clerk_b)
    page = signed_in(personas.clerk_a)
    response = page.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:login")
    assert not works(api, headers)
    assert works(api, other)  # another user's token is not touched
    entry = AuditEntry.objects.get(action="logout")
    assert (entry.actor, entry.note) == (personas.clerk_a, "web")
    assert entry.changes == {"tokens": [1, 0]}
    # and the page session is over
    assert page.get(reverse("accounts:account")).status_code == 302


def test_it_signs_out_an_anonymous_visitor_quietly(personas: Personas, client: Client) -> None:
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="logout").exists()
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_it_revokes_the_tokens_when_the_user_signs_out_of_the_admin(personas: Personas) -> None:
    api = Client()
    headers = api_token(api, personas.admin)
    page = Client()
    page.force_login(personas.admin)
    assert page.post(reverse("admin:logout")).status_code == 302
    assert not works(api, headers)
    assert AuditEntry.objects.filter(action="logout", actor=personas.admin).exists()


# Passwords ------------------------------------------------------------------------------------


def test_it_revokes_the_tokens_when_the_user_changes_the_password(personas: Personas) -> None:
    api = Client()
    headers = api_token(api, personas.county_a)
    page = signed_in(personas.county_a)
    response = page.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:account")
    assert not works(api, headers)
    # the browser that changed it stays signed in; the new password works
    assert page.get(reverse("accounts:account")).status_code == 200
    assert works(api, api_token_with(api, personas.county_a, NEW_PASSWORD))
    entry = AuditEntry.objects.get(action="password")
    assert (entry.actor, entry.note) == (personas.county_a, "web")
    assert entry.changes == {"password": ["***", "***"], "tokens": [1, 0]}
    assert PASSWORD not in str(entry.changes) and NEW_PASSWORD not in str(entry.changes)


def api_token_with(client: Client, user: User, password: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("wrong", NEW_PASSWORD, NEW_PASSWORD, "old_password"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password2"),
        (PASSWORD, "12345678", "12345678", "new_password2"),
    ],
)
def test_it_keeps_password_and_tokens_when_the_change_is_refused(
    personas: Personas, old: str, new1: str, new2: str, field: str
) -> None:
    api = Client()
    headers = api_token(api, personas.cqo)
    page = signed_in(personas.cqo)
    response = page.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert works(api, headers)
    assert not AuditEntry.objects.filter(action="password").exists()


def test_it_asks_to_sign_in_before_changing_the_password(
    personas: Personas, client: Client
) -> None:
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_it_revokes_the_tokens_when_an_admin_sets_the_password(personas: Personas) -> None:
    api = Client()
    headers = api_token(api, personas.trainer)
    admin = Client()
    admin.force_login(personas.admin)
    url = reverse("admin:auth_user_password_change", args=[personas.trainer.pk])
    response = admin.post(
        url,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not works(api, headers)
    entry = AuditEntry.objects.get(action="password")
    assert (entry.actor, entry.note, entry.target_id) == (personas.admin, "admin", "trainer")


def test_it_keeps_the_tokens_when_the_admin_form_is_refused(personas: Personas) -> None:
    api = Client()
    headers = api_token(api, personas.trainer)
    admin = Client()
    admin.force_login(personas.admin)
    url = reverse("admin:auth_user_password_change", args=[personas.trainer.pk])
    response = admin.post(url, {"password1": NEW_PASSWORD, "password2": "different"})
    assert response.status_code == 200
    assert works(api, headers)


# Deactivation ---------------------------------------------------------------------------------


def test_it_revokes_the_tokens_of_a_user_deactivated_in_the_admin_for_good(
    personas: Personas,
) -> None:
    api = Client()
    user = personas.county_a
    headers = api_token(api, user)
    admin = Client()
    admin.force_login(personas.admin)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = admin.post(url, admin_user_form(user, is_active=None))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not works(api, headers)
    assert not ApiToken.objects.filter(user=user).exists()
    # reactivated: the old token stays dead
    response = admin.post(url, admin_user_form(user))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert not works(api, headers)
    entry = AuditEntry.objects.get(action="revoke", target_id=user.username)
    assert (entry.actor, entry.note, entry.changes) == (
        personas.admin,
        "deactivated",
        {"tokens": [1, 0]},
    )


def test_it_revokes_on_reactivation_a_token_that_outlived_a_deactivation(
    personas: Personas,
) -> None:
    api = Client()
    user = personas.county_a
    headers = api_token(api, user)
    User.objects.filter(pk=user.pk).update(is_active=False)  # not through the platform
    admin = Client()
    admin.force_login(personas.admin)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    assert admin.post(url, admin_user_form(user)).status_code == 302
    assert not works(api, headers)
    assert AuditEntry.objects.filter(action="revoke", note="reactivated").exists()


def test_it_deactivates_through_the_service_for_good(personas: Personas) -> None:
    api = Client()
    user = personas.clerk_b
    headers = api_token(api, user)
    assert services.user_deactivate(actor=personas.admin, user=user) == 1
    assert not works(api, headers)
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert not works(api, headers)
    assert AuditEntry.objects.filter(
        action="update", target_id=str(user.pk), changes={"is_active": [True, False]}
    ).exists()
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=personas.province, user=personas.clerk_a)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=personas.admin, user=personas.admin)


def test_it_deactivates_from_the_admin_list(personas: Personas) -> None:
    api = Client()
    headers = api_token(api, personas.certifier)
    admin = Client()
    admin.force_login(personas.admin)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [personas.certifier.pk, personas.admin.pk]},
    )
    assert response.status_code == 302
    assert not works(api, headers)
    personas.certifier.refresh_from_db()
    personas.admin.refresh_from_db()
    assert not personas.certifier.is_active
    assert personas.admin.is_active  # never oneself


# The account page -----------------------------------------------------------------------------


def test_it_lists_the_users_own_tokens_on_the_account_page(personas: Personas) -> None:
    api = Client()
    api_token(api, personas.clerk_a, agent="质量数据同步工具/1.0")
    api_token(api, personas.clerk_a)
    api_token(api, personas.clerk_b, agent="别人的程序/9")
    page = signed_in(personas.clerk_a)
    response = page.get(reverse("accounts:account"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "质量数据同步工具/1.0" in html
    assert "API 令牌" in html  # the token without a client name
    assert "别人的程序/9" not in html
    for token in ApiToken.objects.filter(user=personas.clerk_a):
        assert str(token.public_id) in html
    assert reverse("accounts:password_change") in html
    # the navigation's user menu leads here
    assert f'href="{reverse("accounts:account")}"' in html


def test_it_revokes_a_token_from_the_account_page(personas: Personas) -> None:
    api = Client()
    kept = api_token(api, personas.clerk_a, agent="keep")
    gone = api_token(api, personas.clerk_a, agent="revoke me")
    token = ApiToken.objects.get(label="revoke me")
    page = signed_in(personas.clerk_a)
    response = page.post(reverse("accounts:token_revoke", args=[token.public_id]))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:account")
    assert not works(api, gone)
    assert works(api, kept)
    entry = AuditEntry.objects.get(action="revoke")
    assert (entry.actor, entry.target_type, entry.target_id, entry.note) == (
        personas.clerk_a,
        "api_token",
        str(token.public_id),
        "account page",
    )


def test_it_does_not_find_another_users_token(personas: Personas) -> None:
    api = Client()
    headers = api_token(api, personas.clerk_b)
    token = ApiToken.objects.get(user=personas.clerk_b)
    for user in (personas.clerk_a, personas.admin):
        page = signed_in(user)
        assert (
            page.post(reverse("accounts:token_revoke", args=[token.public_id])).status_code == 404
        )
    assert works(api, headers)
    assert not AuditEntry.objects.filter(action="revoke").exists()


def test_it_revokes_only_by_post_and_signed_in(personas: Personas, client: Client) -> None:
    api = Client()
    api_token(api, personas.clerk_a)
    token = ApiToken.objects.get(user=personas.clerk_a)
    url = reverse("accounts:token_revoke", args=[token.public_id])
    anonymous = client.post(url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith(reverse("accounts:login"))
    assert signed_in(personas.clerk_a).get(url).status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert client.get(reverse("accounts:account")).status_code == 302


# A platform admin -----------------------------------------------------------------------------


def test_it_lets_the_security_administrator_revoke_another_users_token(
    personas: Personas,
) -> None:
    api = Client()
    headers = api_token(api, personas.province)
    token = ApiToken.objects.get(user=personas.province)
    admin = Client()
    admin.force_login(personas.security)
    listing = admin.get(reverse("admin:accounts_apitoken_changelist"))
    assert listing.status_code == 200
    assert token.digest not in listing.content.decode()
    response = admin.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert not works(api, headers)
    entry = AuditEntry.objects.get(action="revoke")
    assert (entry.actor, entry.target_id, entry.note) == (
        personas.security,
        str(token.public_id),
        "admin",
    )


def test_it_lets_the_security_administrator_revoke_every_token_of_a_user(
    personas: Personas,
) -> None:
    api = Client()
    first, second = api_token(api, personas.city), api_token(api, personas.city)
    admin = Client()
    admin.force_login(personas.security)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "revoke_tokens", "_selected_action": [personas.city.pk]},
    )
    assert response.status_code == 302
    assert not works(api, first) and not works(api, second)
    entry = AuditEntry.objects.get(action="revoke")
    assert (entry.target_id, entry.changes, entry.note) == ("city", {"tokens": [2, 0]}, "admin")


def test_it_refuses_revocation_by_anyone_else(personas: Personas) -> None:
    ApiToken.issue(personas.clerk_b)
    token = ApiToken.objects.get(user=personas.clerk_b)
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=personas.province, token=token, via="test")
    with pytest.raises(PermissionDenied):
        services.tokens_revoke(actor=personas.clerk_a, user=personas.clerk_b, reason="test")
    assert ApiToken.objects.filter(pk=token.pk).exists()
