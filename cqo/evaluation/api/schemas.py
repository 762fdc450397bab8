"""The schemas of the enterprise side's API: the wire format only; the rules live in the
services."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

from cqo.evaluation.inputs import INDICATOR_NOTE_MAX, TEXT_MAX
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
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.reference.apitypes import Choices, DecimalText
from cqo.registry.api.schemas import AuditOut, PageQuery

# The decisions the documents name (models.DECISIONS); "improve" is historic, never accepted.
Decision = Literal["renew", "dismiss", "reward", "reassign"]

EvaluationStatus = Annotated[Evaluation.Status, Choices("EvaluationStatus", Evaluation.Status)]
ImprovementTaskStatus = Annotated[
    ImprovementTask.Status, Choices("ImprovementTaskStatus", ImprovementTask.Status)
]
SelfAssessmentStatus = Annotated[
    SelfAssessment.Status, Choices("SelfAssessmentStatus", SelfAssessment.Status)
]

# an amount of money in yuan, to the fen (shenzhen-guide §5.7)
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2), DecimalText(16, 2)]

# An item or indicator code of the pack's form ("1.2", "4.3.1", "a") and a score as typed; a form
# holds a few dozen items (cqo/policy/schema/), so a map of more than FORM_ITEMS is not one.
Code = Annotated[str, StringConstraints(max_length=24)]
Score = int | Annotated[str, StringConstraints(max_length=16)]
FORM_ITEMS = 200
Note = Annotated[str, StringConstraints(max_length=INDICATOR_NOTE_MAX)]
PlanText = Annotated[str, StringConstraints(max_length=TEXT_MAX)]


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
    decision: Decision | None = Field(
        None,
        description="renew 续聘, dismiss 解聘, reward 奖惩, reassign 调整岗位 "
        "(hangzhou-spec 考核与评价)",
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
    note: str = Field("", max_length=TEXT_MAX)


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
    reason: str = Field(max_length=TEXT_MAX)


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
