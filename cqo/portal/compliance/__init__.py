"""The 安全合规 page and ``manage.py compliance_report``: each control the platform provides for
网络安全等级保护 level 3 (GB/T 22239-2019) and the commercial-cryptography assessment (密评,
GB/T 39786-2021), with its state now: the suite in use and where the stored data stands, the
keys and their ages, who holds the three administrators' roles, the sign-in policy and its
second-factor coverage, the audit trail's retention and integrity.

Every figure is read fresh, with a bounded number of statements (counts, never row walks: the
audit chain's state is the last verification's, cqo.audit). A control is met (符合), not met
(不符合: the operator must act, and the row says how) or informational (a figure to watch)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from cqo.portal.compliance import checks
from cqo.portal.compliance.report import INFO, MET, NOT_MET, Control, Report

# the sections of the report, in the order of the controls the operator prepares
SECTIONS: tuple[Callable[[], list[Control]], ...] = (
    checks.cryptography,
    checks.administrators,
    checks.sign_in,
    checks.audit_trail,
)


def compliance_report() -> Report:
    """Every control with its state now (a few dozen counts)."""
    return Report(at=timezone.now(), controls=[c for section in SECTIONS for c in section()])


__all__ = ["INFO", "MET", "NOT_MET", "Control", "Report", "compliance_report"]
