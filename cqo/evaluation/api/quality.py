"""The API of quality economics (shenzhen-guide §5.7): cost accounts, entries, revenue, targets,
the year's cost-management record, losses, and their xlsx import. Amounts are decimal strings in
yuan, exact to the fen."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Query, Router, Status, UploadedFile

from cqo.accounts.api import ERRORS
from cqo.evaluation import inputs, selectors, services
from cqo.evaluation.api.common import cost_out, enterprise_of, loss_out, period_out
from cqo.evaluation.api.schemas import (
    AccountIn,
    CostAccountOut,
    CostFilters,
    CostIn,
    CostOut,
    CostPage,
    CostPlanIn,
    CostPlanOut,
    CostTargetIn,
    CostTargetOut,
    CostTargetSetOut,
    ImportOut,
    LossFilters,
    LossIn,
    LossOut,
    LossPage,
    PlanItemOut,
    QualityOut,
    RevenueIn,
    RevenueOut,
)
from cqo.evaluation.models import Category
from cqo.lib import clock
from cqo.reference.apitypes import Uscc, Year
from cqo.registry.api.common import page
from cqo.registry.models import Enterprise

router = Router()


@router.get("/evaluation/enterprises/{uscc}/quality", response={200: QualityOut, **ERRORS})
def quality_summary(request: HttpRequest, uscc: Uscc) -> QualityOut:
    """Cost by category per quarter and year, the category ratios, cost as a share of revenue,
    the failure-to-conformance ratio, targets (§5.7.2.2 b) and losses per year (§5.7.3)."""
    _user, ent = enterprise_of(request, uscc)
    s = selectors.cost_summary(ent)
    src = selectors.economics(ent, clock.today())
    return QualityOut(
        quarters=[period_out(p) for p in s["quarters"]],
        years=[period_out(p) for p in s["years"]],
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
    _user, ent = enterprise_of(request, uscc)
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
    user, ent = enterprise_of(request, uscc)
    terms = inputs.AccountTerms(
        category=payload.category, name=payload.name, department=payload.department
    )
    a = services.account_create(actor=user, enterprise=ent, terms=terms)
    return Status(
        201,
        CostAccountOut(
            id=a.public_id, category=Category(a.category), name=a.name, department=a.department
        ),
    )


@router.get("/evaluation/enterprises/{uscc}/costs", response={200: CostPage, **ERRORS})
def cost_list(request: HttpRequest, uscc: Uscc, filters: Query[CostFilters]) -> dict[str, Any]:
    _user, ent = enterprise_of(request, uscc)
    qs = selectors.cost_entries(ent, year=filters.year, category=filters.category or "")
    count, items = page(qs, filters)
    return {"count": count, "items": [cost_out(e) for e in items]}


@router.post("/evaluation/enterprises/{uscc}/costs", response={200: CostOut, **ERRORS})
def cost_set(request: HttpRequest, uscc: Uscc, payload: CostIn) -> CostOut:
    """The amount of an account in a quarter; a second call for the same quarter replaces it."""
    user, ent = enterprise_of(request, uscc)
    terms = inputs.CostTerms(
        account=selectors.cost_account_find(ent, payload.account.strip()),
        year=payload.year,
        quarter=payload.quarter,
        amount=payload.amount,
        note=payload.note,
    )
    return cost_out(services.cost_set(actor=user, enterprise=ent, terms=terms))


@router.post("/evaluation/enterprises/{uscc}/revenue", response={200: RevenueOut, **ERRORS})
def revenue_set(request: HttpRequest, uscc: Uscc, payload: RevenueIn) -> RevenueOut:
    user, ent = enterprise_of(request, uscc)
    terms = inputs.RevenueTerms(year=payload.year, quarter=payload.quarter, amount=payload.amount)
    row = services.revenue_set(actor=user, enterprise=ent, terms=terms)
    return RevenueOut(year=row.year, quarter=row.quarter, amount=row.amount)


@router.post("/evaluation/enterprises/{uscc}/targets", response={200: CostTargetSetOut, **ERRORS})
def target_set(request: HttpRequest, uscc: Uscc, payload: CostTargetIn) -> CostTargetSetOut:
    """质量成本目标 (shenzhen-guide §5.7.2.2 b): an amount and/or revenue-share ceiling."""
    user, ent = enterprise_of(request, uscc)
    terms = inputs.TargetTerms(
        year=payload.year,
        category=payload.category or "",
        amount_max=payload.amount_max,
        share_max=payload.share_max,
        note=payload.note,
    )
    t = services.target_set(actor=user, enterprise=ent, terms=terms)
    return CostTargetSetOut(
        year=t.year,
        category=Category(t.category) if t.category else None,
        amount_max=t.amount_max,
        share_max=t.share_max,
        note=t.note,
    )


def _plan_out(ent: Enterprise, year: int) -> CostPlanOut:
    clause, rows = selectors.plan_rows(ent, year)
    items = [PlanItemOut(letter=letter, label=label, text=text) for letter, label, text in rows]
    return CostPlanOut(year=year, clause=clause, items=items)


@router.get(
    "/evaluation/enterprises/{uscc}/cost-plans/{year}", response={200: CostPlanOut, **ERRORS}
)
def plan_get(request: HttpRequest, uscc: Uscc, year: Year) -> CostPlanOut:
    """The year's quality-cost management record against §5.7.2.2 a–g."""
    _user, ent = enterprise_of(request, uscc)
    if not 2000 <= year <= 2100:
        raise Http404
    return _plan_out(ent, year)


@router.put(
    "/evaluation/enterprises/{uscc}/cost-plans/{year}", response={200: CostPlanOut, **ERRORS}
)
def plan_put(request: HttpRequest, uscc: Uscc, year: Year, payload: CostPlanIn) -> CostPlanOut:
    user, ent = enterprise_of(request, uscc)
    terms = inputs.PlanTerms(year=year, items=payload.items)
    plan = services.plan_set(actor=user, enterprise=ent, terms=terms)
    return _plan_out(ent, plan.year)


@router.post("/evaluation/enterprises/{uscc}/costs/import", response={200: ImportOut, **ERRORS})
def cost_import(request: HttpRequest, uscc: Uscc, file: File[UploadedFile]) -> ImportOut:
    """xlsx with columns 年度, 季度, 成本类别, 科目, 金额（元）, 备注: all rows or none."""
    user, ent = enterprise_of(request, uscc)
    n = services.costs_import(actor=user, enterprise=ent, content=file.read(5 * 1024 * 1024))
    return ImportOut(imported=n)


@router.get("/evaluation/enterprises/{uscc}/losses", response={200: LossPage, **ERRORS})
def loss_list(request: HttpRequest, uscc: Uscc, filters: Query[LossFilters]) -> dict[str, Any]:
    _user, ent = enterprise_of(request, uscc)
    qs = selectors.losses(ent, year=filters.year, kind=filters.kind, effect=filters.effect or "")
    count, items = page(qs, filters)
    return {"count": count, "items": [loss_out(x) for x in items]}


@router.post("/evaluation/enterprises/{uscc}/losses", response={201: LossOut, **ERRORS})
def loss_create(request: HttpRequest, uscc: Uscc, payload: LossIn) -> Status:
    """A quality loss of a shenzhen-guide §5.7.3.2 kind, direct or indirect."""
    user, ent = enterprise_of(request, uscc)
    terms = inputs.LossTerms(
        occurred_on=payload.occurred_on,
        kind=payload.kind,
        effect=payload.effect,
        amount=payload.amount,
        description=payload.description,
    )
    loss = services.loss_create(actor=user, enterprise=ent, terms=terms)
    return Status(201, loss_out(loss))


@router.post("/evaluation/enterprises/{uscc}/losses/import", response={200: ImportOut, **ERRORS})
def loss_import(request: HttpRequest, uscc: Uscc, file: File[UploadedFile]) -> ImportOut:
    """xlsx with columns 发生日期, 损失类别, 直接/间接, 金额（元）, 说明: all rows or none."""
    user, ent = enterprise_of(request, uscc)
    n = services.losses_import(actor=user, enterprise=ent, content=file.read(5 * 1024 * 1024))
    return ImportOut(imported=n)


@router.delete("/evaluation/enterprises/{uscc}/losses/{public_id}", response={204: None, **ERRORS})
def loss_delete(request: HttpRequest, uscc: Uscc, public_id: uuid.UUID) -> Status:
    user, ent = enterprise_of(request, uscc)
    loss = selectors.losses(ent).filter(public_id=public_id).first()
    if loss is None:
        raise Http404
    services.loss_delete(actor=user, loss=loss)
    return Status(204, None)
