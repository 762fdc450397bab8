"""Browser tests: pytest-django's live server, driven by Debian's headless Chromium via Playwright.

Screenshots go to tests/browser/screenshots/ (git-ignored): one per step, and one of the page as
it was when a test failed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from cqo.policy.models import Pack
from cqo.test import PASSWORD, Personas, build_personas
from tests.browser.reader import READ_PAGE, Sweep

# The sync Playwright API keeps an asyncio event loop running in the test thread; without this
# Django refuses ORM calls from that thread (the live server's fixture teardown flushes the
# database from it, and the tests check what was saved). Django reads it at each call.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# A local server answers in well under a second, but the suite may share a busy machine.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def personas(transactional_db: None) -> Personas:
    """The shared personas, on a database the live server's thread can see.

    A live server needs ``transactional_db``, whose teardown flushes every table, including the
    regions and industries the data migration loaded and the policy packs installed after
    migrating; so load them again first (both idempotent).
    """
    from cqo.policy.services import load_all
    from cqo.reference.services import reference_load

    reference_load()
    load_all()
    return build_personas()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    # irreversible steps ask before submitting (data-confirm): the person in these tests agrees
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{request.node.name}-FAILED.png", full_page=True)
    context.close()


@pytest.fixture
def snap(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """``snap("step")`` saves a full-page screenshot as <test>-<nn>-<step>.png, and reads the
    page as the sweep does (tests/browser/reader.py): a step that shows a user English words, a
    developer's identifier, or a page wider than the screen fails there."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = re.sub(r"[^\w-]", "_", request.node.name)
    for old in SCREENSHOTS.glob(f"{prefix}-*.png"):
        old.unlink()
    count = 0

    def save(step: str) -> Path:
        nonlocal count
        count += 1
        path = SCREENSHOTS / f"{prefix}-{count:02d}-{step}.png"
        page.screenshot(path=path, full_page=True)
        if urlsplit(page.url).path.startswith("/api/"):
            return path  # the API's documentation is for developers, in their language
        seen = page.evaluate(READ_PAGE)
        sweep = Sweep("", list(Pack.objects.values_list("slug", flat=True)))
        where = f"{step} ({page.url})"
        sweep.read(where, seen["text"], seen["prose"], chinese=seen["chinese"])
        if seen["width"] > seen["inner"] + 1:
            sweep.flag(where, f"scrolls sideways ({seen['width']} px on {seen['inner']} px)")
        assert not sweep.problems, "\n".join(sweep.problems)
        return path

    return save


def log_in(page: Page, username: str) -> None:
    """Sign in through the login page as a persona (every persona has the same password)."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
