"""Writes of the enterprise side (SPEC §7). Each is one transaction that checks the actor and
the current state, validates its typed input (cqo/evaluation/inputs; a ValidationError keyed by
field), saves and records the audit entry. Pages, the API, the xlsx import and the demo all
call these functions."""

from __future__ import annotations

from cqo.evaluation.services.assessments import (
    assessment_complete,
    assessment_create,
    assessment_score,
    task_close,
    task_create,
    task_reopen,
)
from cqo.evaluation.services.evaluations import (
    evaluation_create,
    evaluation_end_appointment,
    evaluation_score,
    evaluation_sign_off,
    settings_update,
)
from cqo.evaluation.services.imports import (
    COST_HEADERS,
    LOSS_HEADERS,
    ImportErrors,
    costs_import,
    losses_import,
)
from cqo.evaluation.services.quality import (
    account_create,
    cost_set,
    loss_create,
    loss_delete,
    plan_set,
    revenue_set,
    target_set,
)

__all__ = [
    "COST_HEADERS",
    "LOSS_HEADERS",
    "ImportErrors",
    "account_create",
    "assessment_complete",
    "assessment_create",
    "assessment_score",
    "cost_set",
    "costs_import",
    "evaluation_create",
    "evaluation_end_appointment",
    "evaluation_score",
    "evaluation_sign_off",
    "loss_create",
    "loss_delete",
    "losses_import",
    "plan_set",
    "revenue_set",
    "settings_update",
    "target_set",
    "task_close",
    "task_create",
    "task_reopen",
]
