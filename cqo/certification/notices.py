"""The notices the certification app sends (declared to cqo.notify when the app starts)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import User
from cqo.certification.models import (
    Appeal,
    Application,
    LevelCertificate,
    ReviewRequest,
    SupervisionAction,
    WarningRecord,
)
from cqo.notify.kinds import NoticeContext, NoticeKind
from cqo.notify.services import notice_send
from cqo.policy.selectors import cite

RENEWAL_REMINDER = "certification.renewal"
# a decision on an application (granted, refused) is served on the applicant: a legal notice
DECISION = "certification.decision"
# the body's formal review returns an application for its materials to be completed
# (level-standard §9.2.1 对不符合要求的材料提出补充完善意见): served on the applicant, a legal
# notice
RETURNED = "certification.returned"
# the body's supervision of a certificate (level-standard §11: 暂停, 中止, 恢复, 收回, 作废, and its
# 警示和退出 records) and the decision closing a review are served on the holder: legal notices
SUPERVISION = "certification.supervision"
REVIEW = "certification.review"
# the body's decision on an appeal against a grade or a supervision decision, to the appellant
APPEAL = "certification.appeal"

KINDS = (
    NoticeKind(
        code=RENEWAL_REMINDER,
        label=_("再认定提醒"),
        sms_template=_(
            "%(name)s，您的首席质量官能力水平认定证书将于%(deadline)s到期，请及时申请再认定。"
        ),
        email_subject=_("【首席质量官管理平台】能力水平认定证书到期提醒"),
    ),
    NoticeKind(
        code=DECISION,
        label=_("认定决定"),
        legal=True,
        sms_template=_("%(name)s，您的首席质量官能力水平认定申请已有决定，请登录平台查看。"),
        email_subject=_("【首席质量官管理平台】能力水平认定决定"),
    ),
    NoticeKind(
        code=RETURNED,
        label=_("认定申请退回补正"),
        legal=True,
        sms_template=_("%(name)s，您的能力水平认定申请须补充完善材料，请登录平台查看意见。"),
        email_subject=_("【首席质量官管理平台】能力水平认定申请补正通知"),
    ),
    NoticeKind(
        code=SUPERVISION,
        label=_("认定证书监督决定"),
        legal=True,
        # no document sets a time to appeal a supervision decision: the SMS names none
        sms_template=_("%(name)s，认定机构对您的能力水平认定证书作出监督决定，请登录平台查看。"),
        email_subject=_("【首席质量官管理平台】能力水平认定证书监督决定"),
    ),
    NoticeKind(
        code=REVIEW,
        label=_("认定证书复核决定"),
        legal=True,
        sms_template=_("%(name)s，认定机构对您的能力水平认定证书的复核已有决定，请登录平台查看。"),
        email_subject=_("【首席质量官管理平台】能力水平认定证书复核决定"),
    ),
    NoticeKind(
        code=APPEAL,
        label=_("认定申诉决定"),
        legal=True,
        sms_template=_("%(name)s，您对能力水平认定事项提出的申诉已有决定，请登录平台查看。"),
        email_subject=_("【首席质量官管理平台】能力水平认定申诉决定"),
    ),
)


def decided(app: Application, *, certificate_number: str = "") -> None:
    """The applicant is told the body's decision (认定, level-standard §9.3–§9.4): granted, with
    the level and the certificate's number, or not, by every channel (a legal notice)."""
    user = app.person.user
    if user is None or not user.is_active:
        return
    if certificate_number:
        what = gettext(
            "您向%(body)s申请的首席质量官能力水平认定准予认定，等级%(level)s，证书编号%(number)s。"
        ) % {"body": app.body.name, "level": app.awarded_level, "number": certificate_number}
        action = gettext("请登录平台查看认定结果，下载或打印证书。")
    else:
        what = gettext("您向%(body)s申请的首席质量官能力水平认定经评定不予认定。") % {
            "body": app.body.name
        }
        action = gettext("请登录平台查看认定报告；如有异议，可在平台提出申诉。")
    notice_send(
        recipient=user,
        kind=DECISION,
        subject=f"{app.public_id}:{app.status}",
        context=NoticeContext(name=app.person.name, what=what, action=action),
        url=reverse("certification:application_detail", args=[app.public_id]),
    )


def returned(app: Application) -> None:
    """The applicant is told that the body's formal review returned the application and which
    materials to complete (level-standard §9.2.1, §9.2.2 the applicant resubmits), by every
    channel: a legal notice, each return a notice of its own."""
    user = app.person.user
    if user is None or not user.is_active:
        return
    notice_send(
        recipient=user,
        kind=RETURNED,
        subject=f"{app.public_id}:returned:{app.updated_at.isoformat()}",
        context=NoticeContext(
            name=app.person.name,
            what=gettext("%(body)s对您的首席质量官能力水平认定申请提出补充完善意见：%(items)s")
            % {"body": app.body.name, "items": app.return_items},
            action=gettext("请按意见补充完善材料后重新提交申请。"),
        ),
        url=reverse("certification:application_detail", args=[app.public_id]),
    )


def _holder(cert: LevelCertificate) -> User | None:
    user = cert.holder.user
    return user if user is not None and user.is_active else None


def _body_name(cert: LevelCertificate) -> str:
    return cert.body.name if cert.body is not None else gettext("认定机构")


def _supervision_clause(cert: LevelCertificate) -> str:
    """level-standard §11 (监督管理) as the body's standard names it and users read it: the
    clause its pack gives the measures and the window to lift them."""
    from cqo.certification.selectors import spec_for

    _version, _pack, spec = spec_for(cert.body)
    return cite(spec.lift_clause)


def _certificate_url(cert: LevelCertificate) -> str:
    return reverse("certification:certificate_detail", args=[cert.number])


def supervised(action: SupervisionAction) -> None:
    """The holder is told the body's supervision decision on their certificate (level-standard
    §11: 暂停, 中止, 恢复, 收回 or 声明作废), its ground and the reason, by every channel: a legal
    notice. Each decision is a notice of its own."""
    cert = action.certificate
    user = _holder(cert)
    if user is None:
        return
    what = gettext(
        "%(body)s依据%(clause)s，对您的首席质量官能力水平认定证书（编号%(number)s）作出“%(action)s”"
        "决定，自%(date)s起证书状态为“%(status)s”。事由：%(ground)s。说明：%(reason)s"
    ) % {
        "body": _body_name(cert),
        "clause": _supervision_clause(cert),
        "number": cert.number,
        "action": action.get_action_display(),
        "date": action.decided_on.isoformat(),
        "status": LevelCertificate.Status(action.status_after).label,
        "ground": action.get_ground_display(),
        "reason": action.reason.replace("\n", "；"),
    }
    if action.action == SupervisionAction.Action.LIFT:
        todo = gettext("证书已恢复有效，请登录平台查看证书状态。")
    else:
        todo = gettext("请登录平台查看决定；如有异议，可在平台提出申诉。")
    notice_send(
        recipient=user,
        kind=SUPERVISION,
        subject=f"action:{action.public_id}",
        context=NoticeContext(name=cert.holder.name, what=what, action=todo),
        url=_certificate_url(cert),
    )


def warned(record: WarningRecord) -> None:
    """The holder is told of the body's warning or exit record for 知情不报、拖延不报或作虚假报告
    (level-standard §11 警示和退出机制), by every channel: a legal notice. An exit opens a review of
    the certificate, whose decision is a notice of its own."""
    cert = record.certificate
    user = _holder(cert)
    if user is None:
        return
    what = gettext(
        "%(body)s依据%(clause)s，因%(conduct)s对您作出“%(kind)s”记录（认定证书编号%(number)s）。"
        "说明：%(reason)s"
    ) % {
        "body": _body_name(cert),
        "clause": _supervision_clause(cert),
        "conduct": record.get_conduct_display(),
        "kind": record.get_kind_display(),
        "number": cert.number,
        "reason": record.reason,
    }
    if record.kind == WarningRecord.Kind.EXIT:
        todo = gettext("认定机构将对您的认定证书进行复核并作出决定，请登录平台查看。")
    else:
        todo = gettext("请登录平台查看记录，依规及时报告质量管理中的违法违规行为和重大风险隐患。")
    notice_send(
        recipient=user,
        kind=SUPERVISION,
        subject=f"warning:{record.public_id}",
        context=NoticeContext(name=cert.holder.name, what=what, action=todo),
        url=_certificate_url(cert),
    )


def reviewed(request: ReviewRequest) -> None:
    """The holder is told how the body closed the review it owed them (level-standard §11 应暂停或
    中止): a suspension or discontinuation (收回 after it where needed), or a finding that they
    bear no related responsibility, by every channel: a legal notice."""
    cert = request.certificate
    user = _holder(cert)
    if user is None:
        return
    withdrawn = cert.status == LevelCertificate.Status.WITHDRAWN
    what = gettext(
        "%(body)s依据%(clause)s，对您的首席质量官能力水平认定证书（编号%(number)s）的复核已完成"
        "（复核起因：%(source)s）。复核决定：%(outcome)s%(withdrawn)s。复核结论：%(finding)s"
    ) % {
        "body": _body_name(cert),
        "clause": _supervision_clause(cert),
        "number": cert.number,
        "source": request.get_source_display(),
        "outcome": request.get_outcome_display(),
        "withdrawn": gettext("，并收回证书") if withdrawn else "",
        "finding": request.finding,
    }
    if request.outcome == ReviewRequest.Outcome.NO_RESPONSIBILITY:
        todo = gettext("证书继续有效，您无需办理；详情请登录平台查看。")
    else:
        todo = gettext("请登录平台查看复核决定；如有异议，可在平台提出申诉。")
    notice_send(
        recipient=user,
        kind=REVIEW,
        subject=f"review:{request.public_id}",
        context=NoticeContext(name=cert.holder.name, what=what, action=todo),
        url=_certificate_url(cert),
    )


def appeal_decided(appeal: Appeal) -> None:
    """The appellant is told the body's decision on their appeal against a grade or a
    supervision decision, with its reasons, by every channel: a legal notice."""
    user = appeal.submitted_by
    if not user.is_active:
        return
    if appeal.application is not None:
        app = appeal.application
        person, body = app.person, app.body.name
        subject = gettext("能力水平认定的评定结果")
        url = reverse("certification:application_detail", args=[app.public_id])
    elif appeal.action is not None:
        cert = appeal.action.certificate
        person, body = cert.holder, _body_name(cert)
        subject = gettext("认定证书（编号%(number)s）的“%(action)s”决定") % {
            "number": cert.number,
            "action": appeal.action.get_action_display(),
        }
        url = _certificate_url(cert)
    else:  # pragma: no cover (the constraint names one subject)
        return
    what = gettext(
        "您对%(subject)s提出的申诉，%(body)s已作出决定：%(status)s。处理意见：%(decision)s"
    ) % {
        "subject": subject,
        "body": body,
        "status": appeal.get_status_display(),
        "decision": appeal.decision,
    }
    if appeal.status != Appeal.Status.UPHELD:
        todo = gettext("请登录平台查看处理意见。")
    elif appeal.application is not None:
        todo = gettext("专家组将重新评定，请登录平台查看评定进展。")
    else:
        todo = gettext("请登录平台查看处理意见和证书状态。")
    notice_send(
        recipient=user,
        kind=APPEAL,
        subject=f"appeal:{appeal.public_id}",
        context=NoticeContext(name=person.name, what=what, action=todo),
        url=url,
    )
