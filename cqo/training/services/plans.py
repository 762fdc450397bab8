"""Yearly training plans (shaanxi-2021 §五(一); level-standard §11)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.audit.services import diff, snapshot
from cqo.lib import clock
from cqo.lib.bounds import max_length
from cqo.training import selectors
from cqo.training.models import (
    TrainingPlan,
)
from cqo.training.services._common import (
    MAX_BUDGET,
    MAX_PLANNED,
    PLAN_FIELDS,
    Errors,
    audit,
    body_name,
    bounded_text,
    decimal_field,
    int_field,
)

# Plans ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PlanValues:
    year: int | None
    budget: Decimal | None
    planned_sessions: int | None
    notes: str


def _plan_values(
    errors: Errors,
    *,
    year: int | None,
    budget: Decimal | None,
    planned_sessions: int | None,
    notes: str,
) -> _PlanValues:
    today = clock.today()
    return _PlanValues(
        year=int_field(errors, "year", year, low=2000, high=today.year + 2),
        budget=decimal_field(errors, "budget", budget, low=Decimal(0), high=MAX_BUDGET, places=2),
        planned_sessions=int_field(
            errors, "planned_sessions", planned_sessions, low=0, high=MAX_PLANNED
        ),
        notes=bounded_text(
            errors,
            "notes",
            notes,
            minimum=0,
            maximum=max_length(TrainingPlan, "notes"),
            message="",
        ),
    )


@transaction.atomic
def plan_create(
    *,
    actor: User,
    year: int | None,
    budget: Decimal | None,
    planned_sessions: int | None,
    notes: str = "",
) -> TrainingPlan:
    """A yearly training plan (shaanxi-2021 §五(一) "各级市场监管部门要统筹安排培训专项经费，制定
    年度培训计划"; level-standard §11 "认定主体应制定并及时更新首席质量官课程培训计划"): a
    regulator's for its region, a certification body's for its organisation; one per year."""
    if not selectors.can_plan(actor):
        raise PermissionDenied(_("只有市场监管部门和认定机构可以制定年度培训计划"))
    errors = Errors()
    values = _plan_values(
        errors, year=year, budget=budget, planned_sessions=planned_sessions, notes=notes
    )
    errors.raise_if_any()
    year, budget, planned = values.year, values.budget, values.planned_sessions
    assert year is not None and budget is not None and planned is not None  # noqa: S101
    plan = TrainingPlan(
        region=actor.region if actor.role == Role.REGULATOR else None,
        organisation=body_name(actor),
        created_by=actor,
        year=year,
        budget=budget,
        planned_sessions=planned,
        notes=values.notes,
    )
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"year": _("本单位%(year)s年度的培训计划已存在，请修改该计划") % {"year": values.year}}
        ) from exc
    audit(actor, selectors.PLAN, plan, "create", diff({}, snapshot(plan, PLAN_FIELDS)))
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: User,
    plan: TrainingPlan,
    budget: Decimal | None,
    planned_sessions: int | None,
    notes: str = "",
) -> TrainingPlan:
    """及时更新 (level-standard §11): budget, planned sessions and notes; the year stays."""
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    if not selectors.can_edit_plan(actor, plan):
        raise PermissionDenied(_("只有制定单位可以修改年度培训计划"))
    errors = Errors()
    values = _plan_values(
        errors, year=plan.year, budget=budget, planned_sessions=planned_sessions, notes=notes
    )
    errors.raise_if_any()
    assert values.budget is not None and values.planned_sessions is not None  # noqa: S101
    before = snapshot(plan, PLAN_FIELDS)
    plan.budget = values.budget
    plan.planned_sessions = values.planned_sessions
    plan.notes = values.notes
    plan.save(update_fields=["budget", "planned_sessions", "notes", "updated_at"])
    changes = diff(before, snapshot(plan, PLAN_FIELDS))
    if changes:
        audit(actor, selectors.PLAN, plan, "update", changes)
    return plan
