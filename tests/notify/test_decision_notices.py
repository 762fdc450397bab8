"""The certification body's decisions on a certificate reach the holder by every channel,
whatever they opted out of: a supervision measure or a warning and exit record (level-standard
§11), the decision closing a review, and the decision on an appeal (to the appellant). Each
decision is one notice; recording it again sends nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cqo.accounts.models import User
from cqo.certification import notices
from cqo.certification import services as certification
from cqo.certification.models import LevelCertificate, ReviewRequest
from cqo.notify import kinds
from cqo.notify import services as notify
from cqo.notify.models import OutboxMessage
from tests.certification.conftest import FULL, World, certified, graded, pdf
from tests.notify.conftest import TODAY, channels

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]

SUPERVISION = "certification.supervision"
REVIEW = "certification.review"
APPEAL = "certification.appeal"
# level-standard §11 as users read it (the pack's lift_clause, cited)
CLAUSE = "《首席质量官能力水平认定》（征求意见稿） 第11章"


def _opt_out_of_everything(user: User) -> None:
    """The person stops every kind they may; a legal kind cannot be stopped."""
    for kind in kinds.all_kinds():
        if kind.may_opt_out:
            notify.optout_set(actor=user, user=user, kind=kind.code, opted_out=True)
    for code in (SUPERVISION, REVIEW, APPEAL):
        with pytest.raises(ValidationError):
            notify.optout_set(actor=user, user=user, kind=code, opted_out=True)


def _suspend(world: World, cert: LevelCertificate) -> Any:
    return certification.supervise(
        actor=world.p.certifier,
        cert=cert,
        action="suspend",
        ground="dishonesty",
        reason="被列入失信被执行人名单",
        evidence_note="信用中国查询截图",
    )


def test_a_supervision_decision_reaches_the_holder_who_opted_out_of_everything(
    world: World,
) -> None:
    p = world.p
    cert = certified(world)
    _opt_out_of_everything(p.cqo)
    action = _suspend(world, cert)
    assert channels(recipient=p.cqo, kind=SUPERVISION) == ["email", "site", "sms"]
    assert not OutboxMessage.objects.filter(kind=SUPERVISION).exclude(recipient=p.cqo).exists()
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=SUPERVISION, channel="email")
    assert mail.name == "李堃" and cert.number in mail.what and "“暂停”" in mail.what
    assert "被列入失信被执行人名单" in mail.what and "信用中国查询截图" in mail.what
    assert CLAUSE in mail.what and "level-standard" not in mail.what and "SPEC" not in mail.what
    assert "申诉" in mail.action and mail.deadline is None
    assert mail.url == f"/certification/certificates/{cert.number}/"
    # the same decision recorded again is no notice; lifting it is a new one
    notices.supervised(action)
    assert OutboxMessage.objects.filter(kind=SUPERVISION).count() == 3
    certification.supervise(
        actor=p.certifier, cert=cert, action="lift", ground="remedied", reason="失信记录已移出"
    )
    lifted = OutboxMessage.objects.filter(kind=SUPERVISION, channel="email").latest("pk")
    assert "“恢复”" in lifted.what and "恢复有效" in lifted.action
    assert OutboxMessage.objects.filter(kind=SUPERVISION).count() == 6


@pytest.mark.parametrize(("kind", "label"), [("warning", "警示"), ("exit", "退出")])
def test_a_warning_or_exit_record_reaches_the_holder(world: World, kind: str, label: str) -> None:
    p = world.p
    cert = certified(world)
    record = certification.warning_record(
        actor=p.certifier,
        cert=cert,
        kind=kind,
        conduct="delayed",
        reason="重大风险隐患拖延两月未报",
    )
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=SUPERVISION, channel="email")
    assert f"“{label}”" in mail.what and "拖延不报" in mail.what and CLAUSE in mail.what
    assert ("复核" in mail.action) == (kind == "exit")
    notices.warned(record)
    assert channels(kind=SUPERVISION) == ["email", "site", "sms"]


def _report(world: World, cert: LevelCertificate) -> ReviewRequest:
    return certification.accident_report_record(
        actor=world.p.certifier,
        cert=cert,
        report=certification.AccidentReport(
            accident="所在企业压力容器出厂检验缺失，发生爆裂事故",
            accident_date=TODAY - dt.timedelta(days=3),
            reported_by="西安市雁塔区市场监督管理局",
        ),
    )


def test_a_review_decision_reaches_the_holder(world: World) -> None:
    p = world.p
    cert = certified(world)
    _opt_out_of_everything(p.cqo)
    request = _report(world, cert)
    assert not OutboxMessage.objects.filter(kind=REVIEW).exists()  # opened: nothing decided yet
    closed = certification.review_request_close(
        actor=p.certifier,
        request=request,
        decision=certification.ReviewDecision(
            outcome="discontinue", finding="经复核，事故与持证人履职直接相关", withdraw=True
        ),
    )
    assert channels(recipient=p.cqo, kind=REVIEW) == ["email", "site", "sms"]
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=REVIEW, channel="email")
    assert "中止证书使用，并收回证书" in mail.what and "事故与持证人履职直接相关" in mail.what
    assert "认定主体收到的事故报告" in mail.what and CLAUSE in mail.what
    assert "申诉" in mail.action and mail.url == f"/certification/certificates/{cert.number}/"
    # the measures the review took are told in its decision, not once more each
    assert not OutboxMessage.objects.filter(kind=SUPERVISION).exists()
    notices.reviewed(closed)
    assert OutboxMessage.objects.filter(kind=REVIEW).count() == 3


def test_a_finding_of_no_responsibility_reaches_the_holder_too(world: World) -> None:
    p = world.p
    cert = certified(world)
    certification.review_request_close(
        actor=p.certifier,
        request=_report(world, cert),
        decision=certification.ReviewDecision(
            outcome="no_responsibility", finding="经复核，持证人已按规定报告", evidence=pdf()
        ),
    )
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=REVIEW, channel="email")
    assert "不负有关联责任" in mail.what and "无需办理" in mail.action


def test_an_appeal_decision_reaches_the_appellant(world: World) -> None:
    p = world.p
    cert = certified(world)
    _opt_out_of_everything(p.cqo)
    action = _suspend(world, cert)
    appeal = certification.appeal_submit(
        actor=p.cqo, action=action, grounds="失信记录系错误录入，已更正"
    )
    assert not OutboxMessage.objects.filter(kind=APPEAL).exists()  # submitted: nothing decided
    decided = certification.appeal_decide(
        actor=p.certifier, appeal=appeal, upheld=True, decision="经核实失信记录已撤销，恢复证书"
    )
    assert channels(recipient=p.cqo, kind=APPEAL) == ["email", "site", "sms"]
    assert not OutboxMessage.objects.filter(kind=APPEAL).exclude(recipient=p.cqo).exists()
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=APPEAL, channel="email")
    assert cert.number in mail.what and "“暂停”决定" in mail.what and "申诉成立" in mail.what
    assert "经核实失信记录已撤销" in mail.what
    assert mail.url == f"/certification/certificates/{cert.number}/"
    notices.appeal_decided(decided)
    assert OutboxMessage.objects.filter(kind=APPEAL).count() == 3


def test_a_dismissed_appeal_against_a_grade_reaches_the_appellant(world: World) -> None:
    p = world.p
    app = graded(world, scores={**FULL, "8.2": "49"})
    appeal = certification.appeal_submit(actor=p.cqo, app=app, grounds="诚信指标评分依据有误")
    certification.appeal_decide(
        actor=p.certifier, appeal=appeal, upheld=False, decision="经复核评分无误，驳回申诉"
    )
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=APPEAL, channel="email")
    assert "评定结果" in mail.what and "申诉驳回" in mail.what and "评分无误" in mail.what
    assert mail.url == f"/certification/applications/{app.public_id}/"
