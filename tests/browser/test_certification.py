"""Capability-level certification in a real browser: the body (陕西省质量协会, demo-like) accepts
a submitted application, names the panel and records the interview; each expert fills the
scoring sheet (bounds shown and enforced, totals updated as they type); the leader signs the
report; the body issues the certificate; anyone verifies it at the QR code's address."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cqo.certification import printing, services
from cqo.certification.models import Application, LevelCertificate
from cqo.test import Personas, make_user
from tests.browser.conftest import log_in
from tests.certification.conftest import (
    FULL,
    body_data,
    draft,
    give_training_certificate,
    recommend,
)

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


class W:
    """What the workflow helpers of the unit tests expect of a world."""

    def __init__(self, p: Personas) -> None:
        self.p = p


def fill_sheet(page: Page, scores: dict[str, str]) -> None:
    for code, value in scores.items():
        page.locator(f"[name='{code}']").fill(value)


def test_it_runs_an_application_to_a_verified_certificate(
    page: Page, live_server: Any, personas: Personas, snap: Snap
) -> None:
    p = personas
    body = services.body_create(actor=p.admin, terms=services.BodyTerms(**body_data()))
    services.member_add(actor=p.admin, body=body, username="certifier")
    make_user("expert1", "certifier", organisation="西安交通大学")
    make_user("expert2", "certifier", organisation="陕西省标准化研究院")
    services.expert_create(
        actor=p.admin,
        body=body,
        terms=services.ExpertTerms(name="赵质量", title="教授"),
        username="expert1",
    )
    services.expert_create(
        actor=p.admin,
        body=body,
        terms=services.ExpertTerms(name="钱标准", title="研究员"),
        username="expert2",
    )
    give_training_certificate(p)
    recommend(p.clerk_a, p.person)  # enterprise A recommends the prospective CQO (§9.1 b)
    app = draft(W(p))  # type: ignore[arg-type]
    services.application_submit(actor=p.cqo, app=app)

    # The body: formal review, panel, interview.
    log_in(page, "certifier")
    page.goto("/certification/applications/")
    expect(page.locator("#applications")).to_contain_text(p.person.name)
    page.locator("#applications a", has_text=p.person.name).click()
    expect(page.locator("#eligibility")).to_contain_text("5.1.4")
    snap("application")
    page.locator("#btn-accept").click()
    expect(page.get_by_role("alert").first).to_contain_text("已受理")
    page.get_by_label("赵质量 教授").check()
    page.get_by_label("钱标准 研究员").check()
    page.locator("#id_panel-leader").select_option(label="赵质量 教授")
    page.locator("#btn-panel").click()
    expect(page.locator("#panel")).to_contain_text("组长")
    page.locator("#id_as-kind").select_option("interview")
    page.locator("#id_as-on").fill("2026-06-10")
    page.locator("#id_as-notes").fill("申请人陈述质量工作业绩，回答准确")
    page.locator("#btn-assessment").click()
    expect(page.get_by_role("alert").first).to_contain_text("记录已保存")
    log_out(page)

    # Each expert fills the scoring sheet.
    for username in ("expert1", "expert2"):
        log_in(page, username)
        page.goto(f"/certification/applications/{app.public_id}/")
        page.locator("#btn-sheet").click()
        expect(page.locator("#cell-8\\.1\\.1")).to_have_attribute("max", "100")
        fill_sheet(page, {**FULL, "8.5.5": "41"})
        # the HTMX totals follow the typing; the over-maximum 41 is flagged and not counted
        expect(page.locator("#totals")).to_contain_text("最高 40 分")
        expect(page.locator("#sheet-total")).to_have_text("720.0")
        expect(page.locator("#sheet-grade")).to_have_text("AAAA")
        snap(f"sheet-{username}")
        page.locator("#btn-submit-sheet").click()
        expect(page.locator("#error-8\\.5\\.5")).to_contain_text("最高 40 分")
        fill_sheet(page, {"8.5.5": "20"})
        page.locator("#btn-submit-sheet").click()
        expect(page.locator("#locked")).to_be_visible()
        snap(f"sheet-{username}-submitted")
        if username == "expert1":
            log_out(page)

    # The leader (expert1) signs; expert2 is logged in and cannot.
    page.goto(f"/certification/applications/{app.public_id}/")
    expect(page.locator("#btn-report")).to_have_count(0)
    log_out(page)
    log_in(page, "expert1")
    page.goto(f"/certification/applications/{app.public_id}/")
    page.locator("#id_rep-report").fill(
        "经面试答辩，专家组一致认为申请人达到 AAAA 级要求，建议予以认定。"
    )
    page.locator("#btn-report").click()
    expect(page.locator("#awarded")).to_have_text("AAAA")
    expect(page.locator("#total")).to_have_text("740.0")
    log_out(page)

    # The body issues the certificate.
    log_in(page, "certifier")
    page.goto(f"/certification/applications/{app.public_id}/")
    page.locator("#btn-issue").click()
    expect(page).to_have_url(
        re.compile(r"/certification/certificates/CQO\d{4}-SXZX-\d{5}-[0-9A-Z]{6}/$")
    )
    cert = LevelCertificate.objects.get()
    expect(page.locator("#facts")).to_contain_text(cert.content_hash)
    snap("certificate")
    log_out(page)
    assert Application.objects.get().status == "certified"

    # The public verifies at the QR code's address, no login.
    page.goto(
        printing.verify_url(cert.number).replace(
            printing.verify_url(cert.number).split("/verify/")[0], ""
        )
    )
    expect(page.locator("#verdict")).to_contain_text("真实有效")
    expect(page.locator("#fact-holder")).to_have_text(p.person.name)
    expect(page.locator("#fact-level")).to_contain_text("AAAA")
    assert p.person.id_number not in page.content()
    snap("verified")
    services.supervise(
        actor=p.certifier,
        cert=cert,
        action="suspend",
        ground="violation",
        reason="违法违规被处罚",
        evidence_note="决定书",
    )
    page.reload()
    expect(page.locator("#cert-status [data-status]")).to_have_attribute("data-status", "suspended")
    snap("suspended")
