"""The demo showcase goes through the services and leaves a current aggregate."""

from __future__ import annotations

import random

import pytest

from cqo.coverage import aggregate
from cqo.coverage.demo import build_coverage_showcase, coverage_reset
from cqo.coverage.models import Mark, RegionTarget
from cqo.test import Personas

pytestmark = pytest.mark.django_db


def test_it_builds_and_resets_the_showcase(personas: Personas):
    p = personas
    build_coverage_showcase(random.Random(1), {"prov": p.province, "xian": p.city})  # noqa: S311
    assert RegionTarget.objects.count() == 4 and Mark.objects.exists()
    assert aggregate.ensure_fresh()
    assert coverage_reset()["targets"] == 4
    assert not RegionTarget.objects.exists() and not Mark.objects.exists()


def test_the_jiangsu_showcase_runs_the_three_tiers_this_year(personas: Personas):
    from cqo.accounts.models import User
    from cqo.coverage import rules, selectors
    from cqo.coverage.demo_jiangsu import build_jiangsu_showcase, jiangsu_reset
    from cqo.lib import clock
    from cqo.training.demo import training_reset

    logins = build_jiangsu_showcase()
    assert [login for login, _role, _scope in logins] == ["jiangsu", "suzhou", "changshu"]
    suzhou = User.objects.get(username="suzhou")
    got = selectors.coverage(suzhou, "320500", clock.today(), "group")
    tiers = next(s for s in got.standing if s.kind == "training_tiers")
    assert tiers.running is True
    status = {(t.tier, t.region): t.status for t in tiers.tiers}
    assert status[("basic", "320581")] == rules.RUNNING  # 常熟市 held its own
    assert status[("basic", "320506")] == rules.MERGED  # 吴中区: merged into Suzhou's
    assert got.start is not None and got.start.cqos == 10000
    training_reset()
    assert jiangsu_reset() == {"jiangsu_users": 3}
