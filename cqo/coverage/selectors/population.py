"""Who counts (SPEC §12.8, §12.9): appointments active on a date, the enterprises of a region, a
metric and the key industries each enterprise is judged by."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from cqo.coverage import rules
from cqo.coverage.selectors.types import KeyConfig, KeyPlan
from cqo.policy.models import Pack, PackRegion
from cqo.policy.selectors import (
    Governing,
    build,
    governing_for_region,
    installed_state,
    national_default,
)
from cqo.reference.models import Region
from cqo.registry.models import Appointment

COUNTING = (Appointment.Status.FILED, Appointment.Status.ENDED)


def active_on(on: dt.date, prefix: str = "") -> Q:
    """Appointments active on ``on`` (SPEC §12.8): filed by that day, started, and the end date
    (the last day served, inclusive) not before it."""
    p = f"{prefix}__" if prefix else ""
    return (
        Q(**{f"{p}status__in": COUNTING})
        & Q(**{f"{p}filed_at__date__lte": on})
        & Q(**{f"{p}start_date__lte": on})
        & (Q(**{f"{p}ended_on__isnull": True}) | Q(**{f"{p}ended_on__gte": on}))
    )


def _key_of(governing: Governing | None) -> KeyConfig:
    ki = getattr(governing.rules, "key_industries", None) if governing is not None else None
    if ki is None:
        return KeyConfig()
    return KeyConfig(tuple(sorted(ki.divisions)), ki.special_equipment_licence, ki.clause)


_DEPTH: dict[str, int] = {Region.Level.PROVINCE: 0, Region.Level.CITY: 1}


_KEY_PLANS: dict[tuple[Any, ...], KeyPlan] = {}
_KEY_PLANS_LIMIT = 4096


def key_plan(region: Region | None, on: dt.date) -> KeyPlan:
    """Each enterprise is judged by the pack governing its own region on the as-of date
    (county → city → province → national default, SPEC §12.9, §12.19). Kept in the process
    while no pack version is installed: it depends on the installed packs alone."""
    key = (region.code if region is not None else None, on, installed_state())
    found = _KEY_PLANS.get(key)
    if found is None:
        if len(_KEY_PLANS) >= _KEY_PLANS_LIMIT:
            _KEY_PLANS.clear()
        found = _KEY_PLANS[key] = _key_plan(region, on)
    return found


def _key_plan(region: Region | None, on: dt.date) -> KeyPlan:
    base = _key_of(governing_for_region(region, on) if region is not None else _national(on))
    inside = PackRegion.objects.filter(
        version__effective_from__lte=on, version__pack__kind=Pack.Kind.JURISDICTION
    )
    if region is not None:
        inside = inside.filter(region_q(region)).exclude(region_id=region.code)
    codes = set(inside.values_list("region_id", flat=True))
    if not codes:
        return KeyPlan(base)
    subs = sorted(Region.objects.filter(code__in=codes), key=lambda r: _DEPTH.get(r.level, 2))
    found: dict[str, KeyConfig] = {}
    for sub in subs:
        cfg = _key_of(governing_for_region(sub, on))
        enclosing = found.get(sub.city_code) or found.get(sub.province_code) or base
        if sub.code != sub.city_code and sub.city_code in found:
            enclosing = found[sub.city_code]
        if cfg != enclosing:
            found[sub.code] = cfg
    levels = {r.code: r.level for r in subs}
    ordered = sorted(found, key=lambda c: -_DEPTH.get(levels[c], 2))
    return KeyPlan(base, tuple((levels[c], c, found[c]) for c in ordered))


def _national(on: dt.date) -> Governing | None:

    version = national_default(on)
    # the whole country without a national default in force: no key industries
    return build([version]) if version is not None else None


def _subtree_q(level: str, code: str, prefix: str = "") -> Q:
    p = f"{prefix}__" if prefix else ""
    if level == Region.Level.PROVINCE:
        return Q(**{f"{p}region__province_code": code})
    if level == Region.Level.CITY:
        return Q(**{f"{p}region__city_code": code})
    return Q(**{f"{p}region_id": code})


def _key_cond(cfg: KeyConfig, prefix: str = "") -> Q:
    p = f"{prefix}__" if prefix else ""
    q = Q(**{f"{p}industry_id__in": cfg.divisions}) if cfg.divisions else Q(pk__in=[])
    if cfg.licence:
        q |= ~Q(**{f"{p}special_equipment_licence": ""})
    return q


def key_q(plan: KeyPlan, prefix: str = "") -> Q:
    """Enterprises in a key industry by the configuration governing each one."""
    total, covered = Q(pk__in=[]), Q(pk__in=[])
    for level, code, cfg in plan.exceptions:
        inside = _subtree_q(level, code, prefix)
        total |= inside & ~covered & _key_cond(cfg, prefix)
        covered |= inside
    return total | (~covered & _key_cond(plan.base, prefix))


def metric_q(metric: str, plan: KeyPlan | None = None) -> Q:
    if metric == "above_scale":
        return Q(above_scale=True)
    if metric == "msme":
        return Q(size__in=rules.MSME_SIZES)
    if metric == "key_industry_msme":
        return Q(size__in=rules.MSME_SIZES) & key_q(plan or KeyPlan(KeyConfig()))
    if metric == "quality_award":
        return Q(quality_award__in=rules.AWARDS)
    return Q()  # "all"


def region_q(region: Region | None, prefix: str = "") -> Q:
    p = f"{prefix}__" if prefix else ""
    if region is None:
        return Q()
    if region.level == Region.Level.PROVINCE:
        return Q(**{f"{p}region__province_code": region.code})
    if region.level == Region.Level.CITY:
        return Q(**{f"{p}region__city_code": region.code})
    return Q(**{f"{p}region_id": region.code})
