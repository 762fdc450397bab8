"""REST API of the enterprise side (SPEC §7): the CQO evaluation, the CQO-system
self-assessment with improvement tasks, and quality cost and loss. Same scope (selectors) and
same writes (services) as the pages. Enterprises are addressed by USCC, records by public id.
Amounts are decimal strings in yuan, exact to the fen."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field, StringConstraints

from cqo.accounts.api import ERRORS
from cqo.evaluation import selectors, services
from cqo.evaluation.models import (
    Category,
    CostAccount,
    CostEntry,
    CostTarget,
    Evaluation,
    ImprovementTask,
    QualityLoss,
    SelfAssessment,
)
from cqo.lib import clock, dates
from cqo.lib.bounds import max_length
from cqo.reference.apitypes import Choices, DecimalText, Uscc, Year
from cqo.registry.api.common import actor, page
from cqo.registry.api.schemas import AuditOut, PageQuery
from cqo.registry.models import Enterprise

EvaluationStatus = Annotated[Evaluation.Status, Choices("EvaluationStatus", Evaluation.Status)]
ImprovementTaskStatus = Annotated[
    ImprovementTask.Status, Choices("ImprovementTaskStatus", ImprovementTask.Status)
]
SelfAssessmentStatus = Annotated[
    SelfAssessment.Status, Choices("SelfAssessmentStatus", SelfAssessment.Status)
]

# an amount of money in yuan, to the fen (shenzhen-guide §5.7)
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2), DecimalText(16, 2)]
router = Router(tags=["evaluation"])

USCC = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
# An item or indicator code of the pack's form ("1.2", "4.3.1", "a") and a score as typed; a form
# holds a few dozen items (policy/schema.py), so a map of more than FORM_ITEMS is not one.
Code = Annotated[str, StringConstraints(max_length=24)]
Score = int | Annotated[str, StringConstraints(max_length=16)]
FORM_ITEMS = 200
Note = Annotated[str, StringConstraints(max_length=services.INDICATOR_NOTE_MAX)]
PlanText = Annotated[str, StringConstraints(max_length=services.TEXT_MAX)]


# Schemas -----------------------------------------------------------------------------------------


class EvaluationEnterpriseFilters(PageQuery):
    q: str = Field("", max_length=50, description="name contains, or the exact USCC")


class EvaluationEnterpriseItem(Schema):
    uscc: str
    name: str
    region: str


class EvaluationEnterprisePage(Schema):
    count: int
    items: list[EvaluationEnterpriseItem]


class EvaluationIn(Schema):
    appointment: uuid.UUID = Field(description="the filed (or ended) appointment's public id")
    year: int = Field(ge=2000, le=2100, description="the year of the period")
    part: int = Field(1, ge=1, le=4, description="1 for a year; 1–2 half-year; 1–4 quarter")


class ScoresIn(Schema):
    scores: dict[Code, Score] = Field(
        default_factory=dict,
        max_length=FORM_ITEMS,
        description="item code → integer 0…max (SPEC §12.6)",
    )
    maxima: dict[Code, Score] = Field(
        default_factory=dict,
        max_length=FORM_ITEMS,
        description="contents form only: item code → points 1…100",
    )
    decision: Evaluation.Decision | None = Field(
        None, description="renew, improve, dismiss, reward"
    )
    decision_note: str = Field("", max_length=max_length(Evaluation, "decision_note"))
    reward_note: str = Field("", max_length=max_length(Evaluation, "reward_note"))
    evaluators: str = Field(
        "",
        max_length=max_length(Evaluation, "evaluators"),
        description="评价人",
    )


class EvaluationEndIn(Schema):
    ended_on: dates.EventDate
    note: str = Field("", max_length=services.TEXT_MAX)


class EvaluationItemOut(Schema):
    code: str
    label: str
    max: int | None
    section: bool
    score: int | None
    confirmed: bool = False
    prefill: dict[str, Any] | None


class EvaluationOut(Schema):
    id: uuid.UUID
    enterprise: str
    appointment: uuid.UUID
    person_name: str
    period_start: dt.date
    period_end: dt.date
    form_kind: Evaluation.FormKind
    form_label: str
    form_clause: str
    reference: bool
    items: list[EvaluationItemOut]
    total: int | None
    max_total: int
    band: str
    passed: bool | None
    decision: str
    decision_note: str
    reward_note: str
    evaluators: str
    status: EvaluationStatus
    signed_off_at: dt.datetime | None
    appointment_status: str
    audit: list[AuditOut]


class BandIn(Schema):
    label: str = Field(min_length=1, max_length=max_length(Evaluation, "band"))
    min: int = Field(ge=0, le=1000)


class SettingsIn(Schema):
    pass_mark: int | None = Field(None, ge=0, le=1000)
    bands: list[BandIn] = Field(default_factory=list, max_length=20)


class SettingsOut(Schema):
    pass_mark: int | None
    bands: list[dict[str, Any]]


class SelfAssessmentIn(Schema):
    year: int = Field(ge=2000, le=2100)
    assessor_kind: SelfAssessment.AssessorKind = SelfAssessment.AssessorKind.INTERNAL
    assessor_org: str = Field(
        "",
        max_length=max_length(SelfAssessment, "assessor_org"),
        description="评价机构 (third party)",
    )
    assessors: str = Field(
        max_length=max_length(SelfAssessment, "assessors"),
        description="评估专家",
    )


class ResultsIn(Schema):
    scores: dict[Code, Score] = Field(
        default_factory=dict, max_length=FORM_ITEMS, description="code → 0…max"
    )
    levels: dict[Code, Score] = Field(
        default_factory=dict,
        max_length=FORM_ITEMS,
        description="code → index of the descriptive level, lowest 0",
    )
    notes: dict[Code, Note] = Field(default_factory=dict, max_length=FORM_ITEMS)
    maxima: dict[Code, Score] = Field(
        default_factory=dict, max_length=FORM_ITEMS, description="code → own points"
    )
    findings: str = Field("", max_length=max_length(SelfAssessment, "findings"))
    suggestions: str = Field("", max_length=max_length(SelfAssessment, "suggestions"))
    application: str = Field("", max_length=max_length(SelfAssessment, "application"))


class TaskIn(Schema):
    indicator: str = Field("", max_length=max_length(ImprovementTask, "indicator"))
    title: str = Field(max_length=max_length(ImprovementTask, "title"))
    target: str = Field("", max_length=max_length(ImprovementTask, "target"))
    department: str = Field(max_length=max_length(ImprovementTask, "department"))
    owner: str = Field(max_length=max_length(ImprovementTask, "owner"))
    due_date: dates.TermDate


class CloseIn(Schema):
    evidence: str = Field(max_length=max_length(ImprovementTask, "evidence"))
    closed_on: dates.EventDate | None = None


class ReopenIn(Schema):
    reason: str = Field(max_length=services.TEXT_MAX)


class TaskOut(Schema):
    id: uuid.UUID
    assessment: uuid.UUID
    indicator: str
    title: str
    target: str
    department: str
    owner: str
    due_date: dt.date
    status: ImprovementTaskStatus
    evidence: str
    closed_on: dt.date | None


class AssessmentOut(Schema):
    id: uuid.UUID
    enterprise: str
    year: int
    assessor_kind: SelfAssessment.AssessorKind
    assessor_org: str
    assessors: str
    form_label: str
    form_clause: str
    reference: bool
    indicators: list[dict[str, Any]]
    total: int | None
    max_total: int
    findings: str
    suggestions: str
    application: str
    status: SelfAssessmentStatus
    tasks: list[TaskOut]


class AssessmentItem(Schema):
    id: uuid.UUID
    year: int
    status: SelfAssessmentStatus
    total: int | None
    max_total: int


class ComparisonOut(Schema):
    years: list[int]
    rows: list[list[Any]]
    totals: list[dict[str, Any]]
    open_tasks: dict[int, int]


class AccountIn(Schema):
    category: Category
    name: str = Field(max_length=max_length(CostAccount, "name"))
    department: str = Field("", max_length=max_length(CostAccount, "department"))


class CostAccountOut(Schema):
    id: uuid.UUID
    category: Category
    name: str
    department: str


class CostIn(Schema):
    account: str = Field(
        max_length=max_length(CostAccount, "name"),
        description="the account's public id or its name",
    )
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    amount: Money
    note: str = Field("", max_length=max_length(CostEntry, "note"))


class CostOut(Schema):
    id: uuid.UUID
    account: uuid.UUID
    account_name: str
    category: Category
    year: int
    quarter: int
    amount: Decimal
    note: str


class CostFilters(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100)
    category: Category | None = None


class CostPage(Schema):
    count: int
    items: list[CostOut]


class RevenueIn(Schema):
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    amount: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=2), DecimalText(18, 2)]


class RevenueOut(Schema):
    year: int
    quarter: int
    amount: Decimal


class CostTargetIn(Schema):
    year: int = Field(ge=2000, le=2100)
    category: Category | None = Field(None, description="null: the total quality cost")
    amount_max: Money | None = None
    share_max: (
        Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=2), DecimalText(6, 2)]
        | None
    ) = None
    note: str = Field("", max_length=max_length(CostTarget, "note"))


class QualityCostPeriodOut(Schema):
    period: str
    by_category: dict[str, Decimal]
    category_share: dict[str, Decimal | None]
    total: Decimal
    revenue: Decimal | None
    revenue_share: Decimal | None = Field(description="quality cost as % of revenue")
    failure_to_conformance: Decimal | None


class CostTargetSetOut(Schema):
    """A target as set (CostTargetIn read back)."""

    year: int
    category: Category | None
    amount_max: Decimal | None
    share_max: Decimal | None
    note: str


class CostTargetOut(Schema):
    year: int
    category: str
    amount_max: Decimal | None
    share_max: Decimal | None
    amount: Decimal
    share: Decimal | None
    met: bool | None


class QualityOut(Schema):
    quarters: list[QualityCostPeriodOut]
    years: list[QualityCostPeriodOut]
    targets: list[CostTargetOut]
    losses: dict[int, dict[str, Decimal]]
    loss_kinds: list[dict[str, str]]


class LossIn(Schema):
    occurred_on: dates.AccountsDate
    kind: str = Field(
        max_length=max_length(QualityLoss, "kind"),
        description="a shenzhen-guide §5.7.3.2 kind code",
    )
    effect: QualityLoss.Effect
    amount: Money
    description: str = Field("", max_length=max_length(QualityLoss, "description"))


class LossOut(Schema):
    id: uuid.UUID
    occurred_on: dt.date
    kind: str
    kind_label: str
    effect: QualityLoss.Effect
    amount: Decimal
    description: str


class LossFilters(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100)
    kind: str = Field("", max_length=max_length(QualityLoss, "kind"))
    effect: QualityLoss.Effect | None = None


class LossPage(Schema):
    count: int
    items: list[LossOut]


class CostPlanIn(Schema):
    items: dict[Code, PlanText] = Field(
        default_factory=dict,
        max_length=FORM_ITEMS,
        description="a…g (shenzhen-guide §5.7.2.2) → the year's record",
    )


class PlanItemOut(Schema):
    letter: str
    label: str
    text: str


class CostPlanOut(Schema):
    year: int
    clause: str
    items: list[PlanItemOut]


class ImportOut(Schema):
    imported: int


# Building responses ------------------------------------------------------------------------------


def _audit(kind: str, public_id: Any) -> list[AuditOut]:
    return [
        AuditOut(at=e.at, actor=e.actor_name, action=e.action, changes=e.changes, note=e.note)
        for e in selectors.trail(kind, public_id)
    ]


def _evaluation_out(ev: Evaluation) -> EvaluationOut:
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
        audit=_audit(selectors.EVALUATION, ev.public_id),
    )


def _task_out(t: ImprovementTask) -> TaskOut:
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


def _assessment_out(sa: SelfAssessment) -> AssessmentOut:
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
        tasks=[_task_out(t) for t in sa.tasks.all()],
    )


def _cost_out(e: CostEntry) -> CostOut:
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


def _loss_out(x: QualityLoss) -> LossOut:
    return LossOut(
        id=x.public_id,
        occurred_on=x.occurred_on,
        kind=x.kind,
        kind_label=x.kind_label,
        effect=QualityLoss.Effect(x.effect),
        amount=x.amount,
        description=x.description,
    )


def _period_out(p: Any) -> QualityCostPeriodOut:
    return QualityCostPeriodOut(
        period=p.label,
        by_category=p.by_category,
        category_share={c: p.category_share(c) for c in p.by_category},
        total=p.total,
        revenue=p.revenue,
        revenue_share=p.revenue_share,
        failure_to_conformance=p.failure_to_conformance,
    )


def _ent(request: HttpRequest, uscc: str) -> tuple[Any, Enterprise]:
    user = actor(request)
    return user, selectors.enterprise_get(user=user, uscc=uscc)


def _plain(payload: Schema) -> dict[str, Any]:
    return {k: ("" if v is None else v) for k, v in payload.model_dump(mode="json").items()}


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
    user, ent = _ent(request, uscc)
    return [_evaluation_out(ev) for ev in selectors.evaluation_list(user=user, enterprise=ent)]


@router.post("/evaluation/enterprises/{uscc}/evaluations", response={201: EvaluationOut, **ERRORS})
def evaluation_create(request: HttpRequest, uscc: Uscc, payload: EvaluationIn) -> Status:
    """A draft evaluation with the pack's form; the items the platform knows are pre-filled as
    suggestions to confirm (hangzhou-spec 附录A, SPEC §7). The enterprise's clerk only."""
    user, ent = _ent(request, uscc)
    ev = services.evaluation_create(actor=user, enterprise=ent, data=_plain(payload))
    return Status(201, _evaluation_out(ev))


@router.get("/evaluation/evaluations/{public_id}", response={200: EvaluationOut, **ERRORS})
def evaluation_detail(request: HttpRequest, public_id: uuid.UUID) -> EvaluationOut:
    return _evaluation_out(selectors.evaluation_get(user=actor(request), public_id=public_id))


@router.post("/evaluation/evaluations/{public_id}/scores", response={200: EvaluationOut, **ERRORS})
def evaluation_score(request: HttpRequest, public_id: uuid.UUID, payload: ScoresIn) -> Any:
    user = actor(request)
    ev = selectors.evaluation_get(user=user, public_id=public_id)
    data = payload.model_dump(mode="json")
    data["decision"] = data["decision"] or ""
    ev = services.evaluation_score(actor=user, evaluation=ev, data=data)
    return _evaluation_out(ev)


@router.post(
    "/evaluation/evaluations/{public_id}/sign-off", response={200: EvaluationOut, **ERRORS}
)
def evaluation_sign_off(request: HttpRequest, public_id: uuid.UUID) -> EvaluationOut:
    user = actor(request)
    ev = selectors.evaluation_get(user=user, public_id=public_id)
    return _evaluation_out(services.evaluation_sign_off(actor=user, evaluation=ev))


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
    return _evaluation_out(selectors.evaluation_get(user=user, public_id=public_id))


@router.get("/evaluation/enterprises/{uscc}/settings", response={200: SettingsOut, **ERRORS})
def settings_get(request: HttpRequest, uscc: Uscc) -> SettingsOut:
    _user, ent = _ent(request, uscc)
    current = getattr(ent, "evaluation_settings", None)
    return SettingsOut(
        pass_mark=current.pass_mark if current else None, bands=current.bands if current else []
    )


@router.put("/evaluation/enterprises/{uscc}/settings", response={200: SettingsOut, **ERRORS})
def settings_put(request: HttpRequest, uscc: Uscc, payload: SettingsIn) -> SettingsOut:
    """The enterprise's pass mark and bands (SPEC §12.6: no default)."""
    user, ent = _ent(request, uscc)
    data = {
        "pass_mark": "" if payload.pass_mark is None else str(payload.pass_mark),
        "bands": [b.model_dump() for b in payload.bands],
    }
    obj = services.settings_update(actor=user, enterprise=ent, data=data)
    return SettingsOut(pass_mark=obj.pass_mark, bands=obj.bands)


# Self-assessment ---------------------------------------------------------------------------------


@router.get(
    "/evaluation/enterprises/{uscc}/self-assessments",
    response={200: list[AssessmentItem], **ERRORS},
)
def assessment_list(request: HttpRequest, uscc: Uscc) -> list[AssessmentItem]:
    user, ent = _ent(request, uscc)
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
    user, ent = _ent(request, uscc)
    sa = services.assessment_create(actor=user, enterprise=ent, data=_plain(payload))
    return Status(201, _assessment_out(sa))


@router.get(
    "/evaluation/enterprises/{uscc}/self-assessments/comparison",
    response={200: ComparisonOut, **ERRORS},
)
def assessment_comparison(request: HttpRequest, uscc: Uscc) -> dict[str, Any]:
    """Year over year: each indicator's result per completed year."""
    _user, ent = _ent(request, uscc)
    return selectors.comparison(ent)


@router.get("/evaluation/self-assessments/{public_id}", response={200: AssessmentOut, **ERRORS})
def assessment_detail(request: HttpRequest, public_id: uuid.UUID) -> AssessmentOut:
    return _assessment_out(selectors.assessment_get(user=actor(request), public_id=public_id))


@router.post(
    "/evaluation/self-assessments/{public_id}/results", response={200: AssessmentOut, **ERRORS}
)
def assessment_results(request: HttpRequest, public_id: uuid.UUID, payload: ResultsIn) -> Any:
    user = actor(request)
    sa = selectors.assessment_get(user=user, public_id=public_id)
    data = payload.model_dump(mode="json")
    return _assessment_out(services.assessment_score(actor=user, assessment=sa, data=data))


@router.post(
    "/evaluation/self-assessments/{public_id}/complete", response={200: AssessmentOut, **ERRORS}
)
def assessment_complete(request: HttpRequest, public_id: uuid.UUID) -> AssessmentOut:
    user = actor(request)
    sa = selectors.assessment_get(user=user, public_id=public_id)
    return _assessment_out(services.assessment_complete(actor=user, assessment=sa))


@router.post("/evaluation/self-assessments/{public_id}/tasks", response={201: TaskOut, **ERRORS})
def task_create(request: HttpRequest, public_id: uuid.UUID, payload: TaskIn) -> Status:
    """改进任务 with owner and due date (shenzhen-guide §6.3), once the assessment is complete."""
    user = actor(request)
    sa = selectors.assessment_get(user=user, public_id=public_id)
    task = services.task_create(actor=user, assessment=sa, data=_plain(payload))
    return Status(201, _task_out(task))


@router.post("/evaluation/tasks/{public_id}/close", response={200: TaskOut, **ERRORS})
def task_close(request: HttpRequest, public_id: uuid.UUID, payload: CloseIn) -> TaskOut:
    user = actor(request)
    task = selectors.task_get(user=user, public_id=public_id)
    data = {"evidence": payload.evidence, "closed_on": payload.closed_on or clock.today()}
    return _task_out(services.task_close(actor=user, task=task, data=data))


@router.post("/evaluation/tasks/{public_id}/reopen", response={200: TaskOut, **ERRORS})
def task_reopen(request: HttpRequest, public_id: uuid.UUID, payload: ReopenIn) -> TaskOut:
    user = actor(request)
    task = selectors.task_get(user=user, public_id=public_id)
    return _task_out(services.task_reopen(actor=user, task=task, reason=payload.reason))


# Quality economics -------------------------------------------------------------------------------


@router.get("/evaluation/enterprises/{uscc}/quality", response={200: QualityOut, **ERRORS})
def quality_summary(request: HttpRequest, uscc: Uscc) -> QualityOut:
    """Cost by category per quarter and year, the category ratios, cost as a share of revenue,
    the failure-to-conformance ratio, targets (§5.7.2.2 b) and losses per year (§5.7.3)."""
    _user, ent = _ent(request, uscc)
    s = selectors.cost_summary(ent)
    src = selectors.economics(ent, clock.today())
    return QualityOut(
        quarters=[_period_out(p) for p in s["quarters"]],
        years=[_period_out(p) for p in s["years"]],
        targets=[
            CostTargetOut(
                year=t.year,
                category=t.category,
                amount_max=t.amount_max,
                share_max=t.share_max,
                amount=t.amount,
                share=t.share,
                met=t.met,
            )
            for t in s["checks"]
        ],
        losses=s["losses"],
        loss_kinds=[
            {"code": k.code, "label": k.label, "clause": k.clause} for k in src.section.loss_kinds
        ]
        if src
        else [],
    )


@router.get(
    "/evaluation/enterprises/{uscc}/cost-accounts", response={200: list[CostAccountOut], **ERRORS}
)
def account_list(request: HttpRequest, uscc: Uscc) -> list[CostAccountOut]:
    _user, ent = _ent(request, uscc)
    return [
        CostAccountOut(
            id=a.public_id, category=Category(a.category), name=a.name, department=a.department
        )
        for a in selectors.accounts(ent)
    ]


@router.post(
    "/evaluation/enterprises/{uscc}/cost-accounts", response={201: CostAccountOut, **ERRORS}
)
def account_create(request: HttpRequest, uscc: Uscc, payload: AccountIn) -> Status:
    user, ent = _ent(request, uscc)
    a = services.account_create(actor=user, enterprise=ent, data=_plain(payload))
    return Status(
        201,
        CostAccountOut(
            id=a.public_id, category=Category(a.category), name=a.name, department=a.department
        ),
    )


@router.get("/evaluation/enterprises/{uscc}/costs", response={200: CostPage, **ERRORS})
def cost_list(request: HttpRequest, uscc: Uscc, filters: Query[CostFilters]) -> dict[str, Any]:
    _user, ent = _ent(request, uscc)
    qs = selectors.cost_entries(ent, year=filters.year, category=filters.category or "")
    count, items = page(qs, filters)
    return {"count": count, "items": [_cost_out(e) for e in items]}


@router.post("/evaluation/enterprises/{uscc}/costs", response={200: CostOut, **ERRORS})
def cost_set(request: HttpRequest, uscc: Uscc, payload: CostIn) -> CostOut:
    """The amount of an account in a quarter; a second call for the same quarter replaces it."""
    user, ent = _ent(request, uscc)
    return _cost_out(services.cost_set(actor=user, enterprise=ent, data=_plain(payload)))


@router.post("/evaluation/enterprises/{uscc}/revenue", response={200: RevenueOut, **ERRORS})
def revenue_set(request: HttpRequest, uscc: Uscc, payload: RevenueIn) -> RevenueOut:
    user, ent = _ent(request, uscc)
    row = services.revenue_set(actor=user, enterprise=ent, data=_plain(payload))
    return RevenueOut(year=row.year, quarter=row.quarter, amount=row.amount)


@router.post("/evaluation/enterprises/{uscc}/targets", response={200: CostTargetSetOut, **ERRORS})
def target_set(request: HttpRequest, uscc: Uscc, payload: CostTargetIn) -> CostTargetSetOut:
    """质量成本目标 (shenzhen-guide §5.7.2.2 b): an amount and/or revenue-share ceiling."""
    user, ent = _ent(request, uscc)
    t = services.target_set(actor=user, enterprise=ent, data=_plain(payload))
    return CostTargetSetOut(
        year=t.year,
        category=Category(t.category) if t.category else None,
        amount_max=t.amount_max,
        share_max=t.share_max,
        note=t.note,
    )


def _plan_out(ent: Enterprise, year: int) -> CostPlanOut:
    src = selectors.economics(ent, clock.today())
    management = src.section.management if src else None
    plan = selectors.cost_plan(ent, year)
    texts = {i["label"]: i["text"] for i in plan.items} if plan else {}
    labels = management.items if management else []
    return CostPlanOut(
        year=year,
        clause=plan.clause if plan else (management.clause if management else ""),
        items=[
            PlanItemOut(letter=chr(ord("a") + n), label=label, text=texts.get(label, ""))
            for n, label in enumerate(labels)
        ],
    )


@router.get(
    "/evaluation/enterprises/{uscc}/cost-plans/{year}", response={200: CostPlanOut, **ERRORS}
)
def plan_get(request: HttpRequest, uscc: Uscc, year: Year) -> CostPlanOut:
    """The year's quality-cost management record against §5.7.2.2 a–g."""
    _user, ent = _ent(request, uscc)
    if not 2000 <= year <= 2100:
        raise selectors.Http404
    return _plan_out(ent, year)


@router.put(
    "/evaluation/enterprises/{uscc}/cost-plans/{year}", response={200: CostPlanOut, **ERRORS}
)
def plan_put(request: HttpRequest, uscc: Uscc, year: Year, payload: CostPlanIn) -> CostPlanOut:
    user, ent = _ent(request, uscc)
    plan = services.plan_set(
        actor=user, enterprise=ent, data={"year": str(year), "items": payload.items}
    )
    return _plan_out(ent, plan.year)


@router.post("/evaluation/enterprises/{uscc}/costs/import", response={200: ImportOut, **ERRORS})
def cost_import(request: HttpRequest, uscc: Uscc, file: File[UploadedFile]) -> ImportOut:
    """xlsx with columns 年度, 季度, 成本类别, 科目, 金额（元）, 备注: all rows or none."""
    user, ent = _ent(request, uscc)
    n = services.costs_import(actor=user, enterprise=ent, content=file.read(5 * 1024 * 1024))
    return ImportOut(imported=n)


@router.get("/evaluation/enterprises/{uscc}/losses", response={200: LossPage, **ERRORS})
def loss_list(request: HttpRequest, uscc: Uscc, filters: Query[LossFilters]) -> dict[str, Any]:
    _user, ent = _ent(request, uscc)
    qs = selectors.losses(ent, year=filters.year, kind=filters.kind, effect=filters.effect or "")
    count, items = page(qs, filters)
    return {"count": count, "items": [_loss_out(x) for x in items]}


@router.post("/evaluation/enterprises/{uscc}/losses", response={201: LossOut, **ERRORS})
def loss_create(request: HttpRequest, uscc: Uscc, payload: LossIn) -> Status:
    """A quality loss of a shenzhen-guide §5.7.3.2 kind, direct or indirect."""
    user, ent = _ent(request, uscc)
    loss = services.loss_create(actor=user, enterprise=ent, data=_plain(payload))
    return Status(201, _loss_out(loss))


@router.post("/evaluation/enterprises/{uscc}/losses/import", response={200: ImportOut, **ERRORS})
def loss_import(request: HttpRequest, uscc: Uscc, file: File[UploadedFile]) -> ImportOut:
    """xlsx with columns 发生日期, 损失类别, 直接/间接, 金额（元）, 说明: all rows or none."""
    user, ent = _ent(request, uscc)
    n = services.losses_import(actor=user, enterprise=ent, content=file.read(5 * 1024 * 1024))
    return ImportOut(imported=n)


@router.delete("/evaluation/enterprises/{uscc}/losses/{public_id}", response={204: None, **ERRORS})
def loss_delete(request: HttpRequest, uscc: Uscc, public_id: uuid.UUID) -> Status:
    user, ent = _ent(request, uscc)
    loss = selectors.losses(ent).filter(public_id=public_id).first()
    if loss is None:
        raise selectors.Http404
    services.loss_delete(actor=user, loss=loss)
    return Status(204, None)
