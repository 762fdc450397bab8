"""Appeals against a grade or a supervision decision (SPEC §12.16), decided by the body."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.certification import notices, selectors
from cqo.certification.models import (
    Appeal,
    Application,
    CertificationBody,
    LevelCertificate,
    SupervisionAction,
)
from cqo.certification.services._common import (
    REASON_MIN,
    Errors,
    audit,
    bounded,
    require_staff,
)
from cqo.certification.services.assessment import reopen_assessment
from cqo.lib import clock
from cqo.lib.bounds import max_length

# Appeals ---------------------------------------------------------------------------------------


@transaction.atomic
def appeal_submit(
    *,
    actor: User,
    grounds: str,
    app: Application | None = None,
    action: SupervisionAction | None = None,
) -> Appeal:
    """The applicant or holder appeals a grade (after the report is signed) or a supervision
    decision (SPEC §12.16). One pending appeal per subject."""
    person = selectors.own_person(actor)
    subject_person = app.person if app else (action.certificate.holder if action else None)
    if (
        actor.role != Role.CQO
        or person is None
        or subject_person is None
        or subject_person.pk != person.pk
    ):
        raise PermissionDenied(_("只有申请人或持证人本人可以申诉"))
    if app is not None and app.status not in (
        Application.Status.GRADED,
        Application.Status.NOT_CERTIFIED,
        Application.Status.CERTIFIED,
    ):
        raise ValidationError({"application": _("认定报告签署后才能对评定结果申诉")})
    if action is not None and action.action == SupervisionAction.Action.LIFT:
        raise ValidationError({"action": _("恢复决定无需申诉")})
    errors = Errors()
    grounds = bounded(
        errors,
        "grounds",
        grounds,
        minimum=REASON_MIN,
        maximum=max_length(Appeal, "grounds"),
        message=_("请写明申诉理由（至少4个字）"),
    )
    errors.raise_if_any()
    pending = Appeal.objects.filter(status=Appeal.Status.PENDING)
    if (app and pending.filter(application=app).exists()) or (
        action and pending.filter(action=action).exists()
    ):
        raise ValidationError({"grounds": _("已有待处理的申诉")})
    appeal = Appeal.objects.create(
        application=app, action=action, grounds=grounds, submitted_by=actor
    )
    target: str = selectors.APPLICATION
    obj: Any = app
    if app is None and action is not None:
        target, obj = selectors.CERTIFICATE, action.certificate
    audit(actor, target, obj, "update", {"appeal": [None, str(appeal.public_id)]}, note=grounds)
    return appeal


def appeal_body(appeal: Appeal) -> CertificationBody | None:
    """The body that decides: the application's, or that of the certificate whose supervision
    is appealed (None only for a migrated certificate of a body not registered, which nobody
    here supervises)."""
    return appeal.application.body if appeal.application_id else appeal.action.certificate.body  # type: ignore[union-attr]


GRADED = (
    Application.Status.GRADED,
    Application.Status.NOT_CERTIFIED,
    Application.Status.CERTIFIED,
)


def _decided_on_grade(actor: User, appeal: Appeal, application_id: int, upheld: bool) -> None:
    """Upheld: the panel assesses again (sheets unlocked)."""
    app = Application.objects.select_for_update().get(pk=application_id)
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "update",
        {"appeal": [Appeal.Status.PENDING, appeal.status]},
        note=appeal.decision,
    )
    if upheld and app.status in GRADED:
        reopen_assessment(actor=actor, app=app, note=appeal.decision)


def _decided_on_action(actor: User, appeal: Appeal, upheld: bool) -> None:
    """Upheld: the certificate returns to its status before the decision appealed."""
    action, decision = appeal.action, appeal.decision
    if action is None:  # pragma: no cover (the constraint names one subject)
        raise ValidationError({"action": _("申诉对象缺失")})
    cert = LevelCertificate.objects.select_for_update().get(pk=action.certificate_id)
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "update",
        {"appeal": [Appeal.Status.PENDING, appeal.status]},
        note=decision,
    )
    if not (upheld and cert.status == action.status_after):
        return
    before = cert.status
    SupervisionAction.objects.create(
        certificate=cert,
        action=SupervisionAction.Action.LIFT,
        ground=SupervisionAction.Ground.APPEAL,
        reason=decision,
        status_before=before,
        status_after=action.status_before,
        decided_on=clock.today(),
        decided_by=actor,
    )
    cert.status = action.status_before
    cert.status_changed_on = clock.today()
    cert.status_reason = decision
    cert.save(update_fields=["status", "status_changed_on", "status_reason"])
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "transition",
        {"status": [before, cert.status]},
        note=decision,
    )


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, upheld: bool, decision: str) -> Appeal:
    """The body decides. Upheld against a grade: the panel assesses again (sheets unlocked);
    upheld against a supervision decision: the certificate returns to its status before it."""
    appeal = (
        # lock the appeal row only (PostgreSQL refuses FOR UPDATE across its nullable joins)
        Appeal.objects.select_for_update(of=("self",))
        .select_related("application", "action__certificate")
        .get(pk=appeal.pk)
    )
    require_staff(actor, appeal_body(appeal))
    if appeal.status != Appeal.Status.PENDING:
        raise ValidationError({"status": _("该申诉已处理")})
    errors = Errors()
    decision = bounded(
        errors,
        "decision",
        decision,
        minimum=REASON_MIN,
        maximum=max_length(Appeal, "decision"),
        message=_("请写明处理意见（至少4个字）"),
    )
    errors.raise_if_any()
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.DISMISSED
    appeal.decision = decision
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "decision", "decided_by", "decided_at"])
    if appeal.application_id:
        _decided_on_grade(actor, appeal, appeal.application_id, upheld)
    else:
        _decided_on_action(actor, appeal, upheld)
    notices.appeal_decided(appeal)
    return appeal
