"""Writes of the enterprise side (SPEC §7). Each is one transaction that checks the actor and
the current state, validates every field (a ValidationError keyed by field), saves and records
the audit entry. Pages, the API, the xlsx import and the demo all call these functions."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from cqo.accounts.models import User
from cqo.audit.services import audit_record
from cqo.evaluation import rules, selectors
from cqo.evaluation.models import (
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
from cqo.lib import bounds, clock, dates, uploads
from cqo.lib.errors import Data, Errors, text
from cqo.policy import rules as policy_rules
from cqo.policy import schema
from cqo.reference import enums
from cqo.registry import services as registry
from cqo.registry.models import Appointment, Enterprise

# Inputs with no model field of their own: the records of a year's cost plan (kept as JSON), the
# reason a task is reopened (kept in the audit trail), the note of an appointment ended here.
TEXT_MAX = bounds.NOTE
# An indicator's note on a self-assessment (kept in its JSON).
INDICATOR_NOTE_MAX = 500


def _bounded(errors: Errors, field: str, value: str, model: type[Any]) -> bool:
    """False, with the error naming the limit, when ``value`` is longer than ``model.field``."""
    if message := bounds.too_long(model, field, value):
        errors.add(field, message)
        return False
    return True


AMOUNT_MAX = Decimal("99999999999999.99")
IMPORT_MAX_ROWS = 5000


def _audit(
    actor: User, kind: str, obj: Any, action: str, changes: Any = None, note: str = ""
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type=kind,
        target_id=str(getattr(obj, "public_id", obj.pk)),
        target_repr=str(obj),
        changes=changes or {},
        note=note,
    )


def _int(errors: Errors, field: str, value: Any, lo: int, hi: int) -> int | None:
    try:
        number = int(str(value).strip())
        if str(number) != str(value).strip().lstrip("+"):
            raise ValueError(value)
    except (TypeError, ValueError):
        errors.add(field, _("应为整数"))
        return None
    if not lo <= number <= hi:
        errors.add(field, _("应在 %(lo)s 到 %(hi)s 之间") % {"lo": lo, "hi": hi})
        return None
    return number


def _money(errors: Errors, field: str, value: Any, *, positive: bool = False) -> Decimal | None:
    """An amount in yuan with at most two decimals (exact Decimal, never float)."""
    raw = str(value).strip().replace(",", "") if value is not None else ""
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        errors.add(field, _("应为金额（元），最多两位小数"))
        return None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.add(field, _("应为金额（元），最多两位小数"))
        return None
    if amount < 0 or (positive and amount == 0) or amount > AMOUNT_MAX:
        errors.add(field, _("金额应大于 0") if positive else _("金额不能为负数或过大"))
        return None
    return amount


def _date(errors: Errors, field: str, value: Any, model: type[Any]) -> dt.date | None:
    """A date of ``model.field``, parsed and within the range of its kind (cqo/lib/dates.py)."""
    if isinstance(value, dt.datetime):
        day: dt.date | None = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            errors.add(field, _("日期格式应为 YYYY-MM-DD"))
            return None
    model_field = model._meta.get_field(field)
    bound = dates.range_of(model_field)
    if bound is not None and (message := bound.error(day, model_field.verbose_name)):
        errors.add(field, message)
        return None
    return day


def _year(errors: Errors, field: str, value: Any) -> int | None:
    return _int(errors, field, value, 2000, clock.today().year)


# Evaluation settings -----------------------------------------------------------------------------


@transaction.atomic
def settings_update(*, actor: User, enterprise: Enterprise, data: Data) -> EvaluationSettings:
    """The enterprise's pass mark and bands (SPEC §12.6)."""
    if not selectors.can_evaluate(actor, enterprise):
        raise PermissionDenied
    errors = Errors()
    pass_mark = None
    if text(data, "pass_mark"):
        pass_mark = _int(errors, "pass_mark", text(data, "pass_mark"), 0, 1000)
    bands: list[dict[str, Any]] = []
    raw = data.get("bands")
    try:
        if isinstance(raw, list):
            lines = "\n".join(f"{b.get('label', '')} {b.get('min', '')}" for b in raw)
            bands = rules.parse_bands(lines)
        else:
            bands = rules.parse_bands(text(data, "bands"))
    except (ValueError, AttributeError) as exc:
        line = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
        errors.add(
            "bands",
            _("第 %(n)s 行应为“等级名称 最低分”，如“优秀 90”") % {"n": line}
            if line
            else _("等级名称和最低分不能重复"),
        )
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


# Evaluation of the CQO ---------------------------------------------------------------------------


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
    holds, expected, actual = policy_rules.check(condition.test, registry.eligibility_facts(appt))
    return {"met": bool(holds), "expected": expected, "actual": actual, "clause": spec.clause}


@transaction.atomic
def evaluation_create(*, actor: User, enterprise: Enterprise, data: Data) -> Evaluation:
    """A draft evaluation of a filed (or ended) appointment for one period, with the pack's
    form and the items the platform knows pre-filled (SPEC §7, §12.6)."""
    if not selectors.can_evaluate(actor, enterprise):
        raise PermissionDenied
    errors = Errors()
    appt = (
        selectors.evaluable_appointments(enterprise)
        .filter(public_id__in=[v for v in [_uuid(text(data, "appointment"))] if v])
        .first()
    )
    if appt is None:
        errors.add("appointment", _("请选择本企业已备案的首席质量官聘任"))
    year = _year(errors, "year", text(data, "year"))
    found = selectors.evaluation_form(enterprise, clock.today())
    if found is None:
        errors.add("appointment", _("没有可用的评价表（政策包未规定）"))
    errors.raise_if_any()
    assert appt is not None and year is not None and found is not None  # noqa: S101
    kind, src = found
    period = src.section.period if kind == "scored" else "yearly"
    part = _int(errors, "part", text(data, "part") or "1", 1, rules.PARTS[period])
    errors.raise_if_any()
    start, end = rules.period_bounds(period, year, part or 1)
    if start > clock.today():
        errors.add("year", _("考核期尚未开始"))
    if appt.start_date > end or (appt.ended_on and appt.ended_on < start):
        errors.add("year", _("考核期不在该聘任的任期内"))
    if Evaluation.objects.filter(appointment=appt, period_start=start).exists():
        errors.add("year", _("该考核期已有评价"))
    errors.raise_if_any()
    if kind == "scored":
        prefill = {p.item: p for p in src.section.prefill}
        items = []
        for i in src.section.items:
            item: dict[str, Any] = {
                "code": i.code,
                "label": i.label,
                "max": i.max,
                "section": "." not in i.code,
                "score": None,
                "prefill": None,
            }
            if i.code in prefill:
                found_fact = _prefill(appt, prefill[i.code], end.year)
                found_fact["value"] = i.max if found_fact["met"] else 0
                item["prefill"] = found_fact
            items.append(item)
        clause, max_total = src.section.clause, src.section.total
    else:
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
        clause, max_total = src.section.clause, 0
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


def _uuid(value: str) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _lock_evaluation(ev: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().get(pk=ev.pk)


@transaction.atomic
def evaluation_score(*, actor: User, evaluation: Evaluation, data: Data) -> Evaluation:
    """Save the draft: item scores (integers 0…max, SPEC §12.6), for a contents form the points
    the enterprise sets per item, the evaluators, the decision and its notes. Items the
    platform pre-filled count as confirmed once the evaluator saves a score for them."""
    if not selectors.can_evaluate(actor, evaluation.enterprise):
        raise PermissionDenied
    ev = _lock_evaluation(evaluation)
    if ev.status != Evaluation.Status.DRAFT:
        raise ValidationError({"status": _("已签发的评价不能修改")})
    errors = Errors()
    items = [dict(i) for i in ev.items]
    maxima = data.get("maxima") or {}
    scores = data.get("scores") or {}
    if not isinstance(maxima, dict) or not isinstance(scores, dict):
        raise ValidationError({"scores": _("格式无效")})
    known = {i["code"] for i in items if not i["section"]}
    for code in [*maxima, *scores]:
        if code not in known:
            errors.add(f"scores.{code}"[:60], _("没有该评价项目"))
    if ev.form_kind == Evaluation.FormKind.CONTENTS:
        for item in items:
            if maxima.get(item["code"]) not in (None, ""):
                item["max"] = _int(errors, f"maxima.{item['code']}", maxima[item["code"]], 1, 100)
    elif maxima:
        errors.add("maxima", _("该评价表的分值由政策包规定，不能修改"))
    for item in items:
        value = scores.get(item["code"])
        if value in (None, "") or item["section"]:
            continue
        if item["max"] is None:
            errors.add(f"scores.{item['code']}", _("请先设定该项分值"))
            continue
        item["score"] = _int(errors, f"scores.{item['code']}", value, 0, item["max"])
        item["confirmed"] = True
    decision = text(data, "decision")
    if decision and decision not in Evaluation.Decision.values:
        errors.add("decision", _("评价结论取值无效"))
    for field in ("decision_note", "reward_note", "evaluators"):
        _bounded(errors, field, text(data, field), Evaluation)
    errors.raise_if_any()
    before = {"total": rules.total(ev.items), "decision": ev.decision}
    ev.items = items
    ev.max_total = sum(int(i["max"] or 0) for i in items if not i["section"])
    ev.decision = decision
    for field in ("decision_note", "reward_note", "evaluators"):
        setattr(ev, field, text(data, field))
    ev.save(
        update_fields=[
            "items",
            "max_total",
            "decision",
            "decision_note",
            "reward_note",
            "evaluators",
            "updated_at",
        ]
    )
    _audit(
        actor,
        selectors.EVALUATION,
        ev,
        "update",
        {
            "total": [before["total"], rules.total(items)],
            "decision": [before["decision"], decision],
        },
    )
    return ev


@transaction.atomic
def evaluation_sign_off(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """签发: every item scored and confirmed, the evaluators named and a decision taken; the
    score, the enterprise's band and pass mark are fixed (hangzhou-spec 考核与评价)."""
    if not selectors.can_evaluate(actor, evaluation.enterprise):
        raise PermissionDenied
    ev = _lock_evaluation(evaluation)
    if ev.status != Evaluation.Status.DRAFT:
        raise ValidationError({"status": _("该评价已签发")})
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
        errors.add("decision", _("请选择评价结论（续聘、限期改进、解聘或奖励）"))
    errors.raise_if_any()
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
    _audit(
        actor,
        selectors.EVALUATION,
        ev,
        "transition",
        {
            "status": ["draft", "signed_off"],
            "total": [None, score],
            "decision": [None, ev.decision],
        },
    )
    return ev


@transaction.atomic
def evaluation_end_appointment(
    *, actor: User, evaluation: Evaluation, ended_on: Any, note: str = ""
) -> Appointment:
    """A signed-off dismissal decision (解聘) ends the filed appointment through the filing
    workflow (hangzhou-spec 考核与评价: "评价结果作为…解聘…的依据"; shenzhen-guide §4.5)."""
    if not selectors.can_evaluate(actor, evaluation.enterprise):
        raise PermissionDenied
    ev = _lock_evaluation(evaluation)
    if ev.status != Evaluation.Status.SIGNED_OFF or ev.decision != Evaluation.Decision.DISMISS:
        raise ValidationError({"decision": _("只有已签发的解聘结论可以终止聘任")})
    appt = registry.appointment_end(
        actor=actor,
        appointment=ev.appointment,
        ended_on=ended_on,
        reason=enums.EndReason.EVALUATION_FAILED,
        note=(note or _("依据首席质量官评价结论解聘")).strip()[:TEXT_MAX],
    )
    _audit(actor, selectors.EVALUATION, ev, "transition", {"appointment": ["filed", "ended"]}, note)
    return appt


# Self-assessment (shenzhen-guide §6) -------------------------------------------------------------


def _write_check(actor: User, enterprise: Enterprise) -> None:
    if not selectors.can_write(actor, enterprise):
        raise PermissionDenied


@transaction.atomic
def assessment_create(*, actor: User, enterprise: Enterprise, data: Data) -> SelfAssessment:
    _write_check(actor, enterprise)
    errors = Errors()
    year = _year(errors, "year", text(data, "year"))
    kind = text(data, "assessor_kind") or SelfAssessment.AssessorKind.INTERNAL
    if kind not in SelfAssessment.AssessorKind.values:
        errors.add("assessor_kind", _("评估方式取值无效"))
    org, assessors = text(data, "assessor_org"), text(data, "assessors")
    if kind == SelfAssessment.AssessorKind.THIRD_PARTY and not org:
        errors.add("assessor_org", _("第三方评估请填写评价机构"))
    if not assessors:
        errors.add("assessors", _("请填写评估专家（§6.2）"))
    _bounded(errors, "assessors", assessors, SelfAssessment)
    _bounded(errors, "assessor_org", org, SelfAssessment)
    src = selectors.form_source(enterprise, "self_assessment", clock.today())
    if src is None:
        errors.add("year", _("没有可用的自我评估指标（政策包未规定）"))
    if year and SelfAssessment.objects.filter(enterprise=enterprise, year=year).exists():
        errors.add("year", _("该年度已有自我评估"))
    errors.raise_if_any()
    assert src is not None and year is not None  # noqa: S101
    indicators = [
        {
            "code": i.code,
            "label": i.label,
            "clause": i.clause,
            "rule": i.rule,
            "max": i.max,
            "levels": list(i.levels),
            "score": None,
            "level": None,
            "note": "",
        }
        for i in src.section.indicators
    ]
    sa = SelfAssessment(
        enterprise=enterprise,
        year=year,
        assessor_kind=kind,
        assessor_org=org,
        assessors=assessors,
        form_label=src.label[:200],
        form_clause=src.section.clause,
        pack_version=src.version,
        reference=src.reference,
        indicators=indicators,
        max_total=sum(i["max"] or 0 for i in indicators),
        created_by=actor,
    )
    sa.full_clean()
    sa.save()
    _audit(actor, selectors.ASSESSMENT, sa, "create", {"year": [None, year]})
    return sa


@transaction.atomic
def assessment_score(*, actor: User, assessment: SelfAssessment, data: Data) -> SelfAssessment:
    """Results per indicator: a score 0…max for a quantified one (the enterprise may set its
    own points, §6.2), or one of the descriptive levels; plus findings, suggestions (§6.2 d)
    and how the results are applied (§6.2)."""
    _write_check(actor, assessment.enterprise)
    sa = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if sa.status != SelfAssessment.Status.DRAFT:
        raise ValidationError({"status": _("已完成的自我评估不能修改")})
    errors = Errors()
    parts = {k: data.get(k) or {} for k in ("scores", "levels", "notes", "maxima")}
    if not all(isinstance(v, dict) for v in parts.values()):
        raise ValidationError({"scores": _("格式无效")})
    indicators = [dict(i) for i in sa.indicators]
    codes = {i["code"] for i in indicators}
    for part in parts.values():
        for code in part:
            if code not in codes:
                errors.add(f"scores.{code}"[:60], _("没有该评估指标"))
    for ind in indicators:
        code = ind["code"]
        if ind["max"] is not None:
            if parts["maxima"].get(code) not in (None, ""):
                ind["max"] = _int(errors, f"maxima.{code}", parts["maxima"][code], 1, 100)
            if parts["scores"].get(code) not in (None, "") and ind["max"]:
                ind["score"] = _int(errors, f"scores.{code}", parts["scores"][code], 0, ind["max"])
        elif parts["levels"].get(code) not in (None, ""):
            ind["level"] = _int(
                errors, f"levels.{code}", parts["levels"][code], 0, len(ind["levels"]) - 1
            )
        if parts["notes"].get(code) is not None:
            ind["note"] = str(parts["notes"][code]).strip()[:INDICATOR_NOTE_MAX]
    for field in ("findings", "suggestions", "application"):
        _bounded(errors, field, text(data, field), SelfAssessment)
    errors.raise_if_any()
    sa.indicators = indicators
    sa.max_total = sum(int(i["max"] or 0) for i in indicators)
    for field in ("findings", "suggestions", "application"):
        if field in data:
            setattr(sa, field, text(data, field))
    sa.save(
        update_fields=[
            "indicators",
            "max_total",
            "findings",
            "suggestions",
            "application",
            "updated_at",
        ]
    )
    _audit(actor, selectors.ASSESSMENT, sa, "update")
    return sa


@transaction.atomic
def assessment_complete(*, actor: User, assessment: SelfAssessment) -> SelfAssessment:
    _write_check(actor, assessment.enterprise)
    sa = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if sa.status != SelfAssessment.Status.DRAFT:
        raise ValidationError({"status": _("该自我评估已完成")})
    errors = Errors()
    missing = [
        i["code"]
        for i in sa.indicators
        if (i["max"] is not None and i.get("score") is None)
        or (i["max"] is None and i.get("level") is None)
    ]
    if missing:
        errors.add("scores", _("尚未评估的指标：%(codes)s") % {"codes": "、".join(missing)})
    if not sa.findings:
        errors.add("findings", _("请填写评估结论与差距（§6.1）"))
    errors.raise_if_any()
    sa.total = sum(int(i["score"]) for i in sa.indicators if i["max"] is not None)
    sa.status = SelfAssessment.Status.COMPLETED
    sa.completed_by, sa.completed_at = actor, timezone.now()
    sa.save(update_fields=["total", "status", "completed_by", "completed_at", "updated_at"])
    _audit(
        actor,
        selectors.ASSESSMENT,
        sa,
        "transition",
        {"status": ["draft", "completed"], "total": [None, sa.total]},
    )
    return sa


@transaction.atomic
def task_create(*, actor: User, assessment: SelfAssessment, data: Data) -> ImprovementTask:
    """改进任务 formed from the results (shenzhen-guide §6.3)."""
    _write_check(actor, assessment.enterprise)
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != SelfAssessment.Status.COMPLETED:
        raise ValidationError({"status": _("自我评估完成后才能下发改进任务")})
    errors = Errors()
    indicator = text(data, "indicator")
    if indicator and indicator not in {i["code"] for i in assessment.indicators}:
        errors.add("indicator", _("没有该评估指标"))
    for field in ("title", "department", "owner"):
        value = text(data, field)
        if not value:
            errors.add(field, _("必填"))
        else:
            _bounded(errors, field, value, ImprovementTask)
    _bounded(errors, "target", text(data, "target"), ImprovementTask)
    due = _date(errors, "due_date", data.get("due_date"), ImprovementTask)
    if due and due < dt.date(assessment.year, 1, 1):
        errors.add("due_date", _("完成期限不能早于评估年度"))
    errors.raise_if_any()
    assert due is not None  # noqa: S101
    task = ImprovementTask(
        assessment=assessment,
        indicator=indicator,
        title=text(data, "title"),
        target=text(data, "target"),
        department=text(data, "department"),
        owner=text(data, "owner"),
        due_date=due,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    _audit(actor, selectors.TASK, task, "create", {"due_date": [None, due.isoformat()]})
    return task


@transaction.atomic
def task_close(*, actor: User, task: ImprovementTask, data: Data) -> ImprovementTask:
    """关闭: with the evidence of the improvement and its effectiveness (§6.3)."""
    _write_check(actor, task.assessment.enterprise)
    t = ImprovementTask.objects.select_for_update().get(pk=task.pk)
    if t.status != ImprovementTask.Status.OPEN:
        raise ValidationError({"status": _("该任务已关闭")})
    errors = Errors()
    evidence = text(data, "evidence")
    if len(evidence) < 4:
        errors.add("evidence", _("请填写关闭证据（改进措施及其有效性，至少 4 个字）"))
    else:
        _bounded(errors, "evidence", evidence, ImprovementTask)
    closed_on = _date(
        errors, "closed_on", data.get("closed_on") or clock.today().isoformat(), ImprovementTask
    )
    if closed_on and closed_on > clock.today():
        errors.add("closed_on", _("关闭日期不能在未来"))
    if closed_on and closed_on.year < t.assessment.year:
        errors.add("closed_on", _("关闭日期不能早于评估年度"))
    errors.raise_if_any()
    t.status, t.evidence, t.closed_on, t.closed_by = "closed", evidence, closed_on, actor
    t.save(update_fields=["status", "evidence", "closed_on", "closed_by", "updated_at"])
    _audit(actor, selectors.TASK, t, "transition", {"status": ["open", "closed"]}, evidence)
    return t


@transaction.atomic
def task_reopen(*, actor: User, task: ImprovementTask, reason: str) -> ImprovementTask:
    """重新打开: the improvement proved ineffective; the old evidence stays in the trail."""
    _write_check(actor, task.assessment.enterprise)
    t = ImprovementTask.objects.select_for_update().get(pk=task.pk)
    if t.status != ImprovementTask.Status.CLOSED:
        raise ValidationError({"status": _("只有已关闭的任务可以重新打开")})
    reason = (reason or "").strip()
    if len(reason) < 4 or len(reason) > TEXT_MAX:
        raise ValidationError({"reason": _("请填写重新打开的原因（至少 4 个字）")})
    old = t.evidence
    t.status, t.evidence, t.closed_on, t.closed_by = "open", "", None, None
    t.save(update_fields=["status", "evidence", "closed_on", "closed_by", "updated_at"])
    _audit(
        actor,
        selectors.TASK,
        t,
        "transition",
        {"status": ["closed", "open"], "evidence": [old, ""]},
        reason,
    )
    return t


# Quality economics (shenzhen-guide §5.7) ---------------------------------------------------------


def _quarter_check(errors: Errors, year: int | None, quarter: int | None) -> None:
    today = clock.today()
    if year and quarter and (year, quarter) > (today.year, (today.month - 1) // 3 + 1):
        errors.add("quarter", _("不能填报未来季度"))


def _category(errors: Errors, field: str, value: str, *, blank: bool = False) -> str:
    value = (value or "").strip()
    if blank and not value:
        return ""
    if value in Category.values:
        return value
    for code, label in Category.choices:
        if value == str(label):
            return code
    errors.add(field, _("成本类别应为预防成本、鉴定成本、内部失败成本或外部失败成本"))
    return ""


@transaction.atomic
def account_create(*, actor: User, enterprise: Enterprise, data: Data) -> CostAccount:
    """设置质量成本科目 (§5.7.2.2 c)."""
    _write_check(actor, enterprise)
    errors = Errors()
    category = _category(errors, "category", text(data, "category"))
    name, department = text(data, "name"), text(data, "department")
    if not name:
        errors.add("name", _("请填写科目名称"))
    elif not _bounded(errors, "name", name, CostAccount):
        pass
    elif CostAccount.objects.filter(enterprise=enterprise, name=name).exists():
        errors.add("name", _("该科目已存在"))
    _bounded(errors, "department", department, CostAccount)
    errors.raise_if_any()
    acc = CostAccount.objects.create(
        enterprise=enterprise, category=category, name=name, department=department
    )
    _audit(actor, QUALITY, acc, "create", {"category": [None, category], "name": [None, name]})
    return acc


QUALITY = selectors.QUALITY


def _cost_values(errors: Errors, enterprise: Enterprise, data: Data) -> dict[str, Any]:
    account = None
    ref = text(data, "account")
    if ref:
        pid = _uuid(ref)
        qs = CostAccount.objects.filter(enterprise=enterprise)
        account = (qs.filter(public_id=pid) if pid else qs.filter(name=ref)).first()
    if account is None:
        errors.add("account", _("请选择本企业的质量成本科目"))
    year = _year(errors, "year", text(data, "year"))
    quarter = _int(errors, "quarter", text(data, "quarter"), 1, 4)
    _quarter_check(errors, year, quarter)
    amount = _money(errors, "amount", text(data, "amount"))
    note = text(data, "note")
    _bounded(errors, "note", note, CostEntry)
    return {"account": account, "year": year, "quarter": quarter, "amount": amount, "note": note}


def _cost_save(actor: User, enterprise: Enterprise, v: dict[str, Any]) -> CostEntry:
    entry = CostEntry.objects.filter(
        account=v["account"], year=v["year"], quarter=v["quarter"]
    ).first()
    before = entry.amount if entry else None
    if entry is None:
        entry = CostEntry(enterprise=enterprise, created_by=actor, **v)
        entry.save()
        action = "create"
    else:
        entry.amount, entry.note = v["amount"], v["note"]
        entry.save(update_fields=["amount", "note", "updated_at"])
        action = "update"
    _audit(
        actor,
        QUALITY,
        entry,
        action,
        {"amount": [None if before is None else str(before), str(v["amount"])]},
    )
    return entry


@transaction.atomic
def cost_set(*, actor: User, enterprise: Enterprise, data: Data) -> CostEntry:
    """The amount of an account in a quarter (a second entry replaces the first, audited)."""
    _write_check(actor, enterprise)
    errors = Errors()
    values = _cost_values(errors, enterprise, data)
    errors.raise_if_any()
    return _cost_save(actor, enterprise, values)


@transaction.atomic
def revenue_set(*, actor: User, enterprise: Enterprise, data: Data) -> Revenue:
    _write_check(actor, enterprise)
    errors = Errors()
    year = _year(errors, "year", text(data, "year"))
    quarter = _int(errors, "quarter", text(data, "quarter"), 1, 4)
    _quarter_check(errors, year, quarter)
    amount = _money(errors, "amount", text(data, "amount"), positive=True)
    errors.raise_if_any()
    assert year is not None and quarter is not None and amount is not None  # noqa: S101
    row, created = Revenue.objects.get_or_create(
        enterprise=enterprise, year=year, quarter=quarter, defaults={"amount": amount}
    )
    before = None if created else str(row.amount)
    if not created:
        row.amount = amount  # type: ignore[assignment]
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
def target_set(*, actor: User, enterprise: Enterprise, data: Data) -> CostTarget:
    """质量成本目标 of a year (§5.7.2.2 b), for the total or one category."""
    _write_check(actor, enterprise)
    errors = Errors()
    year = _int(errors, "year", text(data, "year"), 2000, clock.today().year + 5)
    category = _category(errors, "category", text(data, "category"), blank=True)
    amount_max = (
        _money(errors, "amount_max", text(data, "amount_max")) if text(data, "amount_max") else None
    )
    share_max = None
    if text(data, "share_max"):
        share_max = _money(errors, "share_max", text(data, "share_max"))
        if share_max is not None and share_max > 100:
            errors.add("share_max", _("比例应在 0 到 100 之间"))
    if not text(data, "amount_max") and not text(data, "share_max"):
        errors.add("amount_max", _("请至少填写金额上限或占营业收入比例上限"))
    note = text(data, "note")
    _bounded(errors, "note", note, CostTarget)
    errors.raise_if_any()
    assert year is not None  # noqa: S101
    target, created = CostTarget.objects.update_or_create(
        enterprise=enterprise,
        year=year,
        category=category,
        defaults={"amount_max": amount_max, "share_max": share_max, "note": note},
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        target_type=QUALITY,
        target_id=f"{enterprise.uscc}:target:{year}:{category or 'total'}",
        target_repr=str(target),
        changes={
            "amount_max": [None, None if amount_max is None else str(amount_max)],
            "share_max": [None, None if share_max is None else str(share_max)],
        },
    )
    return target


@transaction.atomic
def plan_set(*, actor: User, enterprise: Enterprise, data: Data) -> CostPlan:
    """The year's record against each quality-cost management item (§5.7.2.2 a–g), from the
    pack's list; ``items`` maps the item's letter (a, b, …) to its text."""
    _write_check(actor, enterprise)
    errors = Errors()
    year = _int(errors, "year", text(data, "year"), 2000, clock.today().year + 5)
    src = selectors.economics(enterprise, clock.today())
    management = src.section.management if src else None
    if management is None:
        errors.add("year", _("政策包未规定质量成本管理内容"))
    raw = data.get("items") or {}
    if not isinstance(raw, dict):
        raise ValidationError({"items": _("格式无效")})
    letters = [chr(ord("a") + n) for n in range(len(management.items) if management else 0)]
    for key, value in raw.items():
        if key not in letters:
            errors.add(f"items.{key}"[:60], _("没有该管理内容"))
        elif len(str(value or "")) > TEXT_MAX:
            errors.add(f"items.{key}", _("不能超过 %(n)s 个字") % {"n": TEXT_MAX})
    errors.raise_if_any()
    assert management is not None and year is not None  # noqa: S101
    plan = CostPlan.objects.filter(enterprise=enterprise, year=year).first()
    old = {i["label"]: i["text"] for i in plan.items} if plan else {}
    items = [
        {"label": label, "text": str(raw.get(letter, old.get(label, "")) or "").strip()}
        for letter, label in zip(letters, management.items, strict=True)
    ]
    if plan is None:
        plan = CostPlan(enterprise=enterprise, year=year, clause=management.clause)
    plan.items, plan.updated_by = items, actor
    plan.save()
    audit_record(
        actor=actor,
        action="update",
        target_type=QUALITY,
        target_id=f"{enterprise.uscc}:plan:{year}",
        target_repr=str(plan),
        changes={
            i["label"][:30]: [old.get(i["label"]), i["text"]]
            for i in items
            if old.get(i["label"]) != i["text"]
        },
    )
    return plan


def _loss_kinds(enterprise: Enterprise) -> dict[str, str]:
    src = selectors.economics(enterprise, clock.today())
    return {k.code: k.label for k in src.section.loss_kinds} if src else {}


def _loss_values(errors: Errors, kinds: dict[str, str], data: Data) -> dict[str, Any]:
    kind = text(data, "kind")
    by_label = {v: k for k, v in kinds.items()}
    kind = kind if kind in kinds else by_label.get(kind, "")
    if not kind:
        errors.add("kind", _("损失类别应为 shenzhen-guide §5.7.3.2 所列类别之一"))
    effect = text(data, "effect")
    labels = {str(label): code for code, label in QualityLoss.Effect.choices}
    effect = effect if effect in QualityLoss.Effect.values else labels.get(effect, "")
    if effect == "" and text(data, "effect") in ("直接", "间接"):
        effect = "direct" if text(data, "effect") == "直接" else "indirect"
    if not effect:
        errors.add("effect", _("应为直接损失或间接损失"))
    occurred = _date(errors, "occurred_on", data.get("occurred_on"), QualityLoss)
    if occurred and occurred > clock.today():
        errors.add("occurred_on", _("发生日期不能在未来"))
    if occurred and occurred.year < 2000:
        errors.add("occurred_on", _("发生日期过早"))
    amount = _money(errors, "amount", text(data, "amount"))
    description = text(data, "description")
    _bounded(errors, "description", description, QualityLoss)
    return {
        "kind": kind,
        "kind_label": kinds.get(kind, ""),
        "effect": effect,
        "occurred_on": occurred,
        "amount": amount,
        "description": description,
    }


@transaction.atomic
def loss_create(*, actor: User, enterprise: Enterprise, data: Data) -> QualityLoss:
    """A quality loss of a §5.7.3.2 kind, direct or indirect (SPEC §7)."""
    _write_check(actor, enterprise)
    errors = Errors()
    values = _loss_values(errors, _loss_kinds(enterprise), data)
    errors.raise_if_any()
    loss = QualityLoss.objects.create(enterprise=enterprise, created_by=actor, **values)
    _audit(
        actor,
        QUALITY,
        loss,
        "create",
        {"amount": [None, str(loss.amount)], "kind": [None, loss.kind]},
    )
    return loss


@transaction.atomic
def loss_delete(*, actor: User, loss: QualityLoss) -> None:
    _write_check(actor, loss.enterprise)
    _audit(actor, QUALITY, loss, "update", {"deleted": [str(loss.amount), None]}, loss.kind_label)
    loss.delete()


# xlsx import (all or nothing) --------------------------------------------------------------------

COST_HEADERS = ["年度", "季度", "成本类别", "科目", "金额（元）", "备注"]
LOSS_HEADERS = ["发生日期", "损失类别", "直接/间接", "金额（元）", "说明"]


def _rows(content: bytes, headers: list[str]) -> list[tuple[int, dict[str, Any]]]:
    try:  # type, size and zip-bomb checks before calamine opens it (cqo/lib/uploads.py)
        uploads.check_workbook(ContentFile(content, name="import.xlsx"))
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        raw = sheet.to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError, IndexError, TypeError) as exc:
        raise ValidationError(
            {"file": _("无法读取该表格文件：%(error)s") % {"error": exc}}
        ) from exc
    if not raw:
        raise ValidationError({"file": _("表格为空")})
    head = [str(c).strip() for c in raw[0]]
    missing = [h for h in headers if h not in head]
    if missing:
        raise ValidationError({"file": _("缺少列：%(cols)s") % {"cols": "、".join(missing)}})
    index = {h: head.index(h) for h in headers}
    out = []
    for number, cells in enumerate(raw[1:], start=2):
        if all(c in ("", None) for c in cells):
            continue
        out.append((number, {h: cells[i] if i < len(cells) else "" for h, i in index.items()}))
    if len(out) > IMPORT_MAX_ROWS:
        raise ValidationError({"file": _("一次最多导入 %(n)s 行") % {"n": IMPORT_MAX_ROWS}})
    if not out:
        raise ValidationError({"file": _("表格中没有数据行")})
    return out


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else str(value).strip()


def _row_errors(
    report: list[dict[str, Any]], number: int, errors: Errors, labels: dict[str, str]
) -> None:
    for field, messages in errors.errors.items():
        for message in messages:
            report.append({"row": number, "field": labels.get(field, field), "message": message})


@transaction.atomic
def costs_import(*, actor: User, enterprise: Enterprise, content: bytes) -> int:
    """Import quality-cost rows from xlsx: every row is checked, and nothing is saved unless
    every row is valid; an account named for the first time is created under its category."""
    _write_check(actor, enterprise)
    rows = _rows(content, COST_HEADERS)
    labels = {
        "year": "年度",
        "quarter": "季度",
        "category": "成本类别",
        "account": "科目",
        "amount": "金额（元）",
        "note": "备注",
    }
    report: list[dict[str, Any]] = []
    existing = {a.name: a for a in CostAccount.objects.filter(enterprise=enterprise)}
    planned: dict[str, str] = {}
    seen: set[tuple[str, int, int]] = set()
    values_list = []
    for number, row in rows:
        errors = Errors()
        category = _category(errors, "category", _cell(row["成本类别"]))
        name = _cell(row["科目"])
        if not name:
            errors.add("account", _("请填写科目名称"))
        elif message := bounds.too_long(CostAccount, "name", name):
            errors.add("account", message)
        elif category:
            known = existing[name].category if name in existing else planned.get(name)
            if known and known != category:
                errors.add("account", _("该科目属于其他成本类别"))
            planned.setdefault(name, category)
        data = {
            "year": _cell(row["年度"]),
            "quarter": _cell(row["季度"]),
            "amount": _cell(row["金额（元）"]),
            "note": _cell(row["备注"]),
        }
        year = _year(errors, "year", data["year"])
        quarter = _int(errors, "quarter", data["quarter"], 1, 4)
        _quarter_check(errors, year, quarter)
        amount = _money(errors, "amount", data["amount"])
        _bounded(errors, "note", data["note"], CostEntry)
        key = (name, year or 0, quarter or 0)
        if key in seen:
            errors.add("account", _("与前面的行重复（同一科目同一季度）"))
        seen.add(key)
        _row_errors(report, number, errors, labels)
        values_list.append((name, category, year, quarter, amount, data["note"]))
    if report:
        raise ImportErrors(report)
    for name, category, year, quarter, amount, note in values_list:
        account = existing.get(name)
        if account is None:
            account = CostAccount.objects.create(
                enterprise=enterprise, category=category, name=name
            )
            existing[name] = account
            _audit(actor, QUALITY, account, "create", {"name": [None, name]}, "import")
        _cost_save(
            actor,
            enterprise,
            {"account": account, "year": year, "quarter": quarter, "amount": amount, "note": note},
        )
    return len(values_list)


@transaction.atomic
def losses_import(*, actor: User, enterprise: Enterprise, content: bytes) -> int:
    """Import quality-loss rows from xlsx, all or nothing."""
    _write_check(actor, enterprise)
    rows = _rows(content, LOSS_HEADERS)
    kinds = _loss_kinds(enterprise)
    labels = {
        "occurred_on": "发生日期",
        "kind": "损失类别",
        "effect": "直接/间接",
        "amount": "金额（元）",
        "description": "说明",
    }
    report: list[dict[str, Any]] = []
    values_list = []
    for number, row in rows:
        errors = Errors()
        occurred = row["发生日期"]
        values = _loss_values(
            errors,
            kinds,
            {
                "occurred_on": occurred if isinstance(occurred, dt.date) else _cell(occurred),
                "kind": _cell(row["损失类别"]),
                "effect": _cell(row["直接/间接"]),
                "amount": _cell(row["金额（元）"]),
                "description": _cell(row["说明"]),
            },
        )
        _row_errors(report, number, errors, labels)
        values_list.append(values)
    if report:
        raise ImportErrors(report)
    for values in values_list:
        loss = QualityLoss.objects.create(enterprise=enterprise, created_by=actor, **values)
        _audit(actor, QUALITY, loss, "create", {"amount": [None, str(loss.amount)]}, "import")
    return len(values_list)


class ImportErrors(ValidationError):
    """Every bad row of an import: [{"row", "field", "message"}]; nothing was saved."""

    def __init__(self, report: list[dict[str, Any]]):
        self.report = report
        super().__init__(
            {
                "file": [
                    f"{_('第 %(n)s 行') % {'n': r['row']}} {r['field']}：{r['message']}"
                    for r in report
                ]
            }
        )
