"""Training pages: plans, courses, sessions with their enrolment lists, attendance and result
marking, certificates (detail, PDF, revocation), "my training" for a CQO, and the public
verification of a certificate (no login). Short views: access helper, form, one service call,
redirect or render."""

from __future__ import annotations

from cqo.training.views.certificates import (
    certificate_detail,
    certificate_issue,
    certificate_list,
    certificate_pdf,
    certificate_revoke,
    my_training,
    verify,
    verify_lookup,
)
from cqo.training.views.courses import course_create, course_detail, course_list, session_create
from cqo.training.views.plans import plan_create, plan_detail, plan_list
from cqo.training.views.qualifications import (
    qualification_create,
    qualification_detail,
    qualification_list,
)
from cqo.training.views.sessions import (
    session_attendance,
    session_detail,
    session_enrol,
    session_join,
    session_list,
    session_results,
    session_status,
)

__all__ = [
    "certificate_detail",
    "certificate_issue",
    "certificate_list",
    "certificate_pdf",
    "certificate_revoke",
    "course_create",
    "course_detail",
    "course_list",
    "my_training",
    "plan_create",
    "plan_detail",
    "plan_list",
    "qualification_create",
    "qualification_detail",
    "qualification_list",
    "session_attendance",
    "session_create",
    "session_detail",
    "session_enrol",
    "session_join",
    "session_list",
    "session_results",
    "session_status",
    "verify",
    "verify_lookup",
]
