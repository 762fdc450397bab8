"""Reviews the body owes a holder after a major quality-safety accident, and the notices of
warning listings (level-standard §11; SPEC §12.15).

§11: 在认定证书有效期内，……所在组织发生与首席质量官有关联责任的重大质量安全事故，认定主体应暂停或
中止证书的使用，必要时有权收回证书或声明作废. A review is opened by an exit listing on the 黑名单
(cqo.blacklist tells us), by an accident report the body receives directly, or by the body's own
exit record (§11 警示和退出机制). It is closed only by a decision: suspend or discontinue (the
supervision action taken, 收回 after it where the body finds it needed), or a finding, with its
evidence file, that the holder bears no related responsibility. A warning listing opens no review:
the body is notified and the certificate's record shows it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.certification import notices, rules, selectors
from cqo.certification.models import (
    LevelCertificate,
    ListingNotice,
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
from cqo.certification.services.certificates import C
from cqo.certification.services.supervision import take_action
from cqo.lib import clock, dates, parse
from cqo.lib.bounds import max_length

R = ReviewRequest
MEASURES = (R.Outcome.SUSPEND, R.Outcome.DISCONTINUE)
# what a measure taken before the review closes may have been (§11 暂停、中止、收回、作废)
TAKEN = ("suspend", "discontinue", "withdraw", "void")


def _in_force(holder_id: int, *, reviewed: bool = False) -> list[LevelCertificate]:
    """§11 在认定证书有效期内: the holder's valid certificates not past their date; ``reviewed``:
    only those of a body registered on the platform, which owes the review (a migrated
    certificate of a body not registered has nobody here to decide it)."""
    found = LevelCertificate.objects.filter(
        holder_id=holder_id, status=C.VALID, valid_until__gte=clock.today()
    )
    if reviewed:
        found = found.filter(body__isnull=False)
    return list(found.select_related("body"))


def _open(
    cert: LevelCertificate, *, source: str, reference: str, reason: str, **extra: object
) -> ReviewRequest | None:
    request, created = ReviewRequest.objects.get_or_create(
        certificate=cert,
        reference=reference,
        defaults={"source": source, "reason": reason[:TEXT_MAX], **extra},
    )
    if not created:
        return None
    audit(
        None,
        selectors.CERTIFICATE,
        cert,
        "update",
        {"review_request": [None, f"{request.get_source_display()} {reference}"]},
        note=reason[:TEXT_MAX],
    )
    return request


# Opening --------------------------------------------------------------------------------------


@transaction.atomic
def review_requests_open(*, holder_id: int, reference: str, reason: str) -> list[ReviewRequest]:
    """An exit listing of the holder (cqo.blacklist) asks the body of each certificate in force
    for a review — not an automatic suspension (SPEC §12.15). Idempotent per listing."""
    opened = [
        _open(cert, source=R.Source.EXIT_LISTING, reference=reference, reason=reason)
        for cert in _in_force(holder_id, reviewed=True)
    ]
    return [r for r in opened if r is not None]


@transaction.atomic
def listing_notices_record(*, holder_id: int, reference: str, reason: str) -> list[ListingNotice]:
    """A warning (警示) listing of the holder: the body of each certificate in force is notified
    and the certificate's record shows it (level-standard §11). Idempotent per listing."""
    made = []
    for cert in _in_force(holder_id):
        notice, created = ListingNotice.objects.get_or_create(
            certificate=cert, reference=reference, defaults={"summary": reason[:TEXT_MAX]}
        )
        if created:
            audit(
                None,
                selectors.CERTIFICATE,
                cert,
                "update",
                {"listing_notice": [None, reference]},
                note=notice.summary,
            )
            made.append(notice)
    return made


def exit_record_review(cert: LevelCertificate, *, reference: str, reason: str) -> None:
    """The body's own exit record (§11 警示和退出机制) opens a review instead of withdrawing the
    certificate at once: 收回 follows a discontinuation only where the body finds it needed."""
    if cert.status == C.VALID:
        _open(cert, source=R.Source.EXIT_RECORD, reference=reference, reason=reason)


@dataclass(frozen=True, kw_only=True)
class AccidentReport:
    """An accident report the body received directly (not through a listing)."""

    accident: str
    accident_date: dt.date | None
    reported_by: str
    evidence: Upload | None = None


def _event_date(errors: Errors, key: str, value: dt.date | None) -> dt.date | None:
    """A past event's date in the range of its kind (cqo/lib/dates.py), not after today."""
    if value is None:
        errors.add(key, _("请填写日期"))
        return None
    field = ReviewRequest._meta.get_field(key)
    bound = dates.range_of(field)
    label = getattr(field, "verbose_name", key)
    if bound is not None and (message := bound.error(value, label)):
        errors.add(key, message)
        return None
    if value > clock.today():
        errors.add(key, _("事故发生日期不能晚于今天"))
        return None
    return value


@transaction.atomic
def accident_report_record(
    *, actor: User, cert: LevelCertificate, report: AccidentReport
) -> ReviewRequest:
    """§11: a major quality-safety accident at the holder's organisation reported to the body
    opens the same review as an exit listing does."""
    cert = (
        LevelCertificate.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=cert.pk)
    )
    require_staff(actor, cert.body)
    errors = Errors()
    accident = bounded(
        errors,
        "accident",
        report.accident,
        minimum=REASON_MIN,
        maximum=max_length(ReviewRequest, "reason"),
        message=_("请写明事故情况（至少4个字）"),
    )
    happened = _event_date(errors, "accident_date", report.accident_date)
    reported_by = bounded(
        errors,
        "reported_by",
        report.reported_by,
        minimum=2,
        maximum=max_length(ReviewRequest, "reported_by"),
        message=_("请填写报告单位或报告人"),
    )
    evidence = check_upload(errors, "evidence", report.evidence, required=False)
    if cert.status != C.VALID or cert.valid_until < clock.today():
        errors.add("accident", _("证书不在有效期内或已不是有效状态，无需复核（§11）"))
    errors.raise_if_any()
    request = _open(
        cert,
        source=R.Source.ACCIDENT_REPORT,
        reference=f"report:{uuid.uuid4()}",
        reason=accident,
        accident_date=happened,
        reported_by=reported_by,
        report_evidence=evidence or "",
    )
    assert request is not None  # noqa: S101  (a fresh reference)
    return request


@transaction.atomic
def warning_record(
    *, actor: User, cert: LevelCertificate, kind: str, conduct: str, reason: str
) -> WarningRecord:
    """§11 警示和退出机制 for 知情不报、拖延不报或作虚假报告: a warning is recorded; an exit
    opens a review that closes only by a suspension or discontinuation (收回 after it where
    needed) or a finding with evidence — no automatic 收回 (§11 必要时有权收回)."""
    cert = (
        LevelCertificate.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=cert.pk)
    )
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
    if kind == WarningRecord.Kind.EXIT:
        exit_record_review(
            cert,
            reference=f"exit:{record.public_id}",
            reason=f"{record.get_kind_display()}·{record.get_conduct_display()}：{reason}",
        )
    notices.warned(record)
    return record


# Closing --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReviewDecision:
    """How the body closes a review (level-standard §11)."""

    outcome: str  # ReviewRequest.Outcome: suspend, discontinue or no_responsibility
    finding: str
    evidence: Upload | None = None
    withdraw: bool = False  # 收回 after the suspension or discontinuation (必要时)


def _measure(
    actor: User, request: ReviewRequest, decision: ReviewDecision, evidence: Upload | None
) -> SupervisionAction:
    """The suspension or discontinuation the decision names: taken now on a valid certificate,
    or the measure the body already took on it since the review opened."""
    cert = request.certificate
    ground = (
        SupervisionAction.Ground.REPORTING
        if request.source == R.Source.EXIT_RECORD
        else SupervisionAction.Ground.ORG_SAFETY_ACCIDENT
    )
    reason = f"{decision.finding}\n{_('复核事由')}：{request.reason}"[:TEXT_MAX]
    if cert.status == C.VALID:
        _v, _p, spec = spec_for(cert.body)
        problem = rules.supervision_error(
            action=decision.outcome,
            status=cert.status,
            changed_on=cert.status_changed_on,
            valid_until=cert.valid_until,
            today=clock.today(),
            lift_within_days=spec.lift_within_days,
        )
        if problem:
            raise ValidationError({"outcome": problem})
        action = take_action(actor, cert, decision.outcome, ground, reason, evidence)
    else:
        found = (
            cert.actions.filter(action__in=TAKEN, created_at__gte=request.created_at)
            .order_by("-decided_on", "-pk")
            .first()
        )
        if found is None:
            raise ValidationError({"outcome": _("该证书当前不是有效状态，不能暂停或中止")})
        action = found
    if decision.withdraw and cert.status in (C.SUSPENDED, C.DISCONTINUED):
        take_action(actor, cert, "withdraw", ground, reason)
    return action


@transaction.atomic
def review_request_close(
    *, actor: User, request: ReviewRequest, decision: ReviewDecision
) -> ReviewRequest:
    """§11 应暂停或中止: the review closes with a suspension or discontinuation (收回 after it
    where needed), or with a finding that the holder bears no related responsibility, its
    evidence attached. Nothing else closes it."""
    request = (
        ReviewRequest.objects.select_for_update(of=("self",))
        .select_related("certificate__body")
        .get(pk=request.pk)
    )
    require_staff(actor, request.certificate.body)
    request.certificate = (
        LevelCertificate.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=request.certificate_id)
    )
    if request.closed_at is not None:
        raise ValidationError({"finding": _("该复核已完成")})
    errors = Errors()
    outcome = decision.outcome
    if outcome not in (*MEASURES, R.Outcome.NO_RESPONSIBILITY):
        errors.add("outcome", _("请选择复核决定：暂停、中止，或不负有关联责任（§11）"))
    finding = bounded(
        errors,
        "finding",
        decision.finding,
        minimum=REASON_MIN,
        maximum=max_length(ReviewRequest, "finding"),
        message=_("请填写复核结论（至少4个字）"),
    )
    required = outcome == R.Outcome.NO_RESPONSIBILITY
    evidence = check_upload(errors, "evidence", decision.evidence, required=required)
    if required and "evidence" in errors.errors:
        errors.errors["evidence"] = [_("认定不负有关联责任的，须上传证据材料（§11）")]
    if decision.withdraw and outcome not in MEASURES:
        errors.add("withdraw", _("收回证书须在暂停或中止之后（§11）"))
    errors.raise_if_any()
    decided = ReviewDecision(outcome=outcome, finding=finding, withdraw=decision.withdraw)
    if outcome in MEASURES:
        request.action = _measure(actor, request, decided, evidence)
    else:
        request.finding_evidence = evidence
    request.outcome, request.finding = outcome, finding
    request.closed_at, request.closed_by = timezone.now(), actor
    request.save(
        update_fields=["closed_at", "closed_by", "outcome", "finding", "action", "finding_evidence"]
    )
    audit(
        actor,
        selectors.CERTIFICATE,
        request.certificate,
        "update",
        {"review_request": [request.reference, request.get_outcome_display()]},
        note=finding,
    )
    notices.reviewed(request)
    return request
