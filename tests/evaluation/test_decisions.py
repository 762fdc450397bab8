"""The evaluation's decisions are those hangzhou-spec 考核与评价 names — 续聘、解聘、奖惩 and
调整岗位 ("不再担任首席质量官") — and 限期改进, named by no document, survives only on
evaluations signed off with it."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client

from cqo.evaluation import inputs, services
from cqo.evaluation.api.schemas import Decision
from cqo.evaluation.models import DECISIONS, ENDING_DECISIONS, Evaluation
from cqo.registry.models import Appointment
from tests.evaluation.conftest import World, full_scores, new_evaluation, signed
from tests.evaluation.test_api import Caller

pytestmark = pytest.mark.django_db


def _score(w: World, ev: Evaluation, decision: str) -> Evaluation:
    return services.evaluation_score(
        actor=w.p.clerk_a,
        evaluation=ev,
        scores=inputs.parsed(
            inputs.read_scores,
            {"scores": full_scores(ev), "decision": decision, "evaluators": "王建国"},
        ),
    )


def test_the_documents_decisions_are_the_choosable_ones() -> None:
    assert [str(d.label) for d in DECISIONS] == ["续聘", "解聘", "奖惩", "调整岗位"]
    assert set(Decision.__args__) == {d.value for d in DECISIONS}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("decision", "accepted"),
    [
        ("renew", True),
        ("dismiss", True),
        ("reward", True),
        ("reassign", True),
        ("improve", False),
        ("fire", False),
    ],
)
def test_it_accepts_only_the_documents_decisions(
    world: World, decision: str, accepted: bool
) -> None:
    ev = new_evaluation(world)
    if accepted:
        assert _score(world, ev, decision).decision == decision
    else:
        with pytest.raises(ValidationError) as exc:
            _score(world, ev, decision)
        assert set(exc.value.message_dict) == {"decision"}
        assert Evaluation.objects.get(pk=ev.pk).decision == ""


@pytest.mark.parametrize(
    ("decision", "ends"),
    [("renew", False), ("reward", False), ("dismiss", True), ("reassign", True)],
)
def test_a_dismissal_or_reassignment_may_end_the_appointment(
    world: World, decision: str, ends: bool
) -> None:
    assert (decision in ENDING_DECISIONS) is ends
    ev = signed(world, decision=decision)
    if ends:
        services.evaluation_end_appointment(
            actor=world.p.clerk_a, evaluation=ev, ended_on=dt.date(2026, 6, 1)
        )
        assert Appointment.objects.get(pk=world.appt.pk).status == "ended"
    else:
        with pytest.raises(ValidationError):
            services.evaluation_end_appointment(
                actor=world.p.clerk_a, evaluation=ev, ended_on=dt.date(2026, 6, 1)
            )
        assert Appointment.objects.get(pk=world.appt.pk).status == "filed"


def test_the_api_refuses_improve(world: World, client: Client) -> None:
    ev = new_evaluation(world)
    caller: Any = Caller(client, world.p.clerk_a)
    answer = caller.post(f"/evaluations/{ev.public_id}/scores", {"decision": "improve"})
    assert answer.status_code == 422
    ok = caller.post(f"/evaluations/{ev.public_id}/scores", {"decision": "reassign"})
    assert ok.status_code == 200 and ok.json()["decision"] == "reassign"


def test_the_migration_clears_improve_on_drafts_and_keeps_it_on_signed_ones(
    world: World,
) -> None:
    draft = new_evaluation(world, year=2025)
    other = new_evaluation(world, year=2026)
    _score(world, other, "renew")
    services.evaluation_sign_off(actor=world.p.clerk_a, evaluation=other)
    Evaluation.objects.filter(pk__in=[draft.pk, other.pk]).update(decision="improve")
    migration = importlib.import_module(
        "cqo.evaluation.migrations.0005_clear_draft_improve_decisions"
    )
    migration.clear_drafts(apps, None)
    assert Evaluation.objects.get(pk=draft.pk).decision == ""
    kept = Evaluation.objects.get(pk=other.pk)
    assert kept.decision == "improve"
    assert kept.get_decision_display() == "限期改进（原选项，文件未规定）"


# The self-assessment's points (shenzhen-guide §6.2 prints none) ------------------------------


@pytest.mark.parametrize(
    ("maxima", "scores", "problem"),
    [
        ({}, {"5.1": 5}, "scores.5.1"),  # no points set: nothing to score against
        ({"5.1": 0}, {}, "maxima.5.1"),
        ({"5.1": 101}, {}, "maxima.5.1"),
        ({"5.1": 12}, {"5.1": 13}, "scores.5.1"),
        ({"5.1": 12}, {"5.1": 12}, None),
        ({"5.1": 1}, {"5.1": 0}, None),
    ],
)
def test_the_enterprise_sets_each_indicators_points(
    world: World, maxima: dict[str, int], scores: dict[str, int], problem: str | None
) -> None:
    from tests.evaluation.conftest import new_assessment

    sa = new_assessment(world)
    results = inputs.parsed(inputs.read_results, {"maxima": maxima, "scores": scores})
    if problem is None:
        sa = services.assessment_score(actor=world.p.clerk_a, assessment=sa, results=results)
        found = {i["code"]: i for i in sa.indicators}["5.1"]
        assert (found["max"], found["score"]) == (maxima["5.1"], scores["5.1"])
        assert sa.max_total == maxima["5.1"]
    else:
        with pytest.raises(ValidationError) as exc:
            services.assessment_score(actor=world.p.clerk_a, assessment=sa, results=results)
        assert set(exc.value.message_dict) == {problem}


def test_the_assessment_page_says_the_guide_sets_no_points(world: World, client: Client) -> None:
    from django.urls import reverse

    from tests.evaluation.conftest import new_assessment

    sa = new_assessment(world)
    client.force_login(world.p.clerk_a)
    page = client.get(reverse("evaluation:assessment_detail", args=[sa.public_id])).content
    assert "未规定分值和扣分" in page.decode()
