"""Training in a real browser: the training institution (承办机构) of a provincial course marks
attendance and the exam, issues the training certificate (shaanxi-2021 §五(一): 由具备相关资质的
承办机构颁发培训合格证), the CQO finds it under 我的培训, and anyone verifies it by number without
logging in."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cqo.hours.models import StudyRecord
from cqo.test import Personas
from cqo.training import services
from cqo.training.models import TrainingCertificate
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

Snap = Callable[[str], Path]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_it_marks_issues_and_verifies_a_training_certificate(
    page: Page, live_server: Any, personas: Personas, snap: Snap
) -> None:
    p = personas
    # the 承办机构 holds a training qualification (shaanxi-2021 §五(一))
    services.qualification_create(
        actor=p.province,
        terms=services.QualificationTerms(
            institution="trainer",
            granted_by="陕西省市场监督管理局",
            document="陕市监函〔2025〕1号",
            basis="陕质委办〔2021〕15号 第五条（一）",
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2030, 12, 31),
        ),
    )
    course = services.course_create(
        actor=p.province,
        terms=services.CourseTerms(
            title="企业首席质量官高级研修班",
            tier="advanced",
            region="610000",
            forms=("lecture", "case_study"),
            hours=Decimal(24),
            method="exam",
            pass_mark=60,
            institution="trainer",
        ),
    )
    session = services.session_create(
        actor=p.province,
        course=course,
        terms=services.SessionTerms(
            start_date=dt.date(2026, 6, 1),
            end_date=dt.date(2026, 6, 3),
            place="西安市雁塔区科技路1号 培训中心",
            capacity=30,
        ),
    )
    enrolment = services.enrolment_create(
        actor=p.province,
        session=session,
        id_number=p.person.id_number,
        person_name=p.person.name,
    )
    row = f"attendance_{enrolment.public_id.hex}"

    # The institution marks attendance and the exam, then issues the certificate.
    log_in(page, "trainer")
    page.goto(f"/training/sessions/{session.public_id}/")
    expect(page.locator("#enrolments")).to_contain_text(p.person.name)
    snap("session")
    page.locator("#btn-attendance").click()
    page.locator(f"#id_{row}").fill("100")
    page.locator("#btn-save").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存 1 条")
    assert StudyRecord.objects.filter(person=p.person).count() == 1
    page.locator("#btn-results").click()
    page.locator(f"#id_score_{enrolment.public_id.hex}").fill("59")
    page.locator("#btn-save").click()
    expect(page.locator("#enrolments [data-passed='no']")).to_be_visible()
    page.locator("#btn-results").click()
    page.locator(f"#id_score_{enrolment.public_id.hex}").fill("60")
    page.locator("#btn-save").click()
    expect(page.locator("#enrolments [data-passed='yes']")).to_be_visible()
    snap("passed")
    page.locator(".btn-issue").click()
    expect(page).to_have_url(re.compile(r"/training/certificates/PX610000\d{9}-[0-9A-Z]{6}/$"))
    expect(page.get_by_role("alert")).to_contain_text("已颁发培训合格证")
    cert = TrainingCertificate.objects.get()
    expect(page.locator("#facts")).to_contain_text(cert.content_hash)
    snap("certificate")
    log_out(page)

    # The CQO finds it under 我的培训.
    log_in(page, "cqo")
    page.goto("/training/mine/")
    expect(page.locator("#my-certificates")).to_contain_text(cert.number)
    snap("my-training")
    log_out(page)

    # Anyone verifies it by number, without logging in; no ID number is shown.
    page.goto("/verify/training/")
    page.get_by_label("证书编号").fill(cert.number.lower())
    page.locator("#btn-verify").click()
    expect(page.locator("#verdict")).to_contain_text("真实有效")
    expect(page.locator("#facts")).to_contain_text(p.person.name)
    expect(page.locator("#facts")).to_contain_text("企业首席质量官高级研修班")
    assert p.person.id_number_masked not in page.content()
    assert p.person.id_number not in page.content()
    snap("verified")
