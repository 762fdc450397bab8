"""The homes of the demo logins (`manage.py demo_data`, scaled down): every role's queue as the
demo builds it, and every link on each home answers for its user."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.test import Client

from cqo.accounts.models import User
from cqo.portal import demo
from tests.demo_logins import LOGINS


@pytest.fixture
def built(db: None) -> demo.DemoResult:
    return demo.build_demo(seed=7, enterprises=60, stdout=io.StringIO())


def _tiles(page: str) -> dict[str, tuple[str, str]]:
    pattern = r'<(?:a [^>]*href="([^"]*)"|div) [^>]*id="tile-([\w-]+)".*?data-count="([^"]*)"'
    return {
        m.group(2): (m.group(3), html.unescape(m.group(1) or ""))
        for m in re.finditer(pattern, page)
    }


def _visit(login: str) -> tuple[str, dict[str, int]]:
    """The login's home and the links on it that do not answer 200."""
    c = Client()
    c.force_login(User.objects.get(username=login))
    r = c.get("/")
    assert r.status_code == 200, login
    main = re.search(r"(?s)<main.*?</main>", r.content.decode())
    assert main is not None
    links = {html.unescape(h) for h in re.findall(r'href="(/[^"#]*)"', main.group(0))}
    codes = {link: c.get(link).status_code for link in sorted(links)}
    return main.group(0), {k: v for k, v in codes.items() if v != 200}


def test_every_demo_home_links_only_to_pages_its_user_may_open(built: demo.DemoResult) -> None:
    pages, failed = {}, {}
    for login in LOGINS:
        pages[login], bad = _visit(login)
        if bad:
            failed[login] = bad
    assert failed == {}
    # the demo's level application is under assessment: the body sees it at that step, both
    # experts owe a score sheet, and the leader (expert) the report
    body = _tiles(pages["certifier"])
    assert body["applications-assessing"] == ("1", "/certification/applications/?status=assessing")
    assert {k: _tiles(pages[k])["sheets"][0] for k in ("expert", "expert2")} == {
        "expert": "1",
        "expert2": "1",
    }
    assert {k: _tiles(pages[k])["reports"][0] for k in ("expert", "expert2")} == {
        "expert": "1",
        "expert2": "0",
    }
    # a department reads the enterprise list, never the regulators' 指导督促
    assert "/oversight/" not in pages["fin"]
    assert _tiles(pages["fin"])["without_cqo"][1] == "/enterprises/?cqo_status=none"
    assert int(_tiles(pages["trainer"])["certificates"][0]) > 0
