"""Training certificates (培训合格证): issue by whoever the pack allows, revocation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.lib import clock, crypto
from cqo.lib.bounds import too_long
from cqo.policy import schema
from cqo.policy.selectors import Governing
from cqo.reference.selectors import region_label
from cqo.training import rules, selectors
from cqo.training.models import (
    Course,
    Enrolment,
    NumberSequence,
    TrainingCertificate,
)
from cqo.training.selectors import can_revoke, issuer_kind_for, tier_name
from cqo.training.sequences import next_in_sequence
from cqo.training.services._common import (
    REASON_MIN,
    audit,
    body_name,
)
from cqo.training.services.enrolments import lock_enrolment

# Certificates ---------------------------------------------------------------------------------


def next_number(region_code: str, year: int) -> str:
    prefix = rules.certificate_prefix(region_code, year)
    last = next_in_sequence(NumberSequence.objects, prefix)
    return rules.certificate_number(region_code, year, last)


def certificate_content(
    *,
    number: str,
    enrolment: Enrolment,
    issuer: User,
    kind: str,
    gov: Governing,
    issued_on: dt.date,
) -> dict[str, str]:
    """What the certificate says, as plain strings (frozen and hashed at issue). No ID number:
    the certificate is verified publicly."""
    with translation.override(settings.LANGUAGE_CODE):  # the certificate is in Chinese
        return _content(
            number=number,
            enrolment=enrolment,
            issuer=issuer,
            kind=kind,
            gov=gov,
            issued_on=issued_on,
        )


def _content(
    *,
    number: str,
    enrolment: Enrolment,
    issuer: User,
    kind: str,
    gov: Governing,
    issued_on: dt.date,
) -> dict[str, str]:
    session, person = enrolment.session, enrolment.person
    course = session.course
    training = gov.rules.training
    return {
        "number": number,
        "holder": person.name,
        "holder_id": str(person.public_id),
        "course": course.title,
        "course_id": str(course.public_id),
        "tier": course.tier,
        "tier_name": tier_name(gov, course.tier),
        "forms": course.forms_display(),
        "hours": format(Decimal(course.hours).quantize(Decimal("0.1")), "f"),
        "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(),
        "place": session.place,
        "region": course.region_id,
        "region_name": region_label(course.region_id),
        "organiser": course.organiser_name,
        "institution": body_name(course.institution) if course.institution else "",
        "assessment": course.get_method_display(),
        "pass_rule": course.pass_rule_display(),
        "score": format(enrolment.score, "f") if enrolment.score is not None else "",
        "attendance": str(enrolment.attendance if enrolment.attendance is not None else ""),
        "issuer": body_name(issuer),
        "issuer_kind": str(TrainingCertificate.IssuerKind(kind).label),
        "issued_on": issued_on.isoformat(),
        "basis": training.certificate_issuers_clause if training else "",
        "pack": gov.label,
    }


def _issuer(actor: User, course: Course) -> tuple[str, Governing, schema.Training]:
    """The kind of issuer the actor is under the governing pack; PermissionDenied, naming who may
    issue, for anyone else."""
    kind, gov = issuer_kind_for(actor, course)
    training = gov.rules.training
    if training is None:
        raise PermissionDenied(
            _("适用的政策包（%(pack)s）未规定培训合格证的颁发机构") % {"pack": gov.label}
        )
    if kind is None:
        labels = "、".join(
            str(TrainingCertificate.IssuerKind(k).label) for k in training.certificate_issuers
        )
        raise PermissionDenied(
            _("培训合格证只能由%(who)s颁发（%(clause)s）")
            % {"who": labels, "clause": training.certificate_issuers_clause}
        )
    return kind, gov, training


@transaction.atomic
def certificate_issue(*, actor: User, enrolment: Enrolment) -> TrainingCertificate:
    """培训合格证 for a learner who passed, issued only by whoever the governing pack allows
    (training.certificate_issuers): shaanxi-2021 §五(一) a qualified 承办机构 only; jiangsu-2020
    §五 the organiser or a qualified 承办机构; hangzhou-spec 聘用与培训·培训 the government quality
    department or a qualified institution."""
    enrolment = lock_enrolment(enrolment)
    course = enrolment.session.course
    kind, gov, training = _issuer(actor, course)
    if enrolment.passed is not True:
        raise ValidationError({"passed": _("考核合格后才能颁发培训合格证")})
    existing = selectors.valid_certificate_for(enrolment)
    if existing is not None:
        raise ValidationError({"enrolment": _("已颁发培训合格证 %(n)s") % {"n": existing.number}})
    today = clock.today()
    number = next_number(course.region_id, today.year)
    content = certificate_content(
        number=number, enrolment=enrolment, issuer=actor, kind=kind, gov=gov, issued_on=today
    )
    session = enrolment.session
    cert = TrainingCertificate(
        number=number,
        enrolment=enrolment,
        holder=enrolment.person,
        course=course,
        tier=course.tier,
        hours=course.hours,
        start_date=session.start_date,
        end_date=session.end_date,
        issuer=actor,
        issuer_name=content["issuer"],
        issuer_kind=kind,
        issued_on=today,
        pack_version=gov.version,
        content=content,
        content_hash=rules.content_hash(content),
    )
    cert.content_sm2 = crypto.content_signature(cert.content_hash)
    try:
        with transaction.atomic():
            cert.save()
    except IntegrityError as exc:  # a concurrent issue for the same enrolment
        raise ValidationError({"enrolment": _("该学员已有有效的培训合格证")}) from exc
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "create",
        {
            "number": [None, number],
            "holder": [None, enrolment.person.name],
            "issuer_kind": [None, kind],
            "content_hash": [None, cert.content_hash],
        },
        note=training.certificate_issuers_clause,
    )
    return cert


@transaction.atomic
def certificate_revoke(
    *, actor: User, cert: TrainingCertificate, reason: str
) -> TrainingCertificate:
    # lock the certificate only: its course is an outer join (a migrated one has none), and
    # PostgreSQL cannot lock the nullable side of one
    cert = (
        TrainingCertificate.objects.select_for_update(of=("self",))
        .select_related("course", "course__region")
        .get(pk=cert.pk)
    )
    if not can_revoke(actor, cert):
        raise PermissionDenied(_("无权撤销该培训合格证"))
    if cert.status != TrainingCertificate.Status.VALID:
        raise ValidationError({"status": _("该证书已撤销")})
    reason = (reason or "").replace("\x00", "").strip()
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("请写明撤销原因（至少4个字）")})
    if message := too_long(TrainingCertificate, "revoke_reason", reason):
        raise ValidationError({"reason": message})
    cert.status = TrainingCertificate.Status.REVOKED
    cert.revoked_at = timezone.now()
    cert.revoked_by = actor
    cert.revoke_reason = reason
    cert.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "transition",
        {"status": [TrainingCertificate.Status.VALID, TrainingCertificate.Status.REVOKED]},
        note=reason,
    )
    return cert
