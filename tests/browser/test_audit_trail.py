"""The audit administrator on a phone's 375 px screen: the home's tiles, the trail from the
navigation, a filter, the chain's status; the page never scrolls sideways."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cqo.audit import services
from cqo.test import Personas
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]
PHONE = {"width": 375, "height": 812}


def test_the_auditor_reads_and_filters_the_trail_on_a_phone(
    page: Page, personas: Personas, snap: Snap
) -> None:
    services.audit_record(
        actor=personas.county_a,
        action="transition",
        target_type="appointment",
        target_id="3f1c0b1e-5d2a-4c8e-9a57-0d6f3b2e8c41",
        target_repr="西安示例精密制造有限公司 · 李堃",
        changes={"status": ["submitted", "filed"]},
        note="材料齐全，予以备案",
    )
    services.audit_verify()
    log_in(page, "auditor")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#tile-audit-chain")).to_be_visible()
    snap("home-phone")
    page.get_by_role("button", name="菜单").click()
    page.locator("#nav-audit").click()
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    expect(page.locator("#chain-ok")).to_be_visible()
    expect(page.locator("#trail")).to_contain_text("材料齐全，予以备案")
    page.get_by_label("对象类型", exact=True).select_option(label="聘任备案")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#trail")).to_contain_text("西安示例精密制造有限公司 · 李堃")
    snap("trail-phone")
    page.get_by_label("操作", exact=True).select_option(label="导出")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#trail")).to_contain_text("没有符合条件的记录")
    snap("filtered-phone")
