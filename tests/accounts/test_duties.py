"""三员分立 (GB/T 22239-2019 8.1.4.2 d), 8.1.5): the system, security and audit administrators
each do their own work only, in the admin site and through the services; no account is a
superuser; administrators' accounts are made on the server (manage.py create_admin)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from cqo.accounts import access, duties, services
from cqo.accounts.models import Role, User
from cqo.audit.models import AuditEntry
from cqo.test import Personas

STRONG = "Gu4rd-the-Trail!"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Which admin pages each administrator opens -----------------------------------------------------

PAGES = {
    "users": reverse("admin:accounts_user_changelist"),
    "tokens": reverse("admin:accounts_apitoken_changelist"),
    "failures": reverse("admin:accounts_loginfailure_changelist"),
    "trail": reverse("admin:audit_auditentry_changelist"),
    "regions": reverse("admin:reference_region_changelist"),
}
OPENS = {
    "admin": {"users", "regions"},
    "security": {"users", "tokens", "failures"},
    "auditor": {"trail"},
}


@pytest.mark.parametrize("who", sorted(OPENS))
def test_each_administrator_opens_only_the_pages_of_their_duty(
    personas: Personas, who: str
) -> None:
    client = signed_in(getattr(personas, who))
    for page, path in PAGES.items():
        status = client.get(path).status_code
        assert (status == 200) == (page in OPENS[who]), (who, page, status)


def test_the_admin_index_lists_each_administrator_their_own_apps(personas: Personas) -> None:
    listed = {
        who: {
            app["app_label"]
            for app in signed_in(getattr(personas, who))
            .get(reverse("admin:index"))
            .context["app_list"]
        }
        for who in OPENS
    }
    assert "audit" not in listed["admin"] and "policy" in listed["admin"]
    assert listed["security"] == {"accounts"}
    assert listed["auditor"] == {"audit"}


def test_no_business_role_enters_the_admin_site(personas: Personas) -> None:
    for user in (personas.province, personas.clerk_a, personas.cqo):
        assert signed_in(user).get(PAGES["users"]).status_code == 302  # to sign in as staff


def test_permissions_ignore_groups_and_per_user_grants(personas: Personas) -> None:
    from django.contrib.auth.models import Permission

    grant = Permission.objects.get(codename="view_auditentry")
    personas.admin.user_permissions.add(grant)
    admin = User.objects.get(pk=personas.admin.pk)
    assert not admin.has_perm("audit.view_auditentry")
    assert duties.may("auditor", "audit.view_auditentry")
    assert not duties.may("auditor", "audit.change_auditentry")
    assert not duties.may("cqo", "accounts.view_user")


# The user form: the system administrator's fields and the security administrator's ----------------


def _form(client: Client, user: User) -> dict[str, str]:
    """The user change form's current values, as a browser would post them back."""
    response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name == "password":
            continue
        data[name] = "on" if value is True else "" if value is False else str(value)
        if data[name] == "":
            data.pop(name)
    return data


def test_the_system_administrator_edits_an_account_but_not_its_role(personas: Personas) -> None:
    client = signed_in(personas.admin)
    data = _form(client, personas.cqo)
    assert "role" not in data  # read-only on the system administrator's form
    data.update(display_name="新名字", role="regulator", region="610000")
    response = client.post(reverse("admin:accounts_user_change", args=[personas.cqo.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(pk=personas.cqo.pk)
    assert (user.display_name, user.role) == ("新名字", "cqo")


def test_the_security_administrator_assigns_a_role_and_nothing_else(personas: Personas) -> None:
    client = signed_in(personas.security)
    data = _form(client, personas.cqo)
    assert "display_name" not in data and "email" not in data
    data.update(role="regulator", region="610000", display_name="不会生效")
    response = client.post(reverse("admin:accounts_user_change", args=[personas.cqo.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(pk=personas.cqo.pk)
    assert (user.role, user.region_id, user.display_name) == (
        "regulator",
        "610000",
        personas.cqo.display_name,
    )
    entry = AuditEntry.objects.filter(target_type="user", action="update").latest("pk")
    assert entry.actor == personas.security and "role" in entry.changes


def test_the_role_list_offers_no_administrator_role(personas: Personas) -> None:
    response = signed_in(personas.security).get(
        reverse("admin:accounts_user_change", args=[personas.cqo.pk])
    )
    offered = {value for value, _label in response.context["adminform"].form.fields["role"].choices}
    assert offered and not offered & duties.ADMINISTRATORS


@pytest.mark.parametrize("who", ["admin", "security"])
def test_no_administrator_changes_an_administrators_account(personas: Personas, who: str) -> None:
    client = signed_in(getattr(personas, who))
    for target in (personas.admin, personas.security, personas.auditor):
        path = reverse("admin:accounts_user_change", args=[target.pk])
        assert client.post(path, {"username": "taken", "role": "cqo"}).status_code == 403
        password = reverse("admin:auth_user_password_change", args=[target.pk])
        assert client.get(password).status_code == 403
    assert User.objects.filter(username="taken").count() == 0


def test_only_the_system_administrator_sets_a_password(personas: Personas) -> None:
    path = reverse("admin:auth_user_password_change", args=[personas.clerk_a.pk])
    assert signed_in(personas.security).get(path).status_code == 403
    assert signed_in(personas.admin).get(path).status_code == 200
    with pytest.raises(PermissionDenied):
        services.password_change(
            actor=personas.security, user=personas.clerk_a, password=STRONG, via="test"
        )


def test_the_list_actions_follow_the_duties(personas: Personas) -> None:
    changelist = PAGES["users"]
    actions = {
        who: {
            name
            for name, _label in signed_in(getattr(personas, who))
            .get(changelist)
            .context["action_form"]
            .fields["action"]
            .choices
        }
        for who in ("admin", "security")
    }
    assert {"deactivate"} <= actions["admin"]
    assert not {"revoke_tokens", "reset_second_factor"} & actions["admin"]
    assert {"revoke_tokens", "reset_second_factor"} <= actions["security"]
    assert "deactivate" not in actions["security"]


def test_deactivation_is_the_system_administrators_and_skips_administrators(
    personas: Personas,
) -> None:
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=personas.security, user=personas.clerk_a)
    response = signed_in(personas.admin).post(
        PAGES["users"],
        {"action": "deactivate", "_selected_action": [personas.clerk_a.pk, personas.auditor.pk]},
        follow=True,
    )
    assert "跳过 1 个账户" in response.content.decode()
    assert not User.objects.get(pk=personas.clerk_a.pk).is_active
    assert User.objects.get(pk=personas.auditor.pk).is_active


# No superuser -------------------------------------------------------------------------------------


def test_no_account_is_a_superuser(personas: Personas) -> None:
    user = User(username="root", role=Role.ADMIN, is_superuser=True)
    with pytest.raises(ValidationError) as caught:
        user.full_clean(exclude=["password"])
    assert "三员分立" in str(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=personas.admin.pk).update(is_superuser=True)


def test_createsuperuser_makes_a_system_administrator(db: None) -> None:
    user = User.objects.create_superuser("root", "root@example.cn", STRONG)
    assert (user.role, user.is_staff, user.is_superuser) == ("admin", True, False)


# manage.py create_admin -------------------------------------------------------------------------


def test_create_admin_makes_each_administrator(db: None, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(STRONG + "\n", encoding="utf-8")
    for role in ("admin", "security", "auditor"):
        out = io.StringIO()
        call_command(
            "create_admin", f"{role}2", "--role", role, "--password-file", str(secret), stdout=out
        )
        user = User.objects.get(username=f"{role}2")
        assert (user.role, user.is_staff, user.check_password(STRONG)) == (role, True, True)
        assert str(Role(role).label) in out.getvalue()
    entry = AuditEntry.objects.filter(target_id="auditor2").get()
    assert entry.actor is None and entry.changes["role"] == [None, "auditor"]


def test_create_admin_refuses_a_business_account_and_a_weak_password(
    personas: Personas, tmp_path: Path
) -> None:
    secret = tmp_path / "password"
    secret.write_text(STRONG, encoding="utf-8")
    with pytest.raises(CommandError, match="业务账户"):
        call_command("create_admin", "clerk_a", "--role", "auditor", "--password-file", str(secret))
    assert User.objects.get(username="clerk_a").role == "enterprise"
    secret.write_text("short", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("create_admin", "aud3", "--role", "auditor", "--password-file", str(secret))


def test_create_admin_resets_an_administrators_password(personas: Personas, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(STRONG, encoding="utf-8")
    call_command("create_admin", "auditor", "--role", "auditor", "--password-file", str(secret))
    user = User.objects.get(username="auditor")
    assert user.check_password(STRONG) and user.password_changed_at is not None


# Scope ------------------------------------------------------------------------------------------


def test_the_security_and_audit_administrators_see_no_business_record(
    personas: Personas,
) -> None:
    for user in (personas.security, personas.auditor):
        assert not user.is_platform_admin
        assert not access.can_manage_account(user, personas.clerk_a)
        client = signed_in(user)
        page = client.get(reverse("registry:enterprise_list"))
        assert page.status_code in (200, 403)
        if page.status_code == 200:
            assert personas.enterprise_a.name not in page.content.decode()
