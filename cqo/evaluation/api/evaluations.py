"""The API of the CQO evaluation and of the CQO-system self-assessment with its improvement
tasks (SPEC §7)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.evaluation import inputs, printing, selectors, services
from cqo.evaluation.api.common import assessment_out, enterprise_of, evaluation_out, task_out
from cqo.evaluation.api.schemas import (
    AssessmentItem,
    AssessmentOut,
    CloseIn,
    ComparisonOut,
    EvaluationEndIn,
    EvaluationEnterpriseFilters,
    EvaluationEnterpriseItem,
    EvaluationEnterprisePage,
    EvaluationIn,
    EvaluationOut,
    ReopenIn,
    ResultsIn,
    ScoresIn,
    SelfAssessmentIn,
    SettingsIn,
    SettingsOut,
    TaskIn,
    TaskOut,
)
from cqo.evaluation.models import SelfAssessment
from cqo.lib.errors import Errors
from cqo.reference.apitypes import Uscc
from cqo.registry.api.common import actor, page

router = Router()


# Enterprises and evaluations ---------------------------------------------------------------------


@router.get("/evaluation/enterprises", response={200: EvaluationEnterprisePage, **ERRORS})
def enterprise_list(
    request: HttpRequest, filters: Query[EvaluationEnterpriseFilters]
) -> dict[str, Any]:
    """Enterprises whose evaluations, self-assessments and quality economics the caller reads."""
    qs = selectors.enterprise_list(user=actor(request), q=filters.q.strip())
    count, items = page(qs, filters)
    return {
        "count": count,
        "items": [
            EvaluationEnterpriseItem(uscc=e.uscc, name=e.name, region=e.region_id) for e in items
        ],
    }


@router.get(
    "/evaluation/enterprises/{uscc}/evaluations", response={200: list[EvaluationOut], **ERRORS}
)
def evaluation_list(request: HttpRequest, uscc: Uscc) -> list[EvaluationOut]:
    user, ent = enterprise_of(request, uscc)
    return [evaluation_out(ev) for ev in selectors.evaluation_list(user=user, enterprise=ent)]


@router.post("/evaluation/enterprises/{uscc}/evaluations", response={201: EvaluationOut, **ERRORS})
def evaluation_create(request: HttpRequest, uscc: Uscc, payload: EvaluationIn) -> Status:
    """A draft evaluation with the pack's form; the items the platform knows are pre-filled as
    suggestions to confirm (hangzhou-spec 附录A, SPEC §7). The enterprise's clerk only."""
    user, ent = enterprise_of(request, uscc)
    period = inputs.EvaluationPeriod(
        appointment=payload.appointment, year=payload.year, part=payload.part
    )
    ev = services.evaluation_create(actor=user, enterprise=ent, period=period)
    return Status(201, evaluation_out(ev))


@router.get("/evaluation/evaluations/{public_id}", response={200: EvaluationOut, **ERRORS})
def evaluation_detail(request: HttpRequest, public_id: uuid.UUID) -> EvaluationOut:
    return evaluation_out(selectors.evaluation_get(user=actor(request), public_id=public_id))


@router.get(
    "/evaluation/evaluations/{public_id}/form.pdf",
    response=ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "The evaluation printed as its form (hangzhou-spec 表A.1), A4 PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def evaluation_form(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """序号, 评价项目, 分项分值, 小项分值, 得分 as the table prints them; a draft is marked so."""
    ev = selectors.evaluation_get(user=actor(request), public_id=public_id)
    response = HttpResponse(printing.render_evaluation_form(ev), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-{str(ev.public_id)[:8]}.pdf"'
    return response


@router.post("/evaluation/evaluations/{public_id}/scores", response={200: EvaluationOut, **ERRORS})
def evaluation_score(request: HttpRequest, public_id: uuid.UUID, payload: ScoresIn) -> Any:
    user = actor(request)
    ev = selectors.evaluation_get(user=user, public_id=public_id)
    errors = Errors()
    scores = inputs.EvaluationScores(
        scores=inputs.int_map(errors, "scores", payload.scores),
        maxima=inputs.int_map(errors, "maxima", payload.maxima),
        decision=payload.decision or "",
        decision_note=payload.decision_note,
        reward_note=payload.reward_note,
        evaluators=payload.evaluators,
    )
    errors.raise_if_any()
    return evaluation_out(services.evaluation_score(actor=user, evaluation=ev, scores=scores))


@router.post(
    "/evaluation/evaluations/{public_id}/sign-off", response={200: EvaluationOut, **ERRORS}
)
def evaluation_sign_off(request: HttpRequest, public_id: uuid.UUID) -> EvaluationOut:
    user = actor(request)
    ev = selectors.evaluation_get(user=user, public_id=public_id)
    return evaluation_out(services.evaluation_sign_off(actor=user, evaluation=ev))


@router.post(
    "/evaluation/evaluations/{public_id}/end-appointment", response={200: EvaluationOut, **ERRORS}
)
def evaluation_end(
    request: HttpRequest, public_id: uuid.UUID, payload: EvaluationEndIn
) -> EvaluationOut:
    """A signed-off dismissal ends the filed appointment (reason 考核不合格) through the
    registry's filing workflow."""
    user = actor(request)
    ev = selectors.evaluation_get(user=user, public_id=public_id)
    services.evaluation_end_appointment(
        actor=user, evaluation=ev, ended_on=payload.ended_on, note=payload.note
    )
    return evaluation_out(selectors.evaluation_get(user=user, public_id=public_id))


@router.get("/evaluation/enterprises/{uscc}/settings", response={200: SettingsOut, **ERRORS})
def settings_get(request: HttpRequest, uscc: Uscc) -> SettingsOut:
    _user, ent = enterprise_of(request, uscc)
    current = getattr(ent, "evaluation_settings", None)
    return SettingsOut(
        pass_mark=current.pass_mark if current else None, bands=current.bands if current else []
    )


@router.put("/evaluation/enterprises/{uscc}/settings", response={200: SettingsOut, **ERRORS})
def settings_put(request: HttpRequest, uscc: Uscc, payload: SettingsIn) -> SettingsOut:
    """The enterprise's pass mark and bands (SPEC §12.6: no default)."""
    user, ent = enterprise_of(request, uscc)
    terms = inputs.SettingsTerms(
        pass_mark=payload.pass_mark,
        bands=tuple(inputs.Band(label=b.label, min=b.min) for b in payload.bands),
    )
    obj = services.settings_update(actor=user, enterprise=ent, terms=terms)
    return SettingsOut(pass_mark=obj.pass_mark, bands=obj.bands)


# Self-assessment ---------------------------------------------------------------------------------


@router.get(
    "/evaluation/enterprises/{uscc}/self-assessments",
    response={200: list[AssessmentItem], **ERRORS},
)
def assessment_list(request: HttpRequest, uscc: Uscc) -> list[AssessmentItem]:
    user, ent = enterprise_of(request, uscc)
    return [
        AssessmentItem(
            id=a.public_id,
            year=a.year,
            status=SelfAssessment.Status(a.status),
            total=a.total,
            max_total=a.max_total,
        )
        for a in selectors.assessment_list(user=user, enterprise=ent)
    ]


@router.post(
    "/evaluation/enterprises/{uscc}/self-assessments", response={201: AssessmentOut, **ERRORS}
)
def assessment_create(request: HttpRequest, uscc: Uscc, payload: SelfAssessmentIn) -> Status:
    """A self-assessment of the CQO system for a year with the pack's indicators
    (shenzhen-guide §6.2). The clerk or the serving CQO."""
    user, ent = enterprise_of(request, uscc)
    terms = inputs.AssessmentTerms(
        year=payload.year,
        assessor_kind=payload.assessor_kind,
        assessor_org=payload.assessor_org,
        assessors=payload.assessors,
    )
    sa = services.assessment_create(actor=user, enterprise=ent, terms=terms)
    return Status(201, assessment_out(sa))


@router.get(
    "/evaluation/enterprises/{uscc}/self-assessments/comparison",
    response={200: ComparisonOut, **ERRORS},
)
def assessment_comparison(request: HttpRequest, uscc: Uscc) -> dict[str, Any]:
    """Year over year: each indicator's result per completed year."""
    _user, ent = enterprise_of(request, uscc)
    return selectors.comparison(ent)


@router.get("/evaluation/self-assessments/{public_id}", response={200: AssessmentOut, **ERRORS})
def assessment_detail(request: HttpRequest, public_id: uuid.UUID) -> AssessmentOut:
    return assessment_out(selectors.assessment_get(user=actor(request), public_id=public_id))


@router.post(
    "/evaluation/self-assessments/{public_id}/results", response={200: AssessmentOut, **ERRORS}
)
def assessment_results(request: HttpRequest, public_id: uuid.UUID, payload: ResultsIn) -> Any:
    user = actor(request)
    sa = selectors.assessment_get(user=user, public_id=public_id)
    errors = Errors()
    results = inputs.AssessmentResults(
        scores=inputs.int_map(errors, "scores", payload.scores),
        levels=inputs.int_map(errors, "levels", payload.levels),
        maxima=inputs.int_map(errors, "maxima", payload.maxima),
        notes=payload.notes,
        findings=payload.findings,
        suggestions=payload.suggestions,
        application=payload.application,
    )
    errors.raise_if_any()
    return assessment_out(services.assessment_score(actor=user, assessment=sa, results=results))


@router.post(
    "/evaluation/self-assessments/{public_id}/complete", response={200: AssessmentOut, **ERRORS}
)
def assessment_complete(request: HttpRequest, public_id: uuid.UUID) -> AssessmentOut:
    user = actor(request)
    sa = selectors.assessment_get(user=user, public_id=public_id)
    return assessment_out(services.assessment_complete(actor=user, assessment=sa))


@router.post("/evaluation/self-assessments/{public_id}/tasks", response={201: TaskOut, **ERRORS})
def task_create(request: HttpRequest, public_id: uuid.UUID, payload: TaskIn) -> Status:
    """改进任务 with owner and due date (shenzhen-guide §6.3), once the assessment is complete."""
    user = actor(request)
    sa = selectors.assessment_get(user=user, public_id=public_id)
    terms = inputs.TaskTerms(
        indicator=payload.indicator,
        title=payload.title,
        target=payload.target,
        department=payload.department,
        owner=payload.owner,
        due_date=payload.due_date,
    )
    task = services.task_create(actor=user, assessment=sa, terms=terms)
    return Status(201, task_out(task))


@router.post("/evaluation/tasks/{public_id}/close", response={200: TaskOut, **ERRORS})
def task_close(request: HttpRequest, public_id: uuid.UUID, payload: CloseIn) -> TaskOut:
    user = actor(request)
    task = selectors.task_get(user=user, public_id=public_id)
    closing = inputs.TaskClosing(evidence=payload.evidence, closed_on=payload.closed_on)
    return task_out(services.task_close(actor=user, task=task, closing=closing))


@router.post("/evaluation/tasks/{public_id}/reopen", response={200: TaskOut, **ERRORS})
def task_reopen(request: HttpRequest, public_id: uuid.UUID, payload: ReopenIn) -> TaskOut:
    user = actor(request)
    task = selectors.task_get(user=user, public_id=public_id)
    return task_out(services.task_reopen(actor=user, task=task, reason=payload.reason))
