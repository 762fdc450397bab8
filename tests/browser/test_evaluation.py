"""The enterprise side in a real browser: the clerk fills in the yearly CQO evaluation (the
hangzhou-spec 附录A form, its pre-filled items confirmed) and signs it off, then enters a
quarter's quality cost and revenue and sees the cost chart (SPEC §7, shenzhen-guide §5.7)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cqo.evaluation.models import CostEntry, Evaluation
from cqo.test import Personas, file_appointment
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]


def test_it_signs_off_an_evaluation_and_charts_quality_cost(
    page: Page, live_server: Any, personas: Personas, snap: Snap
) -> None:
    file_appointment(personas, start_date=dt.date(2025, 1, 1))
    log_in(page, "clerk_a")
    page.goto("/evaluation/")
    expect(page.get_by_role("link", name="评价与自评", exact=True)).to_be_visible()

    # A new evaluation of last year: the form comes with the platform's suggestions.
    page.locator("#btn-new-evaluation").click()
    page.get_by_label("考核年度").fill("2025")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/evaluation/evaluations/[0-9a-f-]{36}/$"))
    expect(page.get_by_label("1.1 得分")).to_have_value("3")
    snap("evaluation-draft")

    # Every item scored (a wrong score first), the evaluators, a decision, sign-off.
    page.get_by_label("1.3 得分").fill("9")
    page.locator("#btn-save").click()
    expect(page.locator("#error-score-1\\.3")).to_be_visible()
    for field in page.locator("input[name^='score_']").all():
        if not field.input_value():
            field.fill("3")
    page.get_by_label("1.3 得分").fill("4")
    page.get_by_label("评价人").fill("王建国")
    page.get_by_label("评价结论").select_option("renew")
    page.locator("#btn-sign-off").click()
    expect(page.locator("#status")).to_have_text("已签发")
    ev = Evaluation.objects.get()
    expect(page.locator("#total")).to_contain_text(f"{ev.total} / 100")
    snap("evaluation-signed")

    # Quality cost: an account, an amount and the revenue; the chart draws.
    page.get_by_role("link", name="质量成本", exact=True).click()
    page.locator("#form-account").get_by_label("成本类别").select_option("prevention")
    page.locator("#form-account").get_by_label("科目名称").fill("质量培训费")
    page.locator("#btn-account").click()
    cost = page.locator("#form-cost")
    cost.get_by_label("年度").fill("2026")
    cost.get_by_label("季度").select_option("1")
    cost.get_by_label("金额（元）").fill("25000.50")
    page.locator("#btn-cost").click()
    revenue = page.locator("#form-revenue")
    revenue.get_by_label("年度").fill("2026")
    revenue.get_by_label("季度").select_option("1")
    revenue.get_by_label("营业收入（元）").fill("1000000")
    page.locator("#btn-revenue").click()
    expect(page.locator("#cost-chart canvas")).to_be_visible()
    expect(page.locator("#cost-chart")).to_have_attribute("data-ready", "1")
    expect(page.locator("#periods")).to_contain_text("2.50%")
    snap("quality-chart")
    assert CostEntry.objects.get().amount == 25000.50


def test_it_shows_the_showcase_to_the_cqo_and_the_regulator(
    page: Page, live_server: Any, personas: Personas, snap: Snap
) -> None:
    import random

    from cqo.evaluation.demo import build_evaluation_showcase

    file_appointment(personas, start_date=dt.date(2025, 1, 1))
    rng = random.Random(3)  # noqa: S311 (demo data, not secrets)
    build_evaluation_showcase(rng, {"clerk2": personas.clerk_a, "cqo": personas.cqo})

    # The serving CQO reads the evaluation and works on quality economics.
    log_in(page, "cqo")
    page.goto("/evaluation/")
    expect(page.locator("#evaluations")).to_contain_text("续聘")
    page.get_by_role("link", name="质量成本", exact=True).click()
    expect(page.locator("#cost-chart canvas")).to_be_visible()
    expect(page.locator("#periods tbody tr")).to_have_count(8 + 3)  # quarters and their years
    snap("cqo-quality")
    page.get_by_role("link", name="自评逐年对比").click()
    expect(page.locator("#compare thead th")).to_have_count(3)
    snap("cqo-compare")
    page.get_by_role("button", name="退出").click()

    # The county regulator reads, without the forms.
    log_in(page, "county_a")
    page.goto(f"/evaluation/e/{personas.enterprise_a.uscc}/quality/")
    expect(page.locator("#cost-chart canvas")).to_be_visible()
    expect(page.locator("#btn-cost")).to_have_count(0)
    snap("regulator-quality")
