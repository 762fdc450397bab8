"""The homes of the regulators (province, city, county) and of the participating or competent
departments (SPEC §1, §12.20): filings to review and returned, enterprises without a filed CQO,
appeals against listings awaiting a decision, level applications at the bodies supervised."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import User
from cqo.blacklist import selectors as blacklist
from cqo.portal.homes.bodies import application_tiles
from cqo.portal.homes.tiles import ROWS, Tile, url
from cqo.reference.selectors import region_label
from cqo.registry import selectors as registry
from cqo.registry.models import Appointment

FILINGS = "registry:appointment_list"


def _filing_tiles(user: User, queue: dict[str, Any]) -> list[Tile]:
    return [
        Tile(
            "submitted",
            _("待备案"),
            queue["submitted"].count(),
            url(FILINGS, status=Appointment.Status.SUBMITTED),
            "primary",
        ),
        Tile(
            "returned",
            _("退回修改"),
            queue["returned"].count(),
            url(FILINGS, status=Appointment.Status.RETURNED),
        ),
    ]


def _scope_tiles(user: User) -> list[Tile]:
    return [
        Tile(
            "filed",
            _("已备案在任首席质量官"),
            registry.appointment_list(user=user, status=Appointment.Status.FILED).count(),
            url(FILINGS, status=Appointment.Status.FILED),
        ),
        Tile(
            "enterprises",
            _("辖区企业"),
            registry.enterprise_list(user=user).count(),
            url("registry:enterprise_list"),
        ),
    ]


def regulator(user: User) -> dict[str, Any]:
    """指导督促 and its queues (shaanxi-2021 §五(三), jiangsu-2020 §七)."""
    queue = registry.oversight_queue(user=user)
    appeals = blacklist.pending_appeals(user=user)
    tiles = [
        *_filing_tiles(user, queue),
        Tile(
            "without_cqo",
            _("未备案首席质量官的企业"),
            queue["without_cqo"].count(),
            url("portal:oversight"),
            "danger",
        ),
        Tile(
            "appeals",
            _("待决定的申诉"),
            appeals.count(),
            url("blacklist:listing_list", appeal="pending"),
            "warning",
        ),
        *_scope_tiles(user),
        *application_tiles(user, url_name="certification:queue"),
    ]
    return {
        "tiles": tiles,
        "scope_label": region_label(user.region_id) if user.region_id else "",
        "submitted": queue["submitted"][:10],
        "appeals": appeals[:ROWS],
    }


def department(user: User) -> dict[str, Any]:
    """SPEC §12.20: a department reads the enterprises and filings of its industries in its
    region and changes nothing, so its counts link to those lists only; a competent department
    (shenzhen-guide §4.7) files, so 待备案 is its work."""
    queue = registry.oversight_queue(user=user)
    none = registry.enterprise_list(user=user, cqo_status="none")
    tiles = [
        *_filing_tiles(user, queue),
        Tile(
            "without_cqo",
            _("未登记首席质量官的企业"),
            none.count(),
            url("registry:enterprise_list", cqo_status="none"),
            "danger",
        ),
        *_scope_tiles(user),
    ]
    label = f"{region_label(user.region_id)} · {user.organisation or user.department}"
    return {"tiles": tiles, "scope_label": label, "submitted": queue["submitted"][:10]}
