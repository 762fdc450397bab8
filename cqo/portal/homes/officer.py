"""The CQO's home: appointments awaiting their confirmation (SPEC §12.23), their filings, the
year's study hours against the rule that sets them (SPEC §5), a warning or exit listing naming
them (SPEC §8), level-certificate reminders and their level applications (SPEC §6)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.blacklist import selectors as blacklist
from cqo.blacklist.models import Listing
from cqo.certification import selectors as certification
from cqo.hours import rules as hour_rules
from cqo.hours import selectors as hours
from cqo.lib import clock
from cqo.policy.selectors import cite
from cqo.portal.homes.tiles import ROWS, Tile, url
from cqo.registry import selectors as registry
from cqo.registry.models import Appointment, Person


def _hours_tile(person: Person, year: int) -> tuple[Tile, hour_rules.Compliance]:
    compliance = hours.compliance_for(person, year)
    short = [r for r in compliance.regimes if r.met is False]
    shortfall = max((r.shortfall for r in short), default=0)
    # the pack's yearly minimum first, then a certificate's continuing education (§9.4.1.2)
    notes = [
        _g("已修 %(c)s / 应修 %(r)s 学时（%(clause)s）")
        % {"c": r.counted_hours, "r": r.required_hours, "clause": cite(r.clause)}
        for r in compliance.regimes
        if r.required_hours is not None
    ]
    tile = Tile(
        "hours",
        _("本年度学时缺口"),
        shortfall,
        url("hours:index"),
        "warning" if short else "",
        "；".join(notes) or hour_rules.status_label(compliance),
    )
    return tile, compliance


def cqo(user: User) -> dict[str, Any]:
    today = clock.today()
    person = Person.objects.filter(user=user).first()
    filings = registry.appointment_list(user=user)
    confirm = filings.filter(person_confirmed_at__isnull=True).exclude(
        status=Appointment.Status.ENDED
    )
    listings = blacklist.listing_list(user=user, state=Listing.State.IN_FORCE, today=today)
    applications = certification.application_list(user=user).filter(
        status__in=certification.OPEN_APPLICATION
    )
    tiles = [
        Tile("confirm", _("待本人确认的聘任"), confirm.count(), tone="primary"),
        Tile(
            "listings",
            _("生效中的警示和退出名单"),
            listings.count(),
            url("blacklist:listing_list", state=Listing.State.IN_FORCE),
            "danger",
        ),
        Tile(
            "applications",
            _("进行中的能力水平认定申请"),
            applications.count(),
            url("certification:mine"),
        ),
    ]
    if person is not None:
        tiles.insert(1, _hours_tile(person, today.year)[0])
    return {
        "tiles": tiles,
        "person": person,
        "confirm": confirm[:ROWS],
        "listings": listings.order_by("-start_date", "-pk")[:ROWS],
        "applications": applications[:ROWS],
        "hour_reminders": hours.reminders_for(user)[:ROWS],
        "cert_reminders": certification.reminders_for(user)
        .filter(certificate__valid_until__gte=today)
        .order_by("-sent_on")[:ROWS],
        "appointments": filings.order_by("-updated_at")[:10],
        # shaanxi-2021 §五(一)(三), jiangsu-2020 §七: the CQO may start the filing (SPEC §12.23)
        "can_prepare": access.can_prepare_filing(user),
    }
