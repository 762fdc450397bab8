"""Typed inputs of quality economics (shenzhen-guide §5.7), their checks and their parsers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from cqo.evaluation import selectors
from cqo.evaluation.inputs.common import (
    PLAN_AHEAD,
    Input,
    bounded,
    category_code,
    check_category,
    check_date,
    check_money,
    check_quarter,
    check_year,
    need,
    parse_date,
    parse_int,
    parse_money,
)
from cqo.evaluation.models import CostAccount, CostEntry, CostTarget, QualityLoss
from cqo.lib import clock
from cqo.lib.errors import Data, Errors, text
from cqo.registry.models import Enterprise


@dataclass(frozen=True, kw_only=True)
class AccountTerms(Input):
    """设置质量成本科目 (§5.7.2.2 c)."""

    category: str
    name: str
    department: str = ""


def read_account(errors: Errors, data: Data) -> AccountTerms:
    return AccountTerms(
        category=category_code(text(data, "category")),
        name=text(data, "name"),
        department=text(data, "department"),
    )


@dataclass(frozen=True, kw_only=True)
class CostTerms(Input):
    """The amount of an account (None: none of the enterprise's) in a quarter."""

    account: CostAccount | None
    year: int | None
    quarter: int | None
    amount: Decimal | None
    note: str = ""


def check_cost(errors: Errors, terms: CostTerms, enterprise: Enterprise) -> None:
    if terms.account is None or terms.account.enterprise_id != enterprise.pk:
        errors.add("account", _("请选择本企业的质量成本科目"))
    year = check_year(errors, "year", terms.year)
    check_quarter(errors, year, terms.quarter)
    if terms.amount is None:
        need(errors, "amount", _("应为金额（元），最多两位小数"))
    check_money(errors, "amount", terms.amount)
    bounded(errors, "note", terms.note, CostEntry)


def read_cost(errors: Errors, data: Data, enterprise: Enterprise) -> CostTerms:
    """From the page or a test: the account by its public id or its name."""
    terms = CostTerms(
        account=selectors.cost_account_find(enterprise, text(data, "account")),
        year=parse_int(errors, "year", text(data, "year")),
        quarter=parse_int(errors, "quarter", text(data, "quarter")),
        amount=parse_money(errors, "amount", text(data, "amount")),
        note=text(data, "note"),
    )
    check_cost(errors, terms, enterprise)
    return terms


@dataclass(frozen=True, kw_only=True)
class RevenueTerms(Input):
    """营业收入 of a quarter, the base of the cost share."""

    year: int | None
    quarter: int | None
    amount: Decimal | None


def check_revenue(errors: Errors, terms: RevenueTerms) -> None:
    year = check_year(errors, "year", terms.year)
    check_quarter(errors, year, terms.quarter)
    if terms.amount is None:
        need(errors, "amount", _("应为金额（元），最多两位小数"))
    check_money(errors, "amount", terms.amount, positive=True)


def read_revenue(errors: Errors, data: Data) -> RevenueTerms:
    terms = RevenueTerms(
        year=parse_int(errors, "year", text(data, "year")),
        quarter=parse_int(errors, "quarter", text(data, "quarter")),
        amount=parse_money(errors, "amount", text(data, "amount")),
    )
    check_revenue(errors, terms)
    return terms


@dataclass(frozen=True, kw_only=True)
class TargetTerms(Input):
    """质量成本目标 of a year (§5.7.2.2 b), for the total (no category) or one category: an
    amount ceiling, a ceiling of the share of revenue (%), or both."""

    year: int | None
    category: str = ""
    amount_max: Decimal | None = None
    share_max: Decimal | None = None
    note: str = ""


def check_target(errors: Errors, terms: TargetTerms) -> None:
    check_year(errors, "year", terms.year, ahead=PLAN_AHEAD)
    check_category(errors, "category", terms.category, blank=True)
    check_money(errors, "amount_max", terms.amount_max)
    share = check_money(errors, "share_max", terms.share_max)
    if share is not None and share > 100:
        errors.add("share_max", _("比例应在 0 到 100 之间"))
    if terms.amount_max is None and terms.share_max is None and "share_max" not in errors.errors:
        need(errors, "amount_max", _("请至少填写金额上限或占营业收入比例上限"))
    bounded(errors, "note", terms.note, CostTarget)


def read_target(errors: Errors, data: Data) -> TargetTerms:
    amount, share = text(data, "amount_max"), text(data, "share_max")
    terms = TargetTerms(
        year=parse_int(errors, "year", text(data, "year")),
        category=category_code(text(data, "category")),
        amount_max=parse_money(errors, "amount_max", amount) if amount else None,
        share_max=parse_money(errors, "share_max", share) if share else None,
        note=text(data, "note"),
    )
    check_target(errors, terms)
    return terms


@dataclass(frozen=True, kw_only=True)
class PlanTerms(Input):
    """The year's record against each quality-cost management item (§5.7.2.2 a–g): the item's
    letter (a, b, …) to its text; an item not given keeps its text."""

    year: int | None
    items: Mapping[str, str] = field(default_factory=dict)


def read_plan(errors: Errors, year: object, items: Mapping[str, object]) -> PlanTerms:
    return PlanTerms(
        year=parse_int(errors, "year", year),
        items={k: str(v or "") for k, v in items.items()},
    )


@dataclass(frozen=True, kw_only=True)
class LossTerms(Input):
    """A quality loss of a §5.7.3.2 kind (its code), direct or indirect."""

    occurred_on: dt.date | None
    kind: str
    effect: str
    amount: Decimal | None
    description: str = ""


def check_loss(errors: Errors, terms: LossTerms, kinds: Mapping[str, str]) -> None:
    if terms.kind not in kinds:
        errors.add("kind", _("损失类别应为 shenzhen-guide §5.7.3.2 所列类别之一"))
    if terms.effect not in QualityLoss.Effect.values:
        errors.add("effect", _("应为直接损失或间接损失"))
    if terms.occurred_on is None:
        need(errors, "occurred_on", _("日期格式应为 YYYY-MM-DD"))
    occurred = check_date(errors, "occurred_on", terms.occurred_on, QualityLoss)
    if occurred and occurred > clock.today():
        errors.add("occurred_on", _("发生日期不能在未来"))
    if occurred and occurred.year < 2000:
        errors.add("occurred_on", _("发生日期过早"))
    if terms.amount is None:
        need(errors, "amount", _("应为金额（元），最多两位小数"))
    check_money(errors, "amount", terms.amount)
    bounded(errors, "description", terms.description, QualityLoss)


def effect_code(value: str) -> str:
    """直接/间接 as the code, from the code, the label or the short word."""
    labels = {str(label): code for code, label in QualityLoss.Effect.choices}
    labels.update({"直接": QualityLoss.Effect.DIRECT, "间接": QualityLoss.Effect.INDIRECT})
    return value if value in QualityLoss.Effect.values else labels.get(value, value)


def read_loss(errors: Errors, data: Data, kinds: Mapping[str, str]) -> LossTerms:
    """From the page, an xlsx row or a test: the kind by its code or its label."""
    kind = text(data, "kind")
    by_label = {v: k for k, v in kinds.items()}
    terms = LossTerms(
        occurred_on=parse_date(errors, "occurred_on", data.get("occurred_on")),
        kind=kind if kind in kinds else by_label.get(kind, kind),
        effect=effect_code(text(data, "effect")),
        amount=parse_money(errors, "amount", text(data, "amount")),
        description=text(data, "description"),
    )
    check_loss(errors, terms, kinds)
    return terms
