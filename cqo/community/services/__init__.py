"""Writing the community (SPEC §9): each change one function under a transaction that checks
permission and state, validates (every rejection a ValidationError keyed by field, nothing
saved), saves and records the audit entry. One module per subdomain, re-exported here; the
inputs are typed (keyword arguments or one frozen ``*Terms``), parsed by the page forms and
the API schemas before they reach a service."""

from __future__ import annotations

from cqo.community.services.alliances import (
    alliance_create,
    membership_apply,
    membership_decide,
    membership_leave,
    membership_set_role,
)
from cqo.community.services.competitions import (
    MAX_CRITERIA,
    MAX_JUDGES,
    CaseTerms,
    CompetitionTerms,
    ScoreSheet,
    competition_create,
    results_publish,
    score_submit,
    submission_create,
    submission_withdraw,
)
from cqo.community.services.events import (
    MAX_CAPACITY,
    EventTerms,
    attendance_record,
    event_cancel,
    event_create,
    registration_cancel,
    registration_create,
)
from cqo.community.services.posts import answer_accept, answer_create, moderate, post_create

__all__ = [
    "MAX_CAPACITY",
    "MAX_CRITERIA",
    "MAX_JUDGES",
    "CaseTerms",
    "CompetitionTerms",
    "EventTerms",
    "ScoreSheet",
    "alliance_create",
    "answer_accept",
    "answer_create",
    "attendance_record",
    "competition_create",
    "event_cancel",
    "event_create",
    "membership_apply",
    "membership_decide",
    "membership_leave",
    "membership_set_role",
    "moderate",
    "post_create",
    "registration_cancel",
    "registration_create",
    "results_publish",
    "score_submit",
    "submission_create",
    "submission_withdraw",
]
