"""Quality economics (shenzhen-guide §5.7): cost accounts and entries, revenue, targets, the
year's cost-management record, and quality losses."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import Plain, audit_record
from cqo.evaluation import selectors
from cqo.evaluation.inputs import (
    TEXT_MAX,
    AccountTerms,
    CostTerms,
    LossTerms,
    PlanTerms,
    RevenueTerms,
    TargetTerms,
)
from cqo.evaluation.inputs.common import PLAN_AHEAD, bounded, check_category, check_year, need
from cqo.evaluation.inputs.quality import check_cost, check_loss, check_revenue, check_target
from cqo.evaluation.models import CostAccount, CostEntry, CostPlan, CostTarget, QualityLoss, Revenue
from cqo.evaluation.services._common import QUALITY, _audit, _write_check
from cqo.lib import clock
from cqo.lib.errors import Errors
from cqo.registry.models import Enterprise


@transaction.atomic
def account_create(*, actor: User, enterprise: Enterprise, terms: AccountTerms) -> CostAccount:
    """设置质量成本科目 (§5.7.2.2 c)."""
    _write_check(actor, enterprise)
    errors = Errors()
    category = check_category(errors, "category", terms.category)
    name, department = terms.name, terms.department
    if not name:
        errors.add("name", _("请填写科目名称"))
    elif not bounded(errors, "name", name, CostAccount):
        pass
    elif CostAccount.objects.filter(enterprise=enterprise, name=name).exists():
        errors.add("name", _("该科目已存在"))
    bounded(errors, "department", department, CostAccount)
    errors.raise_if_any()
    acc = CostAccount.objects.create(
        enterprise=enterprise, category=category, name=name, department=department
    )
    _audit(actor, QUALITY, acc, "create", {"category": [None, category], "name": [None, name]})
    return acc


def _cost_save(actor: User, enterprise: Enterprise, terms: CostTerms) -> CostEntry:
    """Save a checked entry: a second one of the same account and quarter replaces the first."""
    assert terms.account and terms.year and terms.quarter and terms.amount is not None  # noqa: S101
    entry = CostEntry.objects.filter(
        account=terms.account, year=terms.year, quarter=terms.quarter
    ).first()
    before = entry.amount if entry else None
    if entry is None:
        entry = CostEntry(
            enterprise=enterprise,
            created_by=actor,
            account=terms.account,
            year=terms.year,
            quarter=terms.quarter,
            amount=terms.amount,
            note=terms.note,
        )
        entry.save()
        action = "create"
    else:
        entry.amount, entry.note = terms.amount, terms.note
        entry.save(update_fields=["amount", "note", "updated_at"])
        action = "update"
    changes: dict[str, Plain] = {
        "amount": [None if before is None else str(before), str(terms.amount)]
    }
    _audit(actor, QUALITY, entry, action, changes)
    return entry


@transaction.atomic
def cost_set(*, actor: User, enterprise: Enterprise, terms: CostTerms) -> CostEntry:
    """The amount of an account in a quarter (a second entry replaces the first, audited)."""
    _write_check(actor, enterprise)
    errors = Errors()
    check_cost(errors, terms, enterprise)
    errors.raise_if_any()
    return _cost_save(actor, enterprise, terms)


@transaction.atomic
def revenue_set(*, actor: User, enterprise: Enterprise, terms: RevenueTerms) -> Revenue:
    _write_check(actor, enterprise)
    errors = Errors()
    check_revenue(errors, terms)
    errors.raise_if_any()
    year, quarter, amount = terms.year, terms.quarter, terms.amount
    assert year is not None and quarter is not None and amount is not None  # noqa: S101
    row, created = Revenue.objects.get_or_create(
        enterprise=enterprise, year=year, quarter=quarter, defaults={"amount": amount}
    )
    before = None if created else str(row.amount)
    if not created:
        row.amount = amount
        row.save(update_fields=["amount"])
    audit_record(
        actor=actor,
        action="create" if created else "update",
        target_type=QUALITY,
        target_id=f"{enterprise.uscc}:revenue:{year}Q{quarter}",
        target_repr=str(row),
        changes={"revenue": [before, str(amount)]},
    )
    return row


@transaction.atomic
def target_set(*, actor: User, enterprise: Enterprise, terms: TargetTerms) -> CostTarget:
    """质量成本目标 of a year (§5.7.2.2 b), for the total or one category."""
    _write_check(actor, enterprise)
    errors = Errors()
    check_target(errors, terms)
    errors.raise_if_any()
    amount_max, share_max = terms.amount_max, terms.share_max
    assert terms.year is not None  # noqa: S101
    target, created = CostTarget.objects.update_or_create(
        enterprise=enterprise,
        year=terms.year,
        category=terms.category,
        defaults={"amount_max": amount_max, "share_max": share_max, "note": terms.note},
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        target_type=QUALITY,
        target_id=f"{enterprise.uscc}:target:{terms.year}:{terms.category or 'total'}",
        target_repr=str(target),
        changes={
            "amount_max": [None, None if amount_max is None else str(amount_max)],
            "share_max": [None, None if share_max is None else str(share_max)],
        },
    )
    return target


def _plan_errors(terms: PlanTerms, letters: list[str], known: bool) -> Errors:
    errors = Errors()
    if terms.year is None:
        need(errors, "year", _("应为整数"))
    check_year(errors, "year", terms.year, ahead=PLAN_AHEAD)
    if not known:
        errors.add("year", _("政策包未规定质量成本管理内容"))
    for key, value in terms.items.items():
        if key not in letters:
            errors.add(f"items.{key}"[:60], _("没有该管理内容"))
        elif len(value) > TEXT_MAX:
            errors.add(f"items.{key}", _("不能超过 %(n)s 个字") % {"n": TEXT_MAX})
    return errors


@transaction.atomic
def plan_set(*, actor: User, enterprise: Enterprise, terms: PlanTerms) -> CostPlan:
    """The year's record against each quality-cost management item (§5.7.2.2 a–g), from the
    pack's list."""
    _write_check(actor, enterprise)
    src = selectors.economics(enterprise, clock.today())
    management = src.section.management if src else None
    letters = [chr(ord("a") + n) for n in range(len(management.items) if management else 0)]
    _plan_errors(terms, letters, management is not None).raise_if_any()
    assert management is not None and terms.year is not None  # noqa: S101
    plan = CostPlan.objects.filter(enterprise=enterprise, year=terms.year).first()
    old = {i["label"]: i["text"] for i in plan.items} if plan else {}
    items = [
        {"label": label, "text": str(terms.items.get(letter, old.get(label, "")) or "").strip()}
        for letter, label in zip(letters, management.items, strict=True)
    ]
    if plan is None:
        plan = CostPlan(enterprise=enterprise, year=terms.year, clause=management.clause)
    plan.items, plan.updated_by = items, actor
    plan.save()
    audit_record(
        actor=actor,
        action="update",
        target_type=QUALITY,
        target_id=f"{enterprise.uscc}:plan:{terms.year}",
        target_repr=str(plan),
        changes={
            i["label"][:30]: [old.get(i["label"]), i["text"]]
            for i in items
            if old.get(i["label"]) != i["text"]
        },
    )
    return plan


def _loss_save(
    actor: User, enterprise: Enterprise, terms: LossTerms, kinds: dict[str, str]
) -> QualityLoss:
    assert terms.occurred_on is not None and terms.amount is not None  # noqa: S101
    return QualityLoss.objects.create(
        enterprise=enterprise,
        created_by=actor,
        kind=terms.kind,
        kind_label=kinds.get(terms.kind, ""),
        effect=terms.effect,
        occurred_on=terms.occurred_on,
        amount=terms.amount,
        description=terms.description,
    )


@transaction.atomic
def loss_create(*, actor: User, enterprise: Enterprise, terms: LossTerms) -> QualityLoss:
    """A quality loss of a §5.7.3.2 kind, direct or indirect (SPEC §7)."""
    _write_check(actor, enterprise)
    kinds = selectors.loss_kinds(enterprise)
    errors = Errors()
    check_loss(errors, terms, kinds)
    errors.raise_if_any()
    loss = _loss_save(actor, enterprise, terms, kinds)
    changes: dict[str, Plain] = {"amount": [None, str(loss.amount)], "kind": [None, loss.kind]}
    _audit(actor, QUALITY, loss, "create", changes)
    return loss


@transaction.atomic
def loss_delete(*, actor: User, loss: QualityLoss) -> None:
    _write_check(actor, loss.enterprise)
    _audit(actor, QUALITY, loss, "update", {"deleted": [str(loss.amount), None]}, loss.kind_label)
    loss.delete()
