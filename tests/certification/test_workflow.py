"""The application from draft to certificate through the services (level-standard §9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from cqo.audit.models import AuditEntry
from cqo.certification import rules, selectors, services
from cqo.certification.models import Appeal, Application, LevelCertificate
from cqo.lib import parse
from tests.certification.conftest import (
    FULL,
    TODAY,
    World,
    application_args,
    assessing,
    certified,
    draft,
    give_training_certificate,
    graded,
    pdf,
    submitted,
)

pytestmark = pytest.mark.django_db


def test_it_runs_an_application_to_a_certificate(world: World) -> None:
    cert = certified(world)
    app = cert.application
    assert app.status == Application.Status.CERTIFIED
    assert app.total is not None and str(app.total) == "740.0"
    assert app.grade_by_score == "AAAA" and app.awarded_level == "AAAA"
    assert cert.level == "AAAA" and cert.issued_on == TODAY
    assert cert.valid_until.isoformat() == "2029-06-14"
    assert cert.number.startswith("CQO2026-SXZX-00001-") and rules.number_valid(cert.number)
    assert selectors.content_intact(cert)
    assert selectors.certified_level(world.p.person, TODAY) == "AAAA"
    actions = AuditEntry.objects.filter(target_id=str(app.public_id)).count()
    assert actions >= 8


def test_it_returns_for_supplement_and_accepts_the_resubmission(world: World) -> None:
    app = submitted(world)
    assert app.eligibility["blocking"] == []
    assert app.filing_status.startswith("拟任")
    with pytest.raises(ValidationError) as exc:
        services.review_return(actor=world.p.certifier, app=app, items="补")
    assert "items" in exc.value.message_dict
    app = services.review_return(actor=world.p.certifier, app=app, items="请补充近三年工作绩效证明")
    assert app.status == Application.Status.RETURNED
    services.evidence_add(
        actor=world.p.cqo, app=app, kind="performance", title="绩效证明", upload=pdf()
    )
    app = services.application_submit(actor=world.p.cqo, app=app)
    assert app.status == Application.Status.SUBMITTED and app.return_items == ""
    app = services.review_accept(actor=world.p.certifier, app=app)
    assert app.status == Application.Status.ACCEPTED
    statuses = [
        e.changes.get("status")
        for e in AuditEntry.objects.filter(
            target_id=str(app.public_id), action="transition"
        ).order_by("at", "id")
    ]
    assert statuses == [
        ["draft", "submitted"],
        ["submitted", "returned"],
        ["returned", "submitted"],
        ["submitted", "accepted"],
    ]


def test_it_blocks_submission_without_a_training_certificate(world: World) -> None:
    app = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=world.p.cqo, app=app)
    assert any("§5.1.4" in m for m in exc.value.message_dict["eligibility"])
    app.refresh_from_db()
    assert app.status == Application.Status.DRAFT


def test_it_blocks_submission_when_years_fall_short_of_the_level(world: World) -> None:
    give_training_certificate(world.p)
    app = services.application_create(
        actor=world.p.cqo, **application_args(world.p, level_applied="AAAA")
    )
    # 2022-06-16 … 2026-06-15 is one day short of 4 years (SPEC §12.4: "4 年以上" includes 4)
    services.period_add(
        actor=world.p.cqo,
        app=app,
        organisation="甲公司",
        post="质量工程师",
        kind="technical",
        start=parse.date("2022-06-17", field="start"),
    )
    services.evidence_add(actor=world.p.cqo, app=app, kind="work", title="合同", upload=pdf())
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=world.p.cqo, app=app)
    # SPEC §12.3: the refusal names the level the years do allow
    (years,) = [m for m in exc.value.message_dict["eligibility"] if "§5.2" in m]
    assert "3 年 11 个月，可申报 AAA" in years
    services.period_add(
        actor=world.p.cqo,
        app=app,
        organisation="乙公司",
        post="技术员",
        kind="technical",
        start=parse.date("2022-06-15", field="start"),
        end=parse.date("2022-06-20", field="end"),
    )
    app = services.application_submit(actor=world.p.cqo, app=app)
    assert app.level_by_years == "AAAA" and app.related_months == 48


def test_it_requires_the_declarations_and_the_form(world: World) -> None:
    give_training_certificate(world.p)
    app = draft(world, declares_no_disqualification=False, recommendation="", declares_qms=False)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=world.p.cqo, app=app)
    errors = exc.value.message_dict
    assert {"declares_no_disqualification", "declares_qms", "recommendation"} <= set(errors)


def test_it_awards_the_lowest_of_grade_applied_and_years(world: World) -> None:
    app = graded(world, level_applied="AAA")
    assert app.grade_by_score == "AAAA" and app.level_by_years == "AAAAA"
    assert app.awarded_level == "AAA"


# every Annex A cell at its maximum: 1000, grade AAAAA
TOP = {
    **dict.fromkeys(["8.1.1", "8.4.2", "8.5.3"], "100"),
    **dict.fromkeys(["8.1.2", "8.5.4"], "50"),
    **dict.fromkeys(["8.2", "8.4.1"], "80"),
    "8.3": "90",
    **dict.fromkeys(["8.4.3", "8.5.2"], "60"),
    **dict.fromkeys(["8.4.4", "8.5.5"], "40"),
    "8.5.1": "150",
}


@pytest.mark.parametrize(
    ("applied", "scores", "awarded"),
    [
        ("AAAAA", TOP, "AAAAA"),  # grade AAAAA, applied AAAAA
        ("AAAA", TOP, "AAAA"),  # the level applied for caps the grade
        ("AAAAA", None, "AAAA"),  # the grade by score caps the level applied for
    ],
)
def test_it_awards_the_lower_of_grade_and_level_applied(
    world: World, applied: str, scores: dict[str, str] | None, awarded: str
) -> None:
    """level-standard §5.2; SPEC §12.3: awarded = the lower of the grade by score and the level
    applied for; no prior level is needed to apply for AAAAA."""
    app = graded(world, scores=scores, level_applied=applied)
    assert app.awarded_level == awarded


def test_it_does_not_certify_when_a_minimum_is_unmet(world: World) -> None:
    low = {**FULL, "8.2": "49.9"}
    app = graded(world, scores=low)
    assert app.status == Application.Status.NOT_CERTIFIED
    assert app.panel_scores["unmet"][0]["code"] == "8.2"
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=world.p.certifier, app=app)


def test_it_means_the_sheets_to_one_decimal(world: World) -> None:
    app = assessing(world)
    services.sheet_save(
        actor=world.e1, app=app, scores=tuple(({**FULL, "8.2": "70"}).items()), submit=True
    )
    services.sheet_save(
        actor=world.e2, app=app, scores=tuple(({**FULL, "8.2": "70.5"}).items()), submit=True
    )
    app = services.report_sign(actor=world.e1, app=app, report="专家组意见：达到 AAAA 级要求。")
    assert app.panel_scores["cells"]["8.2"] == "70.3"
    assert str(app.total) == "740.3"


def test_it_bounds_each_score_and_locks_a_submitted_sheet(world: World) -> None:
    app = assessing(world)
    with pytest.raises(ValidationError) as exc:
        services.sheet_save(
            actor=world.e1, app=app, scores=tuple(({**FULL, "8.5.5": "41"}).items()), submit=True
        )
    assert "8.5.5" in exc.value.message_dict
    seat = services.sheet_save(actor=world.e1, app=app, scores=tuple(({"8.1.1": "80"}).items()))
    assert seat.submitted_at is None and seat.scores == {"8.1.1": "80.0"}
    services.sheet_save(actor=world.e1, app=app, scores=tuple(FULL.items()), submit=True)
    with pytest.raises(ValidationError):
        services.sheet_save(actor=world.e1, app=app, scores=tuple(FULL.items()))
    with pytest.raises(PermissionDenied):
        services.sheet_save(actor=world.p.certifier, app=app, scores=tuple(FULL.items()))


def test_it_lets_only_the_leader_sign_after_every_sheet(world: World) -> None:
    app = assessing(world)
    services.sheet_save(actor=world.e1, app=app, scores=tuple(FULL.items()), submit=True)
    with pytest.raises(ValidationError):
        services.report_sign(actor=world.e1, app=app, report="专家组意见：达到 AAAA 级要求。")
    services.sheet_save(actor=world.e2, app=app, scores=tuple(FULL.items()), submit=True)
    with pytest.raises(PermissionDenied):
        services.report_sign(actor=world.e2, app=app, report="专家组意见：达到 AAAA 级要求。")


def test_it_keeps_the_panel_to_the_bodys_roster(world: World) -> None:
    app = services.review_accept(actor=world.p.certifier, app=submitted(world))
    with pytest.raises(ValidationError) as exc:
        services.panel_set(
            actor=world.p.certifier,
            app=app,
            experts=[world.expert1.public_id],
            leader=world.expert2.public_id,
        )
    assert "leader" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.panel_set(
            actor=world.p.province,
            app=app,
            experts=[world.expert1.public_id],
            leader=world.expert1.public_id,
        )


def test_it_freezes_the_certificate_against_later_edits(world: World) -> None:
    from cqo.certification import printing
    from cqo.registry import services as registry

    cert = certified(world)
    frozen = dict(cert.content)
    registry.person_update(
        actor=world.p.cqo, person=world.p.person, details=registry.PersonDetails(name="李堃堃")
    )
    cert.refresh_from_db()
    assert cert.content == frozen and selectors.content_intact(cert)
    ctx = printing.certificate_context(cert)
    assert ctx["c"]["holder"] == "李堃" and ctx["content_hash"] == cert.content_hash


def test_it_reissues_superseding_the_old_number(world: World) -> None:
    cert = certified(world)
    new = services.certificate_reissue(
        actor=world.p.certifier,
        cert=cert,
        reason="变更工作单位",
        enterprise=world.p.enterprise_b.uscc,
    )
    cert.refresh_from_db()
    assert new.number == f"{cert.number}-R1" and new.supersedes == cert
    assert cert.status == LevelCertificate.Status.SUPERSEDED
    assert (
        new.valid_until == cert.valid_until
        and new.content["organisation"] == "宝鸡示例食品有限公司"
    )
    assert selectors.certified_level(world.p.person, TODAY) == "AAAA"


def test_it_supersedes_on_recertification(world: World) -> None:
    first = certified(world)
    app = services.application_create(
        actor=world.p.cqo, **application_args(world.p, level_applied="AAAAA")
    )
    assert app.recertification
    services.period_add(
        actor=world.p.cqo,
        app=app,
        organisation="甲",
        post="质量部部长",
        kind="quality",
        start=parse.date("2010-01-01", field="start"),
    )
    services.evidence_add(actor=world.p.cqo, app=app, kind="work", title="合同", upload=pdf())
    app = services.application_submit(actor=world.p.cqo, app=app)
    app = services.review_accept(actor=world.p.certifier, app=app)
    services.panel_set(
        actor=world.p.certifier,
        app=app,
        experts=[world.expert1.public_id],
        leader=world.expert1.public_id,
    )
    services.assessment_record(
        actor=world.e1,
        app=app,
        kind="interview",
        on=parse.date("2026-06-14", field="on"),
        notes="答辩良好",
    )
    services.sheet_save(
        actor=world.e1,
        app=app,
        scores=tuple(
            (
                {c.code: c.max for c in rules.cells(services.assessment.spec_for(world.body)[2])}
            ).items()
        ),
        submit=True,
    )
    app = services.report_sign(actor=world.e1, app=app, report="专家组意见：达到 AAAAA 级要求。")
    second = services.certificate_issue(actor=world.p.certifier, app=app)
    first.refresh_from_db()
    assert first.status == LevelCertificate.Status.SUPERSEDED and second.level == "AAAAA"
    assert selectors.certified_level(world.p.person, TODAY) == "AAAAA"


def test_it_suspends_lifts_within_a_year_and_then_only_recertification(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqo.lib import clock

    cert = certified(world)
    data = {
        "action": "suspend",
        "ground": "violation",
        "reason": "违反质量法规被行政处罚",
        "evidence_note": "处罚决定书",
    }
    services.supervise(actor=world.p.certifier, cert=cert, **data)
    cert.refresh_from_db()
    assert cert.status == "suspended"
    assert selectors.certified_level(world.p.person, TODAY) is None
    assert (
        selectors.certified_level(world.p.person, TODAY - dt.timedelta(days=1)) is None
    )  # issued today
    with pytest.raises(ValidationError):
        services.supervise(actor=world.p.certifier, cert=cert, **data)
    monkeypatch.setattr(clock, "today", lambda: TODAY + dt.timedelta(days=366))
    with pytest.raises(ValidationError) as exc:
        services.supervise(
            actor=world.p.certifier,
            cert=cert,
            action="lift",
            ground="remedied",
            reason="整改完成",
        )
    assert "action" in exc.value.message_dict
    monkeypatch.setattr(clock, "today", lambda: TODAY + dt.timedelta(days=365))
    services.supervise(
        actor=world.p.certifier,
        cert=cert,
        action="lift",
        ground="remedied",
        reason="整改完成",
    )
    cert.refresh_from_db()
    assert cert.status == "valid"


def test_it_needs_evidence_and_a_reason_to_suspend(world: World) -> None:
    cert = certified(world)
    with pytest.raises(ValidationError) as exc:
        services.supervise(
            actor=world.p.certifier,
            cert=cert,
            action="void",
            ground="appeal",
            reason="x",
        )
    assert {"ground", "reason", "evidence"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.supervise(
            actor=world.p.province,
            cert=cert,
            action="void",
            ground="other",
            reason="声明作废",
            evidence_note="文件",
        )


def test_it_exits_on_false_reporting(world: World) -> None:
    cert = certified(world)
    services.warning_record(
        actor=world.p.certifier,
        cert=cert,
        kind="warning",
        conduct="delayed",
        reason="质量事故拖延上报",
    )
    cert.refresh_from_db()
    assert cert.status == "valid"
    services.warning_record(
        actor=world.p.certifier,
        cert=cert,
        kind="exit",
        conduct="false",
        reason="作虚假报告",
    )
    # level-standard §11 必要时有权收回: an exit opens a review, no automatic 收回
    cert.refresh_from_db()
    assert cert.status == "valid" and cert.warnings.count() == 2
    (review,) = cert.review_requests.all()
    assert review.source == "exit_record" and review.closed_at is None
    assert "作虚假报告" in review.reason


def test_it_records_and_decides_appeals(world: World) -> None:
    cert = certified(world)
    action = services.supervise(
        actor=world.p.certifier,
        cert=cert,
        action="discontinue",
        ground="dishonesty",
        reason="失信被执行",
        evidence_note="名单截图",
    )
    with pytest.raises(PermissionDenied):
        services.appeal_submit(actor=world.p.clerk_a, action=action, grounds="不服中止决定")
    appeal = services.appeal_submit(
        actor=world.p.cqo, action=action, grounds="失信记录已撤销，不服中止决定"
    )
    with pytest.raises(ValidationError):
        services.appeal_submit(actor=world.p.cqo, action=action, grounds="重复申诉一次")
    services.appeal_decide(
        actor=world.p.certifier,
        appeal=appeal,
        upheld=True,
        decision="经核实失信记录已撤销，恢复证书",
    )
    cert.refresh_from_db()
    assert cert.status == "valid"
    grade_appeal = services.appeal_submit(
        actor=world.p.cqo, app=cert.application, grounds="对 8.5.3 评分有异议"
    )
    services.appeal_decide(
        actor=world.p.certifier, appeal=grade_appeal, upheld=False, decision="经复核评分无误，驳回"
    )
    assert Appeal.objects.get(pk=grade_appeal.pk).status == "dismissed"


def test_it_reopens_the_assessment_on_an_upheld_grade_appeal(world: World) -> None:
    app = graded(world, scores={**FULL, "8.2": "49"})
    appeal = services.appeal_submit(actor=world.p.cqo, app=app, grounds="诚信指标评分依据有误")
    services.appeal_decide(
        actor=world.p.certifier, appeal=appeal, upheld=True, decision="申诉成立，专家组重新评分"
    )
    app.refresh_from_db()
    assert app.status == Application.Status.ASSESSING
    services.sheet_save(actor=world.e1, app=app, scores=tuple(FULL.items()), submit=True)


def test_it_reviews_yearly_with_continuing_education(world: World) -> None:
    from cqo.hours import services as hours

    cert = certified(world)
    hours.record_create(
        actor=world.p.trainer,
        person=world.p.person,
        kind="online_self_study",
        hours=Decimal("12"),
        occurred_on=TODAY,
        title="质量风险管理",
        source="api",
        provider="陕西质量培训中心",
        source_ref="t-1",
    )
    status = selectors.continuing_status(cert, 2026)
    # the 24 学时 of the training course (recorded by cqo.training) and 12 of self-study
    assert status["counted_hours"] == "36.0" and status["required_hours"] == "10"
    assert status["counted_organised"] == 0 and status["met"] is False
    review = services.yearly_review(
        actor=world.p.certifier,
        cert=cert,
        year=2026,
        rating="competent",
        summary="履职尽责",
    )
    assert review.continuing["year"] == 2026
    with pytest.raises(ValidationError):
        services.yearly_review(
            actor=world.p.certifier,
            cert=cert,
            year=2026,
            rating="competent",
            summary="再次评价",
        )
    with pytest.raises(ValidationError):
        services.yearly_review(
            actor=world.p.certifier, cert=cert, year=2030, rating="nope", summary=""
        )


def test_it_recommends_to_the_talent_pool(world: World) -> None:
    from cqo.talent.models import TalentEntry

    cert = certified(world)
    services.talent_recommend(
        actor=world.p.certifier, cert=cert, reason="持有 AAAA 级认定证书，业绩突出"
    )
    assert TalentEntry.objects.filter(person=world.p.person).exists()


def test_it_reminds_holder_and_enterprise_once_per_threshold(world: World) -> None:
    cert = certified(world)
    day = cert.valid_until - dt.timedelta(days=90)
    assert services.send_reminders(day - dt.timedelta(days=1)) == []
    sent = services.send_reminders(day)
    assert sorted(r.recipient for r in sent) == ["enterprise", "holder"]
    assert services.send_reminders(day) == []
    assert services.send_reminders(day + dt.timedelta(days=5)) == []
    assert len(services.send_reminders(cert.valid_until - dt.timedelta(days=30))) == 2
    assert len(services.send_reminders(cert.valid_until - dt.timedelta(days=3))) == 2
    assert cert.reminders.count() == 6


def test_it_tells_the_level_in_force_on_a_date(world: World) -> None:
    assert selectors.certified_level(world.p.person, TODAY) is None
    cert = certified(world)
    assert selectors.certified_level(world.p.person.pk, TODAY) == "AAAA"
    assert selectors.certified_level(world.p.person, TODAY - dt.timedelta(days=1)) is None
    assert selectors.certified_level(world.p.person, cert.valid_until) == "AAAA"
    assert (
        selectors.certified_level(world.p.person, cert.valid_until + dt.timedelta(days=1)) is None
    )


def test_it_scopes_applications_and_certificates(world: World) -> None:
    cert = certified(world)
    app = cert.application
    for user in (
        world.p.certifier,
        world.e1,
        world.p.province,
        world.p.cqo,
        world.p.clerk_a,
        world.p.admin,
    ):
        assert selectors.application_get(user=user, public_id=app.public_id) == app
    for user in (world.p.city, world.p.clerk_b, world.p.trainer):
        with pytest.raises(Http404):
            selectors.application_get(user=user, public_id=app.public_id)
    assert not selectors.certificate_list(user=world.e1).exists()  # experts see applications only
    assert selectors.certificate_list(user=world.p.clerk_a).get() == cert
    assert not selectors.certificate_list(user=world.p.clerk_b).exists()


def test_it_runs_the_reminder_command_idempotently(world: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    cert = certified(world)
    day = (cert.valid_until - dt.timedelta(days=30)).isoformat()
    out = StringIO()
    call_command("certification_remind", "--date", day, stdout=out)
    call_command("certification_remind", "--date", day, stdout=out)
    assert out.getvalue().splitlines() == [f"{day}: 2 reminders", f"{day}: 0 reminders"]


@pytest.mark.parametrize(("day", "says"), [("2000-01-01", "2000-01-01"), ("2026-02-30", "--date")])
def test_it_stops_the_reminder_command_cleanly_on_a_date_it_cannot_act_on(
    world: World, day: str, says: str
) -> None:
    from django.core.management import CommandError, call_command

    # before the level standard's pack was in force, or no date at all: a message, no traceback
    with pytest.raises(CommandError, match=says):
        call_command("certification_remind", "--date", day)


def test_it_does_not_remind_a_holder_who_already_reapplied(world: World) -> None:
    cert = certified(world)
    app = services.application_create(actor=world.p.cqo, **application_args(world.p))
    services.period_add(
        actor=world.p.cqo,
        app=app,
        organisation="甲",
        post="部长",
        kind="quality",
        start=parse.date("2010-01-01", field="start"),
    )
    services.evidence_add(actor=world.p.cqo, app=app, kind="work", title="合同", upload=pdf())
    services.application_submit(actor=world.p.cqo, app=app)
    assert services.send_reminders(cert.valid_until - dt.timedelta(days=7)) == []


def test_it_lets_the_supervisor_read_but_not_act(world: World) -> None:
    cert = certified(world)
    assert selectors.certificate_get(user=world.p.province, number=cert.number) == cert
    with pytest.raises(PermissionDenied):
        services.yearly_review(
            actor=world.p.province,
            cert=cert,
            year=2026,
            rating="competent",
            summary="履职良好",
        )
    with pytest.raises(PermissionDenied):
        services.review_accept(actor=world.e1, app=submitted_again(world))


def submitted_again(world: World) -> Application:
    app = services.application_create(actor=world.p.cqo, **application_args(world.p))
    services.period_add(
        actor=world.p.cqo,
        app=app,
        organisation="甲",
        post="部长",
        kind="quality",
        start=parse.date("2010-01-01", field="start"),
    )
    services.evidence_add(actor=world.p.cqo, app=app, kind="work", title="合同", upload=pdf())
    return services.application_submit(actor=world.p.cqo, app=app)


def test_it_deletes_an_evidence_file_only_once_its_row_is_gone_for_good(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    app = draft(world)
    item = app.evidence.get()
    storage, name = item.file.storage, item.file.name
    assert storage.exists(name)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.evidence_delete(actor=world.p.cqo, app=app, evidence_id=item.public_id)
        raise RuntimeError  # anything failing later in the same transaction
    assert app.evidence.filter(pk=item.pk).exists() and storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_delete(actor=world.p.cqo, app=app, evidence_id=item.public_id)
    assert not app.evidence.exists() and not storage.exists(name)
