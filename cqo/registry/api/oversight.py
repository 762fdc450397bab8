"""指导督促 (shaanxi-2021 §五(三), jiangsu-2020 §七): the regulators' queue of enterprises and
filings that need attention, and the reminders they send to enterprises in their scope.

A reminder has no public code, so it is addressed by its integer id; every access filters by the
viewer's scope first, so an id outside it answers 404 like any other unknown object.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.lib import clock
from cqo.reference.apitypes import RecordKey, Uscc
from cqo.registry import selectors, services
from cqo.registry.api.common import actor, build, page
from cqo.registry.api.enterprises import enterprise_item
from cqo.registry.api.filings import filing_item
from cqo.registry.api.schemas import (
    OversightOut,
    PageQuery,
    ReminderFilters,
    ReminderIn,
    ReminderOut,
    ReminderPage,
)
from cqo.registry.models import Reminder

router = Router()

# How much of the submitted, returned and overdue lists /oversight returns, as the page shows.
FIRST = 50


def _reminder_out(reminder: Reminder) -> ReminderOut:
    return build(
        ReminderOut,
        reminder,
        enterprise=reminder.enterprise.uscc,
        enterprise_name=reminder.enterprise.name,
        sent_by=reminder.sent_by.get_username() if reminder.sent_by else None,
    )


@router.get("/oversight", response={200: OversightOut, **ERRORS})
def oversight(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Counts of each list; the enterprises without a filed CQO paged by limit and offset
    (largest first, as the page sorts them), and the first 50 of each filing list."""
    user = actor(request)
    if not (user.is_regulator or user.is_platform_admin):
        raise PermissionDenied(_("只有监管部门可以查看指导督促"))
    queue = selectors.oversight_queue(user=user)
    without = queue["without_cqo"].order_by("-above_scale", "name", "uscc")
    count, enterprises = page(without, query)
    filings = {key: queue[key] for key in ("submitted", "returned", "overdue")}
    return {
        "due_days": selectors.filing_due(user.region, clock.today()).days,
        "counts": {"without_cqo": count, **{key: qs.count() for key, qs in filings.items()}},
        "without_cqo": [enterprise_item(e) for e in enterprises],
        **{key: [filing_item(a) for a in qs[:FIRST]] for key, qs in filings.items()},
    }


@router.post("/enterprises/{uscc}/reminders", response={201: ReminderOut, **ERRORS})
def reminder_send(request: HttpRequest, uscc: Uscc, payload: ReminderIn) -> Status[ReminderOut]:
    """A regulator urges an enterprise in its region to register and file its CQO."""
    user = actor(request)
    ent = selectors.enterprise_get(user=user, uscc=uscc)
    reminder = services.reminder_send(actor=user, enterprise=ent, message=payload.message)
    return Status(201, _reminder_out(reminder))


@router.get("/reminders", response={200: ReminderPage, **ERRORS})
def reminder_list(request: HttpRequest, filters: Query[ReminderFilters]) -> dict[str, Any]:
    """The reminders to the enterprises in the viewer's scope, newest first."""
    qs = selectors.reminders_for(user=actor(request))
    if filters.enterprise:
        qs = qs.filter(enterprise__uscc=filters.enterprise.upper())
    if filters.unread:
        qs = qs.filter(read_at__isnull=True)
    count, items = page(qs.order_by("-sent_at", "-pk"), filters)
    return {"count": count, "items": [_reminder_out(r) for r in items]}


@router.post("/reminders/{reminder_id}/read", response={200: ReminderOut, **ERRORS})
def reminder_read(request: HttpRequest, reminder_id: RecordKey) -> ReminderOut:
    """The clerk of the enterprise acknowledges a reminder; reading it again changes nothing."""
    user = actor(request)
    reminder = selectors.reminders_for(user=user).filter(pk=reminder_id).first()
    if reminder is None:
        raise Http404
    services.reminder_mark_read(actor=user, reminder=reminder)
    reminder.refresh_from_db(fields=["read_at"])
    return _reminder_out(reminder)
