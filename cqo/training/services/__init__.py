"""Writes of training (SPEC §5): plans, courses, sessions, enrolment, attendance, results and
training certificates.

Each state change is one function under a transaction: it checks permission and state,
validates (every rejection a ``ValidationError`` keyed by its field, nothing saved), saves and
records the audit entry. Pages and the API call these.

Reads they share with the pages (names, the governing pack, who may issue or revoke) are
selectors.

Attendance writes the learner's study record through ``cqo.hours.services.record_create`` in the
organiser's name, exactly once per enrolment (the enrolment keeps the record, and the source
reference ``session:<session>:<person>`` is unique per reporter).
"""

from cqo.training.services._common import MAX_BUDGET, MAX_CAPACITY, MAX_PLANNED
from cqo.training.services.certificates import (
    certificate_content,
    certificate_issue,
    certificate_revoke,
    next_number,
)
from cqo.training.services.courses import (
    TRANSITIONS,
    CourseTerms,
    SessionTerms,
    course_create,
    session_create,
    session_set_status,
)
from cqo.training.services.enrolments import attendance_mark, enrolment_create, result_mark
from cqo.training.services.migrated import (
    MigratedCertificate,
    certificate_migrate,
    certificates_migrate,
    migrated_certificate_problems,
)
from cqo.training.services.plans import plan_create, plan_update
from cqo.training.services.qualifications import (
    QualificationTerms,
    qualification_create,
    qualification_revoke,
)

__all__ = [
    "MAX_BUDGET",
    "MAX_CAPACITY",
    "MAX_PLANNED",
    "TRANSITIONS",
    "CourseTerms",
    "MigratedCertificate",
    "QualificationTerms",
    "SessionTerms",
    "attendance_mark",
    "certificate_content",
    "certificate_issue",
    "certificate_migrate",
    "certificate_revoke",
    "certificates_migrate",
    "course_create",
    "enrolment_create",
    "migrated_certificate_problems",
    "next_number",
    "plan_create",
    "plan_update",
    "qualification_create",
    "qualification_revoke",
    "result_mark",
    "session_create",
    "session_set_status",
]
