"""Certification pages: the body's application queue and the application with its workflow
actions, the expert's scoring sheet, the CQO's applications and certificates, certificates with
their supervision, the admin's bodies and experts, and the public verification page (the QR
code's target). Short views: access helper, form, one service call, redirect or render."""

from __future__ import annotations

from cqo.certification.views.applications import (
    application_appeal,
    application_detail,
    application_edit,
    application_new,
    application_submit,
    application_withdraw,
    assessment_record,
    certificate_issue,
    evidence_add,
    evidence_delete,
    evidence_file,
    panel_set,
    period_add,
    period_delete,
    report_sign,
    review_accept,
    review_return,
)
from cqo.certification.views.bodies import (
    body_detail,
    body_list,
    body_new,
    expert_add,
    expert_toggle,
    member_add,
    member_remove,
)
from cqo.certification.views.certificates import (
    accident_report,
    action_appeal,
    appeal_decide,
    certificate_detail,
    certificate_list,
    certificate_pdf,
    certificate_recommend,
    certificate_reissue,
    certificate_review,
    certificate_supervise,
    certificate_warning,
    review_request_close,
)
from cqo.certification.views.mine import (
    mine,
    recommendation_create,
    recommendation_withdraw,
)
from cqo.certification.views.queue import (
    index,
    queue,
)
from cqo.certification.views.sheets import (
    sheet,
    sheet_preview,
)
from cqo.certification.views.verification import (
    verify,
    verify_lookup,
)

__all__ = [
    "accident_report",
    "action_appeal",
    "appeal_decide",
    "application_appeal",
    "application_detail",
    "application_edit",
    "application_new",
    "application_submit",
    "application_withdraw",
    "assessment_record",
    "body_detail",
    "body_list",
    "body_new",
    "certificate_detail",
    "certificate_issue",
    "certificate_list",
    "certificate_pdf",
    "certificate_recommend",
    "certificate_reissue",
    "certificate_review",
    "certificate_supervise",
    "certificate_warning",
    "evidence_add",
    "evidence_delete",
    "evidence_file",
    "expert_add",
    "expert_toggle",
    "index",
    "member_add",
    "member_remove",
    "mine",
    "panel_set",
    "period_add",
    "period_delete",
    "queue",
    "recommendation_create",
    "recommendation_withdraw",
    "report_sign",
    "review_accept",
    "review_request_close",
    "review_return",
    "sheet",
    "sheet_preview",
    "verify",
    "verify_lookup",
]
