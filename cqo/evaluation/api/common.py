"""What the modules of the enterprise side's API share: the caller's enterprise and the
responses built from the records."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cqo.accounts.models import User
from cqo.evaluation import selectors
from cqo.evaluation.api.schemas import (
    AssessmentOut,
    CostOut,
    EvaluationItemOut,
    EvaluationOut,
    LossOut,
    QualityCostPeriodOut,
    TaskOut,
)
from cqo.evaluation.models import (
    Category,
    CostEntry,
    Evaluation,
    ImprovementTask,
    QualityLoss,
    SelfAssessment,
)
from cqo.registry.api.common import actor
from cqo.registry.api.schemas import AuditOut
from cqo.registry.models import Enterprise


def audit_out(kind: str, public_id: Any) -> list[AuditOut]:
    return [
        AuditOut(at=e.at, actor=e.actor_name, action=e.action, changes=e.changes, note=e.note)
        for e in selectors.trail(kind, public_id)
    ]


def evaluation_out(ev: Evaluation) -> EvaluationOut:
    return EvaluationOut(
        id=ev.public_id,
        enterprise=ev.enterprise.uscc,
        appointment=ev.appointment.public_id,
        person_name=ev.appointment.person.name,
        period_start=ev.period_start,
        period_end=ev.period_end,
        form_kind=Evaluation.FormKind(ev.form_kind),
        form_label=ev.form_label,
        form_clause=ev.form_clause,
        reference=ev.reference,
        items=[EvaluationItemOut.model_validate(i) for i in ev.items],
        total=ev.total,
        max_total=ev.max_total,
        band=ev.band,
        passed=ev.passed,
        decision=ev.decision,
        decision_note=ev.decision_note,
        reward_note=ev.reward_note,
        evaluators=ev.evaluators,
        status=Evaluation.Status(ev.status),
        signed_off_at=ev.signed_off_at,
        appointment_status=ev.appointment.status,
        audit=audit_out(selectors.EVALUATION, ev.public_id),
    )


def task_out(t: ImprovementTask) -> TaskOut:
    return TaskOut(
        id=t.public_id,
        assessment=t.assessment.public_id,
        indicator=t.indicator,
        title=t.title,
        target=t.target,
        department=t.department,
        owner=t.owner,
        due_date=t.due_date,
        status=ImprovementTask.Status(t.status),
        evidence=t.evidence,
        closed_on=t.closed_on,
    )


def assessment_out(sa: SelfAssessment) -> AssessmentOut:
    return AssessmentOut(
        id=sa.public_id,
        enterprise=sa.enterprise.uscc,
        year=sa.year,
        assessor_kind=SelfAssessment.AssessorKind(sa.assessor_kind),
        assessor_org=sa.assessor_org,
        assessors=sa.assessors,
        form_label=sa.form_label,
        form_clause=sa.form_clause,
        reference=sa.reference,
        indicators=sa.indicators,
        total=sa.total,
        max_total=sa.max_total,
        findings=sa.findings,
        suggestions=sa.suggestions,
        application=sa.application,
        status=SelfAssessment.Status(sa.status),
        tasks=[task_out(t) for t in sa.tasks.all()],
    )


def cost_out(e: CostEntry) -> CostOut:
    return CostOut(
        id=e.public_id,
        account=e.account.public_id,
        account_name=e.account.name,
        category=Category(e.account.category),
        year=e.year,
        quarter=e.quarter,
        amount=e.amount,
        note=e.note,
    )


def loss_out(x: QualityLoss) -> LossOut:
    return LossOut(
        id=x.public_id,
        occurred_on=x.occurred_on,
        kind=x.kind,
        kind_label=x.kind_label,
        effect=QualityLoss.Effect(x.effect),
        amount=x.amount,
        description=x.description,
    )


def period_out(p: Any) -> QualityCostPeriodOut:
    return QualityCostPeriodOut(
        period=p.label,
        by_category=p.by_category,
        category_share={c: p.category_share(c) for c in p.by_category},
        total=p.total,
        revenue=p.revenue,
        revenue_share=p.revenue_share,
        failure_to_conformance=p.failure_to_conformance,
    )


def enterprise_of(request: HttpRequest, uscc: str) -> tuple[User, Enterprise]:
    user = actor(request)
    return user, selectors.enterprise_get(user=user, uscc=uscc)
