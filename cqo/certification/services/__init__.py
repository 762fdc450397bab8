"""Writes of the certification app: each a transaction with its audit entry. Reads (eligibility,
a certificate's standing) are selectors."""

from cqo.certification.services._common import REASON_MIN, TEXT_MAX
from cqo.certification.services.appeals import appeal_decide, appeal_submit
from cqo.certification.services.applications import (
    ApplicationTerms,
    application_create,
    application_submit,
    application_update,
    application_withdraw,
    evidence_add,
    evidence_delete,
    period_add,
    period_delete,
    review_accept,
    review_return,
)
from cqo.certification.services.assessment import (
    assessment_record,
    panel_set,
    report_sign,
    sheet_save,
)
from cqo.certification.services.bodies import (
    BodyTerms,
    ExpertTerms,
    body_create,
    body_update,
    expert_create,
    expert_update,
    member_add,
    member_remove,
)
from cqo.certification.services.certificates import certificate_issue, certificate_reissue
from cqo.certification.services.migrated import (
    MigratedLevelCertificate,
    level_certificate_migrate,
    level_certificates_migrate,
    migrated_level_certificate_problems,
)
from cqo.certification.services.recommendations import (
    recommendation_create,
    recommendation_withdraw,
)
from cqo.certification.services.reviews import (
    AccidentReport,
    ReviewDecision,
    accident_report_record,
    listing_notices_record,
    review_request_close,
    review_requests_open,
    warning_record,
)
from cqo.certification.services.supervision import supervise
from cqo.certification.services.validity import (
    send_reminders,
    talent_recommend,
    yearly_review,
)

__all__ = [
    "REASON_MIN",
    "TEXT_MAX",
    "AccidentReport",
    "ApplicationTerms",
    "BodyTerms",
    "ExpertTerms",
    "MigratedLevelCertificate",
    "ReviewDecision",
    "accident_report_record",
    "appeal_decide",
    "appeal_submit",
    "application_create",
    "application_submit",
    "application_update",
    "application_withdraw",
    "assessment_record",
    "body_create",
    "body_update",
    "certificate_issue",
    "certificate_reissue",
    "evidence_add",
    "evidence_delete",
    "expert_create",
    "expert_update",
    "level_certificate_migrate",
    "level_certificates_migrate",
    "listing_notices_record",
    "member_add",
    "member_remove",
    "migrated_level_certificate_problems",
    "panel_set",
    "period_add",
    "period_delete",
    "recommendation_create",
    "recommendation_withdraw",
    "report_sign",
    "review_accept",
    "review_request_close",
    "review_requests_open",
    "review_return",
    "send_reminders",
    "sheet_save",
    "supervise",
    "talent_recommend",
    "warning_record",
    "yearly_review",
]
