"""No link a role cannot use: on the demo province, each page a role opens offers only links
whose pages serve that role (none answers 403 or 404). The 推荐 links of the talent pool for the
departments and the admin, the person links of the pool for the certification body, the 认定主体
tab and the certificate numbers of their panels' applications for the experts; the links follow
the views' own predicates."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from cqo.accounts.models import User
from cqo.certification.models import Application
from cqo.portal import demo
from cqo.talent.models import TalentEntry

# what each demo login opens (the pages of the talent pool and of the certification queue)
PAGES: dict[str, list[str]] = {
    "fin": ["/talent/"],
    "szit": ["/talent/"],
    "admin": ["/talent/"],
    "certifier": ["/talent/", "entries"],
    "expert": ["/certification/applications/", "panels"],
    "expert2": ["/certification/applications/", "panels"],
}
HREF = re.compile(r'href="([^"]*)"')
SKIP = ("/static/", "/media/")


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        demo.build_demo(seed=7, enterprises=60, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def links(html: str, page: str) -> set[str]:
    """The links of a page that stay in the platform (not static files, not fragments)."""
    found = set()
    for raw in HREF.findall(html):
        href = unescape(raw)
        if href.startswith("?"):
            href = page.split("?", 1)[0] + href
        if href.startswith("/") and not href.startswith("//") and not href.startswith(SKIP):
            found.add(href)
    return found


def pages_of(username: str, user: User) -> list[str]:
    pages = []
    for page in PAGES[username]:
        if page == "entries":  # the pool entries the body made
            entries = TalentEntry.objects.filter(recommended_by=user)
            assert entries.exists()
            pages += [f"/talent/entries/{e.public_id}/" for e in entries]
        elif page == "panels":  # the applications of the expert's panels
            apps = Application.objects.filter(panel__expert__user=user).distinct()
            assert apps.exists()
            pages += [f"/certification/applications/{a.public_id}/" for a in apps]
        else:
            pages.append(page)
    return pages


@pytest.mark.parametrize("username", sorted(PAGES))
def test_every_link_a_role_is_shown_serves_it(world: None, db: Any, username: str) -> None:
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    refused = []
    for page in pages_of(username, user):
        response = client.get(page)
        assert response.status_code == 200, page
        for href in sorted(links(response.content.decode(), page)):
            status = client.get(href, follow=True).status_code
            if status in (403, 404):
                refused.append((page, href, status))
    assert not refused, f"{username} is shown links its pages refuse: {refused}"


def test_the_departments_and_the_admin_are_offered_no_recommendation(world: None, db: Any) -> None:
    for username in ("fin", "szit", "admin"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        html = client.get("/talent/").content.decode()
        assert "/talent/recommend/" not in html, username
    # a regulator of the province still is
    client = Client()
    client.force_login(User.objects.get(username="prov"))
    assert "/talent/recommend/" in client.get("/talent/").content.decode()


def test_the_experts_have_no_bodies_tab_and_the_body_has(world: None, db: Any) -> None:
    for username, shown in (("expert", False), ("expert2", False), ("certifier", True)):
        client = Client()
        client.force_login(User.objects.get(username=username))
        html = client.get("/certification/applications/").content.decode()
        assert ("/certification/bodies/" in html) == shown, username
