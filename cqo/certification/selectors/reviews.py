"""Reads of the reviews a body owes after accidents and of the warning-listing notices
(level-standard §11; SPEC §12.15)."""

from __future__ import annotations

from django.db.models import QuerySet

from cqo.accounts.models import User
from cqo.certification.models import LevelCertificate, ListingNotice, ReviewRequest
from cqo.certification.selectors.scope import staff_body


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
