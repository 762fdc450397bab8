"""Supervision of certificates (level-standard §11; SPEC §12.16): suspend, discontinue, lift,
withdraw or void, warnings and exits, and the reviews an exit listing asks for (SPEC §12.15)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.certification import rules, selectors
from cqo.certification.models import (
    LevelCertificate,
    ReviewRequest,
    SupervisionAction,
    WarningRecord,
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
from cqo.certification.services.certificates import IN_FORCE, C
from cqo.lib import clock, parse
from cqo.lib.bounds import max_length

# Supervision (§11; SPEC §12.16) ----------------------------------------------------------------


def _change(
    actor: User,
    cert: LevelCertificate,
    action: str,
    ground: str,
    reason: str,
    evidence: Upload | None = None,
) -> SupervisionAction:
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
    cert = LevelCertificate.objects.select_for_update().select_related("body").get(pk=cert.pk)
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
    return _change(actor, cert, action, ground, full_reason, file)


@transaction.atomic
def warning_record(
    *, actor: User, cert: LevelCertificate, kind: str, conduct: str, reason: str
) -> WarningRecord:
    """§11 警示和退出机制 for 知情不报、拖延不报或作虚假报告: a warning is recorded; an exit
    also withdraws (收回) the certificate if it is still in force."""
    cert = LevelCertificate.objects.select_for_update().select_related("body").get(pk=cert.pk)
    require_staff(actor, cert.body)
    errors = Errors()
    kind = parse.text(kind)
    if kind not in WarningRecord.Kind.values:
        errors.add("kind", _("请选择警示或退出"))
    conduct = parse.text(conduct)
    if conduct not in WarningRecord.Conduct.values:
        errors.add("conduct", _("请选择情形（§11）"))
    reason = bounded(
        errors,
        "reason",
        reason,
        minimum=REASON_MIN,
        maximum=max_length(WarningRecord, "reason"),
        message=_("请写明情况说明（至少4个字）"),
    )
    errors.raise_if_any()
    record = WarningRecord.objects.create(
        certificate=cert,
        kind=kind,
        conduct=conduct,
        reason=reason,
        decided_on=clock.today(),
        decided_by=actor,
    )
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "update",
        {"warning": [None, f"{record.get_kind_display()}·{record.get_conduct_display()}"]},
        note=reason,
    )
    if kind == WarningRecord.Kind.EXIT and cert.status in IN_FORCE:
        _change(actor, cert, "withdraw", SupervisionAction.Ground.REPORTING, reason)
    return record


# Reviews triggered by exit listings (SPEC §12.15) ----------------------------------------------


@transaction.atomic
def review_requests_open(*, holder_id: int, reference: str, reason: str) -> list[ReviewRequest]:
    """An exit listing of the holder (cqo.blacklist) asks the body of each certificate in force
    for a review — not an automatic suspension (SPEC §12.15). Idempotent per listing."""
    today = clock.today()
    opened = []
    certs = LevelCertificate.objects.filter(
        holder_id=holder_id, status=C.VALID, valid_until__gte=today
    ).select_related("body")
    for cert in certs:
        request, created = ReviewRequest.objects.get_or_create(
            certificate=cert, reference=reference, defaults={"reason": reason[:TEXT_MAX]}
        )
        if created:
            audit(
                None,
                selectors.CERTIFICATE,
                cert,
                "update",
                {"review_request": [None, reference]},
                note=reason,
            )
            opened.append(request)
    return opened


@transaction.atomic
def review_request_close(*, actor: User, request: ReviewRequest, finding: str) -> ReviewRequest:
    """The body's finding on a review it owes (any measure is a supervision action, §11)."""
    request = (
        ReviewRequest.objects.select_for_update()
        .select_related("certificate__body")
        .get(pk=request.pk)
    )
    require_staff(actor, request.certificate.body)
    if request.closed_at is not None:
        raise ValidationError({"finding": _("该复核已完成")})
    errors = Errors()
    finding = bounded(
        errors,
        "finding",
        finding,
        minimum=REASON_MIN,
        maximum=max_length(ReviewRequest, "finding"),
        message=_("请填写复核结论（至少4个字）"),
    )
    errors.raise_if_any()
    request.closed_at, request.closed_by, request.finding = timezone.now(), actor, finding
    request.save(update_fields=["closed_at", "closed_by", "finding"])
    audit(
        actor,
        selectors.CERTIFICATE,
        request.certificate,
        "update",
        {"review_request": [request.reference, "closed"]},
        note=finding,
    )
    return request
