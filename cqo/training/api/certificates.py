"""Training certificates (培训合格证) and their public verification by number."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS, ErrorOut
from cqo.lib.errors import TooManyRequests
from cqo.lib.lookups import too_many_lookups
from cqo.registry.api.common import actor, page
from cqo.training import rules, selectors, services
from cqo.training.api.enrolments import _enrolment
from cqo.training.api.outputs import certificate_out, public_values
from cqo.training.api.schemas import (
    CertificateItem,
    PublicTrainingCertificateOut,
    TrainingCertificateFilters,
    TrainingCertificateNumber,
    TrainingCertificateOut,
    TrainingCertificatePage,
    TrainingCertificateRevokeIn,
)
from cqo.training.models import (
    TrainingCertificate,
)

router = Router()


# Certificates ---------------------------------------------------------------------------------


@router.post(
    "/training/enrolments/{enrolment_id}/certificate",
    response={201: TrainingCertificateOut, **ERRORS},
)
def certificate_issue(
    request: HttpRequest, enrolment_id: uuid.UUID
) -> Status[TrainingCertificateOut]:
    """培训合格证 for a learner who passed, by whoever the governing pack allows
    (training.certificate_issuers); 403 for anyone else."""
    user, enrolment = _enrolment(request, enrolment_id)
    cert = services.certificate_issue(actor=user, enrolment=enrolment)
    return Status(201, certificate_out(cert))


@router.get("/training/certificates", response={200: TrainingCertificatePage, **ERRORS})
def certificate_list(
    request: HttpRequest, filters: Query[TrainingCertificateFilters]
) -> dict[str, Any]:
    user = actor(request)
    qs = selectors.certificate_list(user=user, q=filters.q.strip(), status=filters.status or "")
    count, items = page(qs.order_by("-issued_on", "-pk"), filters)
    return {
        "count": count,
        "items": [
            CertificateItem(
                number=c.number,
                holder=c.holder.name,
                course=c.course.title if c.course else "",
                tier=c.tier,
                hours=c.hours,
                issuer=c.issuer_name,
                issued_on=c.issued_on,
                status=TrainingCertificate.Status(c.status),
            )
            for c in items
        ],
    }


@router.get("/training/certificates/{number}", response={200: TrainingCertificateOut, **ERRORS})
def certificate_detail(
    request: HttpRequest, number: TrainingCertificateNumber
) -> TrainingCertificateOut:
    return certificate_out(selectors.certificate_get(user=actor(request), number=number))


@router.post(
    "/training/certificates/{number}/revoke", response={200: TrainingCertificateOut, **ERRORS}
)
def certificate_revoke(
    request: HttpRequest, number: TrainingCertificateNumber, payload: TrainingCertificateRevokeIn
) -> TrainingCertificateOut:
    user = actor(request)
    cert = selectors.certificate_get(user=user, number=number)
    cert = services.certificate_revoke(actor=user, cert=cert, reason=payload.reason)
    return certificate_out(cert)


@router.get(
    "/public/training-certificates/{number}",
    auth=None,
    response={200: PublicTrainingCertificateOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def public_certificate(
    request: HttpRequest, number: TrainingCertificateNumber
) -> PublicTrainingCertificateOut:
    """Verify a training certificate by its number (or its QR code), no login: the facts printed
    on it (holder, course, hours, dates, issuer), its status and whether the content is intact.
    No ID number, no assessment result. At most ``CQO_PUBLIC_VERIFY_RATE`` lookups per client
    address (429 beyond)."""
    if too_many_lookups(request):
        raise TooManyRequests(_("查验过于频繁，请稍后再试"))
    cert = selectors.public_certificate(number)
    return PublicTrainingCertificateOut(**public_values(cert, rules.public_facts(cert.content)))
