"""所在组织的推荐意见 (level-standard §9.1 b): the enterprise recommends a person."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from cqo.accounts.api import ERRORS
from cqo.certification import selectors, services
from cqo.certification.api.schemas import RecommendationIn, RecommendationOut
from cqo.registry.api.common import actor

router = Router()


# Recommendations (所在组织的推荐意见, §9.1 b) -------------------------------------------------


def recommendation_out(r: Any) -> RecommendationOut:
    return RecommendationOut(
        id=r.public_id,
        enterprise=r.enterprise.uscc,
        enterprise_name=r.enterprise.name,
        person_name=r.person.name,
        opinion=r.opinion,
        recommender=r.recommender,
        created_at=r.created_at,
        withdrawn_at=r.withdrawn_at,
    )


@router.get("/certification/recommendations", response={200: list[RecommendationOut], **ERRORS})
def recommendation_list(request: HttpRequest) -> list[RecommendationOut]:
    """A clerk's enterprise's recommendations; a CQO's own (the organisations they may name)."""
    found = selectors.recommendation_list(user=actor(request))[:200]
    return [recommendation_out(r) for r in found]


@router.post("/certification/recommendations", response={201: RecommendationOut, **ERRORS})
def recommendation_create(
    request: HttpRequest, payload: RecommendationIn
) -> Status[RecommendationOut]:
    """The enterprise's clerk recommends a registered person for certification (level-standard
    §9.1 b); the person may then name the enterprise on an application. 403 for anyone else."""
    found = services.recommendation_create(actor=actor(request), **payload.dict())
    return Status(201, recommendation_out(found))


@router.post(
    "/certification/recommendations/{recommendation_id}/withdraw",
    response={200: RecommendationOut, **ERRORS},
)
def recommendation_withdraw(
    request: HttpRequest, recommendation_id: uuid.UUID
) -> RecommendationOut:
    """422 while an application of the person naming the enterprise is open."""
    user = actor(request)
    found = selectors.recommendation_get(user=user, public_id=recommendation_id)
    return recommendation_out(services.recommendation_withdraw(actor=user, recommendation=found))
