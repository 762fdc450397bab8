"""Certificates (level-standard §9.4) and their supervision (§11; SPEC §12.16): issue with the
content frozen and hashed, reissue, suspend/discontinue/lift/withdraw/void, warning and exit,
appeals, the body's yearly review, continuing education, the talent pool, reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record
from cqo.certification import rules, selectors
from cqo.certification.models import (
    Appeal,
    Application,
    LevelCertificate,
    NumberSequence,
    Reminder,
    ReviewRequest,
    SupervisionAction,
    WarningRecord,
    YearlyReview,
)
from cqo.certification.services._common import (
    REASON_MIN,
    TEXT_MAX,
    Data,
    Errors,
    audit,
    bounded,
    check_upload,
    require_staff,
    spec_for,
    text_field,
)
from cqo.certification.services.applications import reopen_assessment
from cqo.lib import clock
from cqo.lib.bounds import max_length
from cqo.registry.models import Enterprise

C = LevelCertificate.Status
IN_FORCE = (C.VALID, C.SUSPENDED, C.DISCONTINUED)


def next_number(body_code: str, year: int) -> str:
    prefix = f"{body_code}-{year}"
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(prefix=prefix)
    except IntegrityError:  # created by a concurrent issue: use theirs
        pass
    seq = NumberSequence.objects.select_for_update().get(prefix=prefix)
    seq.last += 1
    seq.save(update_fields=["last"])
    return rules.certificate_number(body_code, year, seq.last)


def certificate_content(
    *,
    number: str,
    app: Application,
    enterprise: Enterprise,
    level: str,
    issued_on: dt.date,
    valid_until: dt.date,
    version: Any,
    reissued_on: dt.date | None = None,
    supersedes: str = "",
) -> Data:
    """What the certificate says (§9.4.1.1 a–f), as plain strings, frozen and hashed at issue.
    Nothing personal beyond the name: it is verified publicly."""
    with translation.override(settings.LANGUAGE_CODE):  # the certificate is in Chinese
        body = app.body
        return {
            "number": number,
            "holder": app.person.name,
            "holder_id": str(app.person.public_id),
            "organisation": enterprise.name,
            "level": level,
            "level_label": _("首席质量官能力水平 %(level)s 级") % {"level": level},
            "body": body.name,
            "body_uscc": body.uscc,
            "issued_on": issued_on.isoformat(),
            "valid_until": valid_until.isoformat(),
            "reissued_on": reissued_on.isoformat() if reissued_on else "",
            "supersedes": supersedes,
            "application": str(app.public_id),
            "total": format(app.total, "f") if app.total is not None else "",
            "standard": version.label,
            "basis": "level-standard §9.4.1.1, 附录B",
        }


def _supersede(actor: User, old: LevelCertificate, new_number: str, today: dt.date) -> None:
    before = old.status
    old.status = C.SUPERSEDED
    old.status_changed_on = today
    old.status_reason = _("由证书 %(n)s 替代") % {"n": new_number}
    old.save(update_fields=["status", "status_changed_on", "status_reason"])
    audit(
        actor,
        selectors.CERTIFICATE,
        old,
        "transition",
        {"status": [before, C.SUPERSEDED]},
        note=old.status_reason,
    )


@transaction.atomic
def certificate_issue(*, actor: User, app: Application) -> LevelCertificate:
    """认定证书 for a graded application (§9.4.1.1). The holder's earlier certificates in force
    are superseded: an upgrade or re-certification replaces them (SPEC §12.3)."""
    app = (
        Application.objects.select_for_update()
        .select_related("body", "person", "enterprise")
        .get(pk=app.pk)
    )
    require_staff(actor, app.body)
    if app.status != Application.Status.GRADED or not app.awarded_level:
        raise ValidationError({"status": _("认定报告签署并评定等级后才能发证")})
    version, _pack, spec = spec_for(app.body)
    today = clock.today()
    number = next_number(app.body.code, today.year)
    until = rules.valid_until(today, spec.validity_years)
    earlier = list(
        LevelCertificate.objects.select_for_update().filter(holder=app.person, status__in=IN_FORCE)
    )
    content = certificate_content(
        number=number,
        app=app,
        enterprise=app.enterprise,
        level=app.awarded_level,
        issued_on=today,
        valid_until=until,
        version=version,
        supersedes="、".join(c.number for c in earlier),
    )
    cert = LevelCertificate.objects.create(
        number=number,
        application=app,
        holder=app.person,
        enterprise=app.enterprise,
        body=app.body,
        level=app.awarded_level,
        issued_on=today,
        valid_until=until,
        pack_version=version,
        content=content,
        content_hash=rules.content_hash(content),
        issued_by=actor,
    )
    for old in earlier:
        _supersede(actor, old, number, today)
    app.status = Application.Status.CERTIFIED
    app.save(update_fields=["status", "updated_at"])
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "transition",
        {"status": [Application.Status.GRADED, app.status]},
        note=number,
    )
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "create",
        {
            "number": [None, number],
            "level": [None, cert.level],
            "valid_until": [None, until.isoformat()],
            "content_hash": [None, cert.content_hash],
        },
        note=spec.validity_clause,
    )
    return cert


@transaction.atomic
def certificate_reissue(
    *, actor: User, cert: LevelCertificate, reason: str, enterprise: str = ""
) -> LevelCertificate:
    """A correction, or a change of employer at the holder's request (SPEC §12.16): a new
    certificate with the revision of the same number, the same level, date and expiry, which
    supersedes the old one. The old content stays frozen and verifiable."""
    cert = (
        LevelCertificate.objects.select_for_update()
        .select_related("application", "body", "enterprise")
        .get(pk=cert.pk)
    )
    require_staff(actor, cert.body)
    if cert.status != C.VALID or cert.valid_until < clock.today():
        raise ValidationError({"status": _("只有有效期内的有效证书可以换发")})
    errors = Errors()
    reason = bounded(
        errors,
        {"reason": reason},
        "reason",
        minimum=REASON_MIN,
        message=_("请写明换发原因（至少4个字）"),
    )
    target = cert.enterprise
    uscc = (enterprise or "").strip().upper()
    if uscc:
        found = Enterprise.objects.filter(uscc=uscc).first()
        if found is None:
            errors.add("enterprise", _("该统一社会信用代码的企业未在平台登记"))
        else:
            target = found
    errors.raise_if_any()
    original = rules.original_number(cert.number)
    revision = LevelCertificate.objects.filter(
        Q(number=original) | Q(number__startswith=f"{original}-R")
    ).count()
    number = rules.reissue_number(cert.number, revision)
    today = clock.today()
    app = cert.application
    content = certificate_content(
        number=number,
        app=app,
        enterprise=target,
        level=cert.level,
        issued_on=cert.issued_on,
        valid_until=cert.valid_until,
        version=cert.pack_version,
        reissued_on=today,
        supersedes=cert.number,
    )
    new = LevelCertificate.objects.create(
        number=number,
        application=app,
        holder=cert.holder,
        enterprise=target,
        body=cert.body,
        level=cert.level,
        issued_on=cert.issued_on,
        valid_until=cert.valid_until,
        pack_version=cert.pack_version,
        content=content,
        content_hash=rules.content_hash(content),
        supersedes=cert,
        issued_by=actor,
    )
    _supersede(actor, cert, number, today)
    audit(
        actor,
        selectors.CERTIFICATE,
        new,
        "create",
        {
            "number": [None, number],
            "supersedes": [None, cert.number],
            "organisation": [cert.enterprise.name, target.name],
            "content_hash": [None, new.content_hash],
        },
        note=reason,
    )
    return new


# Supervision (§11; SPEC §12.16) ----------------------------------------------------------------


def _change(
    actor: User, cert: LevelCertificate, action: str, ground: str, reason: str, evidence: Any = None
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
    *, actor: User, cert: LevelCertificate, data: Any, evidence: Any = None
) -> SupervisionAction:
    """暂停/中止 the use of the certificate, 收回 or 声明作废 it, or 恢复 (lift) a suspension or
    discontinuation within the pack's window; reason and evidence recorded; the public page
    shows the new status at once."""
    cert = LevelCertificate.objects.select_for_update().select_related("body").get(pk=cert.pk)
    require_staff(actor, cert.body)
    _v, _p, spec = spec_for(cert.body)
    errors = Errors()
    action = text_field(data, "action")
    if action not in SupervisionAction.Action.values:
        errors.add("action", _("请选择监督措施"))
    ground = text_field(data, "ground")
    if ground not in SupervisionAction.Ground.values or ground == "appeal":
        errors.add("ground", _("请选择事由（§11）"))
    reason = bounded(
        errors, data, "reason", minimum=REASON_MIN, message=_("请写明情况说明（至少4个字）")
    )
    file = check_upload(errors, "evidence", evidence, required=False)
    if (
        action in ("suspend", "discontinue", "withdraw", "void")
        and not file
        and not text_field(data, "evidence_note")
    ):
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
    evidence_note = text_field(data, "evidence_note")[:TEXT_MAX]
    full_reason = f"{reason}\n{_('证据')}：{evidence_note}" if evidence_note else reason
    return _change(actor, cert, action, ground, full_reason, file)


@transaction.atomic
def warning_record(*, actor: User, cert: LevelCertificate, data: Any) -> WarningRecord:
    """§11 警示和退出机制 for 知情不报、拖延不报或作虚假报告: a warning is recorded; an exit
    also withdraws (收回) the certificate if it is still in force."""
    cert = LevelCertificate.objects.select_for_update().select_related("body").get(pk=cert.pk)
    require_staff(actor, cert.body)
    errors = Errors()
    kind = text_field(data, "kind")
    if kind not in WarningRecord.Kind.values:
        errors.add("kind", _("请选择警示或退出"))
    conduct = text_field(data, "conduct")
    if conduct not in WarningRecord.Conduct.values:
        errors.add("conduct", _("请选择情形（§11）"))
    reason = bounded(
        errors,
        data,
        "reason",
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
        {"grounds": grounds},
        "grounds",
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


def appeal_body(appeal: Appeal) -> Any:
    return appeal.application.body if appeal.application_id else appeal.action.certificate.body  # type: ignore[union-attr]


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
        {"decision": decision},
        "decision",
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
        app = Application.objects.select_for_update().get(pk=appeal.application_id)
        audit(
            actor,
            selectors.APPLICATION,
            app,
            "update",
            {"appeal": [Appeal.Status.PENDING, appeal.status]},
            note=decision,
        )
        if upheld and app.status in (
            Application.Status.GRADED,
            Application.Status.NOT_CERTIFIED,
            Application.Status.CERTIFIED,
        ):
            reopen_assessment(actor, app, decision)
    else:
        action = appeal.action
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
        if upheld and cert.status == action.status_after:
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
    return appeal


# Within validity -------------------------------------------------------------------------------


def continuing_status(cert: LevelCertificate, year: int) -> Data:
    """§9.4.1.2 for one year, from the hour records (cqo.hours rules): ≥ continuing_hours 学时
    of quality study and ≥ continuing_trainings_organised trainings organised."""
    from cqo.hours import rules as hours_rules
    from cqo.hours.selectors import records_of

    _v, _p, spec = spec_for(cert.body)
    result = hours_rules.evaluate(
        year=year,
        requirement=hours_rules.Requirement(
            hours=None, kinds=(), in_principle=False, clause="", label=""
        ),
        records=records_of(cert.holder, year),
        serving=True,
        certified=True,
        continuing_hours=spec.continuing_hours,
        continuing_organised=spec.continuing_trainings_organised,
    )
    regime = result.regimes[-1]
    return {
        "year": year,
        "clause": spec.continuing_clause,
        "required_hours": format(regime.required_hours or Decimal(0), "f"),
        "counted_hours": format(regime.counted_hours, "f"),
        "required_organised": regime.required_activities,
        "counted_organised": regime.counted_activities,
        "met": bool(regime.met),
    }


def continuing_years(cert: LevelCertificate) -> list[Data]:
    today = clock.today()
    last = min(today, cert.valid_until).year
    return [continuing_status(cert, y) for y in range(cert.issued_on.year, last + 1)]


@transaction.atomic
def yearly_review(*, actor: User, cert: LevelCertificate, data: Any) -> YearlyReview:
    """§11 认定主体每年应对首席质量官的履职情况、工作成效进行总结和评价."""
    cert = (
        LevelCertificate.objects.select_for_update()
        .select_related("body", "holder")
        .get(pk=cert.pk)
    )
    require_staff(actor, cert.body)
    errors = Errors()
    try:
        year = int(text_field(data, "year"))
    except ValueError:
        year = 0
    if not cert.issued_on.year <= year <= min(clock.today(), cert.valid_until).year:
        errors.add("year", _("年度应在证书有效期内且不晚于今年"))
    summary = bounded(
        errors,
        data,
        "summary",
        minimum=REASON_MIN,
        maximum=max_length(YearlyReview, "summary"),
        message=_("请填写履职情况和工作成效（至少4个字）"),
    )
    rating = text_field(data, "rating")
    if rating not in YearlyReview.Rating.values:
        errors.add("rating", _("请选择评价"))
    errors.raise_if_any()
    if YearlyReview.objects.filter(certificate=cert, year=year).exists():
        raise ValidationError({"year": _("该年度已评价")})
    review = YearlyReview.objects.create(
        certificate=cert,
        year=year,
        summary=summary,
        rating=rating,
        continuing=continuing_status(cert, year),
        reviewed_by=actor,
    )
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "update",
        {f"review:{year}": [None, rating]},
        note=summary,
    )
    return review


def talent_recommend(*, actor: User, cert: LevelCertificate, reason: str) -> Any:
    """§11 认定主体可推荐符合认定资格的首席质量官入选…人才库 (cqo.talent does the write)."""
    from cqo.talent import services as talent

    require_staff(actor, cert.body)
    if cert.status != C.VALID or cert.valid_until < clock.today():
        raise ValidationError({"reason": _("只能推荐持有效认定证书的首席质量官")})
    return talent.recommend(actor=actor, person=cert.holder, reason=reason)


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
def review_request_close(*, actor: User, request: ReviewRequest, data: Any) -> ReviewRequest:
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
        data,
        "finding",
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


# Reminders (§9.4.1.3) --------------------------------------------------------------------------


@transaction.atomic
def send_reminders(day: dt.date) -> list[Reminder]:
    """Before expiry the holder and the enterprise are reminded to apply for re-certification,
    once per threshold of the pack's reminder_days (90, 30, 7); safe to run any number of times a
    day. A holder who already has an open application is not reminded."""
    from cqo.certification.models import CertificationBody

    created: list[Reminder] = []
    horizon = day + dt.timedelta(days=366)
    for body in CertificationBody.objects.all():
        _v, _p, spec = spec_for(body, day)
        certs = LevelCertificate.objects.filter(
            body=body, status=C.VALID, valid_until__gte=day, valid_until__lte=horizon
        ).select_related("holder", "enterprise")
        for cert in certs:
            days = rules.reminder_due(cert.valid_until, day, spec.reminder_days)
            if days is None:
                continue
            if Application.objects.filter(
                person=cert.holder,
                status__in=["submitted", "returned", "accepted", "assessing", "graded"],
            ).exists():
                continue
            message = _(
                "首席质量官能力水平认定证书 %(n)s（%(name)s，%(level)s）将于 %(until)s 到期，"
                "请在到期前申请再认定（%(clause)s）。"
            ) % {
                "n": cert.number,
                "name": cert.holder.name,
                "level": cert.level,
                "until": cert.valid_until.isoformat(),
                "clause": spec.reminder_clause,
            }
            for recipient in Reminder.Recipient.values:
                reminder, made = Reminder.objects.get_or_create(
                    certificate=cert,
                    recipient=recipient,
                    days_before=days,
                    defaults={"message": message, "sent_on": day},
                )
                if made:
                    created.append(reminder)
    if created:
        audit_record(
            actor=None,
            action="create",
            target_type="level_reminders",
            target_id=day.isoformat(),
            target_repr=_("再认定提醒"),
            changes={"count": [None, len(created)]},
        )
    return created


def content_intact(cert: LevelCertificate) -> bool:
    """Whether what is stored still hashes to the printed digest."""
    return rules.content_hash(cert.content) == cert.content_hash
