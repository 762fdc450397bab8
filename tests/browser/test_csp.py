"""The Content-Security-Policy in a real browser: every page that runs script (the coverage and
quality-cost charts, an HTMX request, the select that submits its form, the Swagger UI) works
under it, and Chromium reports no violation — neither on the console nor as a
``securitypolicyviolation`` event (config/security.py, static/js/)."""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from cqo.test import Personas, file_appointment
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]

# Runs in every document before its own scripts (Playwright's init scripts are not subject to
# the page's policy), recording each violation the browser reports.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile
                    + ":" + e.lineNumber);
});
"""


class Violations:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def check(self, where: str) -> None:
        events = self.page.evaluate("window.__csp || []")
        assert not events and not self.console, f"{where}: {events} {self.console}"


@pytest.fixture
def violations(page: Page) -> Iterator[Violations]:
    watch = Violations(page)
    yield watch
    watch.check("at the end")


def test_the_coverage_chart_and_the_htmx_pages_run_under_the_policy(
    page: Page, live_server: Any, personas: Personas, snap: Snap, violations: Violations
) -> None:
    file_appointment(personas)
    log_in(page, personas.province.username)
    header = page.request.get("/coverage/").headers["content-security-policy"]
    assert "script-src 'self'" in header

    page.goto("/coverage/")
    expect(page.locator("#coverage-chart canvas")).to_be_visible()
    expect(page.locator("#coverage-chart")).to_have_attribute("data-ready", "1")
    # the tooltip is HTML with style attributes, written by ECharts
    page.locator("#coverage-chart canvas").first.hover(position={"x": 300, "y": 200})
    page.wait_for_timeout(300)
    snap("coverage-chart")
    violations.check("coverage page")

    # a select that submits its form (static/js/cqo.js instead of an onchange attribute)
    page.locator('select[name="language"]').select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    snap("switched-to-english")
    page.locator('select[name="language"]').select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    violations.check("language switch")

    # an HTMX request: the county reveals a masked ID number (hx-post, CSRF token from the page)
    page.get_by_role("button", name="退出").click()
    log_in(page, personas.county_a.username)
    page.goto(f"/persons/{personas.person.public_id}/")
    masked = page.locator("#id-number").inner_text()
    page.get_by_role("button", name="显示完整（留痕）").first.click()
    expect(page.locator("#id-number")).to_have_text(personas.person.id_number)
    assert masked != personas.person.id_number
    snap("htmx-reveal")
    violations.check("HTMX reveal")


def test_the_quality_cost_chart_runs_under_the_policy(
    page: Page, live_server: Any, personas: Personas, snap: Snap, violations: Violations
) -> None:
    from cqo.evaluation.demo import build_evaluation_showcase

    file_appointment(personas, start_date=dt.date(2025, 1, 1))
    rng = random.Random(3)  # noqa: S311 (demo data, not secrets)
    build_evaluation_showcase(rng, {"clerk2": personas.clerk_a, "cqo": personas.cqo})
    log_in(page, "cqo")
    page.goto("/evaluation/")
    page.get_by_role("link", name="质量成本", exact=True).click()
    chart = page.locator("#cost-chart")
    expect(chart.locator("canvas")).to_be_visible()
    expect(chart).to_have_attribute("data-ready", "1")
    chart.locator("canvas").first.hover(position={"x": 400, "y": 170})
    page.wait_for_timeout(300)
    snap("quality-chart")
    violations.check("quality page")


def test_the_swagger_ui_runs_under_the_policy(
    page: Page, live_server: Any, personas: Personas, snap: Snap, violations: Violations
) -> None:
    log_in(page, personas.county_a.username)
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 20
    page.locator(".opblock").first.locator(".opblock-summary").click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    snap("swagger")
    violations.check("Swagger UI")


def test_the_watch_reports_a_violation(
    page: Page, live_server: Any, personas: Personas, settings: Any
) -> None:
    """The checks above can fail: with style attributes forbidden, the chart container's
    height (a style attribute) is reported."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["style-src-attr"] = ["'none'"]
    settings.CONTENT_SECURITY_POLICY = policy
    watch = Violations(page)
    file_appointment(personas)
    log_in(page, personas.province.username)
    page.goto("/coverage/")
    expect(page.locator("#coverage-chart")).to_have_attribute("data-ready", "1")
    with pytest.raises(AssertionError, match="style-src-attr"):
        watch.check("coverage page")
