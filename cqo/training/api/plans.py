"""Yearly training plans (shaanxi-2021 §五(一); level-standard §11)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.registry.api.common import actor, page
from cqo.training import selectors, services
from cqo.training.api.outputs import plan_out
from cqo.training.api.schemas import (
    PlanFilters,
    PlanPage,
    PlanUpdateIn,
    TrainingPlanIn,
    TrainingPlanOut,
)

router = Router()


# Plans ----------------------------------------------------------------------------------------


@router.get("/training/plans", response={200: PlanPage, **ERRORS})
def plan_list(request: HttpRequest, filters: Query[PlanFilters]) -> dict[str, Any]:
    """Yearly training plans (shaanxi-2021 §五(一); level-standard §11)."""
    user = actor(request)
    qs = selectors.plan_list(user=user, year=filters.year, q=filters.q.strip())
    count, items = page(qs.order_by("-year", "organisation", "pk"), filters)
    return {"count": count, "items": [plan_out(p) for p in items]}


@router.post("/training/plans", response={201: TrainingPlanOut, **ERRORS})
def plan_create(request: HttpRequest, payload: TrainingPlanIn) -> Status[TrainingPlanOut]:
    user = actor(request)
    plan = services.plan_create(
        actor=user,
        year=payload.year,
        budget=payload.budget,
        planned_sessions=payload.planned_sessions,
        notes=payload.notes,
    )
    return Status(201, plan_out(selectors.plan_get(user=user, public_id=plan.public_id)))


@router.get("/training/plans/{plan_id}", response={200: TrainingPlanOut, **ERRORS})
def plan_detail(request: HttpRequest, plan_id: uuid.UUID) -> TrainingPlanOut:
    return plan_out(selectors.plan_get(user=actor(request), public_id=plan_id))


@router.patch("/training/plans/{plan_id}", response={200: TrainingPlanOut, **ERRORS})
def plan_update(request: HttpRequest, plan_id: uuid.UUID, payload: PlanUpdateIn) -> TrainingPlanOut:
    user = actor(request)
    plan = selectors.plan_get(user=user, public_id=plan_id)
    services.plan_update(
        actor=user,
        plan=plan,
        budget=payload.budget,
        planned_sessions=payload.planned_sessions,
        notes=payload.notes,
    )
    return plan_out(selectors.plan_get(user=user, public_id=plan_id))
