"""Training institutions' qualifications (培训资质), recorded and revoked by a regulator.

shaanxi-2021 §五(一) and jiangsu-2020 §五 let only an institution "具备相关（培训）资质" issue
training certificates as the organiser's 承办机构; hangzhou-spec 聘用与培训·培训 counts only
training "具备首席质量官培训资质的机构组织的". The record states who granted the qualification,
by which document and clause, and for how long; the platform checks it on the day a certificate
is issued or a session's 学时 are counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.audit.services import diff, snapshot
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.training import selectors
from cqo.training.models import Qualification
from cqo.training.services._common import REASON_MIN, Errors, audit, bounded_text

FIELDS = ["institution", "granted_by", "document", "basis", "valid_from", "valid_until"]


@dataclass(frozen=True, kw_only=True)
class QualificationTerms:
    institution: str  # the training institution's account (username)
    granted_by: str  # the granting authority, as on the document
    document: str  # the document and its number (文号)
    basis: str  # the clause it rests on
    valid_from: dt.date | None
    valid_until: dt.date | None


def _institution(errors: Errors, name: str) -> User | None:
    name = name.strip()
    user = (
        User.objects.filter(username__iexact=name[:150], role=Role.TRAINER, is_active=True).first()
        if name
        else None
    )
    if user is None:
        errors.add("institution", _("未找到该培训机构账户"))
    return user


def _text(errors: Errors, field: str, value: str, message: str) -> str:
    return bounded_text(
        errors,
        field,
        value,
        minimum=2,
        maximum=max_length(Qualification, field),
        message=message,
    )


def _dates(errors: Errors, terms: QualificationTerms) -> tuple[dt.date | None, dt.date | None]:
    start, end = terms.valid_from, terms.valid_until
    for field, value, kind, label in (
        ("valid_from", start, dates.EVENT, _("有效期起")),
        ("valid_until", end, dates.TERM, _("有效期至")),
    ):
        if value is None:
            errors.add(field, _("请填写日期"))
        elif message := kind.error(value, label):
            errors.add(field, message)
    if start and end and end < start:
        errors.add("valid_until", _("有效期至不能早于有效期起"))
    return start, end


@transaction.atomic
def qualification_create(*, actor: User, terms: QualificationTerms) -> Qualification:
    """Record a training institution's CQO training qualification: the granting authority, the
    document, the clause and the validity. A regulator records it for its region."""
    if not selectors.can_manage_qualifications(actor):
        raise PermissionDenied(_("只有市场监管部门可以登记培训机构的培训资质"))
    errors = Errors()
    institution = _institution(errors, terms.institution)
    granted_by = _text(errors, "granted_by", terms.granted_by, _("请填写授予机关"))
    document = _text(errors, "document", terms.document, _("请填写资质文件及文号"))
    basis = _text(errors, "basis", terms.basis, _("请填写依据条款"))
    start, end = _dates(errors, terms)
    errors.raise_if_any()
    assert institution is not None and start is not None and end is not None  # noqa: S101
    qualification = Qualification(
        institution=institution,
        granted_by=granted_by,
        document=document,
        basis=basis,
        valid_from=start,
        valid_until=end,
        region=actor.region,
        recorded_by=actor,
    )
    qualification.save()
    audit(
        actor,
        selectors.QUALIFICATION,
        qualification,
        "create",
        diff({}, snapshot(qualification, FIELDS)),
    )
    return qualification


@transaction.atomic
def qualification_revoke(*, actor: User, qualification: Qualification, reason: str) -> None:
    """Withdraw a qualification (the row stays, with who revoked it, when and why): from then on
    the institution no longer issues certificates as a qualified 承办机构 nor counts as one."""
    qualification = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if not selectors.can_revoke_qualification(actor, qualification):
        raise PermissionDenied(_("只有登记机关辖区的市场监管部门可以撤销未撤销的培训资质"))
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("请说明撤销原因（至少4个字）")})
    if len(reason) > max_length(Qualification, "revoke_reason"):
        raise ValidationError(
            {"reason": _("不能超过%(n)d个字") % {"n": max_length(Qualification, "revoke_reason")}}
        )
    qualification.revoked_at = timezone.now()
    qualification.revoked_by = actor
    qualification.revoke_reason = reason
    qualification.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit(
        actor,
        selectors.QUALIFICATION,
        qualification,
        "revoke",
        {"revoked_at": [None, qualification.revoked_at.isoformat()]},
        note=reason,
    )
