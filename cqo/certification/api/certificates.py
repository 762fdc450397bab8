"""Certificates, their supervision, reviews, reissue and the talent-pool recommendation."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.certification import selectors, services
from cqo.certification.api.outputs import appeal_out, certificate_out, scoped_values
from cqo.certification.api.schemas import (
    CertificationAppealIn,
    CertificationAppealOut,
    LevelCertificateFilters,
    LevelCertificateNumber,
    LevelCertificateOut,
    LevelCertificatePage,
    PublicLevelCertificateOut,
    ReissueIn,
    ReviewIn,
    SuperviseIn,
    TalentRecommendationIn,
    WarningIn,
)
from cqo.certification.models import (
    LevelCertificate,
)
from cqo.registry.api.common import actor, page

router = Router()


# Certificates ---------------------------------------------------------------------------------


@router.get("/certification/certificates", response={200: LevelCertificatePage, **ERRORS})
def certificate_list(
    request: HttpRequest, filters: Query[LevelCertificateFilters]
) -> dict[str, Any]:
    qs = selectors.certificate_list(
        user=actor(request),
        status=filters.status or "",
        level=filters.level or "",
        q=filters.q.strip(),
    )
    count, items = page(qs, filters)
    return {"count": count, "items": [PublicLevelCertificateOut(**scoped_values(c)) for c in items]}


def cert_in_scope(request: HttpRequest, number: str) -> tuple[Any, LevelCertificate]:
    user = actor(request)
    return user, selectors.certificate_get(user=user, number=number)


@router.get("/certification/certificates/{number}", response={200: LevelCertificateOut, **ERRORS})
def certificate_detail(request: HttpRequest, number: LevelCertificateNumber) -> LevelCertificateOut:
    return certificate_out(cert_in_scope(request, number)[1])


@router.post(
    "/certification/certificates/{number}/supervise", response={200: LevelCertificateOut, **ERRORS}
)
def certificate_supervise(
    request: HttpRequest, number: LevelCertificateNumber, payload: SuperviseIn
) -> LevelCertificateOut:
    """暂停/中止/恢复/收回/作废 (§11; SPEC §12.16); 422 on ``action`` when not allowed now."""
    user, cert = cert_in_scope(request, number)
    services.supervise(
        actor=user,
        cert=cert,
        action=str(payload.action),
        ground=str(payload.ground),
        reason=payload.reason,
        evidence_note=payload.evidence_note,
    )
    cert.refresh_from_db()
    return certificate_out(cert)


@router.post(
    "/certification/certificates/{number}/warnings", response={200: LevelCertificateOut, **ERRORS}
)
def certificate_warning(
    request: HttpRequest, number: LevelCertificateNumber, payload: WarningIn
) -> LevelCertificateOut:
    user, cert = cert_in_scope(request, number)
    services.warning_record(
        actor=user,
        cert=cert,
        kind=str(payload.kind),
        conduct=str(payload.conduct),
        reason=payload.reason,
    )
    cert.refresh_from_db()
    return certificate_out(cert)


@router.post(
    "/certification/certificates/{number}/reviews", response={200: LevelCertificateOut, **ERRORS}
)
def certificate_review(
    request: HttpRequest, number: LevelCertificateNumber, payload: ReviewIn
) -> LevelCertificateOut:
    user, cert = cert_in_scope(request, number)
    services.yearly_review(
        actor=user,
        cert=cert,
        year=payload.year,
        summary=payload.summary,
        rating=str(payload.rating),
    )
    return certificate_out(cert)


@router.post(
    "/certification/certificates/{number}/reissue", response={201: LevelCertificateOut, **ERRORS}
)
def certificate_reissue(
    request: HttpRequest, number: LevelCertificateNumber, payload: ReissueIn
) -> Status[LevelCertificateOut]:
    user, cert = cert_in_scope(request, number)
    new = services.certificate_reissue(
        actor=user, cert=cert, reason=payload.reason, enterprise=payload.enterprise
    )
    return Status(201, certificate_out(new))


@router.post(
    "/certification/certificates/{number}/recommend", response={200: LevelCertificateOut, **ERRORS}
)
def certificate_recommend(
    request: HttpRequest, number: LevelCertificateNumber, payload: TalentRecommendationIn
) -> LevelCertificateOut:
    user, cert = cert_in_scope(request, number)
    services.talent_recommend(actor=user, cert=cert, reason=payload.reason)
    return certificate_out(cert)


@router.post(
    "/certification/actions/{action_id}/appeals", response={201: CertificationAppealOut, **ERRORS}
)
def action_appeal(
    request: HttpRequest, action_id: uuid.UUID, payload: CertificationAppealIn
) -> Status[CertificationAppealOut]:
    user = actor(request)
    action = selectors.action_found(action_id)
    selectors.certificate_get(user=user, number=action.certificate.number)
    return Status(
        201, appeal_out(services.appeal_submit(actor=user, action=action, grounds=payload.grounds))
    )
