"""Community pages (SPEC §9): alliances and membership, events, the exchange space, the case
competition, and the public case library (no login). One module per subdomain, re-exported
here for the URLconf."""

from __future__ import annotations

from cqo.community.views.alliances import (
    alliance_create,
    alliance_detail,
    index,
    members,
    membership_apply,
    membership_decide,
    membership_leave,
    membership_role,
)
from cqo.community.views.competitions import (
    PHASES,
    attachment_download,
    competition_create,
    competition_detail,
    competition_list,
    competition_publish,
    library,
    library_detail,
    submission_create,
    submission_detail,
    submission_score,
    submission_withdraw,
)
from cqo.community.views.events import (
    event_attendance,
    event_cancel,
    event_create,
    event_detail,
    event_list,
    event_register,
    registration_cancel,
)
from cqo.community.views.posts import (
    answer_accept,
    answer_create,
    moderate,
    post_create,
    post_detail,
    post_list,
)

__all__ = [
    "PHASES",
    "alliance_create",
    "alliance_detail",
    "answer_accept",
    "answer_create",
    "attachment_download",
    "competition_create",
    "competition_detail",
    "competition_list",
    "competition_publish",
    "event_attendance",
    "event_cancel",
    "event_create",
    "event_detail",
    "event_list",
    "event_register",
    "index",
    "library",
    "library_detail",
    "members",
    "membership_apply",
    "membership_decide",
    "membership_leave",
    "membership_role",
    "moderate",
    "post_create",
    "post_detail",
    "post_list",
    "registration_cancel",
    "submission_create",
    "submission_detail",
    "submission_score",
    "submission_withdraw",
]
