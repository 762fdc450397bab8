"""The demo builds through the services and resets cleanly."""

from __future__ import annotations

import random

import pytest

from cqo.evaluation import selectors
from cqo.evaluation.demo import build_evaluation_showcase, evaluation_reset
from cqo.evaluation.models import Evaluation, ImprovementTask, QualityLoss, SelfAssessment
from tests.evaluation.conftest import World

pytestmark = pytest.mark.django_db


def test_it_builds_and_resets_the_showcase(world: World) -> None:
    users = {"clerk2": world.p.clerk_a, "cqo": world.p.cqo}
    rng = random.Random(7)  # noqa: S311 (demo data, not secrets)
    build_evaluation_showcase(rng, users)
    ev = Evaluation.objects.get()
    assert ev.status == "signed_off" and ev.period_start.year == 2025 and ev.band
    assert list(SelfAssessment.objects.values_list("year", flat=True)) == [2025, 2024]
    statuses = set(ImprovementTask.objects.values_list("status", flat=True))
    assert statuses == {"open", "closed"}
    summary = selectors.cost_summary(world.p.enterprise_a)
    assert len(summary["quarters"]) == 8 and all(q.revenue_share for q in summary["quarters"])
    assert QualityLoss.objects.count() == 6
    counts = evaluation_reset()
    assert counts["evaluation"] == 1 and not Evaluation.objects.exists()
