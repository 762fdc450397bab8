"""Entering coverage targets for a city or county (SPEC §12.10), audited.

Who enters them (the sources are silent; decided here): a regulator of a region strictly above
the target's region — the province for its cities and counties, a city for its counties — and
the platform admin. A region does not set its own target: the targets are the superior
government's tasks for it (shaanxi-2021 §六(一) "明确任务分工…确保全面完成全省首席质量官培育目标",
§六(三) and jiangsu-2020 §八: the progress is part of the government quality-work assessment,
which the superior level carries out).
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
from cqo.coverage.models import Metric, RegionTarget
from cqo.lib import bounds
from cqo.lib.errors import Data, Errors, text
from cqo.reference.models import Region

FIELDS = ["region_id", "metric", "year", "share", "note"]


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


@transaction.atomic
def target_save(*, actor: User, data: Data) -> RegionTarget:
    """Enter a target, or change the one already entered for the region, metric and year."""
    errors = Errors()
    clean = _clean(errors, data, actor=actor)
    errors.raise_if_any()
    existing = (
        RegionTarget.objects.select_for_update()
        .filter(region=clean["region"], metric=clean["metric"], year=clean["year"])
        .first()
    )
    before = snapshot(existing, FIELDS) if existing else {}
    target = existing or RegionTarget(
        region=clean["region"], metric=clean["metric"], year=clean["year"]
    )
    target.share, target.note, target.entered_by = clean["share"], clean["note"], actor
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:  # entered by someone else at the same moment
        errors.add("year", _("该地区该口径该年度已有目标"))
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
    if not can_enter_for(actor, target.region):
        raise PermissionDenied(_("只能删除本辖区下级地区的目标"))
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
