"""Reads of the reviews a body owes after accidents, of the warning-listing notices
(level-standard §11; SPEC §12.15), and of the appeals and panel work still open."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cqo.accounts.models import User
from cqo.certification.models import (
    Appeal,
    Application,
    LevelCertificate,
    ListingNotice,
    PanelMember,
    ReviewRequest,
)
from cqo.certification.selectors.scope import expert_of, staff_body


def review_requests_of(cert: LevelCertificate) -> QuerySet[ReviewRequest]:
    return cert.review_requests.select_related("closed_by", "action")


def open_reviews(user: User) -> QuerySet[ReviewRequest]:
    """The reviews the staff's body still owes, oldest first (a decision is due, §11 应)."""
    body = staff_body(user)
    if body is None:
        return ReviewRequest.objects.none()
    return (
        ReviewRequest.objects.filter(certificate__body=body, closed_at__isnull=True)
        .select_related("certificate", "certificate__holder")
        .order_by("created_at")
    )


def listing_notices(user: User) -> QuerySet[ListingNotice]:
    """The warning listings told to the staff's body, newest first."""
    body = staff_body(user)
    if body is None:
        return ListingNotice.objects.none()
    return ListingNotice.objects.filter(certificate__body=body).select_related(
        "certificate", "certificate__holder"
    )


def pending_appeals(user: User) -> QuerySet[Appeal]:
    """The appeals the staff's body has still to decide, oldest first (SPEC §12.16): against a
    grade of one of its applications or against one of its supervision decisions."""
    body = staff_body(user)
    if body is None:
        return Appeal.objects.none()
    return (
        Appeal.objects.filter(
            Q(application__body=body) | Q(action__certificate__body=body),
            status=Appeal.Status.PENDING,
        )
        .select_related("application", "application__person", "action__certificate")
        .order_by("submitted_at", "pk")
    )


def seats_to_score(user: User) -> QuerySet[PanelMember]:
    """The expert's panel seats whose score sheet is still to submit, on applications under
    assessment (level-standard §9.3.3)."""
    return _seats(user, submitted_at__isnull=True)


def _seats(user: User, **more: object) -> QuerySet[PanelMember]:
    """The expert's seats on applications under assessment, narrowed by ``more``."""
    expert = expert_of(user)
    if expert is None:
        return PanelMember.objects.none()
    return (
        PanelMember.objects.filter(
            expert=expert, application__status=Application.Status.ASSESSING, **more
        )
        .select_related("application", "application__person")
        .order_by("application__accepted_at", "pk")
    )


def reports_to_sign(user: User) -> QuerySet[PanelMember]:
    """The applications under assessment whose panel the expert leads and whose report is not
    signed yet (level-standard §9.3.3 the leader's report)."""
    return _seats(user, leader=True, application__report_signed_at__isnull=True)
