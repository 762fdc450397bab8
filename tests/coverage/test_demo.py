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
