"""The community in a real browser: a CQO applies to join the Xi'an CQO alliance (首席质量官联盟,
shaanxi-2021 §五(三)), the city regulator approves the application, and the CQO registers for
the alliance's salon; the regulator then sees the registration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cqo.community import services
from cqo.community.models import Membership, Registration
from cqo.test import Personas
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_it_lets_a_cqo_join_an_alliance_and_register_for_its_salon(
    page: Page, live_server: Any, personas: Personas, snap: Snap
) -> None:
    p = personas
    alliance = services.alliance_create(
        actor=p.city, name="西安市首席质量官联盟", kind="alliance", region="610100"
    )
    day = timezone.localdate() + dt.timedelta(days=7)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
    event = services.event_create(
        actor=p.city,
        alliance=alliance,
        terms=services.EventTerms(
            kind="salon",
            title="首席质量官沙龙：质量成本管理",
            venue="西安市雁塔区科技路1号",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            capacity=30,
        ),
    )

    # The CQO finds the alliance of their region and applies.
    log_in(page, "cqo")
    page.goto("/community/")
    page.get_by_role("link", name="西安市首席质量官联盟").click()
    page.locator("#id_statement").fill("希望加入联盟，参与经验交流。")
    page.locator("#btn-join").click()
    expect(page.get_by_role("alert")).to_contain_text("已提交入会申请")
    expect(page.locator("#my-membership")).to_contain_text("待审核")
    snap("applied")
    log_out(page)

    # The city regulator approves the application.
    log_in(page, "city")
    page.goto(f"/community/alliances/{alliance.public_id}/")
    expect(page.locator("#pending")).to_contain_text(p.person.name)
    page.locator("#pending").get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("已审核入会申请")
    assert Membership.objects.get(person=p.person).state == "approved"
    log_out(page)

    # The member registers for the salon.
    log_in(page, "cqo")
    page.goto(f"/community/alliances/{alliance.public_id}/")
    page.get_by_role("link", name="首席质量官沙龙：质量成本管理").click()
    page.locator("#btn-register").click()
    expect(page.get_by_role("alert")).to_contain_text("报名成功")
    expect(page.locator("#places")).to_contain_text("1/30")
    snap("registered")
    assert Registration.objects.get(event=event).person == p.person
    log_out(page)

    log_in(page, "city")
    page.goto(f"/community/events/{event.public_id}/")
    expect(page.locator("#registrations")).to_contain_text(p.person.name)
    snap("organiser")


def test_it_runs_a_case_competition_from_call_to_published_results(
    page: Page, live_server: Any, personas: Personas, snap: Snap, monkeypatch: Any
) -> None:
    from cqo.community.models import CaseCompetition, Submission
    from cqo.test import file_appointment

    p = personas
    file_appointment(p)
    today = timezone.localdate()

    # The city regulator opens the call with its windows, criteria and judges.
    log_in(page, "city")
    page.goto("/community/competitions/")
    page.locator("#btn-new-competition").click()
    page.locator("#id_title").fill("西安市质量改进经典案例评比")
    page.locator("#id_submission_opens").fill(today.isoformat())
    page.locator("#id_submission_closes").fill((today + dt.timedelta(days=5)).isoformat())
    page.locator("#id_judging_opens").fill((today + dt.timedelta(days=6)).isoformat())
    page.locator("#id_judging_closes").fill((today + dt.timedelta(days=9)).isoformat())
    page.locator("#id_awards").fill("1")
    page.locator("#id_criteria").fill("方法运用：40\n改进成效：60")
    page.locator("#id_judges").fill("city")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("已发布案例征集")
    expect(page.locator("#phase")).to_contain_text("申报中")
    comp = CaseCompetition.objects.get()

    # Two cases come in (the CQO's pages are covered by the page tests).
    for title in ("精益生产缩短交付周期", "六西格玛降低缺陷率"):
        services.submission_create(
            actor=p.cqo,
            competition=comp,
            case=services.CaseTerms(title=title, method="lean", case_text="过程", results="成效"),
        )
    # The judging window opens (the live server runs in this process, so it sees the date).
    monkeypatch.setattr("cqo.lib.clock.today", lambda: today + dt.timedelta(days=6))
    page.goto(f"/community/competitions/{comp.public_id}/")
    expect(page.locator("#missing")).to_contain_text("尚未评审")
    for title, points in (
        ("精益生产缩短交付周期", ("35", "50")),
        ("六西格玛降低缺陷率", ("30", "45")),
    ):
        page.get_by_role("link", name=title).click()
        page.locator("#id_c1").fill(points[0])
        page.locator("#id_c2").fill(points[1])
        page.locator("#btn-score").click()
        expect(page.get_by_role("alert")).to_contain_text("已保存评分")
        page.goto(f"/community/competitions/{comp.public_id}/")
    snap("scored")
    page.locator("#btn-publish").click()
    expect(page.get_by_role("alert")).to_contain_text("已发布评比结果")
    expect(page.locator("#phase")).to_contain_text("结果已发布")
    expect(page.locator("#submissions tbody tr").first).to_contain_text("精益生产缩短交付周期")
    snap("published")
    assert Submission.objects.get(rank=1).score == 85
    log_out(page)

    # Anyone reads the awarded case in the public library, without logging in.
    page.goto("/cases/?q=精益")
    page.get_by_role("link", name="精益生产缩短交付周期").click()
    expect(page.locator("#case")).to_contain_text("成效")
    snap("library")
