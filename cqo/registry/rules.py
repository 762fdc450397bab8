"""Filing checks as pure functions over plain data (SPEC §3, §12.11, §12.17).

Each check carries its clause and severity. Only blocking checks stop a submission or an
approval; advisory ones are shown to the clerk and the reviewer. These are the checks every
filing gets whatever the jurisdiction; the governing policy pack's conditions are evaluated by
``cqo.policy.rules`` and shown beside them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.utils.translation import gettext as _

# the platform's own filing form, where the governing pack prescribes none (SPEC §12.24)
PLATFORM_FORM = "平台备案表"


class Severity(StrEnum):
    BLOCKING = "blocking"
    JUSTIFY = "justify"
    ADVISORY = "advisory"


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    ok: bool
    severity: Severity
    clause: str
    detail: str = ""


@dataclass(frozen=True)
class FilingFacts:
    enterprise_id: int
    enterprise_group_id: int | None
    rank: str
    reports_to_top: bool
    declaration_confirmed: bool
    # (enterprise_id, group_id) of the enterprises where another appointment is filed
    other_active_at_enterprise: bool
    person_active_elsewhere: list[tuple[int, int | None]] = field(default_factory=list)
    profile_missing: list[str] = field(default_factory=list)
    # blacklist listings in force for the person (SPEC §12.15): descriptions
    exit_listings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # the form the governing pack files on: its own (shenzhen-guide 附录A) or the platform's
    form_clause: str = PLATFORM_FORM
    # the packs governing the filing (ids): a check cites only their documents (empty: all)
    packs: tuple[str, ...] = ()


def filing_checks(f: FilingFacts) -> list[Check]:
    checks = [
        *_form_checks(f),
        *_listing_checks(f),
        _single_enterprise_check(f),
        _self_appointment_check(f),
    ]
    if not f.packs:
        return checks
    return [replace(c, clause=governing_clause(c.clause, f.packs)) for c in checks]


def governing_clause(clause: str, packs: tuple[str, ...]) -> str:
    """The parts of a check's clause that name a governing document, or the platform's own
    decision when none does: a Shaanxi filing does not cite the Jiangsu or Shenzhen documents
    for a check the platform applies everywhere (SPEC §12.24)."""
    parts = [p.strip() for p in clause.split(";") if p.strip()]
    own = [p for p in parts if p.split(" ", 1)[0] in packs]
    if own:
        return "; ".join(own)
    if PLATFORM_FORM in parts:
        return clause
    return "; ".join(p for p in parts if p.startswith("SPEC")) or clause


def _form_checks(f: FilingFacts) -> list[Check]:
    """One chief at a time, the enterprise's declaration and a complete profile."""
    return [
        Check(
            "one_active_chief",
            _("企业同一时间只有一名在任首席质量官"),
            not f.other_active_at_enterprise,
            Severity.BLOCKING,
            "SPEC §12.17",
            ""
            if not f.other_active_at_enterprise
            else _("该企业已有已备案的在任首席质量官，请先办理其解聘或离任"),
        ),
        Check(
            "declaration",
            _("单位意见：上述资料属实，同意任命并备案"),
            f.declaration_confirmed,
            Severity.BLOCKING,
            f.form_clause,
        ),
        Check(
            "profile_complete",
            _("备案人信息完整"),
            not f.profile_missing,
            Severity.BLOCKING,
            f.form_clause,
            "、".join(f.profile_missing),
        ),
    ]


def _listing_checks(f: FilingFacts) -> list[Check]:
    # shaanxi-2021 §五(三), jiangsu-2020 §七: the "黑名单" warning and exit mechanism. An exit
    # listing in force blocks new filings platform-wide; a warning is shown (SPEC §12.15).
    return [
        Check(
            "not_exit_listed",
            _("备案人未被列入“黑名单”退出名单"),
            not f.exit_listings,
            Severity.BLOCKING,
            "shaanxi-2021 §五(三); jiangsu-2020 §七; SPEC §12.15",
            "；".join(f.exit_listings),
        ),
        Check(
            "no_warning",
            _("备案人无有效的“黑名单”警示"),
            not f.warnings,
            Severity.ADVISORY,
            "shaanxi-2021 §五(三); jiangsu-2020 §七; SPEC §12.15",
            "；".join(f.warnings),
        ),
    ]


def _single_enterprise_check(f: FilingFacts) -> Check:
    # SPEC §12.17: one person may serve several enterprises of the same group; otherwise warn.
    group = f.enterprise_group_id or f.enterprise_id
    elsewhere = [e for e, g in f.person_active_elsewhere if (g or e) != group]
    return Check(
        "single_enterprise",
        _("备案人未在集团外其他企业担任在任首席质量官"),
        not elsewhere,
        Severity.ADVISORY,
        "SPEC §12.17",
        _("备案人另在%(n)d家非同集团企业任首席质量官") % {"n": len(elsewhere)} if elsewhere else "",
    )


def _self_appointment_check(f: FilingFacts) -> Check:
    # SPEC §12.17: the top manager may appoint themself, flagged; shenzhen-guide §3.1 注2 allows it.
    return Check(
        "not_self_appointed",
        _("首席质量官不是最高管理者本人"),
        f.rank != "top_manager",
        Severity.ADVISORY,
        "shenzhen-guide §3.1 注2; SPEC §12.17",
        "" if f.rank != "top_manager" else _("最高管理者兼任首席质量官"),
    )


def blocking_failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok and c.severity == Severity.BLOCKING]


# Appointments filed before the platform (历史数据迁移) ----------------------------------------


@dataclass(frozen=True)
class Tenure:
    """A chief CQO's time in office at one enterprise, as the live workflow makes it active:
    from the later of the filing day and the start date (a filed appointment is active; coverage
    counts it from then, cqo/coverage/aggregate/periods.py) through the day it ended, inclusive
    (None while it runs)."""

    filing_number: str
    first_day: dt.date
    ended_on: dt.date | None


def tenure(
    *, filing_number: str, start_date: dt.date, filed_on: dt.date, ended_on: dt.date | None
) -> Tenure:
    return Tenure(filing_number, max(start_date, filed_on), ended_on)


def overlapping_tenure(new: Tenure, others: Iterable[Tenure]) -> Tenure | None:
    """The first of ``others`` (the enterprise's filed or ended chief CQOs) in office on a day
    ``new`` is, or None (SPEC §12.17: one active chief CQO per enterprise at a time; the live
    workflow refuses a second filed one, and an archive's history must not hold two either).

    The day one ends is the day its successor may begin: the live workflow records the end of
    one appointment and files the next on that day, so a tenure ending on D and one beginning on
    D do not overlap (a handover). Two tenures beginning on the same day always do. A tenure
    that ended before it began (ended before it was filed, as the live workflow also allows) is
    never in office and overlaps nothing."""

    def empty(t: Tenure) -> bool:
        return t.ended_on is not None and t.ended_on < t.first_day

    if empty(new):
        return None
    for other in others:
        if empty(other):
            continue
        if other.first_day == new.first_day:
            return other
        new_before_other_ends = other.ended_on is None or new.first_day < other.ended_on
        other_before_new_ends = new.ended_on is None or other.first_day < new.ended_on
        if new_before_other_ends and other_before_new_ends:
            return other
    return None


def overlap_message(other: Tenure) -> str:
    """What a conflict with ``other`` says (SPEC §12.17 over an enterprise's history)."""
    return _(
        "该企业同一时间只能有一名在任首席质量官：与备案编号 %(number)s"
        "（%(first)s 至 %(until)s 在任）的任职期间重叠，未导入"
    ) % {
        "number": other.filing_number,
        "first": other.first_day.isoformat(),
        "until": other.ended_on.isoformat() if other.ended_on else _("今"),
    }


# The platform's own filing numbers: the filing authority's region code, the year and seven
# digits (cqo/registry/services/filings.py ``filing_approve``). A historic number of that shape
# could be issued again by the platform, so it is refused rather than kept ambiguous.
PLATFORM_FILING_NUMBER = re.compile(r"[0-9]{17}")
# What a historic filing number may hold: printable characters without spaces (older systems
# wrote 苏质备〔2015〕12号 as well as SX-2019-0012), as many as the field keeps; at least two
# (a platform default: a single character numbers nothing an archive could be checked against).
LEGACY_FILING_NUMBER_MIN = 2
_UNPRINTABLE = re.compile(r"[\s\x00-\x1f\x7f]")


def legacy_filing_number_problem(number: str, limit: int) -> str:
    """Why ``number`` cannot be kept as a historic filing number, or ""."""
    if not number:
        return _("请填写备案编号")
    if _UNPRINTABLE.search(number):
        return _("备案编号不能含空白或控制字符")
    if not LEGACY_FILING_NUMBER_MIN <= len(number) <= limit:
        return _("备案编号应为%(min)d–%(max)d个字符") % {
            "min": LEGACY_FILING_NUMBER_MIN,
            "max": limit,
        }
    if PLATFORM_FILING_NUMBER.fullmatch(number):
        return _("备案编号与本平台备案编号的格式（17位数字）相同，无法区分，请核对")
    return ""
