"""Supervision of certificates (level-standard §11; SPEC §12.16): suspend, discontinue, lift,
withdraw or void. Reviews after accidents and the warning and exit records are in reviews.py."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.certification import notices, rules, selectors
from cqo.certification.models import (
    LevelCertificate,
    SupervisionAction,
)
from cqo.certification.services._common import (
    REASON_MIN,
    TEXT_MAX,
    Errors,
    Upload,
    audit,
    bounded,
    check_upload,
    require_staff,
    spec_for,
)
from cqo.lib import clock, parse

# Supervision (§11; SPEC §12.16) ----------------------------------------------------------------


def take_action(
    actor: User,
    cert: LevelCertificate,
    action: str,
    ground: str,
    reason: str,
    evidence: Upload | None = None,
) -> SupervisionAction:
    """The measure recorded and the certificate's status changed, the caller having checked
    that it may be taken (rules.supervision_error) on the locked certificate."""
    today = clock.today()
    before = cert.status
    after = rules.TARGET[action]
    record = SupervisionAction.objects.create(
        certificate=cert,
        action=action,
        ground=ground,
        reason=reason,
        evidence=evidence or "",
        status_before=before,
        status_after=after,
        decided_on=today,
        decided_by=actor,
    )
    cert.status = after
    cert.status_changed_on = today
    cert.status_reason = reason
    cert.save(update_fields=["status", "status_changed_on", "status_reason"])
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "transition",
        {"status": [before, after], "ground": [None, ground]},
        note=reason,
    )
    return record


@transaction.atomic
def supervise(
    *,
    actor: User,
    cert: LevelCertificate,
    action: str,
    ground: str,
    reason: str,
    evidence: Upload | None = None,
    evidence_note: str = "",
) -> SupervisionAction:
    """暂停/中止 the use of the certificate, 收回 or 声明作废 it, or 恢复 (lift) a suspension or
    discontinuation within the pack's window; reason and evidence recorded; the public page
    shows the new status at once."""
    cert = (
        LevelCertificate.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=cert.pk)
    )
    require_staff(actor, cert.body)
    _v, _p, spec = spec_for(cert.body)
    errors = Errors()
    action = parse.text(action)
    if action not in SupervisionAction.Action.values:
        errors.add("action", _("请选择监督措施"))
    ground = parse.text(ground)
    if ground not in SupervisionAction.Ground.values or ground == "appeal":
        errors.add("ground", _("请选择事由（§11）"))
    reason = bounded(
        errors, "reason", reason, minimum=REASON_MIN, message=_("请写明情况说明（至少4个字）")
    )
    evidence_note = parse.text(evidence_note)
    file = check_upload(errors, "evidence", evidence, required=False)
    if action in ("suspend", "discontinue", "withdraw", "void") and not file and not evidence_note:
        errors.add("evidence", _("请上传证据材料或在说明中注明证据（§11）"))
    errors.raise_if_any()
    problem = rules.supervision_error(
        action=action,
        status=cert.status,
        changed_on=cert.status_changed_on,
        valid_until=cert.valid_until,
        today=clock.today(),
        lift_within_days=spec.lift_within_days,
    )
    if problem:
        raise ValidationError({"action": f"{problem}（{spec.lift_clause}）"})
    evidence_note = evidence_note[:TEXT_MAX]
    full_reason = f"{reason}\n{_('证据')}：{evidence_note}" if evidence_note else reason
    record = take_action(actor, cert, action, ground, full_reason, file)
    notices.supervised(record)
    return record
