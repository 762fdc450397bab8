"""Coverage statistics (SPEC §8), scoped by cqo/accounts/access.py.

Each table is one aggregate query over enterprises: COUNT with a conditional EXISTS on the
appointments active on the as-of date (SPEC §12.8); no per-enterprise loop in Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.audit import follow as feed
from cqo.coverage import rules
from cqo.imports.models import EnterpriseList
from cqo.lib import clock
from cqo.policy.models import Pack, PackRegion
from cqo.policy.selectors import (
    date_field,
    governing_for_region,
    held_state,
    installed_state,
    region_chain,
    require_governed,
)
from cqo.reference.models import Industry, Region
from cqo.reference.selectors import region_label
from cqo.registry.models import Appointment, Enterprise

COUNTING = (Appointment.Status.FILED, Appointment.Status.ENDED)


@dataclass
class Row:
    key: str
    label: str
    metric: str
    numerator: int
    denominator: int
    share: float | None
    target: float | None = None
    target_year: int | None = None
    target_clause: str = ""
    path: float | None = None
    status: str | None = None
    # the oldest as-of date of the imported lists behind the row's enterprises; None when
    # every enterprise was registered by hand
    list_as_of: dt.date | None = None
    hand_registered: int = 0
    drill: str | None = None  # a child region that can be drilled into


@dataclass
class NewCqoYear:
    year: int
    new_cqos: int  # persons whose first-ever filed appointment is at an above-scale enterprise
    replacements: int  # of those, how many succeeded a filed CQO at the same enterprise
    target: int | None


@dataclass
class Coverage:
    region: Region | None
    as_of: dt.date
    group_by: str
    metric: str
    rows: list[Row]
    pack_label: str = ""
    effective_from: dt.date | None = None
    current_list_as_of: dt.date | None = None  # the region's current imported list, if any
    new_cqos: list[NewCqoYear] = field(default_factory=list)
    new_cqos_per_year: int | None = None
    new_cqos_clause: str = ""
    key_industries: Any = None
    entered: bool = False


def can_view(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_platform_admin or user.role in (Role.REGULATOR, Role.DEPARTMENT))


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


@dataclass(frozen=True)
class KeyConfig:
    """Key industries of a pack (SPEC §12.9): GB/T 4754 divisions and the licence flag."""

    divisions: tuple[str, ...] = ()
    licence: bool = False
    clause: str = ""


@dataclass(frozen=True)
class KeyPlan:
    """The key-industry configuration of a region on a date, and of the sub-regions whose own
    pack says otherwise (level, code, config), most specific first."""

    base: KeyConfig
    exceptions: tuple[tuple[str, str, KeyConfig], ...] = ()


def _key_of(governing: Any) -> KeyConfig:
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


def _national(on: dt.date) -> Any:
    from cqo.policy.selectors import build, national_default

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


def resolve_region(user: Any, region_code: str | None) -> Region | None:
    """The region asked for, if the viewer may see it (else 404); None is the whole country
    (the platform admin only)."""
    if not can_view(user):
        raise PermissionDenied
    if not region_code:
        if user.region is not None:
            return user.region  # type: ignore[no-any-return]
        if user.is_platform_admin:
            return None
        raise Http404
    if region_code == user.region_id and user.region is not None:
        return user.region  # type: ignore[no-any-return]
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise Http404
    if not user.is_platform_admin and not access.region_contains(user, region):
        raise Http404
    return region


def enterprises(user: Any, region: Region | None, as_of: dt.date) -> QuerySet[Enterprise]:
    """Enterprises in the viewer's scope and the region, each marked ``has_cqo``."""
    active = Appointment.objects.filter(active_on(as_of), enterprise=OuterRef("pk"))
    return (
        Enterprise.objects.filter(access.enterprise_q(user))
        .filter(region_q(region))
        .annotate(has_cqo=Exists(active))
    )


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
    user: Any,
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


def cache_key(user: Any, *question: Any, head: int | None = None) -> str:
    """Who asks (their scope), what, in which language, on which day, and as of which audited
    change: ``head``, the newest audit entry's id, when the caller has just read it."""
    scope = (user.pk, user.role, user.region_id, getattr(user, "department", ""))
    if head is None:
        head = feed.latest_id()
    parts = (*scope, *question, get_language(), clock.today(), head)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"coverage:{digest}"


def _coverage(
    user: Any,
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
    user: Any, region_code: str | None, as_of: dt.date, group_by: str, metric: str, *, live: bool
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

    def row(key: str, label: str, m: str, agg: dict[str, Any], targets: list[Any]) -> Row:
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
            r.path = rules.path_value(points, as_of, goals.effective_from)
            r.status = rules.status(r.share, r.path)
        return r

    rows: list[Row] = []
    empty = {"num": 0, "den": 0, "as_of": None, "hand": 0}
    if group_by == "group":
        labels = metric_labels()
        rows = [
            row(m, labels[m], m, found[m].get("metric", empty), goals.targets)
            for m in rules.METRICS
        ]
    else:
        child_level = _child_key(region)[1] if group_by == "region" else None
        got = found[metric]
        names = _labels(group_by, got.keys())
        child_goals = (
            entered_targets([k for k in got if k]) if group_by == "region" and region else {}
        )
        for key in sorted(got, key=lambda k: (k is None, k or "")):
            targets = goals.targets
            if key and key in child_goals and child_level is not None:
                # SPEC §12.10: targets entered for the child over those it inherits
                targets = merge_entered(targets, child_goals[key], goals.effective_from)
            r = row(key or "", names.get(key or "", key or "—"), metric, got[key], targets)
            if child_level is not None and key:
                r.drill = key
            rows.append(r)

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
        key_industries=plan.base,
        entered=goals.entered,
    )


def _live_rows(
    user: Any, region: Region | None, key: str, metric: str, plan: KeyPlan, as_of: dt.date
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


def _fast(user: Any, region: Region | None, plan: KeyPlan) -> Any:
    """The aggregate reader when the aggregate is current and can express the viewer's scope."""
    from cqo.coverage import fast

    return fast.reader(user, plan)


# Targets (SPEC §12.10) -------------------------------------------------------------------------


@dataclass
class Goals:
    targets: list[Any]
    effective_from: dt.date | None = None
    label: str = ""
    new_per_year: int | None = None
    new_clause: str = ""
    entered: bool = False  # the targets were entered for the region (or a region above it)
    source: str = ""  # the official title of the pack the inherited targets come from


@dataclass(frozen=True)
class EnteredTarget:
    metric: str
    year: int
    share: float
    clause: str
    rank: int = 0  # the level that set it (RegionTarget.RANKS: 0 the province)
    setter: str = ""  # who set it: 陕西省（省级）


# every level: the ranks below which entered targets count
ALL_LEVELS = 3


def entered_targets(codes: list[str], above: int = ALL_LEVELS) -> dict[str, list[EnteredTarget]]:
    """Targets entered for these regions (SPEC §12.10) by a level of rank below ``above``,
    by region."""
    from cqo.coverage.models import RegionTarget

    out: dict[str, list[EnteredTarget]] = {}
    rows = RegionTarget.objects.filter(region_id__in=codes).select_related(
        "region", "set_by_region"
    )
    for t in rows:
        if t.rank >= above:
            continue
        out.setdefault(t.region_id, []).append(
            EnteredTarget(
                t.metric,
                t.year,
                float(t.share),
                _("%(setter)s为%(region)s录入的目标")
                % {"setter": t.setter, "region": t.region.name},
                t.rank,
                t.setter,
            )
        )
    return out


def merge_entered(
    inherited: list[Any], entered: list[EnteredTarget], start: dt.date | None
) -> list[Any]:
    """The targets of a region from those it inherits and those entered for it (SPEC §12.10):
    the province's replace the inherited ones of their metric (it assigns each region its
    task); a lower level's are added beside them where they ask for more than those do in
    their year (rules.demand from ``start``), so that a lower level never loosens a higher
    one's, even after the higher one changed its own (a year's higher share counts,
    rules.targets_for)."""
    top = [t for t in entered if t.rank == 0]
    mine = {t.metric for t in top}
    kept = [t for t in inherited if getattr(t, "metric", None) not in mine] + top
    stricter = [
        t
        for t in entered
        if t.rank > 0
        and (
            start is None
            or rules.stricter(
                t.share, rules.demand(rules.targets_for(kept, t.metric), t.year, start)
            )
        )
    ]
    return kept + stricter


def region_goals(region: Region | None, as_of: dt.date, above: int = ALL_LEVELS) -> Goals:
    """The region's targets: the governing pack's (province-wide), then for each metric those
    the province entered for the region's city and for the region itself, and the stricter
    ones a lower level added (SPEC §12.10; ``above``: only those set by levels of a lower
    rank, what binds a level of that rank)."""
    if region is None:
        return Goals([])
    governing = governing_for_region(region, as_of)
    goals = Goals(list(governing.rules.targets), label=governing.label)
    source = governing.section_source("targets") or governing.version
    goals.effective_from = source.effective_from
    goals.source = source.source or source.name
    if governing.rules.new_cqos is not None:
        goals.new_per_year = governing.rules.new_cqos.per_year
        goals.new_clause = governing.rules.new_cqos.clause
    if region.level != Region.Level.PROVINCE:
        # its city first (a county inherits what the province set for its city), then itself
        chain = [c for c in reversed(region_chain(region)) if c != region.province_code]
        entered = entered_targets(chain, above)
        for code in chain:
            if entered.get(code):
                goals.targets = merge_entered(goals.targets, entered[code], goals.effective_from)
                goals.entered = True
    return goals


def metric_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

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
    from cqo.reference import enums

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
    user: Any, region: Region | None, targets_per_year: int | None = None
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


def target_list(user: Any, region_code: str | None) -> QuerySet[Any]:
    """Targets entered for regions in the viewer's scope (their own region's included)."""
    from cqo.coverage.models import RegionTarget

    if not can_view(user):
        return RegionTarget.objects.none()
    qs = RegionTarget.objects.select_related("region", "entered_by", "set_by_region")
    if not user.is_platform_admin:
        if user.region is None:
            return qs.none()
        qs = qs.filter(region_q(user.region))
    if region_code:
        qs = qs.filter(region_id=region_code)
    return qs


def enterable_regions(user: Any) -> list[Region]:
    """Cities and counties the viewer may enter targets for (cqo/coverage/services.py)."""
    from cqo.coverage.services import can_enter_for

    if not can_view(user):
        return []
    qs = Region.objects.exclude(level=Region.Level.PROVINCE).order_by("code")
    if not user.is_platform_admin:
        if user.region is None or user.role != Role.REGULATOR:
            return []
        own = user.region
        if own.level == Region.Level.PROVINCE:
            qs = qs.filter(province_code=own.code)
        elif own.level == Region.Level.CITY:
            qs = qs.filter(city_code=own.code)
        else:
            return []
    return [r for r in qs[:3000] if can_enter_for(user, r)]
