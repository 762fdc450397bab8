"""The typed inputs of the enterprise side's services, and their parsers from text.

A service takes one of these (or plain typed arguments) and never reads strings by key. The
pages, the xlsx import and the tests read text with ``read_*`` (messages collected in an
``Errors``) or ``parsed(read_*, ...)`` (a ValidationError keyed by field); the API's schemas
type the values themselves. Each ``check_*`` holds a typed value to the rules of its source, so
the parsers and the services report the same messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from cqo.evaluation.inputs.common import (
    INDICATOR_NOTE_MAX,
    TEXT_MAX,
    int_map,
    parse_date,
)
from cqo.evaluation.inputs.evaluations import (
    AssessmentResults,
    AssessmentTerms,
    Band,
    EvaluationPeriod,
    EvaluationScores,
    SettingsTerms,
    TaskClosing,
    TaskTerms,
    read_assessment,
    read_closing,
    read_period,
    read_results,
    read_scores,
    read_settings,
    read_task,
)
from cqo.evaluation.inputs.quality import (
    AccountTerms,
    CostTerms,
    LossTerms,
    PlanTerms,
    RevenueTerms,
    TargetTerms,
    read_account,
    read_cost,
    read_loss,
    read_plan,
    read_revenue,
    read_target,
)
from cqo.lib.errors import Errors

P = ParamSpec("P")
T = TypeVar("T")


def parsed(read: Callable[Concatenate[Errors, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``read(errors, ...)``, raising every message it collected as one ValidationError."""
    errors = Errors()
    terms = read(errors, *args, **kwargs)
    errors.raise_if_any()
    return terms


__all__ = [
    "INDICATOR_NOTE_MAX",
    "TEXT_MAX",
    "AccountTerms",
    "AssessmentResults",
    "AssessmentTerms",
    "Band",
    "CostTerms",
    "EvaluationPeriod",
    "EvaluationScores",
    "LossTerms",
    "PlanTerms",
    "RevenueTerms",
    "SettingsTerms",
    "TargetTerms",
    "TaskClosing",
    "TaskTerms",
    "int_map",
    "parse_date",
    "parsed",
    "read_account",
    "read_assessment",
    "read_closing",
    "read_cost",
    "read_loss",
    "read_period",
    "read_plan",
    "read_results",
    "read_revenue",
    "read_scores",
    "read_settings",
    "read_target",
    "read_task",
]
