"""Registry pages: short views — access helper, form, one service call, redirect or render."""

from cqo.registry.views.enterprises import (
    enterprise_clerk,
    enterprise_create,
    enterprise_detail,
    enterprise_edit,
    enterprise_list,
    enterprise_remind,
    reminder_read,
)
from cqo.registry.views.filings import (
    appointment_authorisation,
    appointment_create,
    appointment_detail,
    appointment_edit,
    appointment_list,
    appointment_pdf,
    appointment_scan,
    appointment_transition,
)
from cqo.registry.views.persons import (
    person_claim,
    person_edit,
    person_invite,
    person_list,
    person_photo,
    person_reveal,
    register,
)
from cqo.registry.views.preparation import (
    filing_declare,
    filing_preparation_step,
    filing_prepare,
    filing_prepared_edit,
)

__all__ = [
    "appointment_authorisation",
    "appointment_create",
    "appointment_detail",
    "appointment_edit",
    "appointment_list",
    "appointment_pdf",
    "appointment_scan",
    "appointment_transition",
    "enterprise_clerk",
    "enterprise_create",
    "enterprise_detail",
    "enterprise_edit",
    "enterprise_list",
    "enterprise_remind",
    "filing_declare",
    "filing_preparation_step",
    "filing_prepare",
    "filing_prepared_edit",
    "person_claim",
    "person_edit",
    "person_invite",
    "person_list",
    "person_photo",
    "person_reveal",
    "register",
    "reminder_read",
]
