"""Reads of the enterprise side, always through the scope of cqo/accounts/access.py.

Who sees what (SPEC §1, §7):
- the enterprise's clerk: everything of its enterprise;
- a regulator: the enterprises in its region's subtree, read-only (evaluations once signed off);
- a CQO: the signed-off evaluations of its own appointments, and the self-assessments and
  quality economics of the enterprises it currently serves (a filed appointment);
- the admin: everything; participating departments read coverage and filings only
  (SPEC §12.20), so nothing here.
Objects outside the scope answer 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.audit.models import AuditEntry
from cqo.evaluation import rules
from cqo.evaluation.models import (
    ENDING_DECISIONS,
    Category,
    CostAccount,
    CostEntry,
    CostPlan,
    CostTarget,
    Evaluation,
    EvaluationSettings,
    ImprovementTask,
    QualityLoss,
    Revenue,
    SelfAssessment,
)
from cqo.lib import clock
from cqo.policy import schema
from cqo.policy.models import Pack, PackVersion
from cqo.policy.selectors import governing_for_region
from cqo.registry.models import Appointment, Enterprise

EVALUATION, ASSESSMENT, TASK, QUALITY = "evaluation", "selfassessment", "improvementtask", "quality"


def _live(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def enterprise_scope_q(user: Any, prefix: str = "") -> Q:
    """Enterprises whose self-assessments and quality economics the user may read."""
    if not _live(user):
        return access.NOTHING
    if user.is_platform_admin or user.role in (Role.REGULATOR, Role.ENTERPRISE):
        return access.enterprise_q(user, prefix)
    if user.role == Role.CQO:
        serving = Appointment.objects.filter(
            person__user=user, status=Appointment.Status.FILED
        ).values("enterprise_id")
        return Q(**{f"{prefix}__pk__in" if prefix else "pk__in": serving})
    return access.NOTHING


def evaluation_q(user: Any) -> Q:
    if not _live(user):
        return access.NOTHING
    if user.is_platform_admin or user.role == Role.ENTERPRISE:
        return access.enterprise_q(user, "enterprise")
    if user.role == Role.REGULATOR:
        # a draft is the enterprise's working paper; the regulator reads the result
        return access.enterprise_q(user, "enterprise") & Q(status=Evaluation.Status.SIGNED_OFF)
    if user.role == Role.CQO:
        # the evaluated CQO reads the result once the enterprise has signed it off
        return Q(appointment__person__user=user, status=Evaluation.Status.SIGNED_OFF)
    return access.NOTHING


def can_write(user: Any, enterprise: Enterprise) -> bool:
    """Self-assessment and quality economics: the enterprise's clerk, and its serving CQO who
    runs them (shenzhen-guide §5.7.1.3, §6)."""
    if not _live(user):
        return False
    if user.role == Role.ENTERPRISE:
        return bool(user.enterprise_id == enterprise.pk)
    if user.role == Role.CQO:
        return Appointment.objects.filter(
            person__user=user, enterprise=enterprise, status=Appointment.Status.FILED
        ).exists()
    return False


def can_evaluate(user: Any, enterprise: Enterprise) -> bool:
    """The enterprise evaluates its CQO (hangzhou-spec 考核与评价): its clerk only."""
    return bool(
        _live(user) and user.role == Role.ENTERPRISE and user.enterprise_id == enterprise.pk
    )


# Enterprises -------------------------------------------------------------------------------------


def enterprise_list(*, user: Any, q: str = "") -> QuerySet[Enterprise]:
    qs = Enterprise.objects.filter(enterprise_scope_q(user))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc=q.upper()))
    return qs.select_related("region").order_by("name", "pk")


def enterprise_get(*, user: Any, uscc: str) -> Enterprise:
    ent = (
        Enterprise.objects.filter(enterprise_scope_q(user), uscc=str(uscc).upper()[:18])
        .select_related("region", "industry")
        .first()
    )
    if ent is None:
        raise Http404
    return ent


# Forms from the packs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FormSource:
    section: Any
    version: PackVersion | None
    label: str
    reference: bool  # taken from another jurisdiction's pack (the own has none)
    rules: schema.Pack  # the merged rules of the enterprise's own chain


def _reference(rules: schema.Pack, section: str, on: dt.date) -> PackVersion | None:
    """For an enterprise whose own packs lack ``section`` (Shaanxi and Jiangsu print no form):
    the version in force of the pack its rules name for reference (``[reference_forms]``, a
    platform default of the national default pack), if that version has the section."""
    name = getattr(rules.reference_forms, section, None) if rules.reference_forms else None
    if not name:
        return None
    found = (
        PackVersion.objects.filter(
            pack__slug=name, pack__kind=Pack.Kind.JURISDICTION, effective_from__lte=on
        )
        .select_related("pack")
        .order_by("-effective_from", "-created_at", "-pk")
        .first()
    )
    return found if found is not None and found.content.get(section) else None


def form_source(enterprise: Enterprise, section: str, on: dt.date) -> FormSource | None:
    gov = governing_for_region(enterprise.region, on)
    own = getattr(gov.rules, section)
    if own:
        v = gov.section_source(section)
        return FormSource(own, v, v.label if v else gov.label, False, gov.rules)
    ref = _reference(gov.rules, section, on)
    if ref is None:
        return None
    parsed = schema.validate(ref.content)
    return FormSource(getattr(parsed, section), ref, ref.label, True, gov.rules)


def evaluation_form(enterprise: Enterprise, on: dt.date) -> tuple[str, FormSource] | None:
    """The pack's evaluation form: a scored form (hangzhou-spec 附录A), else the assessment
    contents (shenzhen-guide §4.5 a–f) with points the enterprise sets, else another
    pack's scored form for reference."""
    gov = governing_for_region(enterprise.region, on)
    if gov.rules.evaluation:
        return "scored", form_source(enterprise, "evaluation", on)  # type: ignore[return-value]
    if gov.rules.assessment:
        return "contents", form_source(enterprise, "assessment", on)  # type: ignore[return-value]
    src = form_source(enterprise, "evaluation", on)
    return ("scored", src) if src else None


def economics(enterprise: Enterprise, on: dt.date) -> FormSource | None:
    return form_source(enterprise, "quality_economics", on)


# Evaluations -------------------------------------------------------------------------------------


def evaluation_list(*, user: Any, enterprise: Enterprise | None = None) -> QuerySet[Evaluation]:
    qs = Evaluation.objects.filter(evaluation_q(user))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("appointment__person", "enterprise")


def evaluation_get(*, user: Any, public_id: Any) -> Evaluation:
    try:
        pid = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    found = (
        Evaluation.objects.filter(evaluation_q(user), public_id=pid)
        .select_related(
            "appointment__person",
            "enterprise__region",
            "signed_off_by__region",
            "signed_off_by__enterprise",
        )
        .first()
    )
    if found is None:
        raise Http404
    return found


def evaluable_appointments(enterprise: Enterprise) -> QuerySet[Appointment]:
    """Appointments an evaluation may be of: filed, or ended (a last evaluation)."""
    return (
        Appointment.objects.filter(
            enterprise=enterprise,
            status__in=[Appointment.Status.FILED, Appointment.Status.ENDED],
        )
        .select_related("person")
        .order_by("-start_date")
    )


def default_year(appt: Appointment | None, today: dt.date) -> int:
    """The year the form proposes: last year, moved into the appointment's years (its first year
    if it started this year, its last if it ended before last year)."""
    year = today.year - 1
    if appt is None:
        return year
    year = max(year, appt.start_date.year)
    if appt.ended_on is not None:
        year = min(year, appt.ended_on.year)
    return min(year, today.year)


def evaluations_due(enterprise: Enterprise, on: dt.date) -> QuerySet[Appointment]:
    """The enterprise's serving CQOs (filed) not yet evaluated for the last full year: they
    served before it ended and no signed-off evaluation ends in it or later (SPEC §12.6: the
    period is a pack setting, by default yearly)."""
    last_year_start = dt.date(on.year - 1, 1, 1)
    done = Evaluation.objects.filter(
        status=Evaluation.Status.SIGNED_OFF, period_end__gte=last_year_start
    ).values("appointment_id")
    return (
        Appointment.objects.filter(
            enterprise=enterprise,
            status=Appointment.Status.FILED,
            start_date__lt=dt.date(on.year, 1, 1),
        )
        .exclude(pk__in=done)
        .select_related("person")
        .order_by("start_date", "pk")
    )


# Self-assessment ---------------------------------------------------------------------------------


def assessment_list(*, user: Any, enterprise: Enterprise) -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.filter(
        enterprise_scope_q(user, "enterprise"), enterprise=enterprise
    )


def assessment_get(*, user: Any, public_id: Any) -> SelfAssessment:
    try:
        pid = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    found = (
        SelfAssessment.objects.filter(enterprise_scope_q(user, "enterprise"), public_id=pid)
        .select_related("enterprise")
        .first()
    )
    if found is None:
        raise Http404
    return found


def task_get(*, user: Any, public_id: Any) -> ImprovementTask:
    try:
        pid = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    found = (
        ImprovementTask.objects.filter(
            enterprise_scope_q(user, "assessment__enterprise"), public_id=pid
        )
        .select_related("assessment__enterprise")
        .first()
    )
    if found is None:
        raise Http404
    return found


def comparison(enterprise: Enterprise) -> dict[str, Any]:
    """Year over year (shenzhen-guide §6.1): each indicator's result per completed year."""
    done = list(
        SelfAssessment.objects.filter(
            enterprise=enterprise, status=SelfAssessment.Status.COMPLETED
        ).order_by("year")
    )
    years = [a.year for a in done]
    rows: dict[str, dict[str, Any]] = {}
    for a in done:
        for ind in a.indicators:
            row = rows.setdefault(ind["code"], {"code": ind["code"], "label": ind["label"]})
            if not ind["levels"]:
                value = f"{ind.get('score')}/{ind['max']}"
            else:
                value = ind["levels"][ind["level"]] if ind.get("level") is not None else "—"
            row[str(a.year)] = value
    totals = [{"year": a.year, "total": a.total, "max": a.max_total} for a in done]
    open_tasks = {a.year: a.tasks.filter(status=ImprovementTask.Status.OPEN).count() for a in done}
    return {
        "years": years,
        "rows": [
            [r["code"], r["label"], [r.get(str(y), "—") for y in years]] for r in rows.values()
        ],
        "totals": totals,
        "open_tasks": open_tasks,
    }


# Quality economics -------------------------------------------------------------------------------


def accounts(enterprise: Enterprise) -> QuerySet[CostAccount]:
    return CostAccount.objects.filter(enterprise=enterprise)


def cost_account_find(enterprise: Enterprise, ref: str) -> CostAccount | None:
    """The enterprise's account by its public id, else by its name."""
    if not ref:
        return None
    try:
        pid: uuid.UUID | None = uuid.UUID(ref)
    except ValueError:
        pid = None
    qs = accounts(enterprise)
    return (qs.filter(public_id=pid) if pid else qs.filter(name=ref)).first()


def loss_kinds(enterprise: Enterprise) -> dict[str, str]:
    """The §5.7.3.2 kinds of loss of the enterprise's pack: code to label."""
    src = economics(enterprise, clock.today())
    return {k.code: k.label for k in src.section.loss_kinds} if src else {}


def category_labels(enterprise: Enterprise) -> dict[str, str]:
    """The cost categories as the enterprise's pack names them."""
    src = economics(enterprise, clock.today())
    labels = {c: str(label) for c, label in Category.choices}
    if src:
        labels.update({c.code: c.label for c in src.section.categories})
    return labels


def plan_rows(enterprise: Enterprise, year: int) -> tuple[str, list[tuple[str, str, str]]]:
    """The year's cost-management record (§5.7.2.2 a–g): its clause and (letter, item, text)."""
    src = economics(enterprise, clock.today())
    management = src.section.management if src else None
    plan = cost_plan(enterprise, year)
    texts = {i["label"]: i["text"] for i in plan.items} if plan else {}
    labels = management.items if management else []
    clause = plan.clause if plan else (management.clause if management else "")
    rows = [(chr(ord("a") + n), label, texts.get(label, "")) for n, label in enumerate(labels)]
    return clause, rows


def cost_entries(
    enterprise: Enterprise, *, year: int | None = None, category: str = ""
) -> QuerySet[CostEntry]:
    qs = CostEntry.objects.filter(enterprise=enterprise).select_related("account")
    if year:
        qs = qs.filter(year=year)
    if category:
        qs = qs.filter(account__category=category)
    return qs


def cost_plan(enterprise: Enterprise, year: int) -> CostPlan | None:
    return CostPlan.objects.filter(enterprise=enterprise, year=year).first()


def losses(
    enterprise: Enterprise, *, year: int | None = None, kind: str = "", effect: str = ""
) -> QuerySet[QualityLoss]:
    qs = QualityLoss.objects.filter(enterprise=enterprise)
    if year:
        qs = qs.filter(occurred_on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if effect:
        qs = qs.filter(effect=effect)
    return qs


def cost_summary(enterprise: Enterprise) -> dict[str, Any]:
    """Quarters and years by category, ratios and target checks (shenzhen-guide §5.7.2)."""
    # summed here, not with SQL SUM: SQLite sums decimals as floats; money stays exact
    rows = CostEntry.objects.filter(enterprise=enterprise).values_list(
        "year", "quarter", "account__category", "amount"
    )
    revenues = {
        (r.year, r.quarter): r.amount for r in Revenue.objects.filter(enterprise=enterprise)
    }
    quarters = rules.periods(((y, q, c, a) for y, q, c, a in rows), revenues)
    years = rules.years(quarters)
    by_year = {y.year: y for y in years}
    checks = [
        rules.check_target(by_year[t.year], t.category, t.amount_max, t.share_max)
        for t in CostTarget.objects.filter(enterprise=enterprise).order_by("year", "category")
        if t.year in by_year
    ]
    loss_years: dict[int, dict[str, Decimal]] = {}
    for day, effect, amount in QualityLoss.objects.filter(enterprise=enterprise).values_list(
        "occurred_on", "effect", "amount"
    ):
        bucket = loss_years.setdefault(day.year, {"direct": Decimal(0), "indirect": Decimal(0)})
        bucket[effect] += amount
    return {"quarters": quarters, "years": years, "checks": checks, "losses": loss_years}


def period_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows: the years (bold), then the quarters, each category with its share."""
    out = []
    for bold, group in ((True, summary["years"]), (False, summary["quarters"])):
        for p in group:
            out.append(
                {
                    "label": p.label,
                    "bold": bold,
                    "cells": [(p.by_category[c], p.category_share(c)) for c in rules.CATEGORIES],
                    "total": p.total,
                    "revenue": p.revenue,
                    "revenue_share": p.revenue_share,
                    "ftc": p.failure_to_conformance,
                }
            )
    return out


def chart_data(summary: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    quarters = summary["quarters"]
    return {
        "periods": [q.label for q in quarters],
        "series": [
            {"name": labels[c], "data": [str(q.by_category[c]) for q in quarters]}
            for c in rules.CATEGORIES
        ],
        "share": [None if q.revenue_share is None else str(q.revenue_share) for q in quarters],
    }


def trail(target_type: str, public_id: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(public_id))


# Pages: what a page decides and the rows of its exports ------------------------------------------


def can_end_appointment(user: Any, ev: Evaluation) -> bool:
    """A signed-off dismissal (解聘) of an appointment still filed may end it."""
    return (
        can_evaluate(user, ev.enterprise)
        and ev.status == Evaluation.Status.SIGNED_OFF
        and ev.decision in ENDING_DECISIONS
        and ev.appointment.status == Appointment.Status.FILED
    )


def settings_initial(enterprise: Enterprise) -> dict[str, Any]:
    """The enterprise's pass mark and bands as its settings page shows them, one band a line."""
    current = EvaluationSettings.objects.filter(enterprise=enterprise).first()
    bands = current.bands if current else []
    return {
        "pass_mark": current.pass_mark if current else "",
        "bands": "\n".join(f"{b['label']} {b['min']}" for b in bands),
    }


def enterprise_rows(*, user: Any, enterprises: QuerySet[Enterprise]) -> Iterator[tuple[Any, ...]]:
    """Each enterprise with its latest signed-off evaluation and its completed assessments."""
    for e in enterprises:
        last = (
            evaluation_list(user=user, enterprise=e)
            .filter(status=Evaluation.Status.SIGNED_OFF)
            .first()
        )
        completed = e.self_assessments.filter(status=SelfAssessment.Status.COMPLETED).count()
        yield (
            e.uscc,
            e.name,
            e.region_id,
            last and last.total,
            last and last.get_decision_display(),
            completed,
        )


def evaluation_rows(evaluations: QuerySet[Evaluation]) -> Iterator[tuple[Any, ...]]:
    for ev in evaluations:
        yield (
            ev.period_start.isoformat(),
            ev.period_end.isoformat(),
            ev.appointment.person.name,
            ev.form_clause,
            ev.total,
            ev.max_total,
            ev.band,
            ev.get_decision_display(),
            ev.get_status_display(),
        )


def tasks_of(enterprise: Enterprise) -> QuerySet[ImprovementTask]:
    return ImprovementTask.objects.filter(assessment__enterprise=enterprise).select_related(
        "assessment"
    )


def cost_rows(entries: QuerySet[CostEntry], labels: dict[str, str]) -> Iterator[tuple[Any, ...]]:
    for e in entries:
        category = labels[e.account.category]
        yield (e.year, e.quarter, category, e.account.name, str(e.amount), e.note)


def loss_rows(qs: QuerySet[QualityLoss]) -> Iterator[tuple[Any, ...]]:
    for x in qs:
        yield (
            x.occurred_on.isoformat(),
            x.kind_label,
            x.get_effect_display(),
            str(x.amount),
            x.description,
        )
