"""The user menu names a body's expert 认定专家, the body's staff 认定机构 (the role's own label),
on every page and on the account page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cqo.accounts.models import User
from cqo.accounts.roles import role_label
from tests.certification.conftest import World

pytestmark = pytest.mark.django_db
MENU = re.compile(r'id="user-menu">\s*<a[^>]*>([^<]*)</a>')


def menu_of(user: User, path: str = "/certification/applications/") -> str:
    client = Client()
    client.force_login(user)
    found = MENU.search(client.get(path).content.decode())
    assert found is not None
    return found.group(1)


def test_it_labels_an_expert_as_such_and_the_body_as_the_body(world: World) -> None:
    assert role_label(world.e1) == role_label(world.e2) == "认定专家"
    assert role_label(world.p.certifier) == "认定机构"
    assert menu_of(world.e1).endswith("（认定专家）")
    assert menu_of(world.p.certifier).endswith("（认定机构）")
    assert menu_of(world.p.clerk_a, "/").endswith("（企业经办人）")


def test_the_account_page_says_the_same(world: World) -> None:
    client = Client()
    client.force_login(world.e1)
    html = client.get("/accounts/").content.decode()
    assert "认定专家" in html


def test_a_login_no_longer_on_the_roster_is_the_role_again(world: World) -> None:
    world.expert1.active = False
    world.expert1.save(update_fields=["active"])
    assert role_label(world.e1) == "认定机构"
