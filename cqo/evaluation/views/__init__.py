"""Pages of the enterprise side (SPEC §7): the CQO evaluation, the CQO-system self-assessment
with improvement tasks, and quality cost and loss. The clerk writes; the serving CQO writes
the self-assessment and quality economics; regulators in scope read."""

from __future__ import annotations

from cqo.evaluation.views.assessments import (
    assessment_compare,
    assessment_detail,
    assessment_new,
    task_action,
)
from cqo.evaluation.views.evaluations import (
    enterprise,
    evaluation_detail,
    evaluation_end,
    evaluation_new,
    evaluation_pdf,
    index,
    settings_edit,
)
from cqo.evaluation.views.quality import loss_delete, losses, quality

__all__ = [
    "assessment_compare",
    "assessment_detail",
    "assessment_new",
    "enterprise",
    "evaluation_detail",
    "evaluation_end",
    "evaluation_new",
    "evaluation_pdf",
    "index",
    "loss_delete",
    "losses",
    "quality",
    "settings_edit",
    "task_action",
]
