"""A filing the CQO starts (SPEC §12.23; shaanxi-2021 §五(一)(三), jiangsu-2020 §七): where
the governing pack lets the person start it (``filing.initiator``), a signed-in CQO names the
enterprise by its USCC and fills in the appointment, then hands it to the enterprise. The
enterprise's clerk confirms it (the 单位意见 of the form) and submits it into the usual review,
or returns it to the person with a reason. Under shenzhen-guide §4.7 the enterprise files: the
person cannot start it there.

Handing it over is the person's confirmation of the appointment naming them: from then on the
enterprise sees their contact data (access.can_see_contact), and before it sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.audit.services import diff, snapshot
from cqo.lib import bounds, clock
from cqo.lib.bounds import max_length
from cqo.policy.selectors import governing_for_region
from cqo.registry.inputs import AppointmentTerms, given
from cqo.registry.models import Appointment, Enterprise
from cqo.registry.services._common import APPOINTMENT_FIELDS, Errors, text
from cqo.registry.services.filings import (
    _apply_appointment,
    _appointment_audit,
    _lock,
    _update_appointment,
)

Prep = Appointment.Preparation

# what only the enterprise states on the form: its own 单位意见
ENTERPRISE_ONLY = ("declaration_confirmed",)


def _person_terms(terms: AppointmentTerms) -> dict[str, Any]:
    data = given(terms)
    for key in (*ENTERPRISE_ONLY, "id_number", "person_name"):
        data.pop(key, None)
    return data


def initiator_of(enterprise: Enterprise) -> tuple[str, str, str]:
    """(who may start a filing, its clause, the governing document's title) under the pack
    governing the enterprise today."""
    rules = governing_for_region(enterprise.region, clock.today()).rules
    if rules.filing is None:
        return "enterprise", "SPEC §3", rules.pack.source
    return rules.filing.initiator, rules.filing.initiator_clause, rules.pack.source


@transaction.atomic
def filing_prepare(*, actor: User, uscc: str, terms: AppointmentTerms) -> Appointment:
    """The CQO starts a filing of their appointment at the enterprise with this USCC."""
    if not access.can_prepare_filing(actor):
        raise PermissionDenied(_("只有已线上注册的首席质量官本人可以发起备案"))
    person = actor.person
    enterprise = Enterprise.objects.filter(uscc=(uscc or "").strip().upper()).first()
    if enterprise is None:
        raise ValidationError(
            {"uscc": _("平台上没有该统一社会信用代码的企业，请联系企业或属地监管部门")}
        )
    initiator, _clause, source = initiator_of(enterprise)
    if initiator != "person_or_enterprise":
        # shenzhen-guide §4.7: the enterprise files its appointment (the user sees the
        # document's title, not the pack's id: SPEC §12.24)
        raise ValidationError(
            {
                "uscc": _("该企业适用的《%(source)s》规定由企业登记并备案，请由企业经办人登记")
                % {"source": source}
            }
        )
    if Appointment.objects.filter(
        enterprise=enterprise, person=person, status__in=["draft", "submitted", "returned"]
    ).exists():
        raise ValidationError({"uscc": _("您在该企业已有未完成的聘任备案")})
    appt = Appointment(
        enterprise=enterprise, person=person, created_by=actor, preparation=Prep.PERSON
    )
    errors = Errors()
    _apply_appointment(errors, appt, _person_terms(terms), partial=False)
    errors.raise_if_any()
    appt.save()
    _appointment_audit(
        actor, appt, "create", diff({}, snapshot(appt, APPOINTMENT_FIELDS)), note="本人发起备案"
    )
    return appt


def _held_by_person(actor: User, appointment: Appointment) -> Appointment:
    if not access.is_person_named(actor, appointment):
        raise PermissionDenied(_("只有本人可以填写本人发起的备案"))
    appt = _lock(appointment)
    if appt.preparation != Prep.PERSON or appt.status != Appointment.Status.DRAFT:
        raise ValidationError({"preparation": _("该备案不在本人填写环节")})
    return appt


@transaction.atomic
def filing_prepared_update(
    *, actor: User, appointment: Appointment, terms: AppointmentTerms
) -> Appointment:
    """The person changes the filing they started while they still hold it."""
    appt = _held_by_person(actor, appointment)
    return _update_appointment(actor, appt, _person_terms(terms))


@transaction.atomic
def filing_hand_over(*, actor: User, appointment: Appointment) -> Appointment:
    """The person hands the filing to the enterprise, confirming the appointment naming them
    (SPEC §12.23): the enterprise now sees it and their contact data."""
    appt = _held_by_person(actor, appointment)
    appt.preparation = Prep.ENTERPRISE
    appt.preparation_note = ""
    fields = ["preparation", "preparation_note", "updated_at"]
    if appt.person_confirmed_at is None:
        appt.person_confirmed_at = timezone.now()
        fields.append("person_confirmed_at")
    appt.save(update_fields=fields)
    _appointment_audit(
        actor,
        appt,
        "transition",
        {"preparation": [Prep.PERSON, Prep.ENTERPRISE]},
        note="本人提交企业确认",
    )
    return appt


def _held_by_enterprise(actor: User, appointment: Appointment) -> Appointment:
    if not access.can_manage_filing(actor, appointment):
        raise PermissionDenied(_("只有该企业的经办人可以确认"))
    appt = _lock(appointment)
    if appt.status != Appointment.Status.DRAFT or appt.preparation not in (
        Prep.ENTERPRISE,
        Prep.CONFIRMED,
    ):
        raise ValidationError({"preparation": _("该备案不在企业确认环节")})
    return appt


@transaction.atomic
def filing_enterprise_confirm(*, actor: User, appointment: Appointment) -> Appointment:
    """The enterprise confirms what the person filled in: its 单位意见 "上述资料属实，同意任命
    并备案。" The clerk then submits it (filing_submit)."""
    appt = _held_by_enterprise(actor, appointment)
    if appt.preparation == Prep.CONFIRMED:
        raise ValidationError({"preparation": _("企业已确认，请提交备案")})
    appt.preparation = Prep.CONFIRMED
    appt.declaration_confirmed = True
    appt.save(update_fields=["preparation", "declaration_confirmed", "updated_at"])
    _appointment_audit(
        actor,
        appt,
        "transition",
        {"preparation": [Prep.ENTERPRISE, Prep.CONFIRMED], "declaration_confirmed": [False, True]},
        note="企业确认本人填写的备案信息",
    )
    return appt


@transaction.atomic
def filing_return_to_person(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    """The enterprise returns the filing to the person with what to correct."""
    appt = _held_by_enterprise(actor, appointment)
    reason = text({"reason": reason}, "reason")
    errors = Errors()
    if len(reason) < 4:
        errors.add("reason", _("退回须写明需要本人更正的内容（至少4个字）"))
    limit = max_length(Appointment, "preparation_note")
    if len(reason) > limit:
        errors.add("reason", bounds.too_long_message(_("退回原因"), limit, len(reason)))
    errors.raise_if_any()
    appt.preparation_note = reason
    before = appt.preparation
    appt.preparation = Prep.PERSON
    appt.declaration_confirmed = False
    appt.save(
        update_fields=["preparation", "preparation_note", "declaration_confirmed", "updated_at"]
    )
    _appointment_audit(
        actor, appt, "transition", {"preparation": [before, Prep.PERSON]}, note=reason
    )
    return appt
