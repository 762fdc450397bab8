"""The coverage answer: from the maintained aggregate when it is current, else live; cached
until the next audited change."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, cast

from django.core.cache import cache
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.audit import follow as feed
from cqo.coverage import rules
from cqo.coverage.selectors.fast import Reader, reader
from cqo.coverage.selectors.goals import entered_targets, merge_entered, region_goals
from cqo.coverage.selectors.population import COUNTING, key_plan, metric_q, region_q
from cqo.coverage.selectors.scope import enterprises, resolve_region
from cqo.coverage.selectors.standing import standing_goals
from cqo.coverage.selectors.types import Coverage, Goal, Goals, KeyPlan, NewCqoYear, Row
from cqo.imports.models import EnterpriseList
from cqo.lib import clock
from cqo.policy.selectors import (
    date_field,
    held_state,
    region_chain,
    require_governed,
)
from cqo.reference import enums
from cqo.reference.models import Industry, Region
from cqo.reference.selectors import region_label
from cqo.registry.models import Appointment


def _aggregates(metric: str, suffix: str = "", plan: KeyPlan | None = None) -> dict[str, Any]:
    mq = metric_q(metric, plan)
    return {
        f"den{suffix}": Count("pk", filter=mq),
        f"num{suffix}": Count("pk", filter=mq & Q(has_cqo=True)),
        f"as_of{suffix}": Min("last_list__as_of", filter=mq),
        f"hand{suffix}": Count("pk", filter=mq & Q(last_list__isnull=True)),
    }


def _child_key(region: Region | None) -> tuple[str, str | None]:
    """The enterprise field grouping by child region, and the child level."""
    if region is None:
        return "region__province_code", Region.Level.PROVINCE
    if region.level == Region.Level.PROVINCE:
        return "region__city_code", Region.Level.CITY
    if region.level == Region.Level.CITY:
        return "region_id", Region.Level.COUNTY
    return "region_id", None  # a county: itself only


# An answer is kept this long, under a key holding the latest audit entry's id: every change
# that can move a figure (a filing, an enterprise, an imported list, a target, a policy pack) is
# audited, so a change makes a new key and the next request computes afresh. The time bounds
# what is not audited (reference data reloaded by hand).
CACHE_SECONDS = 300


def coverage(
    user: User,
    region_code: str | None,
    as_of: dt.date,
    group_by: str = "region",
    metric: str = "above_scale",
    *,
    live: bool = False,
    cached: bool = True,
    head: int | None = None,
) -> Coverage:
    """Coverage rows for the region grouped by child region, GB/T 4754 section, size class or
    the four target metrics; ``metric`` ("all" or one of rules.METRICS) is the population of
    the first three groupings. Answered from the maintained aggregate when it is current (it
    gives exactly the live answer), else live; ``live`` forces the live query. The same
    question asked again before anything changed is answered from the cache. ``head``: the
    newest audit entry's id, when the caller has just read it (follow.held_head)."""
    if live or not cached:  # cached=False: a caller that keeps the answer in a form of its own
        return _coverage(user, region_code, as_of, group_by, metric, live=live, head=head)
    key = cache_key(user, region_code, as_of, group_by, metric, head=head)
    found = cache.get(key)
    if found is None:
        found = _coverage(user, region_code, as_of, group_by, metric, head=head)
        cache.set(key, found, CACHE_SECONDS)
    return cast(Coverage, found)


def cache_key(user: User, *question: Any, head: int | None = None) -> str:
    """Who asks (their scope), what, in which language, on which day, and as of which audited
    change: ``head``, the newest audit entry's id, when the caller has just read it."""
    scope = (user.pk, user.role, user.region_id, getattr(user, "department", ""))
    if head is None:
        head = feed.latest_id()
    parts = (*scope, *question, get_language(), clock.today(), head)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"coverage:{digest}"


def _coverage(
    user: User,
    region_code: str | None,
    as_of: dt.date,
    group_by: str,
    metric: str,
    *,
    live: bool = False,
    head: int | None = None,
) -> Coverage:
    if group_by not in rules.GROUP_BYS:
        raise ValueError(group_by)
    if metric != "all" and metric not in rules.METRICS:
        raise ValueError(metric)
    # one view of the installed packs and of the audit trail for the whole answer
    with held_state(), feed.held_head(head), date_field("as_of"):
        return _build(user, region_code, as_of, group_by, metric, live=live)


def _build(
    user: User, region_code: str | None, as_of: dt.date, group_by: str, metric: str, *, live: bool
) -> Coverage:
    region = resolve_region(user, region_code)
    # an as-of date before any pack governs the region has no key industries and no targets
    # to count against: a NoPackInForce (422 naming the first day one does)
    require_governed(region, as_of)
    plan = key_plan(region, as_of)
    goals = region_goals(region, as_of)
    fast = None if live else _fast(user, region, plan)
    metrics = list(rules.METRICS) if group_by == "group" else [metric]
    found: dict[str, dict[Any, dict[str, Any]]] = {}
    for m in metrics:
        key = "metric" if group_by == "group" else group_by
        if fast is not None:
            found[m] = fast.rows(region, key, m, plan, as_of)
        else:
            found[m] = _live_rows(user, region, key, m, plan, as_of)
    if group_by == "group":
        rows = _metric_rows(found, goals, as_of)
    else:
        rows = _grouped_rows(found[metric], region, group_by, metric, goals, as_of)
    return Coverage(
        region=region,
        as_of=as_of,
        group_by=group_by,
        metric=metric,
        rows=rows,
        pack_label=goals.label,
        effective_from=goals.effective_from,
        current_list_as_of=_current_list_as_of(region),
        new_cqos=(
            fast.new_cqos(region, goals.new_per_year)
            if fast is not None
            else new_cqos_by_year(user, region, targets_per_year=goals.new_per_year)
        ),
        new_cqos_per_year=goals.new_per_year,
        new_cqos_clause=goals.new_clause,
        review_clause=goals.review_clause,
        province_new_cqos_per_year=goals.province_new_per_year,
        key_industries=plan.base,
        entered=goals.entered,
        standing=standing_goals(user, region, as_of, goals),
        start=goals.start,
    )


def _row(
    key: str,
    label: str,
    m: str,
    agg: dict[str, Any],
    targets: list[Goal],
    *,
    goals: Goals,
    as_of: dt.date,
) -> Row:
    num, den = agg["num"] or 0, agg["den"] or 0
    r = Row(
        key=key,
        label=label,
        metric=m,
        numerator=num,
        denominator=den,
        share=rules.share(num, den),
        list_as_of=agg["as_of"],
        hand_registered=agg["hand"] or 0,
    )
    points = rules.targets_for(targets, m)
    goal = rules.current_target(points, as_of)
    if goal is not None and goals.effective_from is not None:
        r.target, r.target_year, r.target_clause = goal.share, goal.year, goal.clause
        r.path = rules.path_value(points, as_of, goals.effective_from, goals.start_share(m))
        r.status = rules.status(r.share, r.path)
    return r


def _metric_rows(
    found: dict[str, dict[Any, dict[str, Any]]], goals: Goals, as_of: dt.date
) -> list[Row]:
    """One row per target metric (the "group" grouping)."""
    empty = {"num": 0, "den": 0, "as_of": None, "hand": 0}
    labels = metric_labels()
    return [
        _row(
            m,
            labels[m],
            m,
            found[m].get("metric", empty),
            goals.targets,
            goals=goals,
            as_of=as_of,
        )
        for m in rules.METRICS
    ]


def _grouped_rows(
    got: dict[Any, dict[str, Any]],
    region: Region | None,
    group_by: str,
    metric: str,
    goals: Goals,
    as_of: dt.date,
) -> list[Row]:
    """One row per child region, section or size class."""
    child_level = _child_key(region)[1] if group_by == "region" else None
    names = _labels(group_by, got.keys())
    child_goals = entered_targets([k for k in got if k]) if group_by == "region" and region else {}
    rows: list[Row] = []
    for key in sorted(got, key=lambda k: (k is None, k or "")):
        targets = goals.targets
        if key and key in child_goals and child_level is not None:
            # SPEC §12.10: targets entered for the child over those it inherits
            targets = merge_entered(
                targets, child_goals[key], goals.effective_from, {metric: goals.start_share(metric)}
            )
        label = names.get(key or "", key or "—")
        r = _row(key or "", label, metric, got[key], targets, goals=goals, as_of=as_of)
        if child_level is not None and key:
            r.drill = key
        rows.append(r)
    return rows


def _live_rows(
    user: User, region: Region | None, key: str, metric: str, plan: KeyPlan, as_of: dt.date
) -> dict[Any, dict[str, Any]]:
    qs = enterprises(user, region, as_of)
    if key == "metric":
        agg = qs.aggregate(**_aggregates(metric, "", plan))
        return {"metric": _norm(agg)}
    if key == "region":
        key_field = _child_key(region)[0]
    elif key == "section":
        key_field = "industry__parent_id"
    else:
        key_field = "size"
    grouped = qs.values(k=F(key_field)).annotate(**_aggregates(metric, "", plan)).order_by()
    return {a["k"]: _norm(cast(dict[str, Any], a)) for a in grouped}


def _norm(a: dict[str, Any]) -> dict[str, Any]:
    return {"num": a["num"] or 0, "den": a["den"] or 0, "as_of": a["as_of"], "hand": a["hand"] or 0}


def _fast(user: User, region: Region | None, plan: KeyPlan) -> Reader | None:
    """The aggregate reader when the aggregate is current and can express the viewer's scope."""
    return reader(user, plan)


def metric_labels() -> dict[str, str]:

    return {
        "all": _("全部企业"),
        "above_scale": _("规模以上企业"),
        "msme": _("中小微企业"),
        "key_industry_msme": _("重点行业中小微企业"),
        "quality_award": _("政府质量奖（含提名奖）企业"),
    }


def _labels(group_by: str, keys: Any) -> dict[str, str]:
    codes = [k for k in keys if k]
    if group_by == "region":
        return {c: region_label(c) for c in codes}
    if group_by == "section":
        return {
            i.code: f"{i.code} {i.name}"
            for i in Industry.objects.filter(code__in=codes).only("code", "name")
        }

    return {c: str(enums.EnterpriseSize(c).label) for c in codes if c in enums.EnterpriseSize}


def _current_list_as_of(region: Region | None) -> dt.date | None:
    if region is None:
        return None
    # current_list (the latest completed import by as-of date) of each region of the chain, in
    # one query: the nearest region's
    chain = region_chain(region)
    latest: dict[str, dt.date] = {}
    done = EnterpriseList.objects.filter(region_id__in=chain, status=EnterpriseList.Status.DONE)
    for code, as_of in done.order_by("-as_of", "-finished_at").values_list("region_id", "as_of"):
        latest.setdefault(code, as_of)
    return next((latest[code] for code in chain if code in latest), None)


def new_cqos_by_year(
    user: User, region: Region | None, targets_per_year: int | None = None
) -> list[NewCqoYear]:
    """New CQOs by filing year (SPEC §12.12): persons whose first-ever filed appointment (in any
    region) is at an above-scale enterprise in the region; ``replacements`` counts those that
    succeeded an earlier filed CQO of the same enterprise. One query."""
    filed = Appointment.objects.filter(status__in=COUNTING, filed_at__isnull=False)
    earlier_own = filed.filter(person=OuterRef("person"), filed_at__lt=OuterRef("filed_at"))
    predecessor = filed.filter(
        enterprise=OuterRef("enterprise"), filed_at__lt=OuterRef("filed_at")
    ).exclude(person=OuterRef("person"))
    qs = (
        Appointment.objects.filter(access.appointment_q(user))
        .filter(region_q(region, "enterprise"))
        .filter(status__in=COUNTING, filed_at__isnull=False, enterprise__above_scale=True)
        .annotate(first=~Exists(earlier_own), replacing=Exists(predecessor))
        .filter(first=True)
        .values(year=ExtractYear("filed_at"))
        .annotate(
            n=Count("person", distinct=True),
            r=Count("person", filter=Q(replacing=True), distinct=True),
        )
        .order_by("year")
    )
    return [
        NewCqoYear(year=a["year"], new_cqos=a["n"], replacements=a["r"], target=targets_per_year)
        for a in qs
    ]
