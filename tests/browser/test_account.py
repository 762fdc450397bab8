"""The account page in a browser: the user menu leads to it, it lists the user's API tokens and
revokes one after asking, on a desktop and on a phone's screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cqo.accounts.models import ApiToken
from cqo.test import Personas
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]


def test_a_user_revokes_an_api_token_on_the_account_page(
    page: Page, personas: Personas, snap: Snap
) -> None:
    ApiToken.new(user=personas.clerk_a, label="质量数据同步工具/1.0")
    keep, _token = ApiToken.new(user=personas.clerk_a, label="报表程序/3.2")
    log_in(page, "clerk_a")
    page.locator("#user-menu").get_by_role("button").click()
    page.get_by_role("link", name="我的账户").click()
    expect(page.get_by_role("heading", name="我的账户")).to_be_visible()
    row = page.get_by_role("listitem").filter(has_text="质量数据同步工具/1.0")
    expect(row).to_be_visible()
    expect(page.get_by_role("link", name="修改密码").first).to_be_visible()
    snap("account")

    row.get_by_role("button", name="吊销").click()
    expect(page.get_by_text("API 令牌已吊销")).to_be_visible()
    expect(page.get_by_text("质量数据同步工具/1.0")).to_have_count(0)
    expect(page.get_by_role("listitem").filter(has_text="报表程序/3.2")).to_be_visible()
    assert ApiToken.user_for(keep) is not None
    assert list(ApiToken.objects.values_list("label", flat=True)) == ["报表程序/3.2"]

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    # on a phone nothing runs off the screen: each token wraps, its button beside or below it
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    revoke = page.get_by_role("button", name="吊销")
    revoke.scroll_into_view_if_needed()  # below the two-factor card: scrolled to, not cut off
    expect(revoke).to_be_in_viewport()
    snap("account-phone")
