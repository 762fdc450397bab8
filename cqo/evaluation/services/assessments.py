"""The self-assessment of the enterprise's CQO system and its improvement tasks
(shenzhen-guide §6)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import Plain
from cqo.evaluation import selectors
from cqo.evaluation.inputs import (
    INDICATOR_NOTE_MAX,
    TEXT_MAX,
    AssessmentResults,
    AssessmentTerms,
    TaskClosing,
    TaskTerms,
)
from cqo.evaluation.inputs.common import bounded, check_date, check_int, check_year, need
from cqo.evaluation.inputs.evaluations import check_task
from cqo.evaluation.models import ImprovementTask, SelfAssessment
from cqo.evaluation.services._common import _audit, _write_check
from cqo.lib import clock
from cqo.lib.errors import Errors
from cqo.registry.models import Enterprise

RESULT_TEXTS = ("findings", "suggestions", "application")
# Evidence of an improvement says what was done and that it worked: a word or two is not that.
EVIDENCE_MIN = 4


def _assessment_errors(
    terms: AssessmentTerms, enterprise: Enterprise, src: selectors.FormSource | None
) -> Errors:
    errors = Errors()
    if terms.year is None:
        need(errors, "year", _("应为整数"))
    year = check_year(errors, "year", terms.year)
    if terms.assessor_kind not in SelfAssessment.AssessorKind.values:
        errors.add("assessor_kind", _("评估方式取值无效"))
    if terms.assessor_kind == SelfAssessment.AssessorKind.THIRD_PARTY and not terms.assessor_org:
        errors.add("assessor_org", _("第三方评估请填写评价机构"))
    if not terms.assessors:
        errors.add("assessors", _("请填写评估专家（§6.2）"))
    bounded(errors, "assessors", terms.assessors, SelfAssessment)
    bounded(errors, "assessor_org", terms.assessor_org, SelfAssessment)
    if src is None:
        errors.add("year", _("没有可用的自我评估指标（政策包未规定）"))
    if year and SelfAssessment.objects.filter(enterprise=enterprise, year=year).exists():
        errors.add("year", _("该年度已有自我评估"))
    return errors


@transaction.atomic
def assessment_create(
    *, actor: User, enterprise: Enterprise, terms: AssessmentTerms
) -> SelfAssessment:
    _write_check(actor, enterprise)
    src = selectors.form_source(enterprise, "self_assessment", clock.today())
    _assessment_errors(terms, enterprise, src).raise_if_any()
    assert src is not None and terms.year is not None  # noqa: S101
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
        year=terms.year,
        assessor_kind=terms.assessor_kind,
        assessor_org=terms.assessor_org,
        assessors=terms.assessors,
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
    _audit(actor, selectors.ASSESSMENT, sa, "create", {"year": [None, terms.year]})
    return sa


def _results(
    errors: Errors, sa: SelfAssessment, results: AssessmentResults
) -> list[dict[str, Any]]:
    """The indicators with the new results; every bad one named by its code."""
    indicators = [dict(i) for i in sa.indicators]
    codes = {i["code"] for i in indicators}
    for part in (results.scores, results.levels, results.notes, results.maxima):
        for code in part:
            if code not in codes:
                errors.add(f"scores.{code}"[:60], _("没有该评估指标"))
    for ind in indicators:
        code = ind["code"]
        if not ind["levels"]:
            # shenzhen-guide §6.2 prints no points: the enterprise sets each indicator's own
            if code in results.maxima:
                ind["max"] = check_int(errors, f"maxima.{code}", results.maxima[code], 1, 100)
            if code in results.scores and not ind["max"]:
                message = _("请先设定该指标的分值（指南未规定，由企业自定）")
                errors.add(f"scores.{code}"[:60], message)
            elif code in results.scores:
                ind["score"] = check_int(
                    errors, f"scores.{code}", results.scores[code], 0, ind["max"]
                )
        elif code in results.levels:
            top = len(ind["levels"]) - 1
            ind["level"] = check_int(errors, f"levels.{code}", results.levels[code], 0, top)
        if code in results.notes:
            ind["note"] = results.notes[code].strip()[:INDICATOR_NOTE_MAX]
    return indicators


@transaction.atomic
def assessment_score(
    *, actor: User, assessment: SelfAssessment, results: AssessmentResults
) -> SelfAssessment:
    """Results per indicator: for a quantified one the points the enterprise sets itself and a
    score 0…points (shenzhen-guide §6.2 asks the enterprise for its own 评估打分细则 and prints no
    points), or one of the descriptive levels; plus findings, suggestions (§6.2 d) and how the
    results are applied (§6.2)."""
    _write_check(actor, assessment.enterprise)
    sa = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if sa.status != SelfAssessment.Status.DRAFT:
        raise ValidationError({"status": _("已完成的自我评估不能修改")})
    errors = Errors()
    indicators = _results(errors, sa, results)
    for field in RESULT_TEXTS:
        bounded(errors, field, getattr(results, field) or "", SelfAssessment)
    errors.raise_if_any()
    sa.indicators = indicators
    sa.max_total = sum(int(i["max"] or 0) for i in indicators)
    for field in RESULT_TEXTS:
        if getattr(results, field) is not None:
            setattr(sa, field, getattr(results, field))
    sa.save(update_fields=["indicators", "max_total", *RESULT_TEXTS, "updated_at"])
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
        if (not i["levels"] and i.get("score") is None) or (i["levels"] and i.get("level") is None)
    ]
    if missing:
        errors.add("scores", _("尚未评估的指标：%(codes)s") % {"codes": "、".join(missing)})
    if not sa.findings:
        errors.add("findings", _("请填写评估结论与差距（§6.1）"))
    errors.raise_if_any()
    sa.total = sum(int(i["score"]) for i in sa.indicators if not i["levels"])
    sa.status = SelfAssessment.Status.COMPLETED
    sa.completed_by, sa.completed_at = actor, timezone.now()
    sa.save(update_fields=["total", "status", "completed_by", "completed_at", "updated_at"])
    changes: dict[str, Plain] = {"status": ["draft", "completed"], "total": [None, sa.total]}
    _audit(actor, selectors.ASSESSMENT, sa, "transition", changes)
    return sa


@transaction.atomic
def task_create(*, actor: User, assessment: SelfAssessment, terms: TaskTerms) -> ImprovementTask:
    """改进任务 formed from the results (shenzhen-guide §6.3)."""
    _write_check(actor, assessment.enterprise)
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != SelfAssessment.Status.COMPLETED:
        raise ValidationError({"status": _("自我评估完成后才能下发改进任务")})
    errors = Errors()
    check_task(errors, terms, assessment)
    errors.raise_if_any()
    assert terms.due_date is not None  # noqa: S101
    task = ImprovementTask(
        assessment=assessment,
        indicator=terms.indicator,
        title=terms.title,
        target=terms.target,
        department=terms.department,
        owner=terms.owner,
        due_date=terms.due_date,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    changes: dict[str, Plain] = {"due_date": [None, terms.due_date.isoformat()]}
    _audit(actor, selectors.TASK, task, "create", changes)
    return task


@transaction.atomic
def task_close(*, actor: User, task: ImprovementTask, closing: TaskClosing) -> ImprovementTask:
    """关闭: with the evidence of the improvement and its effectiveness (§6.3)."""
    _write_check(actor, task.assessment.enterprise)
    t = ImprovementTask.objects.select_for_update().get(pk=task.pk)
    if t.status != ImprovementTask.Status.OPEN:
        raise ValidationError({"status": _("该任务已关闭")})
    errors = Errors()
    evidence = closing.evidence
    if len(evidence) < EVIDENCE_MIN:
        errors.add("evidence", _("请填写关闭证据（改进措施及其有效性，至少 4 个字）"))
    else:
        bounded(errors, "evidence", evidence, ImprovementTask)
    closed_on = check_date(errors, "closed_on", closing.closed_on or clock.today(), ImprovementTask)
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
    if len(reason) < EVIDENCE_MIN or len(reason) > TEXT_MAX:
        raise ValidationError({"reason": _("请填写重新打开的原因（至少 4 个字）")})
    old = t.evidence
    t.status, t.evidence, t.closed_on, t.closed_by = "open", "", None, None
    t.save(update_fields=["status", "evidence", "closed_on", "closed_by", "updated_at"])
    changes: dict[str, Plain] = {"status": ["closed", "open"], "evidence": [old, ""]}
    _audit(actor, selectors.TASK, t, "transition", changes, reason)
    return t
