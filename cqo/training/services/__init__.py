"""Writes of training (SPEC §5): plans, courses, sessions, enrolment, attendance, results and
training certificates.

Each state change is one function under a transaction: it checks permission and state,
validates (every rejection a ``ValidationError`` keyed by its field, nothing saved), saves and
records the audit entry. Pages and the API call these.

Attendance writes the learner's study record through ``cqo.hours.services.record_create`` in the
organiser's name, exactly once per enrolment (the enrolment keeps the record, and the source
reference ``session:<session>:<person>`` is unique per reporter).
"""

from cqo.training.services._common import (
    MAX_BUDGET,
    MAX_CAPACITY,
    MAX_PLANNED,
    body_name,
    governing,
    pack_tiers,
)
from cqo.training.services.certificates import (
    can_revoke,
    certificate_content,
    certificate_issue,
    certificate_revoke,
    content_intact,
    issuer_facts,
    issuer_kind_for,
    next_number,
    tier_name,
)
from cqo.training.services.courses import (
    TRANSITIONS,
    course_create,
    session_create,
    session_set_status,
)
from cqo.training.services.enrolments import attendance_mark, enrolment_create, result_mark
from cqo.training.services.plans import plan_create, plan_update

__all__ = [
    "MAX_BUDGET",
    "MAX_CAPACITY",
    "MAX_PLANNED",
    "TRANSITIONS",
    "attendance_mark",
    "body_name",
    "can_revoke",
    "certificate_content",
    "certificate_issue",
    "certificate_revoke",
    "content_intact",
    "course_create",
    "enrolment_create",
    "governing",
    "issuer_facts",
    "issuer_kind_for",
    "next_number",
    "pack_tiers",
    "plan_create",
    "plan_update",
    "result_mark",
    "session_create",
    "session_set_status",
    "tier_name",
]
