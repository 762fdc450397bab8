"""Coverage in a real browser: the province enters a target for a county (SPEC §12.10), drills
down to it on the coverage page, sees the county measured against its own target, and downloads
the government quality-work assessment report (shaanxi-2021 §六(三)) as PDF and Excel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cqo.coverage.models import RegionTarget
from cqo.test import COUNTY_A, Personas, file_appointment
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]


def test_a_regulator_enters_a_target_and_downloads_the_report(
    page: Page, live_server: Any, personas: Personas, snap: Snap
) -> None:
    p = personas
    file_appointment(p)
    log_in(page, p.province.username)

    page.goto("/coverage/targets/")
    page.get_by_label("行政区划").first.select_option(COUNTY_A)
    page.get_by_label("统计口径").select_option("above_scale")
    page.get_by_label("目标年度").fill("2030")
    page.get_by_label("目标覆盖率（%）").fill("abc")
    page.get_by_role("button", name="保存目标").click()
    expect(page.locator("#error-share")).to_be_visible()
    snap("invalid-share")
    page.get_by_label("目标覆盖率（%）").fill("90")
    page.get_by_role("button", name="保存目标").click()
    expect(page.locator("#targets")).to_contain_text("90.0%")
    assert RegionTarget.objects.get().region_id == COUNTY_A
    snap("target-saved")

    page.goto("/coverage/")
    page.locator("#coverage").get_by_role("link", name="西安市").click()
    page.locator("#coverage").get_by_role("link", name="雁塔区").click()
    page.get_by_role("link", name="按目标口径").click()
    expect(page.locator("#coverage")).to_contain_text("90.0%（2030）")
    expect(page.get_by_text("含为本地区录入的目标")).to_be_visible()
    snap("county-against-its-target")

    with page.expect_download() as pdf:
        page.locator("#report-pdf").click()
    pdf_path = pdf.value.path()
    assert pdf.value.suggested_filename.startswith(f"cqo-assessment-{COUNTY_A}-")
    assert pdf_path.read_bytes().startswith(b"%PDF")
    with page.expect_download() as xlsx:
        page.locator("#report-xlsx").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    assert xlsx.value.path().read_bytes().startswith(b"PK")
    snap("report-downloaded")
