"""Demo data for coverage: targets entered for cities and counties (SPEC §12.10), and the
maintained aggregate built over the demo registry so the pages answer from it."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from cqo.coverage import aggregate, services
from cqo.coverage.models import (
    Cell,
    CellCount,
    EntState,
    FirstFiling,
    Mark,
    NewCqoCount,
    RegionTarget,
    Span,
)


def build_coverage_showcase(rng: random.Random, users: dict[str, Any]) -> None:
    """The province enters stricter 2025 targets for Xi'an and a lower one for Weibin; Xi'an
    enters one for Yanta; then the aggregate is built (call after the registry demo)."""
    prov, xian = users["prov"], users["xian"]
    entries = [
        (prov, "610100", "above_scale", 2025, "1", "省局下达：西安市2025年规上企业全覆盖"),
        (prov, "610100", "key_industry_msme", 2025, "0.85", "省局下达：西安市重点行业中小微85%"),
        (prov, "610302", "msme", 2025, "0.6", "省局下达：渭滨区中小微企业60%"),
        (xian, "610113", "msme", 2025, f"{rng.choice([0.7, 0.75, 0.8])}", "西安市局下达：雁塔区"),
    ]
    for actor, region, metric, year, share, note in entries:
        entry = services.TargetEntry(
            region=region, metric=metric, year=year, share=Decimal(share), note=note
        )
        services.target_save(actor=actor, entry=entry)
    aggregate.rebuild()


def coverage_reset() -> dict[str, int]:
    counts = {"targets": RegionTarget.objects.count(), "cells": Cell.objects.count()}
    RegionTarget.objects.all().delete()
    for model in (CellCount, NewCqoCount, Span, FirstFiling, EntState, Cell, Mark):
        model.objects.all().delete()
    return counts
