"""Training institutions' qualifications (培训资质, shaanxi-2021 §五(一); jiangsu-2020 §五;
hangzhou-spec 聘用与培训·培训): regulators record and revoke them; every regulator reads them,
an institution its own."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cqo.accounts.api import ERRORS
from cqo.lib import clock
from cqo.lib.bounds import max_length
from cqo.lib.dates import EventDate, TermDate
from cqo.registry.api.common import actor, page
from cqo.registry.api.schemas import PageQuery
from cqo.training import selectors, services
from cqo.training.models import Qualification

router = Router()


class TrainingQualificationIn(Schema):
    institution: str = Field(max_length=150, description="the training institution's account")
    granted_by: str = Field(max_length=max_length(Qualification, "granted_by"))
    document: str = Field(max_length=max_length(Qualification, "document"))
    basis: str = Field(max_length=max_length(Qualification, "basis"))
    valid_from: EventDate
    valid_until: TermDate


class TrainingQualificationOut(Schema):
    id: uuid.UUID
    institution: str = Field(description="the institution's name")
    granted_by: str
    document: str
    basis: str
    valid_from: dt.date
    valid_until: dt.date
    valid_today: bool
    revoked_at: dt.datetime | None
    revoke_reason: str


class TrainingQualificationFilters(PageQuery):
    q: str = Field("", max_length=50, description="institution or granting authority contains")
    current: bool = Field(False, description="only those valid today")


class TrainingQualificationPage(Schema):
    count: int
    items: list[TrainingQualificationOut]


class TrainingQualificationRevokeIn(Schema):
    reason: str = Field(
        max_length=max_length(Qualification, "revoke_reason"),
        description="at least 4 characters",
    )


def qualification_out(q: Qualification) -> TrainingQualificationOut:
    today = clock.today()
    return TrainingQualificationOut(
        id=q.public_id,
        institution=q.institution.organisation or q.institution.display_name,
        granted_by=q.granted_by,
        document=q.document,
        basis=q.basis,
        valid_from=q.valid_from,
        valid_until=q.valid_until,
        valid_today=q.revoked_at is None and q.valid_from <= today <= q.valid_until,
        revoked_at=q.revoked_at,
        revoke_reason=q.revoke_reason,
    )


@router.get("/training/qualifications", response={200: TrainingQualificationPage, **ERRORS})
def qualification_list(
    request: HttpRequest, filters: Query[TrainingQualificationFilters]
) -> dict[str, Any]:
    qs = selectors.qualification_list(
        user=actor(request),
        q=filters.q.strip(),
        current_on=clock.today() if filters.current else None,
    )
    count, items = page(qs.order_by("-valid_until", "pk"), filters)
    return {"count": count, "items": [qualification_out(q) for q in items]}


@router.post("/training/qualifications", response={201: TrainingQualificationOut, **ERRORS})
def qualification_create(
    request: HttpRequest, payload: TrainingQualificationIn
) -> Status[TrainingQualificationOut]:
    q = services.qualification_create(
        actor=actor(request),
        terms=services.QualificationTerms(**payload.model_dump()),
    )
    return Status(201, qualification_out(q))


@router.get(
    "/training/qualifications/{qualification_id}",
    response={200: TrainingQualificationOut, **ERRORS},
)
def qualification_detail(request: HttpRequest, qualification_id: uuid.UUID) -> Any:
    return qualification_out(
        selectors.qualification_get(user=actor(request), public_id=qualification_id)
    )


@router.post(
    "/training/qualifications/{qualification_id}/revoke",
    response={200: TrainingQualificationOut, **ERRORS},
)
def qualification_revoke(
    request: HttpRequest, qualification_id: uuid.UUID, payload: TrainingQualificationRevokeIn
) -> Any:
    user = actor(request)
    q = selectors.qualification_get(user=user, public_id=qualification_id)
    services.qualification_revoke(actor=user, qualification=q, reason=payload.reason)
    return qualification_out(selectors.qualification_get(user=user, public_id=qualification_id))
