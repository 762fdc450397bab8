"""The 修改密码 page: reached from the user menu, refusals in Chinese beside their field, the
change audited without the password."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cqo.audit.models import AuditEntry
from cqo.test import PASSWORD, Personas

pytestmark = pytest.mark.django_db
URL = reverse("accounts:password_change")
NEW = "Zhiliang-2027!"


def signed_in(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.clerk_a)
    return client


def test_the_user_menu_links_the_page(personas: Personas) -> None:
    html = signed_in(personas).get("/").content.decode()
    menu = html[html.index('id="user-menu"') :]
    assert f'href="{URL}"' in menu[: menu.index("</div>")]


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "message"),
    [
        ("wrong", NEW, NEW, "old_password", "旧密码不正确"),
        (PASSWORD, "Ab-1", "Ab-1", "new_password2", "密码太短，至少需要 8 个字符"),
        (PASSWORD, "12345678", "12345678", "new_password2", "这个密码太常见了"),
        (PASSWORD, NEW, NEW + "x", "new_password2", "两个密码不一致"),
    ],
)
def test_it_refuses_in_chinese_beside_the_field(
    personas: Personas, old: str, new1: str, new2: str, field: str, message: str
) -> None:
    response = signed_in(personas).post(
        URL, {"old_password": old, "new_password1": new1, "new_password2": new2}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="error-{field}"' in html
    assert message in html[html.index(f'id="error-{field}"') :]
    assert "This password" not in html
    assert not AuditEntry.objects.filter(action="password").exists()


def test_it_changes_the_password_and_audits_it_without_the_password(
    personas: Personas,
) -> None:
    client = signed_in(personas)
    page = client.get(URL).content.decode()
    assert 'id="btn-password"' in page and "修改密码" in page
    response = client.post(
        URL, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    personas.clerk_a.refresh_from_db()
    assert personas.clerk_a.check_password(NEW)
    entry = AuditEntry.objects.get(action="password", actor=personas.clerk_a)
    assert NEW not in str(entry.changes) and PASSWORD not in str(entry.changes)
