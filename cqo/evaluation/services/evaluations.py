"""The enterprise's evaluation of its CQO (SPEC §7, §12.6; hangzhou-spec 考核与评价 and 附录A,
shenzhen-guide §4.5): its pass mark and bands, the draft with the pack's form, the scores, the
sign-off, and a dismissal ending the appointment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import Plain, audit_record
from cqo.evaluation import rules, selectors
from cqo.evaluation.inputs import TEXT_MAX, EvaluationPeriod, EvaluationScores, SettingsTerms
from cqo.evaluation.inputs.common import bounded, check_int, check_year, need
from cqo.evaluation.inputs.evaluations import SCORE_MAX, check_bands
from cqo.evaluation.models import (
    DECISIONS,
    ENDING_DECISIONS,
    Evaluation,
    EvaluationSettings,
)
from cqo.evaluation.services._common import _audit, _evaluate_check
from cqo.lib import clock
from cqo.lib.errors import Errors
from cqo.policy import rules as policy_rules
from cqo.policy import schema
from cqo.reference import enums
from cqo.registry import selectors as registry_selectors
from cqo.registry import services as registry
from cqo.registry.models import Appointment, Enterprise


@transaction.atomic
def settings_update(
    *, actor: User, enterprise: Enterprise, terms: SettingsTerms
) -> EvaluationSettings:
    """The enterprise's pass mark and bands (SPEC §12.6)."""
    _evaluate_check(actor, enterprise)
    errors = Errors()
    pass_mark = check_int(errors, "pass_mark", terms.pass_mark, 0, SCORE_MAX)
    bands = check_bands(errors, terms.bands)
    errors.raise_if_any()
    obj, _created = EvaluationSettings.objects.get_or_create(enterprise=enterprise)
    before = {"pass_mark": obj.pass_mark, "bands": obj.bands}
    obj.pass_mark, obj.bands = pass_mark, bands
    obj.save(update_fields=["pass_mark", "bands", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        target_type="evaluationsettings",
        target_id=enterprise.uscc,
        target_repr=str(enterprise),
        changes={"pass_mark": [before["pass_mark"], pass_mark], "bands": [before["bands"], bands]},
    )
    return obj


def _prefill(appt: Appointment, spec: schema.EvaluationPrefill, year: int) -> dict[str, Any]:
    """What the platform knows about an item (SPEC §7), as a suggestion to confirm."""
    from cqo.hours.selectors import compliance_for

    if spec.fact == "study_hours":
        regime = compliance_for(appt.person, year).pack
        met = bool(regime and regime.met)
        expected = (
            _("≥ %(n)s 学时") % {"n": regime.required_hours}
            if regime and regime.required_hours is not None
            else _("无学时要求")
        )
        actual = _("%(n)s 学时") % {"n": regime.counted_hours if regime else 0}
        return {"met": met, "expected": expected, "actual": actual, "clause": spec.clause}
    tests: dict[str, Any] = {
        "quality_years": {"kind": "quality_years_min", "years": spec.years},
        "education": {"kind": "education_min", "level": spec.level},
        "qualification": {"kind": "qualification_min", "level": spec.level, "kinds": spec.kinds},
        "training_certificate": {"kind": "training_certificate"},
    }
    condition = schema.Condition.model_validate(
        {
            "code": "prefill",
            "label": "-",
            "clause": spec.clause,
            "severity": "advisory",
            "test": tests[spec.fact],
        }
    )
    holds, expected, actual = policy_rules.check(
        condition.test, registry_selectors.eligibility_facts(appt)
    )
    return {"met": bool(holds), "expected": expected, "actual": actual, "clause": spec.clause}


def _form_items(
    kind: str, src: selectors.FormSource, appt: Appointment, end: dt.date
) -> tuple[list[dict[str, Any]], str, int]:
    """The form's items as the draft keeps them, its clause and its total."""
    if kind != "scored":
        items = [
            {
                "code": chr(ord("a") + n),
                "label": label,
                "max": None,
                "section": False,
                "score": None,
                "prefill": None,
            }
            for n, label in enumerate(src.section.items)
        ]
        return items, src.section.clause, 0
    prefill = {p.item: p for p in src.section.prefill}
    items = []
    for i in src.section.items:
        item: dict[str, Any] = {
            "code": i.code,
            "label": i.label,
            "max": i.max,
            # the table prints no points here: the platform's value (SPEC §12.6)
            "printed": i.printed,
            "section": "." not in i.code,
            "score": None,
            "prefill": None,
        }
        if i.code in prefill:
            found_fact = _prefill(appt, prefill[i.code], end.year)
            found_fact["value"] = i.max if found_fact["met"] else 0
            item["prefill"] = found_fact
        items.append(item)
    return items, src.section.clause, src.section.total


def _period(
    errors: Errors, period: EvaluationPeriod, enterprise: Enterprise
) -> tuple[Appointment, str, selectors.FormSource, dt.date, dt.date]:
    """The appointment, the form and the bounds of the period asked for, or every error."""
    ids = [period.appointment] if period.appointment else []
    appt = selectors.evaluable_appointments(enterprise).filter(public_id__in=ids).first()
    if appt is None:
        errors.add("appointment", _("请选择本企业已备案的首席质量官聘任"))
    if period.year is None:
        need(errors, "year", _("应为整数"))
    year = check_year(errors, "year", period.year)
    found = selectors.evaluation_form(enterprise, clock.today())
    if found is None:
        errors.add("appointment", _("没有可用的评价表（政策包未规定）"))
    errors.raise_if_any()
    assert appt is not None and year is not None and found is not None  # noqa: S101
    kind, src = found
    form_period = src.section.period if kind == "scored" else "yearly"
    part = check_int(errors, "part", period.part, 1, rules.PARTS[form_period])
    errors.raise_if_any()
    start, end = rules.period_bounds(form_period, year, part or 1)
    if start > clock.today():
        errors.add("year", _("考核期尚未开始"))
    if appt.start_date > end or (appt.ended_on and appt.ended_on < start):
        errors.add("year", _("考核期不在该聘任的任期内"))
    if Evaluation.objects.filter(appointment=appt, period_start=start).exists():
        errors.add("year", _("该考核期已有评价"))
    errors.raise_if_any()
    return appt, kind, src, start, end


@transaction.atomic
def evaluation_create(
    *, actor: User, enterprise: Enterprise, period: EvaluationPeriod
) -> Evaluation:
    """A draft evaluation of a filed (or ended) appointment for one period, with the pack's
    form and the items the platform knows pre-filled (SPEC §7, §12.6)."""
    _evaluate_check(actor, enterprise)
    appt, kind, src, start, end = _period(Errors(), period, enterprise)
    items, clause, max_total = _form_items(kind, src, appt, end)
    ev = Evaluation(
        enterprise=enterprise,
        appointment=appt,
        period_start=start,
        period_end=end,
        form_kind=kind,
        form_label=src.label[:200],
        form_clause=clause,
        pack_version=src.version,
        reference=src.reference,
        items=items,
        max_total=max_total,
        created_by=actor,
    )
    ev.full_clean()
    ev.save()
    _audit(actor, selectors.EVALUATION, ev, "create", {"period": [None, f"{start}–{end}"]})
    return ev


def _lock_evaluation(ev: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().get(pk=ev.pk)


def _scored_items(errors: Errors, ev: Evaluation, scores: EvaluationScores) -> list[dict[str, Any]]:
    """The draft's items with the new points and scores; every bad one named by its code."""
    items = [dict(i) for i in ev.items]
    known = {i["code"] for i in items if not i["section"]}
    for code in [*scores.maxima, *scores.scores]:
        if code not in known:
            errors.add(f"scores.{code}"[:60], _("没有该评价项目"))
    if ev.form_kind == Evaluation.FormKind.CONTENTS:
        for item in items:
            if item["code"] in scores.maxima:
                field = f"maxima.{item['code']}"
                item["max"] = check_int(errors, field, scores.maxima[item["code"]], 1, 100)
    elif scores.maxima:
        errors.add("maxima", _("该评价表的分值由政策包规定，不能修改"))
    for item in items:
        value = scores.scores.get(item["code"])
        if value is None or item["section"]:
            continue
        if item["max"] is None:
            errors.add(f"scores.{item['code']}", _("请先设定该项分值"))
            continue
        item["score"] = check_int(errors, f"scores.{item['code']}", value, 0, item["max"])
        item["confirmed"] = True
    return items


@transaction.atomic
def evaluation_score(
    *, actor: User, evaluation: Evaluation, scores: EvaluationScores
) -> Evaluation:
    """Save the draft: item scores (integers 0…max, SPEC §12.6), for a contents form the points
    the enterprise sets per item, the evaluators, the decision and its notes. Items the
    platform pre-filled count as confirmed once the evaluator saves a score for them."""
    _evaluate_check(actor, evaluation.enterprise)
    ev = _lock_evaluation(evaluation)
    if ev.status != Evaluation.Status.DRAFT:
        raise ValidationError({"status": _("已签发的评价不能修改")})
    errors = Errors()
    items = _scored_items(errors, ev, scores)
    if scores.decision and scores.decision not in DECISIONS:
        errors.add("decision", _("评价结论应为续聘、解聘、奖惩或调整岗位"))
    texts = ("decision_note", "reward_note", "evaluators")
    for field in texts:
        bounded(errors, field, getattr(scores, field), Evaluation)
    errors.raise_if_any()
    before = {"total": rules.total(ev.items), "decision": ev.decision}
    ev.items = items
    ev.max_total = sum(int(i["max"] or 0) for i in items if not i["section"])
    ev.decision = scores.decision
    for field in texts:
        setattr(ev, field, getattr(scores, field))
    ev.save(update_fields=["items", "max_total", "decision", *texts, "updated_at"])
    changes: dict[str, Plain] = {
        "total": [before["total"], rules.total(items)],
        "decision": [before["decision"], scores.decision],
    }
    _audit(actor, selectors.EVALUATION, ev, "update", changes)
    return ev


def _sign_off_errors(ev: Evaluation) -> Errors:
    errors = Errors()
    missing = [i["code"] for i in rules.leaves(ev.items) if i.get("score") is None]
    if missing:
        errors.add("scores", _("尚未评分的项目：%(codes)s") % {"codes": "、".join(missing)})
    unconfirmed = [
        i["code"] for i in rules.leaves(ev.items) if i.get("prefill") and not i.get("confirmed")
    ]
    if unconfirmed:
        errors.add("scores", _("预填项目尚未确认：%(codes)s") % {"codes": "、".join(unconfirmed)})
    if not ev.evaluators:
        errors.add("evaluators", _("请填写评价人"))
    if not ev.decision:
        errors.add("decision", _("请选择评价结论（续聘、解聘、奖惩或调整岗位）"))
    return errors


@transaction.atomic
def evaluation_sign_off(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """签发: every item scored and confirmed, the evaluators named and a decision taken; the
    score, the enterprise's band and pass mark are fixed (hangzhou-spec 考核与评价)."""
    _evaluate_check(actor, evaluation.enterprise)
    ev = _lock_evaluation(evaluation)
    if ev.status != Evaluation.Status.DRAFT:
        raise ValidationError({"status": _("该评价已签发")})
    _sign_off_errors(ev).raise_if_any()
    settings = EvaluationSettings.objects.filter(enterprise=ev.enterprise).first()
    score = rules.total(ev.items)
    assert score is not None  # noqa: S101
    ev.total = score
    ev.band = rules.band_for(score, settings.bands if settings else [])
    ev.passed = score >= settings.pass_mark if settings and settings.pass_mark is not None else None
    ev.status = Evaluation.Status.SIGNED_OFF
    ev.signed_off_by = actor
    ev.signed_off_at = timezone.now()
    ev.save(
        update_fields=[
            "total",
            "band",
            "passed",
            "status",
            "signed_off_by",
            "signed_off_at",
            "updated_at",
        ]
    )
    changes: dict[str, Plain] = {
        "status": ["draft", "signed_off"],
        "total": [None, score],
        "decision": [None, ev.decision],
    }
    _audit(actor, selectors.EVALUATION, ev, "transition", changes)
    return ev


@transaction.atomic
def evaluation_end_appointment(
    *, actor: User, evaluation: Evaluation, ended_on: dt.date, note: str = ""
) -> Appointment:
    """A signed-off dismissal (解聘) or reassignment (调整岗位, "不再担任首席质量官") ends the
    filed appointment through the filing workflow (hangzhou-spec 考核与评价: "评价结果作为…解聘…
    的依据"; shenzhen-guide §4.5)."""
    _evaluate_check(actor, evaluation.enterprise)
    ev = _lock_evaluation(evaluation)
    if ev.status != Evaluation.Status.SIGNED_OFF or ev.decision not in ENDING_DECISIONS:
        raise ValidationError({"decision": _("只有已签发的解聘或调整岗位结论可以终止聘任")})
    appt = registry.appointment_end(
        actor=actor,
        appointment=ev.appointment,
        ended_on=ended_on,
        reason=enums.EndReason.EVALUATION_FAILED,
        note=(note or _("依据首席质量官评价结论解聘")).strip()[:TEXT_MAX],
    )
    _audit(actor, selectors.EVALUATION, ev, "transition", {"appointment": ["filed", "ended"]}, note)
    return appt
