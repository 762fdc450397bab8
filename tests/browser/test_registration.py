"""Online registration in a browser: the county picked province → city → county and by a
search, the password twice, and 注册."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cqo.registry.models import Person
from cqo.test import Personas, new_id_number

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]
PASSWORD = "Str0ng-pass-2026"


def test_a_cqo_registers_picking_the_county(page: Page, personas: Personas, snap: Snap) -> None:
    page.goto("/register/")
    page.select_option("#region-province", "610000")
    expect(page.locator("#region-city option[value='610100']")).to_have_count(1)
    page.select_option("#region-city", "610100")
    expect(page.locator("#id_region option[value='610113']")).to_have_count(1)
    page.select_option("#id_region", "610113")
    snap("picked")
    # a search finds the county and sets its province and city
    page.locator("#region-q").fill("渭滨")
    expect(page.locator("#region-city")).to_have_value("610300")
    expect(page.locator("#id_region")).to_have_value("610302")

    page.get_by_label("用户名").fill("zhangzhe")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD + "x")
    page.get_by_label("姓名").fill("张喆")
    page.get_by_label("身份证号").fill(new_id_number("610302"))
    page.get_by_label("学历").select_option("bachelor")
    page.get_by_label("手机").fill("13700001111")
    page.get_by_role("button", name="注册").click()
    expect(page.locator("#error-password2")).to_contain_text("两次输入的密码不一致")
    expect(page.locator("#id_region")).to_have_value("610302")  # the county kept
    snap("mismatch")

    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功")).to_be_visible()
    assert Person.objects.get(user__username="zhangzhe").region_id == "610302"
