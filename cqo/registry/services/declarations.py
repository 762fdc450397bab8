"""The person's own declarations on an appointment (level-standard §5.1.5; SPEC §12.11).

Every filing needs the person named to declare that none of the disqualifications
("不得担任首席质量官") applies; a pack may ask for more (hangzhou-spec 任职资格·职业素养). The
declarations are the codes of the governing pack's declaration conditions; the eligibility
check reads them, and an exit listing in force contradicts the disqualification one.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.audit.services import audit_record
from cqo.policy import rules as policy
from cqo.registry import selectors
from cqo.registry.models import Appointment

# while the terms may still change: before submission
DECLARABLE = (Appointment.Status.DRAFT, Appointment.Status.RETURNED)


def declarable_codes(appt: Appointment) -> list[str]:
    """The codes of the governing pack's declaration conditions, in the pack's order."""
    return [c.code for c in policy.declared_conditions(selectors.governing(appt).rules)]


def record_declarations(*, actor: User, appt: Appointment, codes: tuple[str, ...]) -> None:
    """Record what the person declared on the locked appointment and audit it; the caller has
    checked that ``actor`` is the person named."""
    if appt.status not in DECLARABLE:
        raise ValidationError({"declarations": _("备案提交后不能再修改本人声明")})
    allowed = declarable_codes(appt)
    unknown = sorted(set(codes) - set(allowed))
    if unknown:
        raise ValidationError(
            {
                "declarations": _("不是适用政策包要求的声明：%(codes)s")
                % {"codes": "、".join(unknown)}
            }
        )
    before = list(appt.declarations or [])
    appt.declarations = [c for c in allowed if c in codes]
    appt.declared_at = timezone.now() if appt.declarations else None
    appt.save(update_fields=["declarations", "declared_at", "updated_at"])
    audit_record(
        actor=actor,
        action="transition",
        target_type="appointment",
        target_id=str(appt.public_id),
        target_repr=str(appt),
        changes={"declarations": [before, appt.declarations]},
        note="本人声明",
    )


@transaction.atomic
def appointment_declare(
    *, actor: User, appointment: Appointment, codes: tuple[str, ...]
) -> Appointment:
    """The person named declares (or withdraws) the pack's declarations, e.g. that none of the
    level-standard §5.1.5 disqualifications applies (SPEC §12.11). Only the person may."""
    if not access.is_person_named(actor, appointment):
        raise PermissionDenied(_("只有被聘任的本人可以作出声明"))
    appt = (
        Appointment.objects.select_for_update()
        .select_related("enterprise", "person")
        .get(pk=appointment.pk)
    )
    record_declarations(actor=actor, appt=appt, codes=codes)
    return appt
