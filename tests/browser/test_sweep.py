"""The sweep: every demo login, on a phone's 375 px screen, opens its home, every page its
navigation offers and the pages those lead to, and checks each the way a reader would.

A page fails the sweep when it
- answers with a server error, or throws a script error;
- scrolls sideways (a wide table scrolls inside its own box, the page does not);
- shows English words in the Chinese interface outside ``ALLOWED_WORDS`` (abbreviations and
  file formats a Chinese user reads as they are);
- shows a developer's identifier: a rule-pack id, a "SPEC" reference, a UUID or an enum value
  (``snake_case``);
- offers a link that answers 403 or 404 to the user it is shown to.

The pages of the navigation are kept as screenshots under tests/browser/screenshots/sweep/
(git-ignored), one folder per login, for a person to look at.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from cqo.policy.models import Pack
from cqo.portal import demo
from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS
from tests.browser.reader import READ_PAGE, Sweep
from tests.demo_logins import LOGINS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
# pages opened per login (its home, its navigation, then what those lead to), and links
# checked per kind of link: enough to reach every kind of page a role has, bounded in time
MAX_PAGES = 22
PER_PATTERN = 1
MAX_LINKS = 120

# links the sweep does not follow: leaving the session, files, and the API's own pages
SKIP = ("/static/", "/media/", "/accounts/logout", "/i18n/", "/api/v1/docs", "/admin/")
NUMBERED = re.compile(r"^(\d+|[0-9a-f-]{32,36}|[A-Za-z0-9_-]{20,})$")


def _pattern(url: str) -> str:
    """A link's kind: its path with numbers and keys as ``{}``, and the names of its query."""
    parts = urlsplit(url)
    path = "/".join("{}" if NUMBERED.match(s) else s for s in parts.path.split("/"))
    keys = sorted({k for k, _ in parse_qsl(parts.query) if k != "page"})
    return path + ("?" + "&".join(keys) if keys else "")


def _inside(href: str | None, here: str) -> str | None:
    """The platform-relative address of a link, or None when the sweep does not follow it."""
    if not href or href.startswith(("#", "//", "mailto:", "tel:", "javascript:")):
        return None
    if href.startswith("?"):
        href = urlsplit(here).path + href
    if not href.startswith("/") or href.startswith(SKIP):
        return None
    return href.split("#", 1)[0]


def _check_links(page: Page, sweep: Sweep, where: str, hrefs: list[str]) -> list[str]:
    """Ask the server for each new kind of link (as the signed-in user); flag 403, 404 and
    server errors; return the links that answer with a page (candidates to open)."""
    pages = []
    for href in hrefs:
        if href in sweep.checked or len(sweep.checked) >= MAX_LINKS:
            continue
        kind = _pattern(href)
        if sweep.patterns.get(kind, 0) >= PER_PATTERN:
            continue
        sweep.patterns[kind] = sweep.patterns.get(kind, 0) + 1
        response = page.request.get(href, max_redirects=0, timeout=TIMEOUT_MS)
        sweep.checked[href] = response.status
        if response.status in (403, 404) or response.status >= 500:
            sweep.flag(where, f"link {href} answers {response.status}")
        elif response.status == 200 and "text/html" in response.headers.get("content-type", ""):
            pages.append(href)
    return pages


def _open(page: Page, sweep: Sweep, url: str, shot: Path | None) -> tuple[list[str], list[str]]:
    """Open a page, read it, and return its navigation's and its content's links."""
    response = page.goto(url)
    status = response.status if response is not None else 0
    if status >= 400:
        sweep.flag(url, f"answers {status}")
        return [], []
    seen = page.evaluate(READ_PAGE)
    if seen["width"] > seen["inner"] + 1:
        sweep.flag(url, f"scrolls sideways ({seen['width']} px on a {seen['inner']} px screen)")
    sweep.read(url, seen["text"], seen["prose"], chinese=seen["chinese"])
    if shot is not None:
        page.screenshot(path=shot, full_page=True)
    nav = [u for u in (_inside(h, url) for h in seen["nav"]) if u]
    main = [u for u in (_inside(h, url) for h in seen["main"]) if u]
    return nav, main


def _walk(page: Page, sweep: Sweep, shots: Path) -> list[str]:
    """Home, then the navigation's pages, then the pages they lead to, breadth first."""
    opened: list[str] = []
    kinds: set[str] = set()
    queue: list[tuple[str, int]] = [("/", 0)]
    while queue and len(opened) < MAX_PAGES:
        url, depth = queue.pop(0)
        kind = _pattern(url)
        if kind in kinds:
            continue
        kinds.add(kind)
        name = re.sub(r"[^\w-]+", "_", urlsplit(url).path.strip("/")) or "home"
        shot = shots / f"{len(opened):02d}-{name}.png" if depth <= 1 else None
        nav, main = _open(page, sweep, url, shot)
        opened.append(url)
        links = list(dict.fromkeys(nav + main))
        for target in _check_links(page, sweep, url, links):
            if depth < 2 and _pattern(target) not in kinds:
                queue.append((target, depth + 1))
    return opened


@pytest.fixture
def demo_province(transactional_db: None) -> demo.DemoResult:
    """The demo province (`make run`'s, scaled down) on a database the live server sees."""
    from cqo.policy.services import load_all
    from cqo.reference.services import reference_load

    reference_load()
    load_all()
    return demo.build_demo(seed=7, enterprises=60, stdout=io.StringIO())


def test_the_sweep_covers_every_demo_login(demo_province: demo.DemoResult) -> None:
    assert sorted(LOGINS) == sorted(login for login, _role, _scope in demo_province.logins)


@pytest.mark.parametrize("login", LOGINS)
def test_the_sweep_finds_nothing_a_user_should_not_meet(
    login: str, demo_province: demo.DemoResult, browser: Browser, live_server: object
) -> None:
    shots = SCREENSHOTS / "sweep" / login
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    context = browser.new_context(
        base_url=live_server.url,  # type: ignore[attr-defined]
        locale="zh-CN",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.dismiss())
    try:
        page.goto("/accounts/login/")
        page.get_by_label("用户名", exact=True).fill(login)
        page.get_by_label("密码", exact=True).fill(demo.PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        sweep = Sweep(login, list(Pack.objects.values_list("slug", flat=True)))
        opened = _walk(page, sweep, shots)
    finally:
        context.close()
    sweep.problems += [f"{login}: script error {e}" for e in errors]
    assert not sweep.problems, "\n".join(sweep.problems)
    # the walk reached more than the home: the navigation's pages at least
    assert len(opened) >= 3, opened


# The reader itself: what it flags and what it lets pass ------------------------------------


def _problems(text: str, *, login: str = "prov", where: str = "/x/", prose: str | None = None):
    sweep = Sweep(login, ["shaanxi-2021", "national-default"])
    sweep.read(where, text, text if prose is None else prose)
    return sweep.problems


def test_the_reader_flags_what_a_user_should_not_meet() -> None:
    expected = ["prov /x/: English words ['completed', 'draft']"]
    assert _problems("状态：draft → completed") == expected
    assert _problems("培训形式：case_study")[0].endswith("enum value ['case_study']")
    assert "UUID" in _problems("竞赛：6628f97b-1c2d-4e5f-8a9b-0123456789ab")[0]
    assert _problems("依据 SPEC §12.19")[0].endswith("SPEC reference ['SPEC']")
    assert _problems("适用 shaanxi-2021 第三条")[-1].endswith("rule-pack id ['shaanxi-2021']")
    # the administrator's pack page may name pack ids, no other page and no other user may
    assert _problems("shaanxi-2021", login="admin", where="/policy/") == []
    assert _problems("shaanxi-2021", login="prov", where="/policy/") != []


def test_the_reader_lets_pass_what_users_read_as_it_is() -> None:
    text = (
        "首席质量官（CQO）能力等级 AAAAA · 证书编号 CQO2026-SXZX-00001-MS4YHT · 下载 PDF、"
        "Excel 文件 · 网址 https://www.example.com/about · 邮箱 zhang.wei@example.com · "
        "承诺值 3a1beffb2c90d4e8a7f1 · 方法 PDCA、FMEA"
    )
    assert _problems(text) == []
    # a body's code in its list, set in type as a code, is not English prose
    assert _problems("陕西省质量协会 SXZX", prose="陕西省质量协会") == []
