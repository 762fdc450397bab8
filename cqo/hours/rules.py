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
    # the minimum binds prospective (拟任) CQOs too (shaanxi-2021 §五(一) "拟任和现任")
    prospective: bool = False
    # only records from an institution holding a CQO training qualification count
    # (hangzhou-spec 聘用与培训·培训 "具备首席质量官培训资质的机构组织的")
    qualified_only: bool = False


@dataclass(frozen=True)
class Record:
    kind: str
    hours: Decimal
    occurred_on: dt.date
    # organised (or reported) by an institution whose training qualification was valid on the
    # day: the fact ``qualified_only`` counts on
    qualified: bool = False
    ref: int = 0  # the StudyRecord's pk, to explain a record on the page


@dataclass(frozen=True)
class Continuing:
    """level-standard §9.4.1.2 as the holder's certification pack states it: while a capability
    certificate is valid, ≥ ``hours`` 学时 of quality study and ≥ ``organised`` quality trainings
    organised a year."""

    hours: int
    organised: int
    clause: str


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
    # what counts toward the minimum, shown beside it (the pack's kinds; qualified institutions
    # only where the pack says so)
    counted_kinds: tuple[str, ...] = ()
    qualified_only: bool = False
    # the records of the year that do not count, with why: (StudyRecord pk, reason)
    not_counted: tuple[tuple[int, str], ...] = ()

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
    # whether the pack's yearly minimum binds this person (serving, or prospective where the
    # pack says so, and not exempt)
    bound: bool = True

    @property
    def required(self) -> bool:
        return self.bound

    @property
    def met(self) -> bool | None:
        """None when nothing is required (a prospective CQO the pack does not bind, exempt, or
        no minimum in the pack) and no certificate asks for continuing education."""
        results = [r.met for r in self.regimes if r.met is not None]
        if not results:
            return None
        return all(results)

    @property
    def pack(self) -> Regime | None:
        return self.regimes[0] if self.regimes else None

    @property
    def continuing(self) -> Regime | None:
        """The level-standard §9.4.1.2 regime of a certified holder, if any."""
        return self.regimes[1] if len(self.regimes) > 1 else None


def exempt(year: int, first_start: dt.date | None) -> bool:
    """SPEC §12.7: a CQO whose first appointment in the year starts after 1 October."""
    return first_start is not None and first_start > dt.date(year, *EXEMPT_AFTER)


# level-standard §9.4.1.2 继续教育形式: 参加讲座, 学术交流, 发表论文, 参加培训, 线上学习
LEVEL_STANDARD_KINDS = (
    "lecture",
    "academic_exchange",
    "publication",
    "offline_training",
    "online_self_study",
)


def counted_hours(requirement: Requirement, records: list[Record]) -> Decimal:
    """The 学时 of ``records`` that count toward the pack's minimum: its kinds, and where the pack
    says so only those from a qualified institution (hangzhou-spec 聘用与培训·培训)."""
    return sum(
        (
            r.hours
            for r in records
            if r.kind in requirement.kinds and (r.qualified or not requirement.qualified_only)
        ),
        Decimal(0),
    )


def reason_not_counted(requirement: Requirement, record: Record) -> str:
    """Why a record of the year does not count toward the pack's minimum; empty when it does."""
    if record.kind not in requirement.kinds:
        return _("该类活动不计入本地区年度学时")
    if requirement.qualified_only and not record.qualified:
        # hangzhou-spec 聘用与培训·培训 "具备首席质量官培训资质的机构组织的"
        return _("非具备首席质量官培训资质的机构组织，不计入")
    return ""


def continuing_regime(continuing: Continuing, records: list[Record]) -> Regime:
    """level-standard §9.4.1.2: the study 学时 and the trainings organised in the year."""
    return Regime(
        name=_("能力水平认定证书有效期内继续教育"),
        clause=continuing.clause,
        required_hours=Decimal(continuing.hours),
        counted_hours=sum((r.hours for r in records if r.kind in LEVEL_STANDARD_KINDS), Decimal(0)),
        required_activities=continuing.organised,
        counted_activities=sum(1 for r in records if r.kind == "organised_training"),
    )


def evaluate(
    *,
    year: int,
    requirement: Requirement,
    records: list[Record],
    serving: bool,
    first_start: dt.date | None = None,
    continuing: Continuing | None = None,
    certified: bool = False,
    continuing_hours: int | None = None,
    continuing_organised: int | None = None,
) -> Compliance:
    """The year's result under the pack (serving CQOs; prospective ones where the pack binds
    them, shaanxi-2021 §五(一)) and, for a certified holder, under level-standard §9.4.1.2 with
    the values of the certification pack (``continuing``; ``certified`` with the two numbers is
    the older spelling of the same)."""
    if continuing is None and certified:
        if continuing_hours is None or continuing_organised is None:
            raise ValueError("a certified holder's continuing education needs the pack's values")
        continuing = Continuing(continuing_hours, continuing_organised, "level-standard §9.4.1.2")
    in_year = [r for r in records if r.occurred_on.year == year]
    is_exempt = exempt(year, first_start) if serving else False
    bound = (serving or requirement.prospective) and not is_exempt
    regimes = [
        Regime(
            name=requirement.label,
            clause=requirement.clause,
            required_hours=requirement.hours if bound else None,
            counted_hours=counted_hours(requirement, in_year),
            in_principle=requirement.in_principle,
            counted_kinds=requirement.kinds,
            qualified_only=requirement.qualified_only,
            not_counted=tuple(
                (r.ref, why) for r in in_year if (why := reason_not_counted(requirement, r))
            ),
        )
    ]
    if continuing is not None:
        regimes.append(continuing_regime(continuing, in_year))
    return Compliance(year=year, serving=serving, exempt=is_exempt, regimes=regimes, bound=bound)


def status_label(c: Compliance) -> str:
    if c.met is False:
        short = [r for r in c.regimes if r.met is False]
        if all(r.in_principle for r in short):
            return _("未达标（原则性要求，提示）")
        return _("未达标")
    if c.met and c.bound:
        return _("已达标")
    if c.met:  # only the certificate's continuing education asks something, and it is met
        return _("认定证书继续教育已达标")
    if not c.serving and not c.bound:
        return _("拟任（不作要求）")
    if c.exempt:
        return _("当年10月1日后聘任，免于当年要求")
    return _("政策包未规定年度学时")
