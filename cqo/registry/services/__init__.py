"""Writes to the registry: every state change is one function under a transaction that checks
state and scope, validates, saves and records the audit entry (SPEC §3, §10).

Pages, the API, management commands and the demo data all call these functions. Their inputs
are stated in ``inputs`` (codes for related rows); every rejection raises ``ValidationError``
keyed by the field it concerns, and nothing is saved.
"""

from cqo.registry import inputs
from cqo.registry.inputs import (
    UNSET,
    AppointmentTerms,
    EnterpriseDetails,
    PersonDetails,
    QualificationDetails,
)
from cqo.registry.services.declarations import appointment_declare
from cqo.registry.services.enterprises import (
    clerk_create,
    enterprise_create,
    enterprise_update,
    reminder_mark_read,
    reminder_send,
)
from cqo.registry.services.filings import (
    appointment_confirm,
    appointment_create,
    appointment_end,
    appointment_renew,
    appointment_update,
    appointments_end_for_exit,
    filing_approve,
    filing_return,
    filing_submit,
)
from cqo.registry.services.migrated import (
    MigratedAppointment,
    MigrationConflict,
    appointment_migrate,
    appointments_migrate,
    exit_listed,
    exit_listed_message,
    migrated_problems,
)
from cqo.registry.services.persons import (
    MigratedPerson,
    person_claim,
    person_invite,
    person_migrate,
    person_register,
    person_update,
    personal_reveal,
    persons_migrate,
)
from cqo.registry.services.preparation import (
    filing_enterprise_confirm,
    filing_hand_over,
    filing_prepare,
    filing_prepared_update,
    filing_return_to_person,
)

__all__ = [
    "UNSET",
    "AppointmentTerms",
    "EnterpriseDetails",
    "MigratedAppointment",
    "MigratedPerson",
    "MigrationConflict",
    "PersonDetails",
    "QualificationDetails",
    "appointment_confirm",
    "appointment_create",
    "appointment_declare",
    "appointment_end",
    "appointment_migrate",
    "appointment_renew",
    "appointment_update",
    "appointments_end_for_exit",
    "appointments_migrate",
    "clerk_create",
    "enterprise_create",
    "enterprise_update",
    "exit_listed",
    "exit_listed_message",
    "filing_approve",
    "filing_enterprise_confirm",
    "filing_hand_over",
    "filing_prepare",
    "filing_prepared_update",
    "filing_return",
    "filing_return_to_person",
    "filing_submit",
    "inputs",
    "migrated_problems",
    "person_claim",
    "person_invite",
    "person_migrate",
    "person_register",
    "person_update",
    "personal_reveal",
    "persons_migrate",
    "reminder_mark_read",
    "reminder_send",
]
