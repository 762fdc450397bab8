"""The talent pool in a real browser (shaanxi-2021 §五(一); SPEC §8): a county regulator finds a
CQO by part of the name, recommends them, the province finds the recommendation with the state
filter and admits them, and exports the result. The search runs on the index, which follows each
commit (cqo/talent/index/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cqo.talent import index
from cqo.talent.models import SearchMark, TalentEntry
from cqo.test import Personas, file_appointment
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]


def test_a_county_recommends_and_the_province_admits(
    page: Page, live_server: Any, personas: Personas, snap: Snap
) -> None:
    p = personas
    file_appointment(p)
    index.rebuild()
    log_in(page, p.county_a.username)
    page.get_by_role("button", name="监督管理").click()
    page.get_by_role("link", name="人才库").click()
    page.get_by_label("姓名").fill("堃")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("#talent tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(p.person.name)
    expect(rows.first).to_contain_text("雁塔区")  # the place the search filters on
    snap("found-by-name")
    rows.first.get_by_role("link", name="推荐").click()
    page.get_by_label("推荐理由").fill("业绩突出，推荐入选省人才库")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已推荐入选人才库")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    log_in(page, p.province.username)
    page.goto("/talent/")
    page.get_by_label("人才库状态").select_option("recommended")
    page.get_by_role("button", name="查询").click()
    expect(rows).to_have_count(1)
    # the recommendation reached the index after its commit, before this search
    assert index.ensure_fresh(limit=0) and SearchMark.objects.get().audit_id > 0
    rows.first.get_by_role("link", name="已推荐").click()
    page.locator("#btn-admit").click()
    assert TalentEntry.objects.get().state == TalentEntry.State.ADMITTED
    page.goto("/talent/?state=admitted")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(p.person.name)
    snap("admitted")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
