"""The second factor in a browser, on a phone's 375 px screen: a regulator whose role requires it
is sent to enrol after the password, scans (here: reads) the key, confirms a first code, and at
the next sign-in gives the code after the password."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from collections.abc import Callable
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from cqo.test import PASSWORD, Personas

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]
PHONE = {"width": 375, "height": 812}


def code(key: str, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time() + steps_ahead * 30
    return str(totp.token()).zfill(6)


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def password_step(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def test_a_regulator_enrols_and_then_signs_in_with_the_code(
    page: Page, personas: Personas, snap: Snap, settings
) -> None:
    settings.CQO_2FA_REQUIRED_ROLES = ["regulator"]
    # django-otp's wait after a wrong code would refuse the right one typed at once after it
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    page.set_viewport_size(PHONE)
    password_step(page, "county_a")
    expect(page.get_by_role("heading", name="启用双因素认证")).to_be_visible()
    expect(page.get_by_text("您的角色须启用双因素认证")).to_be_visible()
    expect(page.locator("#second-factor-qr")).to_be_visible()
    fits(page)
    snap("enrol-phone")
    key = page.locator("#second-factor-key").inner_text()

    page.get_by_label("动态验证码").fill("000000")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_text("动态验证码不正确或已过期")).to_be_visible()
    page.get_by_label("动态验证码").fill(code(key))
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_text("双因素认证已启用")).to_be_visible()
    fits(page)

    page.get_by_role("button", name="菜单").click()  # the phone's collapsed navigation bar
    page.get_by_role("button", name="退出").click()
    password_step(page, "county_a")
    expect(page.get_by_role("heading", name="动态验证码")).to_be_visible()
    fits(page)
    snap("code-phone")
    page.get_by_label("动态验证码").fill(code(key, 1))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^工作台"))).to_be_visible()
    fits(page)
