"""The enterprise clerk's home: its filings and their state (a returned one with its reason),
drafts its CQO prepared for the enterprise to confirm (SPEC §12.23), evaluations due (SPEC §7),
listings in force naming a CQO of the enterprise, and the regulators' notices still standing."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import User
from cqo.blacklist import selectors as blacklist
from cqo.blacklist.models import Listing
from cqo.evaluation import selectors as evaluation
from cqo.lib import clock
from cqo.portal.homes.tiles import ROWS, Tile, url
from cqo.registry import selectors as registry
from cqo.registry.models import Appointment

S = Appointment.Status
FILINGS = "registry:appointment_list"


def _status_counts(user: User) -> dict[str, int]:
    rows = registry.appointment_list(user=user).order_by().values_list("status")
    return dict(rows.annotate(n=Count("pk")))


def clerk(user: User) -> dict[str, Any]:
    ent = user.enterprise
    if ent is None:  # not possible: accounts_user_clerk_has_enterprise
        return {}
    today = clock.today()
    counts = _status_counts(user)
    filings = registry.appointment_list(user=user)
    confirm = filings.filter(status=S.DRAFT, preparation=Appointment.Preparation.ENTERPRISE)
    due = evaluation.evaluations_due(ent, today)
    listings = blacklist.listing_list(user=user, state=Listing.State.IN_FORCE, today=today)
    tiles = [
        Tile("confirm", _("本人已填报待企业确认"), confirm.count(), tone="primary"),
        Tile(
            "returned",
            _("退回修改"),
            counts.get(S.RETURNED, 0),
            url(FILINGS, status=S.RETURNED),
            "danger",
        ),
        Tile(
            "submitted", _("待备案"), counts.get(S.SUBMITTED, 0), url(FILINGS, status=S.SUBMITTED)
        ),
        Tile("filed", _("已备案"), counts.get(S.FILED, 0), url(FILINGS, status=S.FILED)),
        Tile(
            "evaluations",
            _("待考核评价"),
            due.count(),
            url("evaluation:enterprise", ent.uscc),
            "warning",
        ),
        Tile(
            "listings",
            _("生效中的警示和退出名单"),
            listings.count(),
            url("blacklist:listing_list", state=Listing.State.IN_FORCE),
            "danger",
        ),
    ]
    return {
        "tiles": tiles,
        "enterprise": ent,
        # the chief CQO filed and serving today, if any (SPEC §12.8)
        "serving": registry.active_appointment(ent, today),
        "reminders": registry.open_reminders(user=user)[:ROWS],
        "confirm": confirm[:ROWS],
        "due": due[:ROWS],
        "listings": listings.order_by("-start_date", "-pk")[:ROWS],
        "appointments": filings.order_by("-updated_at")[:10],
    }
