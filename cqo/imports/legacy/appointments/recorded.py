"""A row whose historic filing number is recorded already: the same filing (left as it is) or a
conflict naming both values, never overwritten."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.audit.selectors import audit_trail
from cqo.imports.legacy.appointments.columns import (
    BUREAU_SUFFIXES,
    FIELD_COLUMNS,
    Choices,
    label,
)
from cqo.imports.legacy.kinds import Outcome, RowResult
from cqo.imports.rules import RowError
from cqo.reference.models import Region
from cqo.registry import services as registry
from cqo.registry.models import Appointment, Person

# what the live workflow may change of a filed appointment after it was migrated: 续聘 extends
# the term, 解聘/离任 ends it (cqo/registry/services/filings.py)
LATER = ("term_end", "ended_on", "end_reason", "end_note")


def _plain(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class Recorded:
    """Compares a row with the filing recorded under its number, for one file's user."""

    def __init__(self, actor: User, ranks: Choices, reasons: Choices) -> None:
        self.actor = actor
        self.ranks = ranks
        self.reasons = reasons

    def compare(
        self,
        existing: Appointment,
        terms: registry.MigratedAppointment,
        bad: Any,
        errors: list[RowError],
    ) -> RowResult:
        """The same enterprise, person, post, rank, dates, authority and end are the same filing
        (left as it is); anything else is a conflict naming both values, never overwritten. A
        later renewal or end of the filing on the platform is not a difference: the row is
        compared with the filing as it was migrated for those."""
        if existing.enterprise_id != terms.enterprise.pk:
            ent = existing.enterprise
            shown = (
                ent.name
                if self.actor.is_platform_admin or access.region_contains(self.actor, ent.region)
                else _("辖区外企业")
            )
            bad(
                "filing_number",
                _("该备案编号已登记，聘任单位为“%(recorded)s”，与本行不一致，未覆盖")
                % {"recorded": shown},
            )
        if existing.person_id != terms.person.pk:
            visible = Person.objects.filter(
                access.person_q(self.actor), pk=existing.person_id
            ).exists()
            holder = existing.person.name if visible else _("辖区外人员")
            bad(
                "filing_number",
                _("该备案编号已登记，首席质量官为“%(recorded)s”，与本行不一致，未覆盖")
                % {"recorded": holder},
            )
        if errors:
            return RowResult(Outcome.CONFLICT, errors)
        row = self.values(terms)
        recorded = self.recorded(existing)
        differ = [key for key in row if row[key] != recorded[key]]
        if differ and set(differ) <= set(LATER):
            as_migrated = self._as_migrated(existing)
            if as_migrated is not None and all(row[k] == as_migrated.get(k) for k in differ):
                return RowResult(Outcome.UNCHANGED)
        for key in differ:
            bad(
                FIELD_COLUMNS.get(key, key),
                _("该备案编号已登记，%(column)s为%(recorded)s，与本行%(row)s不一致，未覆盖")
                % {
                    "column": label(FIELD_COLUMNS.get(key, key)),
                    "recorded": self._shown(key, recorded[key]),
                    "row": self._shown(key, row[key]),
                },
            )
        return RowResult(Outcome.CONFLICT if errors else Outcome.UNCHANGED, errors)

    def values(self, terms: registry.MigratedAppointment) -> dict[str, Any]:
        authority = terms.filing_authority or terms.enterprise.region
        return {
            "post": terms.post,
            "rank": terms.rank,
            "start_date": _plain(terms.start_date),
            "term_end": _plain(terms.term_end),
            "filed_on": _plain(terms.filed_on),
            "filing_authority": authority.code,
            "ended_on": _plain(terms.ended_on),
            "end_reason": terms.end_reason or None,
            "end_note": terms.end_note or None,
        }

    def recorded(self, existing: Appointment) -> dict[str, Any]:
        return {
            "post": existing.post,
            "rank": existing.rank,
            "start_date": _plain(existing.start_date),
            "term_end": _plain(existing.term_end),
            "filed_on": _plain(timezone.localdate(existing.filed_at))
            if existing.filed_at
            else None,
            "filing_authority": existing.filing_authority_id,
            "ended_on": _plain(existing.ended_on),
            "end_reason": existing.end_reason or None,
            "end_note": existing.end_note or None,
        }

    def _as_migrated(self, existing: Appointment) -> dict[str, Any] | None:
        """The term and end of a migrated filing as its migration recorded them (its creation
        in the trail: ``appointment_migrate`` logs each value), None for a platform filing."""
        if not existing.migrated:
            return None
        entry = (
            audit_trail(target_type="appointment", target_id=str(existing.public_id))
            .filter(action="create")
            .order_by("pk")
            .first()
        )
        if entry is None:
            return None
        return {
            key: (pair[1] or None)
            for key, pair in (entry.changes or {}).items()
            if isinstance(pair, list) and len(pair) == 2
        }

    def _shown(self, key: str, value: Any) -> str:
        if value in (None, ""):
            return _("（空）")
        if key == "rank":
            return self.ranks.by_value.get(value, str(value))
        if key == "end_reason":
            return self.reasons.by_value.get(value, str(value))
        if key == "filing_authority":
            region = Region.objects.filter(code=value).first()
            return f"{region.name}{BUREAU_SUFFIXES[0]}" if region else str(value)
        return str(value)
