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

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import audit_record, diff, snapshot
from cqo.coverage import rules, selectors
from cqo.coverage.models import Metric, RegionTarget
from cqo.coverage.report import Report
from cqo.lib import bounds, clock
from cqo.lib.errors import Errors
from cqo.reference.models import Region

FIELDS = ["region_id", "metric", "year", "share", "note", "set_by_level", "set_by_region_id"]


@dataclass(frozen=True, kw_only=True)
class TargetEntry:
    """A target as entered: the region's GB/T 2260 code, the metric, the year and the share
    (0–1); ``year`` and ``share`` are None where what was entered is not a number."""

    region: str
    metric: str
    year: int | None
    share: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class _Clean:
    region: Region
    metric: str
    year: int
    share: Decimal
    note: str


def _clean(errors: Errors, entry: TargetEntry, *, actor: User) -> _Clean:
    code = entry.region.replace("\x00", "").strip()
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        errors.add("region", _("请选择市或县（区）"))
    elif region.level == Region.Level.PROVINCE:
        errors.add("region", _("省级目标以政策包为准，只能为市、县（区）录入目标"))
    elif not selectors.can_enter_for(actor, region):
        errors.add("region", _("只能为本辖区下级的市、县（区）录入目标"))
    if entry.metric not in Metric.values:
        errors.add("metric", _("请选择统计口径"))
    if entry.year is None or not 2000 <= entry.year <= 2100:
        errors.add("year", _("年度应为 2000—2100 之间的整数"))
    share = entry.share
    if share is None or not (share.is_finite() and Decimal(0) < share <= Decimal(1)):
        errors.add("share", _("目标覆盖率应大于 0 且不超过 100%"))
    note = entry.note.replace("\x00", "").strip()
    if message := bounds.too_long(RegionTarget, "note", note):
        errors.add("note", message)
    errors.raise_if_any()  # what follows was checked above
    share = cast(Decimal, share).quantize(Decimal("0.0001"))
    return _Clean(cast(Region, region), entry.metric, cast(int, entry.year), share, note)


def _stricter_than_above(
    errors: Errors, *, region: Region, metric: str, year: int, share: Decimal, level: str
) -> None:
    """A lower level's target must ask for more than the targets of the levels above it ask
    for that year (their path on 31 December, cqo/coverage/rules.demand)."""
    rank = selectors.rank_of(level)
    if rank == 0:
        return
    goals = selectors.region_goals(region, clock.today(), above=rank)
    points = rules.targets_for(goals.targets, metric)
    if goals.effective_from is None:
        return
    need = rules.demand(points, year, goals.effective_from, goals.start_share(metric))
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
def target_save(*, actor: User, entry: TargetEntry) -> RegionTarget:
    """Enter a target at the actor's level, or change the one that level entered for the
    region, metric and year; a lower level's must be stricter than those above it."""
    errors = Errors()
    clean = _clean(errors, entry, actor=actor)
    level, set_by = selectors.setter_of(actor, clean.region)
    _stricter_than_above(
        errors,
        region=clean.region,
        metric=clean.metric,
        year=clean.year,
        share=clean.share,
        level=level,
    )
    errors.raise_if_any()
    existing = (
        RegionTarget.objects.select_for_update()
        .filter(region=clean.region, metric=clean.metric, year=clean.year, set_by_level=level)
        .first()
    )
    before = snapshot(existing, FIELDS) if existing else {}
    target = existing or RegionTarget(
        region=clean.region, metric=clean.metric, year=clean.year, set_by_level=level
    )
    target.share, target.note, target.entered_by = clean.share, clean.note, actor
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


@transaction.atomic
def target_delete(*, actor: User, target: RegionTarget) -> None:
    """Remove an entered target: the region inherits again (SPEC §12.10)."""
    if not selectors.can_enter_for(actor, target.region):
        raise PermissionDenied(_("只能删除本辖区下级地区的目标"))
    if not selectors.can_delete(actor, target):
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


def report_export_record(*, actor: User, report: Report, kind: str, note: str = "") -> None:
    """An assessment report taken out as a file: audited, like every export."""
    audit_record(
        actor=actor,
        action="export",
        target_type="coverage_report",
        target_id=report.region.code if report.region else "*",
        target_repr=f"{report.label} {report.as_of.isoformat()} {kind}",
        note=note,
    )
