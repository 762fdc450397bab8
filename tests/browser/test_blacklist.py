"""Warning and exit (the blacklist) in a real browser: the county regulator lists its filed CQO
for exit, which ends the filing; the CQO appeals; the regulator grants the appeal; the public
notice shows the listing without an ID number (shaanxi-2021 §五(三), jiangsu-2020 §七)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cqo.blacklist.models import Appeal, Listing
from cqo.lib import clock
from cqo.registry.models import Appointment
from cqo.test import Personas, file_appointment
from tests.browser.conftest import log_in

# a 1×1 grey PNG: the smallest evidence file the upload check accepts
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c636000000002000148afa4710000000049454e44ae426082"
)

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_it_lists_for_exit_takes_an_appeal_and_publishes(
    page: Page, live_server: Any, personas: Personas, snap: Snap
) -> None:
    person = personas.person
    appt = file_appointment(personas)
    state = page.locator("h1 [data-state]")

    # The county regulator lists its CQO for exit, found by ID number and name.
    log_in(page, "county_a")
    page.get_by_role("button", name="监督管理").click()  # the navigation's oversight menu
    page.get_by_role("link", name="警示与退出名单").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("警示与退出名单")
    snap("list")
    page.locator("#btn-new").click()
    expect(page).to_have_url(re.compile(r"/blacklist/new/$"))
    page.get_by_label("姓名").fill(person.name)
    page.get_by_label("身份证号").fill(person.id_number)
    page.get_by_label("类别").select_option("exit")
    page.get_by_label("列入原因").fill("履职不到位，造成重大质量安全事故")
    # shaanxi-2021 §五(三): what happened, when, and its evidence
    page.get_by_label("事故情况").fill("出厂检验缺失，批次产品质量安全事故")
    page.get_by_label("事故发生日期").fill((clock.today() - dt.timedelta(days=7)).isoformat())
    page.get_by_label("证据材料").set_input_files(
        {"name": "evidence.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_label("在公示页面公开").check()
    snap("issue-form")
    page.get_by_role("button", name="保存").click()
    # the page lists the appointment the exit will end and asks to confirm; the evidence chosen
    # is kept, so only the box is ticked
    expect(page.locator("#error-effects_confirmed")).to_contain_text(appt.enterprise.name)
    expect(page.get_by_text("已保留上次选择的文件：evidence.png")).to_be_visible()
    snap("issue-confirm")
    page.get_by_label("已核对：退出生效即终止该人员在任的已备案聘任").check()
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/blacklist/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("alert")).to_contain_text("已列入名单")
    expect(state).to_have_text("生效中")
    expect(page.locator("#ended")).to_contain_text(appt.enterprise.name)
    snap("listing-in-force")
    listing_url = page.url
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.ENDED
    log_out(page)

    # The CQO appeals.
    log_in(page, "cqo")
    page.goto(listing_url)
    page.get_by_label("申诉理由").fill(
        "事故系供应商原料问题所致，本人已按规定履职，有检验记录为证。"
    )
    page.locator("#btn-appeal").click()
    expect(page.get_by_role("alert")).to_contain_text("申诉已提交")
    expect(page.locator("#btn-appeal")).to_have_count(0)
    snap("appeal-filed")
    page.get_by_role("button", name="企业与备案").click()
    page.get_by_role("link", name="警示与退出名单").click()
    expect(page.locator("#listings")).to_contain_text(person.name)
    snap("cqo-list")
    log_out(page)

    # The county regulator grants it: the listing is revoked, its history kept.
    log_in(page, "county_a")
    page.goto(listing_url)
    page.locator("#id_decide-outcome").select_option("granted")
    page.locator("#id_decide-note").fill("申诉理由成立，撤销列入")
    page.locator("#btn-decide").click()
    expect(page.get_by_role("alert")).to_contain_text("申诉已决定")
    expect(state).to_have_text("已撤销")
    expect(page.locator("#trail")).to_contain_text("状态变更")
    snap("appeal-granted")
    assert Appeal.objects.get().status == Appeal.Status.GRANTED
    assert Listing.objects.get().revoked_at is not None
    log_out(page)

    # The public notice, without login: the revoked listing is among the past ones.
    page.goto("/public/blacklist/?section=past")
    expect(page.locator("#public-listings")).to_contain_text(person.name)
    expect(page.locator("#public-listings")).to_contain_text("已撤销")
    assert person.id_number_masked not in page.content()
    snap("public-notice")
