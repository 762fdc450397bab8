"""The filing workflow in a real browser: a clerk records and submits a CQO appointment, the
county regulator checks and files it and prints the filing form."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cqo.registry.models import Appointment
from cqo.test import Personas
from tests.browser.conftest import log_in as signed_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
Snap = Callable[[str], Path]


def log_in(page: Page, username: str) -> None:
    signed_in(page, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("工作台")


def fill_appointment(page: Page, name: str, id_number: str) -> None:
    page.get_by_label("备案人姓名").fill(name)
    page.get_by_label("备案人身份证号").fill(id_number)
    page.locator("select[name=rank]").select_option("senior_deputy")
    page.get_by_label("聘任主体").select_option("general_manager")
    page.get_by_label("选聘方式").select_option("internal_selection")
    page.get_by_label("聘任日期").fill("2026-01-01")
    page.get_by_label("单位意见：上述资料属实，同意任命并备案。").check()


def open_new_filing(page: Page) -> None:
    page.get_by_role("link", name="登记首席质量官聘任信息").click()
    expect(page).to_have_url(re.compile(r"/filings/new/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("登记首席质量官聘任信息")


def test_it_files_an_appointment_from_clerk_to_county_regulator(
    page: Page, live_server: Any, personas: Personas, snap: Snap
) -> None:
    person = personas.person
    status = page.locator("h1 .badge")

    # The clerk records the appointment ...
    log_in(page, "clerk_a")
    snap("clerk-home")
    open_new_filing(page)
    fill_appointment(page, person.name, person.id_number)
    snap("form-filled")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/filings/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("alert")).to_contain_text("聘任信息已保存为草稿")
    expect(status).to_have_text("草稿")
    snap("draft")
    filing_url = page.url
    page.get_by_role("button", name="退出").click()

    # The person named confirms it and declares that none of the disqualifications applies
    # (level-standard §5.1.5; SPEC §12.11) ...
    log_in(page, "cqo")
    page.goto(filing_url)
    page.locator("#declare-box input[type=checkbox]").first.check()
    page.locator("#btn-declare").click()
    expect(page.get_by_role("alert")).to_contain_text("本人声明已保存")
    expect(page.locator("#declared")).to_contain_text("不得担任首席质量官")
    snap("declared")
    page.get_by_role("button", name="退出").click()

    # ... and the clerk submits it.
    log_in(page, "clerk_a")
    page.goto(filing_url)
    page.locator("#btn-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("已提交备案")
    expect(status).to_have_text("待备案")
    expect(page.locator("#btn-submit")).to_have_count(0)
    snap("submitted")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()

    # The county regulator sees it waiting, checks it and files it.
    log_in(page, "county_a")
    expect(page.get_by_role("link", name=person.name)).to_be_visible()
    snap("county-home")
    page.goto(filing_url)
    expect(status).to_have_text("待备案")
    checks = page.locator("#checks")
    expect(checks).to_be_visible()
    expect(checks.locator("li").first).to_be_visible()
    expect(checks.locator(".check-bad")).to_have_count(0)
    # the governing pack's verdict, each condition with its clause (SPEC §4)
    verdict = page.locator("#verdict")
    expect(verdict.locator('tr[data-code="quality_years"] .clause')).to_contain_text(
        "陕质委办〔2021〕15号 第四条（二）"
    )
    expect(page.locator("#pack-label")).to_contain_text("陕质委办〔2021〕15号")
    snap("county-review")
    page.locator("#btn-approve").click()
    expect(page.get_by_role("alert")).to_contain_text("已备案")
    expect(status).to_have_text("已备案")
    expect(page.locator("#btn-approve")).to_have_count(0)
    number = page.locator("dt", has_text="备案编号").locator("xpath=following-sibling::dd[1]")
    expect(number).to_have_text(re.compile(r"^610113\d{11} · "))
    snap("filed")

    # The filing form prints as a PDF.
    link = page.get_by_role("link", name="打印备案登记表")
    href = link.get_attribute("href")
    assert href == f"{filing_url.removeprefix(live_server.url)}form.pdf"
    response = page.request.get(live_server.url + href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-")
    (SCREENSHOTS / "filing-form.pdf").write_bytes(body)

    appt = Appointment.objects.get()
    assert appt.status == Appointment.Status.FILED
    assert appt.filing_number.startswith("610113")
    assert number.inner_text().startswith(appt.filing_number)


def test_it_shows_a_corrupted_id_number_beside_the_field_and_saves_nothing(
    page: Page, personas: Personas, snap: Snap
) -> None:
    good = personas.person.id_number
    corrupted = good[:-1] + next(c for c in "0123456789X" if c != good[-1])

    log_in(page, "clerk_a")
    open_new_filing(page)
    fill_appointment(page, personas.person.name, corrupted)
    page.get_by_role("button", name="保存").click()

    error = page.locator("#error-id_number")
    expect(error).to_have_text("身份证号码校验位错误（GB 11643-1999）")
    field = page.get_by_label("备案人身份证号")
    expect(field).to_have_value(corrupted)
    # Beside the field: in the same form group, right after the input.
    group = page.locator(".has-error", has=field)
    expect(group).to_have_count(1)
    expect(group.locator("#error-id_number")).to_be_visible()
    expect(page.locator(".errorlist")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/filings/new/$"))
    snap("id-number-error")

    assert not Appointment.objects.exists()
