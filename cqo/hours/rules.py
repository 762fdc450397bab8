"""Yearly study-hour compliance as pure functions (SPEC §5, §12.7, §12.13).

Each jurisdiction's pack states the 学时 needed a year and which record kinds count
(shaanxi-2021 §五(一) 30, jiangsu-2020 §五 50 — both 原则上, so a shortfall is a warning;
hangzhou-spec 培训 40). A certified CQO is also measured against level-standard §9.4.1.2:
≥ 10 学时 of study and ≥ 1 quality training organised a year. One record may count toward both
regimes (SPEC §12.13). Study years are calendar years; a person first appointed after
1 October is exempt that year (SPEC §12.7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

# SPEC §12.7: appointed after this day of the year, exempt for that year
EXEMPT_AFTER = (10, 1)


@dataclass(frozen=True)
class Requirement:
    hours: Decimal | None  # None: the pack sets no yearly minimum
    kinds: tuple[str, ...]
    in_principle: bool
    clause: str
    label: str  # the pack it comes from


@dataclass(frozen=True)
class Record:
    kind: str
    hours: Decimal
    occurred_on: dt.date


@dataclass(frozen=True)
class Regime:
    """One regime's result: the pack's, or level-standard §9.4.1.2's."""

    name: str
    clause: str
    required_hours: Decimal | None
    counted_hours: Decimal
    required_activities: int = 0
    counted_activities: int = 0
    in_principle: bool = False

    @property
    def met(self) -> bool | None:
        if self.required_hours is None and not self.required_activities:
            return None
        hours_ok = self.required_hours is None or self.counted_hours >= self.required_hours
        return hours_ok and self.counted_activities >= self.required_activities

    @property
    def shortfall(self) -> Decimal:
        if self.required_hours is None:
            return Decimal(0)
        return max(Decimal(0), self.required_hours - self.counted_hours)


@dataclass(frozen=True)
class Compliance:
    year: int
    serving: bool
    exempt: bool
    regimes: list[Regime] = field(default_factory=list)

    @property
    def required(self) -> bool:
        return self.serving and not self.exempt

    @property
    def met(self) -> bool | None:
        """None when nothing is required (prospective, exempt, or no minimum in the pack)."""
        results = [r.met for r in self.regimes if r.met is not None]
        if not self.required or not results:
            return None
        return all(results)

    @property
    def pack(self) -> Regime | None:
        return self.regimes[0] if self.regimes else None


def exempt(year: int, first_start: dt.date | None) -> bool:
    """SPEC §12.7: a CQO whose first appointment in the year starts after 1 October."""
    return first_start is not None and first_start > dt.date(year, *EXEMPT_AFTER)


LEVEL_STANDARD_KINDS = (
    "lecture",
    "academic_exchange",
    "publication",
    "offline_training",
    "online_self_study",
)


def evaluate(
    *,
    year: int,
    requirement: Requirement,
    records: list[Record],
    serving: bool,
    first_start: dt.date | None = None,
    certified: bool = False,
    continuing_hours: int = 10,
    continuing_organised: int = 1,
) -> Compliance:
    in_year = [r for r in records if r.occurred_on.year == year]
    counted = sum((r.hours for r in in_year if r.kind in requirement.kinds), Decimal(0))
    regimes = [
        Regime(
            name=requirement.label,
            clause=requirement.clause,
            required_hours=requirement.hours,
            counted_hours=counted,
            in_principle=requirement.in_principle,
        )
    ]
    if certified:
        # level-standard §9.4.1.2: ≥ 10 学时 of quality study and ≥ 1 training organised
        regimes.append(
            Regime(
                name=_("能力水平认定证书有效期内继续教育"),
                clause="level-standard §9.4.1.2",
                required_hours=Decimal(continuing_hours),
                counted_hours=sum(
                    (r.hours for r in in_year if r.kind in LEVEL_STANDARD_KINDS), Decimal(0)
                ),
                required_activities=continuing_organised,
                counted_activities=sum(1 for r in in_year if r.kind == "organised_training"),
            )
        )
    return Compliance(
        year=year,
        serving=serving,
        exempt=exempt(year, first_start) if serving else False,
        regimes=regimes,
    )


def status_label(c: Compliance) -> str:
    if not c.serving:
        return _("拟任（不作要求）")
    if c.exempt:
        return _("当年10月1日后聘任，免于当年要求")
    if c.met is None:
        return _("政策包未规定年度学时")
    if c.met:
        return _("已达标")
    pack = c.pack
    if pack is not None and pack.in_principle:
        return _("未达标（原则性要求，提示）")
    return _("未达标")
