"""Typed inputs of the CQO evaluation and the self-assessment, and their parsers from text."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cqo.evaluation import rules
from cqo.evaluation.inputs.common import (
    INDICATOR_NOTE_MAX,
    Input,
    blank,
    bounded,
    check_date,
    int_map,
    need,
    parse_date,
    parse_int,
    parse_uuid,
    read_int,
)
from cqo.evaluation.models import ImprovementTask, SelfAssessment
from cqo.lib.errors import Data, Errors, text

BAND_LABEL_MAX = 30
SCORE_MAX = 1000


@dataclass(frozen=True, kw_only=True)
class Band(Input):
    label: str
    min: int


@dataclass(frozen=True, kw_only=True)
class SettingsTerms(Input):
    """The enterprise's pass mark and bands (SPEC §12.6); hangzhou-spec prints none."""

    pass_mark: int | None = None
    bands: tuple[Band, ...] = ()


def check_bands(errors: Errors, bands: tuple[Band, ...]) -> list[dict[str, Any]]:
    """The bands as stored, highest minimum first; a bad band is named by its line."""
    for number, band in enumerate(bands, start=1):
        if not band.label or len(band.label) > BAND_LABEL_MAX or not 0 <= band.min <= SCORE_MAX:
            errors.add("bands", _("第 %(n)s 行应为“等级名称 最低分”，如“优秀 90”") % {"n": number})
            return []
    labels = [b.label for b in bands]
    if len(set(labels)) != len(labels) or len({b.min for b in bands}) != len(bands):
        errors.add("bands", _("等级名称和最低分不能重复"))
        return []
    return sorted(({"label": b.label, "min": b.min} for b in bands), key=lambda b: -b["min"])


def read_settings(errors: Errors, data: Data) -> SettingsTerms:
    """From the page: a pass mark and one band a line ("优秀 90")."""
    pass_mark = None
    if text(data, "pass_mark"):
        pass_mark = read_int(errors, "pass_mark", text(data, "pass_mark"), 0, SCORE_MAX)
    bands: tuple[Band, ...] = ()
    try:
        bands = tuple(
            Band(label=b["label"], min=b["min"]) for b in rules.parse_bands(text(data, "bands"))
        )
    except ValueError as exc:
        line = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
        errors.add(
            "bands",
            _("第 %(n)s 行应为“等级名称 最低分”，如“优秀 90”") % {"n": line}
            if line
            else _("等级名称和最低分不能重复"),
        )
    return SettingsTerms(pass_mark=pass_mark, bands=bands)


@dataclass(frozen=True, kw_only=True)
class EvaluationPeriod(Input):
    """Whom and which period an evaluation is of: a filed or ended appointment (its public
    id), the year, and the part of it (1 for a year; 1–2 half-years; 1–4 quarters)."""

    appointment: uuid.UUID | None
    year: int | None
    part: int = 1


def read_period(errors: Errors, data: Data) -> EvaluationPeriod:
    year = parse_int(errors, "year", text(data, "year"))
    part = parse_int(errors, "part", text(data, "part") or "1")
    return EvaluationPeriod(
        appointment=parse_uuid(text(data, "appointment")), year=year, part=part or 1
    )


@dataclass(frozen=True, kw_only=True)
class EvaluationScores(Input):
    """The draft's item scores (0…max), for a contents form the points the enterprise sets per
    item (1…100), the decision and its notes, the evaluators."""

    scores: Mapping[str, int] = field(default_factory=dict)
    maxima: Mapping[str, int] = field(default_factory=dict)
    decision: str = ""
    decision_note: str = ""
    reward_note: str = ""
    evaluators: str = ""


def read_scores(errors: Errors, data: Data) -> EvaluationScores:
    """``scores`` and ``maxima`` map item codes to the numbers as typed; blanks are none."""
    return EvaluationScores(
        scores=int_map(errors, "scores", _part(data, "scores")),
        maxima=int_map(errors, "maxima", _part(data, "maxima")),
        decision=text(data, "decision"),
        decision_note=text(data, "decision_note"),
        reward_note=text(data, "reward_note"),
        evaluators=text(data, "evaluators"),
    )


def _part(data: Data, key: str) -> Mapping[str, object]:
    part = data.get(key) or {}
    if not isinstance(part, Mapping):
        raise ValidationError({key: _("格式无效")})
    return part


@dataclass(frozen=True, kw_only=True)
class AssessmentTerms(Input):
    """A self-assessment of the CQO system for a year (shenzhen-guide §6.2)."""

    year: int | None
    assessor_kind: str = SelfAssessment.AssessorKind.INTERNAL
    assessor_org: str = ""
    assessors: str = ""


def read_assessment(errors: Errors, data: Data) -> AssessmentTerms:
    return AssessmentTerms(
        year=parse_int(errors, "year", text(data, "year")),
        assessor_kind=text(data, "assessor_kind") or SelfAssessment.AssessorKind.INTERNAL,
        assessor_org=text(data, "assessor_org"),
        assessors=text(data, "assessors"),
    )


@dataclass(frozen=True, kw_only=True)
class AssessmentResults(Input):
    """Results per indicator: a score (0…max) or a descriptive level (its index, lowest 0), the
    enterprise's own points and notes; the texts, when given, replace the saved ones."""

    scores: Mapping[str, int] = field(default_factory=dict)
    levels: Mapping[str, int] = field(default_factory=dict)
    maxima: Mapping[str, int] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)
    findings: str | None = None
    suggestions: str | None = None
    application: str | None = None


def read_results(errors: Errors, data: Data) -> AssessmentResults:
    """``scores``, ``levels``, ``maxima`` and ``notes`` map indicator codes to the values as
    typed; a text not given keeps the saved one."""
    notes = _part(data, "notes")
    return AssessmentResults(
        scores=int_map(errors, "scores", _part(data, "scores")),
        levels=int_map(errors, "levels", _part(data, "levels")),
        maxima=int_map(errors, "maxima", _part(data, "maxima")),
        notes={k: str(v).strip()[:INDICATOR_NOTE_MAX] for k, v in notes.items() if v is not None},
        **{k: text(data, k) for k in ("findings", "suggestions", "application") if k in data},
    )


@dataclass(frozen=True, kw_only=True)
class TaskTerms(Input):
    """改进任务 formed from the results (shenzhen-guide §6.3)."""

    indicator: str = ""
    title: str
    target: str = ""
    department: str
    owner: str
    due_date: dt.date | None


def check_task(errors: Errors, terms: TaskTerms, assessment: SelfAssessment) -> None:
    if terms.indicator and terms.indicator not in {i["code"] for i in assessment.indicators}:
        errors.add("indicator", _("没有该评估指标"))
    for name in ("title", "department", "owner"):
        value = getattr(terms, name)
        if not value:
            errors.add(name, _("必填"))
        else:
            bounded(errors, name, value, ImprovementTask)
    bounded(errors, "target", terms.target, ImprovementTask)
    if terms.due_date is None:
        need(errors, "due_date", _("日期格式应为 YYYY-MM-DD"))
    due = check_date(errors, "due_date", terms.due_date, ImprovementTask)
    if due and due < dt.date(assessment.year, 1, 1):
        errors.add("due_date", _("完成期限不能早于评估年度"))


def read_task(errors: Errors, data: Data, assessment: SelfAssessment) -> TaskTerms:
    terms = TaskTerms(
        indicator=text(data, "indicator"),
        title=text(data, "title"),
        target=text(data, "target"),
        department=text(data, "department"),
        owner=text(data, "owner"),
        due_date=parse_date(errors, "due_date", data.get("due_date")),
    )
    check_task(errors, terms, assessment)
    return terms


@dataclass(frozen=True, kw_only=True)
class TaskClosing(Input):
    """关闭: the evidence of the improvement and its effectiveness (§6.3); the day, else today."""

    evidence: str
    closed_on: dt.date | None = None


def read_closing(errors: Errors, data: Data) -> TaskClosing:
    day = (
        None
        if blank(data.get("closed_on"))
        else parse_date(errors, "closed_on", data.get("closed_on"))
    )
    return TaskClosing(evidence=text(data, "evidence"), closed_on=day)
