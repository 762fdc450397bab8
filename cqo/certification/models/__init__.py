"""Capability-level certification (能力水平认定, level-standard; SPEC §6).

A certification body (认定主体, §7) with its staff and its roster of experts receives a CQO's
application (§9.1), reviews it for form (形式审查, §9.2), assesses it with a panel of experts who
each fill a scoring sheet over the Annex A cells (§9.3), and the panel leader signs the report
(§9.3.3) that fixes the grade (Annex B; SPEC §12.3). The certificate (§9.4.1.1) says what was
certified, frozen at issue with its SHA-256; the body supervises it while it is valid (§11).

Accounts (cqo.accounts) must not import this app, so the binding of a ``certifier`` login to its
body lives here: ``BodyMember`` for the body's staff, ``Expert.user`` for an expert who logs in
to fill scoring sheets.
"""

from __future__ import annotations

from cqo.certification.models.applications import (
    Application,
    Evidence,
    PanelMember,
    Recommendation,
    WorkPeriod,
)
from cqo.certification.models.bodies import (
    LEVEL_ORDER,
    BodyMember,
    CertificationBody,
    Expert,
    Level,
)
from cqo.certification.models.certificates import (
    Appeal,
    LevelCertificate,
    ListingNotice,
    NumberSequence,
    Reminder,
    ReviewRequest,
    SupervisionAction,
    WarningRecord,
    YearlyReview,
)

__all__ = [
    "LEVEL_ORDER",
    "Appeal",
    "Application",
    "BodyMember",
    "CertificationBody",
    "Evidence",
    "Expert",
    "Level",
    "LevelCertificate",
    "ListingNotice",
    "NumberSequence",
    "PanelMember",
    "Recommendation",
    "Reminder",
    "ReviewRequest",
    "SupervisionAction",
    "WarningRecord",
    "WorkPeriod",
    "YearlyReview",
]
