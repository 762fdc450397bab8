"""The talent pool over the API (SPEC §8): search CQOs in scope, recommend, decide."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cqo.accounts.api import ERRORS
from cqo.registry import selectors as registry
from cqo.registry.api.common import actor
from cqo.registry.api.schemas import PageQuery
from cqo.talent import selectors, services
from cqo.talent.models import TalentEntry

router = Router(tags=["talent"])


class TalentQuery(PageQuery):
    q: str = Field("", max_length=50, description="name (Chinese substring)")
    region: str = Field("", pattern=r"^([0-9]{6})?$")
    industry: str = Field("", pattern=r"^([A-T]|[0-9]{2})?$", description="section or division")
    min_years: int | None = Field(None, ge=0, le=60)
    state: str = Field("", pattern=r"^(recommended|admitted|declined|none)?$")
    training: str = Field("", pattern=r"^(yes|no)?$", description="holds a training certificate")
    level: str = Field(
        "", pattern=r"^(AAA|AAAA|AAAAA)?$", description="capability level in force, at least"
    )


class TalentItem(Schema):
    person: uuid.UUID
    name: str
    quality_years: int
    education: str
    enterprise: str | None
    region: str | None
    industry: str | None
    training_certificate: bool
    level: str | None
    pool_state: str | None
    pool_entry: uuid.UUID | None


class TalentPage(Schema):
    count: int
    items: list[TalentItem]


class RecommendIn(Schema):
    person: uuid.UUID
    reason: str = Field(max_length=2000)


class TalentDecisionIn(Schema):
    admit: bool
    note: str = Field("", max_length=2000)


class TalentEntryOut(Schema):
    id: uuid.UUID
    person: uuid.UUID
    province: str
    state: str
    recommender_kind: str
    reason: str
    decision_note: str


def entry_out(e: TalentEntry) -> TalentEntryOut:
    return TalentEntryOut(
        id=e.public_id,
        person=e.person.public_id,
        province=e.province_id,
        state=e.state,
        recommender_kind=e.recommender_kind,
        reason=e.reason,
        decision_note=e.decision_note,
    )


@router.get("/talent", response={200: TalentPage, **ERRORS}, summary="Search CQOs in scope")
def talent_search(request: HttpRequest, query: Query[TalentQuery]) -> dict[str, Any]:
    qs = selectors.search(
        user=actor(request),
        q=query.q,
        region=query.region,
        industry=query.industry,
        min_years=query.min_years,
        state=query.state,
        training=query.training,
        level=query.level,
    )
    items = list(qs[query.offset : query.offset + query.limit])
    return {
        "count": qs.count(),
        "items": [
            TalentItem(
                person=p.public_id,
                name=p.name,
                quality_years=p.quality_years,
                education=p.education,
                enterprise=p.enterprise_name,  # type: ignore[attr-defined]
                region=p.enterprise_region or p.region_id,  # type: ignore[attr-defined]
                industry=p.enterprise_industry,  # type: ignore[attr-defined]
                training_certificate=p.certified_training,  # type: ignore[attr-defined]
                level=p.certified_level,  # type: ignore[attr-defined]
                pool_state=p.pool_state,  # type: ignore[attr-defined]
                pool_entry=p.pool_entry,  # type: ignore[attr-defined]
            )
            for p in items
        ],
    }


@router.post("/talent", response={201: TalentEntryOut, **ERRORS}, summary="Recommend to the pool")
def talent_recommend(request: HttpRequest, body: RecommendIn) -> Status[TalentEntryOut]:
    user = actor(request)
    person = registry.person_get(user=user, public_id=body.person)
    return Status(201, entry_out(services.recommend(actor=user, person=person, reason=body.reason)))


@router.post(
    "/talent/{entry_id}/decide",
    response={200: TalentEntryOut, **ERRORS},
    summary="The province admits or declines",
)
def talent_decide(
    request: HttpRequest, entry_id: uuid.UUID, body: TalentDecisionIn
) -> TalentEntryOut:
    user = actor(request)
    entry = selectors.entry_get(user=user, public_id=entry_id)
    return entry_out(services.decide(actor=user, entry=entry, admit=body.admit, note=body.note))
