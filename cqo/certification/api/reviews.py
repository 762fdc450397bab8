"""Accident reports and the reviews they open (level-standard §11; SPEC §12.15): multipart,
since a review closed without a measure needs its evidence file."""

from __future__ import annotations

import uuid
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from cqo.accounts.api import ERRORS
from cqo.certification import services
from cqo.certification.api.certificates import cert_in_scope
from cqo.certification.api.outputs import certificate_out
from cqo.certification.api.schemas import LevelCertificateNumber, LevelCertificateOut
from cqo.certification.models import ReviewRequest
from cqo.lib import dates
from cqo.lib.bounds import max_length

router = Router()


class AccidentReportIn(Schema):
    """An accident report the body received directly (not through a listing)."""

    accident: str = Field(
        min_length=1,
        max_length=max_length(ReviewRequest, "reason"),
        description="事故情况, ≥ 4 characters",
    )
    accident_date: dates.EventDate = Field(description="事故发生日期, not after today")
    reported_by: str = Field(
        min_length=1,
        max_length=max_length(ReviewRequest, "reported_by"),
        description="报告单位或报告人",
    )


class ReviewCloseIn(Schema):
    """§11 应暂停或中止: ``suspend`` or ``discontinue`` (``withdraw`` adds 收回 after it), or
    ``no_responsibility`` with the evidence file."""

    outcome: Literal["suspend", "discontinue", "no_responsibility"]
    finding: str = Field(
        min_length=1,
        max_length=max_length(ReviewRequest, "finding"),
        description="复核结论, ≥ 4 characters",
    )
    withdraw: bool = False


@router.post(
    "/certification/certificates/{number}/accident-reports",
    response={201: LevelCertificateOut, **ERRORS},
)
def accident_report(
    request: HttpRequest,
    number: LevelCertificateNumber,
    payload: Form[AccidentReportIn],
    evidence: UploadedFile | None = File(None),  # noqa: B008  (ninja declares a part)
) -> Status[LevelCertificateOut]:
    """The body's staff record an accident report; it opens a review (``review_requests``)."""
    user, cert = cert_in_scope(request, number)
    report = services.AccidentReport(
        accident=payload.accident,
        accident_date=payload.accident_date,
        reported_by=payload.reported_by,
        evidence=evidence,
    )
    services.accident_report_record(actor=user, cert=cert, report=report)
    return Status(201, certificate_out(cert))


@router.post(
    "/certification/certificates/{number}/review-requests/{request_id}/close",
    response={200: LevelCertificateOut, **ERRORS},
)
def review_request_close(
    request: HttpRequest,
    number: LevelCertificateNumber,
    request_id: uuid.UUID,
    payload: Form[ReviewCloseIn],
    evidence: UploadedFile | None = File(None),  # noqa: B008  (ninja declares a part)
) -> LevelCertificateOut:
    """Closes a review with its decision; 422 on ``outcome``, ``finding``, ``evidence`` or
    ``withdraw`` when the decision is incomplete."""
    user, cert = cert_in_scope(request, number)
    pending = get_object_or_404(cert.review_requests, public_id=request_id)
    decision = services.ReviewDecision(
        outcome=payload.outcome,
        finding=payload.finding,
        evidence=evidence,
        withdraw=payload.withdraw,
    )
    services.review_request_close(actor=user, request=pending, decision=decision)
    cert.refresh_from_db()
    return certificate_out(cert)
