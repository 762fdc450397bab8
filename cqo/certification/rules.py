"""Capability-level certification rules as pure functions over plain data (level-standard §5.2,
§9.3.2, §9.4, §11, Annex A and B; SPEC §12.3–§12.5, §12.16). No database, no clock: the caller
passes the pack's ``[certification]`` section and the dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from cqo.lib import numbers
from cqo.policy import schema

LEVELS = ["AAA", "AAAA", "AAAAA"]
TENTH = Decimal("0.1")
MAX_CODE_LEN = 20  # an input bound on a scoring cell's code: platform default


# Annex A: the scoring cells --------------------------------------------------------------------


def primaries(spec: schema.Certification) -> list[schema.Indicator]:
    """表 A.1 一级指标 (8.1 … 8.5)."""
    return [i for i in spec.indicators if i.parent is None]


def cells(spec: schema.Certification) -> list[schema.Indicator]:
    """The scored cells: every indicator without children (8.1.1, 8.1.2, 8.2, 8.3, 8.4.1 …,
    8.5.5 — thirteen in level-standard)."""
    parents = {i.parent for i in spec.indicators if i.parent}
    return [i for i in spec.indicators if i.code not in parents]


def parse_scores(
    spec: schema.Certification, raw: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict[str, Decimal], dict[str, str]]:
    """Scores by cell code, each a number with at most one decimal in [0, the cell's max]
    (Annex A; SPEC §12.5). Errors are keyed by the code: a missing cell (unless ``partial``), an
    unknown code, a value that is not a number, negative, above its maximum, or finer than 0.1."""
    by_code = {c.code: c for c in cells(spec)}
    scores: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        code = str(key)[:MAX_CODE_LEN]
        cell = by_code.get(code)
        if cell is None:
            errors[code] = _("不是附录A的评分指标")
            continue
        if value is None or value == "":
            if not partial:
                errors[code] = _("请填写%(name)s的分值") % {"name": cell.name}
            continue
        number = _decimal(value)
        if number is None:
            errors[code] = _("分值应为数字")
        elif number < 0:
            errors[code] = _("分值不能为负数")
        elif number > cell.max:
            errors[code] = _("%(name)s最高 %(max)d 分（附录A）") % {
                "name": cell.name,
                "max": cell.max,
            }
        elif number != number.quantize(TENTH):
            errors[code] = _("分值最多保留一位小数")
        else:
            scores[code] = number.quantize(TENTH)
    if not partial:
        for code, cell in by_code.items():
            if code not in scores and code not in errors:
                errors[code] = _("请填写%(name)s的分值") % {"name": cell.name}
    return scores, errors


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# Annex B: the grade ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Unmet:
    code: str
    name: str
    minimum: int
    score: Decimal


@dataclass(frozen=True)
class Grading:
    subtotals: dict[str, Decimal]
    total: Decimal
    unmet: list[Unmet] = field(default_factory=list)
    grade: str | None = None

    @property
    def certified(self) -> bool:
        return self.grade is not None


def grade(spec: schema.Certification, scores: Mapping[str, Decimal]) -> Grading:
    """Annex B. B.1: certified only if the total is ≥ pass_total (300) and each first-level
    indicator reaches its 表 B.1 minimum; B.2 (表 B.2): the grade whose half-open band
    [min, max) holds the total — AAA [300, 600), AAAA [600, 800), AAAAA ≥ 800."""
    subtotals: dict[str, Decimal] = {}
    for top in primaries(spec):
        children = [c for c in spec.indicators if c.parent == top.code]
        codes = [c.code for c in children] or [top.code]
        subtotals[top.code] = sum((scores.get(c, Decimal(0)) for c in codes), Decimal(0))
    total = sum(subtotals.values(), Decimal(0))
    unmet = [
        Unmet(top.code, top.name, top.minimum, subtotals[top.code])
        for top in primaries(spec)
        if top.minimum is not None and subtotals[top.code] < top.minimum
    ]
    found: str | None = None
    if total >= spec.pass_total and not unmet:
        for band in spec.grades:
            if total >= band.min and (band.max is None or total < band.max):
                found = band.level
    return Grading(subtotals=subtotals, total=total, unmet=unmet, grade=found)


def panel_scores(sheets: Iterable[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    """SPEC §12.5: the panel score of each cell is the mean of the experts' scores, to one
    decimal (half up)."""
    sheets = list(sheets)
    if not sheets:
        return {}
    codes = sorted({c for s in sheets for c in s})
    return {
        c: (sum((s.get(c, Decimal(0)) for s in sheets), Decimal(0)) / len(sheets)).quantize(
            TENTH, rounding=ROUND_HALF_UP
        )
        for c in codes
    }


# §5.2 and SPEC §12.3–§12.4: years and the awarded level ---------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date | None  # None: to the application date
    related: bool  # a quality or technical post


def _months_between(start: dt.date, end_exclusive: dt.date) -> tuple[int, int]:
    """Whole calendar months from ``start`` to ``end_exclusive`` and the days left over."""
    months = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    if end_exclusive.day < start.day:
        months -= 1
    months = max(months, 0)
    year, month = divmod(start.month - 1 + months, 12)
    anchor_day = min(start.day, _days_in(start.year + year, month + 1))
    anchor = dt.date(start.year + year, month + 1, anchor_day)
    return months, max((end_exclusive - anchor).days, 0)


def _days_in(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.date(year, month, 1)).days


def related_months(periods: Iterable[Period], on: dt.date) -> int:
    """SPEC §12.4: calendar time in quality or technical posts, overlapping periods counted
    once, up to ``on`` (the application date), in whole months: each merged stretch counts its
    whole calendar months; the days left over add up across stretches at 31 a month (so a
    single stretch one day short of N years never rounds up to N)."""
    spans = sorted((p.start, min(p.end or on, on)) for p in periods if p.related and p.start <= on)
    merged: list[list[dt.date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    months = days = 0
    for start, end in merged:
        m, d = _months_between(start, end + dt.timedelta(days=1))
        months += m
        days += d
    return months + days // 31


def level_by_years(spec: schema.Certification, months: int) -> str | None:
    """§5.2.1–§5.2.3: the highest level whose years of related work ("N 年以上" includes N,
    SPEC §12.4) the applicant has."""
    allowed = None
    for level in LEVELS:
        if months >= spec.years_for_level[level] * 12:  # type: ignore[index]
            allowed = level
    return allowed


def lowest(*levels: str | None) -> str | None:
    """SPEC §12.3: the awarded level is the lowest of the grade by score, the level applied
    for and the level the years allow; None if any of them is None."""
    if any(lv not in LEVELS for lv in levels):
        return None
    return min((lv for lv in levels if lv), key=LEVELS.index)


# Certificates ----------------------------------------------------------------------------------

# §9.4.1.1 f) 可追溯的编号: the body's code, the year of issue and a sequence; since numbers are
# verified without login, new ones end in an unguessable check part (cqo/lib/numbers.py).
# Numbers issued before it have none and keep verifying as printed.
_NUMBER_BASE = r"CQO[0-9]{4}-[A-Z0-9]{2,8}-[0-9]{5,7}"
# the format as the API documents it (ECMA-262 syntax: no named groups)
NUMBER_PATTERN = rf"^{_NUMBER_BASE}(?:-{numbers.CHECK_PART})?(?:-R[0-9]{{1,3}})?$"
NUMBER_RE = re.compile(rf"^({_NUMBER_BASE})(?:-({numbers.CHECK_PART}))?(?:-R[0-9]{{1,3}})?$")
_REVISION = re.compile(r"-R[0-9]{1,3}$")


def certificate_number(body_code: str, year: int, sequence: int) -> str:
    """Traceable (§9.4.1.1 f): the body's code, the year of issue and a sequence, then the check
    part that makes a neighbour's number unguessable."""
    base = f"CQO{year}-{body_code}-{sequence:05d}"
    return f"{base}-{numbers.check_part(base)}"


def number_valid(number: str) -> bool:
    """The shape of a level-certificate number, old or new, and the check character of a new
    one (a mistyped number is told apart from one that was never issued)."""
    found = NUMBER_RE.fullmatch(number)
    if found is None:
        return False
    base, check = found.groups()
    return check is None or numbers.check_part_valid(base, check)


# A certificate migrated from an archive keeps the number printed on it: letters, digits and
# hyphens, up to the length the platform stores. One that begins as the platform's own do
# (CQO + year + hyphen) is refused: the platform's sequence may issue it later, and a mistyped
# platform number must stay an error, not a migrated number never found (as for training
# certificates, cqo/training/rules.py).
LEGACY_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,39}$")
PLATFORM_PREFIX_RE = re.compile(r"^CQO[0-9]{4}-")


def legacy_number_valid(number: str) -> bool:
    return (
        LEGACY_NUMBER_RE.fullmatch(number) is not None and PLATFORM_PREFIX_RE.match(number) is None
    )


# what a lookup by number accepts (the API documents it): the platform's numbers and migrated ones
LOOKUP_PATTERN = (
    rf"^(?:{_NUMBER_BASE}(?:-{numbers.CHECK_PART})?(?:-R[0-9]{{1,3}})?"
    r"|[A-Z0-9][A-Z0-9-]{3,39})$"
)


def lookup_number_valid(number: str) -> bool:
    """A number worth looking up: a migrated certificate's, or one of the platform's whose
    check character holds (a mistyped platform number is refused, not just not found)."""
    if NUMBER_RE.fullmatch(number) is not None:
        return number_valid(number)
    return legacy_number_valid(number)


# How levels are written: level-standard Annex B names them AAA, AAAA and AAAAA (表 B.2), §5.2
# "3A 等级", "4A", "5A"; the certificate "首席质量官能力水平 AAA 级".
_LEVEL_WORDS = re.compile(r"^(?:首席质量官)?(?:能力水平)?(?:认定)?(.+?)(?:等级|级)?$")
_LEVEL_SHORT = {"3A": "AAA", "4A": "AAAA", "5A": "AAAAA"}
_FULL_WIDTH = str.maketrans("Ａ３４５", "A345")  # after upper(): ａ is Ａ


def level_by_name(name: str) -> str | None:
    """The level a printed name stands for: "AAA", "AAA级", "3A", "3A等级", "AAA（3A）",
    "首席质量官能力水平 AAA 级" (spaces, case and full-width letters aside); None otherwise."""
    plain = "".join(name.split()).upper().translate(_FULL_WIDTH)
    found = _LEVEL_WORDS.fullmatch(plain)
    if found is None:
        return None
    word = found.group(1)
    paired = re.fullmatch(r"(A{3,5})[(（]([345]A)[)）]", word)
    if paired is not None:
        level, short = paired.groups()
        return level if _LEVEL_SHORT[short] == level else None
    word = _LEVEL_SHORT.get(word, word)
    return word if word in LEVELS else None


def original_number(number: str) -> str:
    """The number without its reissue revision."""
    return _REVISION.sub("", number)


def reissue_number(number: str, revision: int) -> str:
    """A reissue (correction, change of employer) keeps the original number with a revision
    suffix and supersedes the previous one (SPEC §6, §12.16)."""
    return f"{original_number(number)}-R{revision}"


# What the public verification shows of a certificate's frozen content: the facts a verifier
# compares with the paper (SPEC §6: holder, organisation, level, body, dates; the status is
# shown beside them). Not the application, the person's internal id or the panel's score.
PUBLIC_FACTS = (
    "number",
    "holder",
    "organisation",
    "level",
    "level_label",
    "body",
    "issued_on",
    "valid_until",
    "reissued_on",
    "supersedes",
    # that a migrated certificate was issued before the platform
    "origin",
)


def public_facts(content: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(content[k]) for k in PUBLIC_FACTS if k in content}


def canonical(content: Mapping[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def valid_until(issued_on: dt.date, years: int) -> dt.date:
    """SPEC §12.18: validity is a pack setting; the last day is the day before the anniversary."""
    try:
        anniversary = issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February
        anniversary = issued_on.replace(year=issued_on.year + years, day=28)
    return anniversary - dt.timedelta(days=1)


# Supervision (§11; SPEC §12.16) ----------------------------------------------------------------

TARGET = {
    "suspend": "suspended",
    "discontinue": "discontinued",
    "withdraw": "withdrawn",
    "void": "void",
    "lift": "valid",
}
IN_FORCE_OR_PAUSED = {"valid", "suspended", "discontinued"}


def supervision_error(
    *,
    action: str,
    status: str,
    changed_on: dt.date | None,
    valid_until: dt.date,
    today: dt.date,
    lift_within_days: int,
) -> str | None:
    """Why the action cannot be taken now, or None. Suspend or discontinue a valid certificate;
    withdraw or void one that is valid, suspended or discontinued; lift a suspension or
    discontinuation only within ``lift_within_days`` of it and before expiry — afterwards only
    re-certification restores a level."""
    if action not in TARGET:
        return _("未知的监督措施")
    if status == "superseded":
        return _("该证书已被新证书替代")
    if action in ("suspend", "discontinue"):
        if status != "valid":
            return _("只能对有效的证书暂停或中止")
        if valid_until < today:
            return _("证书已过有效期")
        return None
    if action in ("withdraw", "void"):
        return None if status in IN_FORCE_OR_PAUSED else _("证书已收回或作废")
    if status not in ("suspended", "discontinued"):
        return _("只有暂停或中止的证书可以恢复")
    if valid_until < today:
        return _("证书已过有效期，只能申请再认定（§11）")
    if changed_on is not None and (today - changed_on).days > lift_within_days:
        return _("暂停或中止已满 %(n)d 天，只能申请再认定（§11）") % {"n": lift_within_days}
    return None


def shown_status(status: str, valid_until: dt.date, on: dt.date) -> str:
    """The status the public sees: a valid certificate past its date is "expired"."""
    return "expired" if status == "valid" and valid_until < on else status


# Re-certification reminders (§9.4.1.3) ---------------------------------------------------------


def reminder_due(valid_until: dt.date, today: dt.date, days: Iterable[int]) -> int | None:
    """The most urgent threshold (days before expiry) that has been reached, if the certificate
    has not yet expired; sending it once per threshold makes the job idempotent and a missed
    run does not send a stale 90-day reminder after the 30-day one."""
    if today > valid_until:
        return None
    left = (valid_until - today).days
    reached = [d for d in days if left <= d]
    return min(reached) if reached else None
