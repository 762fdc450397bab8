"""Entering coverage targets for a city or county (SPEC §12.10), audited.

Who enters them (the sources are silent; decided here): a regulator of a region strictly above
the target's region — the province for its cities and counties, a city for its counties — and
the platform admin, who acts as the province. A region does not set its own target: the targets
are the superior government's tasks for it (shaanxi-2021 §六(一) "明确任务分工…确保全面完成全省首席
质量官培育目标", §六(三) and jiangsu-2020 §八: the progress is part of the government quality-work
assessment, which the superior level carries out).

Each target records the level that set it, and each level keeps its own: the province's replace
what a region inherits (the pack's province-wide targets, or what it set for the city); a city
may add a stricter target for one of its counties — a higher share than the province's targets
ask for that year — but cannot change or delete the province's (SPEC §12.10: targets are
province-wide; shaanxi-2021 §六(一): the province assigns the tasks).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record, diff, snapshot
from cqo.coverage import rules
from cqo.coverage.models import Metric, RegionTarget
from cqo.lib import bounds, clock
from cqo.lib.errors import Data, Errors, text
from cqo.reference.models import Region

FIELDS = ["region_id", "metric", "year", "share", "note", "set_by_level", "set_by_region_id"]


def setter_of(user: User, region: Region) -> tuple[str, Region]:
    """The level and region a target entered by ``user`` for ``region`` is set by: the
    regulator's own, or for the platform admin the province of the region."""
    if user.role == Role.REGULATOR and user.region is not None:
        return user.region.level, user.region
    return Region.Level.PROVINCE, Region.objects.get(code=region.province_code)


def _rank(level: str) -> int:
    return RegionTarget.RANKS.get(level, 0)


def can_enter_for(user: Any, region: Region) -> bool:
    """Whether ``user`` may enter a target for ``region`` (strictly below the user's region)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if region.level == Region.Level.PROVINCE:
        return False  # the province's targets are the pack's (SPEC §12.10)
    if user.is_platform_admin:
        return True
    if user.role != Role.REGULATOR or user.region is None:
        return False
    return user.region.code != region.code and access.region_contains(user, region)


def _clean(errors: Errors, data: Data, *, actor: User) -> dict[str, Any]:
    out: dict[str, Any] = {}
    code = text(data, "region")
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        errors.add("region", _("请选择市或县（区）"))
    elif region.level == Region.Level.PROVINCE:
        errors.add("region", _("省级目标以政策包为准，只能为市、县（区）录入目标"))
    elif not can_enter_for(actor, region):
        errors.add("region", _("只能为本辖区下级的市、县（区）录入目标"))
    out["region"] = region
    metric = text(data, "metric")
    if metric not in Metric.values:
        errors.add("metric", _("请选择统计口径"))
    out["metric"] = metric
    try:
        year = int(text(data, "year"))
        if not 2000 <= year <= 2100:
            raise ValueError
        out["year"] = year
    except ValueError:
        errors.add("year", _("年度应为 2000—2100 之间的整数"))
    try:
        share = Decimal(text(data, "share"))
        if not (share.is_finite() and Decimal(0) < share <= Decimal(1)):
            raise InvalidOperation
        out["share"] = share.quantize(Decimal("0.0001"))
    except InvalidOperation:
        errors.add("share", _("目标覆盖率应大于 0 且不超过 100%"))
    note = text(data, "note")
    if message := bounds.too_long(RegionTarget, "note", note):
        errors.add("note", message)
    out["note"] = note
    return out


def _stricter_than_above(
    errors: Errors, *, region: Region, metric: str, year: int, share: Any, level: str
) -> None:
    """A lower level's target must ask for more than the targets of the levels above it ask
    for that year (their path on 31 December, cqo/coverage/rules.demand)."""
    from cqo.coverage import selectors

    rank = _rank(level)
    if rank == 0:
        return
    goals = selectors.region_goals(region, clock.today(), above=rank)
    points = rules.targets_for(goals.targets, metric)
    if goals.effective_from is None:
        return
    need = rules.demand(points, year, goals.effective_from)
    if rules.stricter(float(share), need):
        return
    # who set what binds it: a target entered above it, else the province-wide pack
    setters = [getattr(t, "setter", "") for t in goals.targets if t.metric == metric]
    who = next((s for s in setters if s), "") or _("全省目标（%(source)s）") % {
        "source": goals.source
    }
    errors.add(
        "share",
        _(
            "%(who)s要求%(region)s %(year)s 年底覆盖率达到 %(need).1f%%，"
            "%(level)s只能录入更高的目标，不能降低上级目标"
        )
        % {
            "who": who,
            "region": region.name,
            "year": year,
            "need": (need or 0) * 100,
            "level": dict(Region.Level.choices)[level],
        },
    )


@transaction.atomic
def target_save(*, actor: User, data: Data) -> RegionTarget:
    """Enter a target at the actor's level, or change the one that level entered for the
    region, metric and year; a lower level's must be stricter than those above it."""
    errors = Errors()
    clean = _clean(errors, data, actor=actor)
    errors.raise_if_any()
    level, set_by = setter_of(actor, clean["region"])
    _stricter_than_above(
        errors,
        region=clean["region"],
        metric=clean["metric"],
        year=clean["year"],
        share=clean["share"],
        level=level,
    )
    errors.raise_if_any()
    existing = (
        RegionTarget.objects.select_for_update()
        .filter(
            region=clean["region"],
            metric=clean["metric"],
            year=clean["year"],
            set_by_level=level,
        )
        .first()
    )
    before = snapshot(existing, FIELDS) if existing else {}
    target = existing or RegionTarget(
        region=clean["region"], metric=clean["metric"], year=clean["year"], set_by_level=level
    )
    target.share, target.note, target.entered_by = clean["share"], clean["note"], actor
    target.set_by_region = set_by
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:  # entered by someone of the same level at the same moment
        errors.add("year", _("该地区该口径该年度已有本级目标"))
        errors.raise_if_any()
    audit_record(
        actor=actor,
        action="update" if existing else "create",
        target_type="region_target",
        target_id=str(target.public_id),
        target_repr=str(target),
        changes=diff(before, snapshot(target, FIELDS)),
    )
    return target


def can_delete(user: Any, target: RegionTarget) -> bool:
    """The level that set a target or one above it removes it; a lower level cannot."""
    if not can_enter_for(user, target.region):
        return False
    level, _region = setter_of(user, target.region)
    return _rank(level) <= target.rank


@transaction.atomic
def target_delete(*, actor: User, target: RegionTarget) -> None:
    """Remove an entered target: the region inherits again (SPEC §12.10)."""
    if not can_enter_for(actor, target.region):
        raise PermissionDenied(_("只能删除本辖区下级地区的目标"))
    if not can_delete(actor, target):
        raise PermissionDenied(
            _("该目标由%(setter)s设定，下级不能修改或删除") % {"setter": target.setter}
        )
    before = snapshot(target, FIELDS)
    audit_record(
        actor=actor,
        action="update",
        target_type="region_target",
        target_id=str(target.public_id),
        target_repr=str(target),
        changes={k: [v, None] for k, v in before.items()},
        note=_("删除目标，恢复沿用上级目标"),
    )
    target.delete()
