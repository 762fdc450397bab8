"""The certification pages: success, invalid input, out of scope and no login for each."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from cqo.accounts.models import User
from cqo.audit.models import AuditEntry
from cqo.certification import services
from cqo.certification.models import Application, CertificationBody, LevelCertificate
from tests.certification.conftest import (
    FULL,
    World,
    assessing,
    body_data,
    certified,
    draft,
    give_training_certificate,
    pdf,
    submitted,
)

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def url(name: str, *args: object) -> str:
    return reverse(f"certification:{name}", args=args)


def test_it_sends_anonymous_users_to_login(world: World) -> None:
    app = submitted(world)
    for path in (
        url("index"),
        url("queue"),
        url("application_detail", app.public_id),
        url("mine"),
        url("certificate_list"),
        url("body_list"),
        url("sheet", app.public_id),
    ):
        response = client_for(None).get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_it_routes_the_index_by_role(world: World) -> None:
    assert client_for(world.p.cqo).get(url("index"))["Location"] == url("mine")
    assert client_for(world.p.certifier).get(url("index"))["Location"] == url("queue")
    assert client_for(world.p.admin).get(url("index"))["Location"] == url("body_list")


def test_it_lists_filters_and_exports_the_queue(world: World) -> None:
    submitted(world)
    c = client_for(world.p.certifier)
    page = c.get(url("queue"), {"status": "submitted", "q": "李"})
    assert page.status_code == 200 and "李堃" in page.content.decode()
    assert "李堃" not in c.get(url("queue"), {"status": "certified"}).content.decode()
    assert c.get(url("queue"), {"status": "bogus", "page": "x"}).status_code == 200
    export = c.get(url("queue"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    assert AuditEntry.objects.filter(action="export", target_type="level_application").exists()
    assert (
        "李堃" not in client_for(world.p.city).get(url("queue")).content.decode()
    )  # not the supervisor
    assert "李堃" in client_for(world.p.province).get(url("queue")).content.decode()
    assert client_for(world.p.cqo).get(url("queue")).status_code == 403


def test_it_drafts_an_application_in_the_browser_form(world: World) -> None:
    c = client_for(world.p.cqo)
    assert c.get(url("application_new")).status_code == 200
    bad = c.post(
        url("application_new"), {"body": "SXZX", "enterprise": "X", "level_applied": "AAAA"}
    )
    assert bad.status_code == 422 and "error-education_training" in bad.content.decode()
    data = {
        "body": "SXZX",
        "enterprise": world.p.enterprise_a.uscc,
        "level_applied": "AAAA",
        "education_training": "本科",
        "work_summary": "质量部部长",
        "quality_experience": "体系建设",
        "performance": "合格率提升",
        "recommendation": "同意推荐",
        "recommender": "王建国",
        "declares_technical": "on",
        "declares_qms": "on",
        "declares_no_disqualification": "on",
    }
    bad = c.post(url("application_new"), {**data, "enterprise": "91610000XXXXXXXXXX"})
    assert bad.status_code == 422 and "error-enterprise" in bad.content.decode()
    response = c.post(url("application_new"), data)
    app = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == url(
        "application_detail", app.public_id
    )
    assert client_for(world.p.clerk_a).get(url("application_new")).status_code == 403


def test_it_edits_adds_periods_and_evidence_then_submits(world: World) -> None:
    give_training_certificate(world.p)
    app = services.application_create(
        actor=world.p.cqo,
        **__import__(
            "tests.certification.conftest", fromlist=["application_args"]
        ).application_args(world.p),
    )
    c = client_for(world.p.cqo)
    detail = c.get(url("application_detail", app.public_id))
    assert detail.status_code == 200 and "5.1.4" in detail.content.decode()
    assert (
        c.post(
            url("period_add", app.public_id),
            {
                "per-organisation": "甲",
                "per-post": "部长",
                "per-kind": "quality",
                "per-start": "2030-01-01",
            },
        ).status_code
        == 422
    )
    assert (
        c.post(
            url("period_add", app.public_id),
            {
                "per-organisation": "甲",
                "per-post": "部长",
                "per-kind": "quality",
                "per-start": "2016-01-01",
            },
        ).status_code
        == 302
    )
    assert (
        c.post(
            url("evidence_add", app.public_id),
            {"ev-kind": "work", "ev-title": "合同", "ev-file": pdf("a.exe")},
        ).status_code
        == 422
    )
    assert (
        c.post(
            url("evidence_add", app.public_id),
            {"ev-kind": "work", "ev-title": "合同", "ev-file": pdf()},
        ).status_code
        == 302
    )
    item = app.evidence.get()
    assert c.get(url("evidence_file", app.public_id, item.public_id)).status_code == 200
    assert (
        client_for(world.p.clerk_b)
        .get(url("evidence_file", app.public_id, item.public_id))
        .status_code
        == 404
    )
    edit = c.get(url("application_edit", app.public_id))
    assert edit.status_code == 200
    assert (
        client_for(world.p.certifier).get(url("application_edit", app.public_id)).status_code == 403
    )
    response = c.post(url("application_submit", app.public_id))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "submitted"
    assert c.post(url("application_submit", app.public_id)).status_code == 422


def test_it_runs_the_review_and_assessment_pages(world: World) -> None:
    app = submitted(world)
    staff = client_for(world.p.certifier)
    assert staff.post(url("review_return", app.public_id), {"ret-items": ""}).status_code == 422
    assert staff.post(url("review_accept", app.public_id)).status_code == 302
    assert client_for(world.p.cqo).post(url("review_accept", app.public_id)).status_code == 403
    bad = staff.post(
        url("panel_set", app.public_id),
        {
            "panel-experts": [str(world.expert1.public_id)],
            "panel-leader": str(world.expert2.public_id),
        },
    )
    assert bad.status_code == 422
    ok = staff.post(
        url("panel_set", app.public_id),
        {
            "panel-experts": [str(world.expert1.public_id), str(world.expert2.public_id)],
            "panel-leader": str(world.expert1.public_id),
        },
    )
    assert ok.status_code == 302
    assert (
        staff.post(
            url("assessment_record", app.public_id),
            {"as-kind": "interview", "as-on": "2026-06-10", "as-notes": "x"},
        ).status_code
        == 422
    )
    assert (
        staff.post(
            url("assessment_record", app.public_id),
            {"as-kind": "interview", "as-on": "2026-06-10", "as-notes": "答辩表现良好"},
        ).status_code
        == 302
    )
    app.refresh_from_db()
    assert app.status == "assessing" and app.interview_notes == "答辩表现良好"


def test_it_serves_the_scoring_sheet_with_bounds(world: World) -> None:
    app = assessing(world)
    c = client_for(world.e1)
    page = c.get(url("sheet", app.public_id))
    body = page.content.decode()
    assert page.status_code == 200 and 'max="100"' in body and "应用系统思维" in body
    assert client_for(world.p.certifier).get(url("sheet", app.public_id)).status_code == 403
    assert client_for(world.p.city).get(url("sheet", app.public_id)).status_code == 404
    over = c.post(url("sheet", app.public_id), {**FULL, "8.1.1": "100.5", "submit": "1"})
    assert over.status_code == 422 and "error-8.1.1" in over.content.decode()
    preview = c.post(url("sheet_preview", app.public_id), {"8.1.1": "30", "8.2": "60"})
    assert preview.status_code == 200 and "90.0" in preview.content.decode()
    assert c.post(url("sheet", app.public_id), {**FULL, "submit": "1"}).status_code == 302
    assert "locked" in c.get(url("sheet", app.public_id)).content.decode()


def test_it_signs_the_report_and_issues_from_the_pages(world: World) -> None:
    app = assessing(world)
    services.sheet_save(actor=world.e1, app=app, scores=tuple(FULL.items()), submit=True)
    services.sheet_save(actor=world.e2, app=app, scores=tuple(FULL.items()), submit=True)
    # before signing, the leader sees what the signature will record (§9.3.3; SPEC §12.5)
    page = client_for(world.e1).get(url("application_detail", app.public_id)).content.decode()
    assert 'id="preview"' in page and 'id="preview-total">740.0<' in page
    assert "签署后将认定为 AAAA 级" in page and "data-confirm" in page
    other = client_for(world.e2).get(url("application_detail", app.public_id)).content.decode()
    assert 'id="preview"' not in other  # the leader's, who signs
    assert (
        client_for(world.e1)
        .post(url("report_sign", app.public_id), {"rep-report": "短"})
        .status_code
        == 422
    )
    assert (
        client_for(world.e2)
        .post(url("report_sign", app.public_id), {"rep-report": "专家组一致同意认定为 AAAA 级。"})
        .status_code
        == 403
    )
    assert (
        client_for(world.e1)
        .post(url("report_sign", app.public_id), {"rep-report": "专家组一致同意认定为 AAAA 级。"})
        .status_code
        == 302
    )
    response = client_for(world.p.certifier).post(url("certificate_issue", app.public_id))
    cert = LevelCertificate.objects.get()
    assert response["Location"] == url("certificate_detail", cert.number)
    assert (
        client_for(world.p.certifier).post(url("certificate_issue", app.public_id)).status_code
        == 422
    )


def test_it_shows_mine_for_the_holder_and_the_enterprise(world: World) -> None:
    cert = certified(world)
    services.send_reminders(cert.valid_until)
    mine = client_for(world.p.cqo).get(url("mine"))
    assert (
        mine.status_code == 200
        and cert.number in mine.content.decode()
        and "再认定" in mine.content.decode()
    )
    clerk = client_for(world.p.clerk_a).get(url("mine"))
    assert cert.number in clerk.content.decode()
    assert cert.number not in client_for(world.p.clerk_b).get(url("mine")).content.decode()
    assert client_for(world.p.certifier).get(url("mine")).status_code == 403


def test_it_shows_certificates_pdf_and_supervision(world: World) -> None:
    cert = certified(world)
    staff = client_for(world.p.certifier)
    assert cert.number in staff.get(url("certificate_list"), {"level": "AAAA"}).content.decode()
    assert staff.get(url("certificate_list"), {"export": "xlsx"}).status_code == 200
    assert staff.get(url("certificate_detail", cert.number)).status_code == 200
    pdf_response = staff.get(url("certificate_pdf", cert.number))
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")
    assert (
        client_for(world.p.clerk_b).get(url("certificate_detail", cert.number)).status_code == 404
    )
    assert (
        client_for(world.p.cqo)
        .post(
            url("certificate_supervise", cert.number),
            {
                "sup-action": "suspend",
                "sup-ground": "violation",
                "sup-reason": "违法违规",
                "sup-evidence_note": "文件",
            },
        )
        .status_code
        == 403
    )
    bad = staff.post(
        url("certificate_supervise", cert.number),
        {"sup-action": "suspend", "sup-ground": "violation", "sup-reason": ""},
    )
    assert bad.status_code == 422
    ok = staff.post(
        url("certificate_supervise", cert.number),
        {
            "sup-action": "suspend",
            "sup-ground": "violation",
            "sup-reason": "违法违规被处罚",
            "sup-evidence": pdf("处罚决定.pdf"),
        },
    )
    assert ok.status_code == 302
    cert.refresh_from_db()
    assert cert.status == "suspended" and cert.actions.get().evidence
    public = client_for(None).get(url("verify", cert.number))
    assert public.status_code == 200 and 'data-status="suspended"' in public.content.decode()
    assert (
        staff.post(
            url("certificate_review", cert.number),
            {"rev-year": "2026", "rev-rating": "competent", "rev-summary": "履职良好"},
        ).status_code
        == 302
    )
    assert (
        staff.post(
            url("certificate_warning", cert.number),
            {"warn-kind": "warning", "warn-conduct": "delayed", "warn-reason": "拖延上报"},
        ).status_code
        == 302
    )
    action = cert.actions.get()
    holder = client_for(world.p.cqo)
    assert (
        holder.post(
            reverse("certification:action_appeal", args=[action.public_id]),
            {"ap-grounds": "不服暂停决定"},
        ).status_code
        == 302
    )
    assert (
        holder.post(
            reverse("certification:action_appeal", args=[uuid.uuid4()]),
            {"ap-grounds": "不服暂停决定"},
        ).status_code
        == 404
    )


def test_it_reissues_and_recommends_from_the_page(world: World) -> None:
    cert = certified(world)
    staff = client_for(world.p.certifier)
    assert (
        staff.post(
            url("certificate_reissue", cert.number), {"re-reason": "更正", "re-enterprise": "123"}
        ).status_code
        == 422
    )
    response = staff.post(url("certificate_reissue", cert.number), {"re-reason": "更正姓名用字"})
    assert response["Location"] == url("certificate_detail", f"{cert.number}-R1")
    new = LevelCertificate.objects.get(number=f"{cert.number}-R1")
    assert (
        staff.post(
            url("certificate_recommend", new.number), {"tal-reason": "业绩突出，推荐入库"}
        ).status_code
        == 302
    )


def test_it_manages_bodies_and_experts_as_admin(world: World) -> None:
    admin = client_for(world.p.admin)
    assert admin.get(url("body_list")).status_code == 200
    assert admin.get(url("body_new")).status_code == 200
    bad = admin.post(
        url("body_new"),
        {**body_data(code="SXQB", uscc="123", authorising_body=""), "kind": "entrusted"},
    )
    assert bad.status_code == 422 and "error-uscc" in bad.content.decode()
    ok = admin.post(url("body_new"), body_data(code="SXQB", name="陕西质量认证中心"))
    body = CertificationBody.objects.get(code="SXQB")
    assert ok["Location"] == url("body_detail", body.public_id)
    assert (
        admin.post(
            url("expert_add", body.public_id), {"x-name": "", "x-username": "nobody"}
        ).status_code
        == 422
    )
    assert (
        admin.post(
            url("expert_add", body.public_id), {"x-name": "周专家", "x-active": "on"}
        ).status_code
        == 302
    )
    assert (
        admin.post(url("member_add", body.public_id), {"m-username": "certifier"}).status_code
        == 422
    )  # already bound
    expert = body.experts.get()
    assert admin.post(url("expert_toggle", body.public_id, expert.public_id)).status_code == 302
    expert.refresh_from_db()
    assert not expert.active
    assert (
        client_for(world.p.certifier).post(url("body_new"), body_data(code="SXQC")).status_code
        == 403
    )
    assert client_for(world.p.certifier).get(url("body_detail", body.public_id)).status_code == 404
    assert client_for(world.p.cqo).get(url("body_list")).status_code == 403
    assert (
        AuditEntry.objects.filter(
            target_type="certification_body", target_id=str(body.public_id)
        ).count()
        >= 1
    )


def test_it_verifies_publicly_by_number(world: World) -> None:
    cert = certified(world)
    anon = client_for(None)
    assert anon.get(url("verify_lookup")).status_code == 200
    assert anon.get(url("verify_lookup"), {"number": cert.number.lower()})["Location"] == url(
        "verify", cert.number
    )
    page = anon.get(url("verify", cert.number)).content.decode()
    for fact in (
        "李堃",
        "西安示例精密制造有限公司",
        "陕西省质量协会",
        "AAAA",
        cert.content_hash,
        "2029-06-14",
    ):
        assert fact in page
    assert world.p.person.id_number not in page and world.p.person.id_number_masked not in page
    assert anon.get(url("verify", "CQO2026-SXZX-99999")).status_code == 404
    assert anon.get(url("verify", "nonsense")).status_code == 404


def test_it_withdraws_and_deletes_while_editable(world: World) -> None:
    app = draft(world)
    c = client_for(world.p.cqo)
    period = app.work_periods.get()
    item = app.evidence.get()
    assert c.post(url("period_delete", app.public_id, period.pk)).status_code == 302
    assert c.post(url("evidence_delete", app.public_id, item.public_id)).status_code == 302
    assert c.post(url("period_delete", app.public_id, 999999)).status_code == 422
    assert c.post(url("application_withdraw", app.public_id)).status_code == 302
    app.refresh_from_db()
    assert app.status == "withdrawn"
