"""Pure rules of training (SPEC §5): no database, plain values in, plain values out; tested
table-driven at every boundary (tests/test_rules.py)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from cqo.lib import numbers

# Administrative levels, lowest first.
LEVELS = ("county", "city", "province")

ONLINE = "online"
ATTENDANCE = "attendance"
SCORED = ("exam", "assignment")
PERCENT = Decimal(100)
HOURS_QUANTUM = Decimal("0.1")  # 学时 are kept to one decimal (hours.StudyRecord)

CERTIFICATE_PREFIX = "PX"
SEQUENCE_DIGITS = (
    5  # the certificate number's sequence width: platform default (not from the documents)
)


def may_organise_tier(level: str, tier_level: str, *, county_may_merge: bool) -> bool:
    """Whether a regulator of ``level`` organises a tier the pack gives to ``tier_level``: each
    tier is organised by the regulator of its own level (shaanxi-2021 §五(一): 省级…"高级"培训,
    设区市…"提升"培训; jiangsu-2020 §五: "分别由县（市、区）、设区市和省市场监管部门组织实施"),
    and where the pack allows it a city takes over its counties' tier (jiangsu-2020 §五
    "可将基础培训和提升培训合并到设区市一级实施")."""
    if level not in LEVELS or tier_level not in LEVELS:
        return False
    if level == tier_level:
        return True
    return county_may_merge and tier_level == "county" and level == "city"


def earned_hours(course_hours: Decimal, attendance: int, full_at: int | None) -> Decimal:
    """The 学时 a learner earns from a session (SPEC §12.25): the course's 学时 prorated by the
    share attended, rounded down to a tenth (never more than was attended), unless the pack sets
    a minimum attendance for full 学时 (``training.full_hours_attendance``) and it is reached."""
    if attendance <= 0:
        return Decimal(0)
    if attendance >= PERCENT or (full_at is not None and attendance >= full_at):
        return Decimal(course_hours)
    share = Decimal(course_hours) * Decimal(attendance) / PERCENT
    return share.quantize(HOURS_QUANTUM, rounding=ROUND_DOWN)


def passed(
    *,
    method: str,
    pass_mark: int | None,
    min_attendance: int | None,
    attendance: int | None,
    score: Decimal | None,
) -> bool | None:
    """The assessment's outcome (shaanxi-2021 §五(一) "做好培训和学习效果评估，对达到要求的…颁发
    培训合格证"): None while it is incomplete, False for an absent learner.

    - attendance: passed when the share attended reaches the course's minimum (inclusive);
    - exam, assignment: passed when the score reaches the pass mark (inclusive); one must have
      attended to be assessed.
    """
    if attendance is None:
        return None
    if attendance <= 0:
        return False
    if method == ATTENDANCE:
        return min_attendance is not None and attendance >= min_attendance
    if method in SCORED:
        if score is None:
            return None
        return pass_mark is not None and Decimal(score) >= Decimal(pass_mark)
    return None


def record_kind(forms: list[str]) -> str:
    """The study record a session writes (SPEC §5 kinds): an online-only course is online
    self-study (shaanxi-2021 §五(一) "支持…在线自学"), anything held in person offline training."""
    return "online_self_study" if list(forms) == [ONLINE] else "offline_training"


@dataclass(frozen=True)
class IssuerFacts:
    """Who the actor is, relative to a course."""

    role: str
    is_organiser: bool
    is_institution: bool  # the course's 承办机构
    governs_region: bool  # a regulator whose region contains the course's region
    # the actor holds a CQO training qualification (培训资质) valid on the day of issue
    is_qualified: bool = False


def issuer_kinds(facts: IssuerFacts) -> list[str]:
    """The ``training.certificate_issuers`` kinds the actor qualifies as (the pack's words):

    - organiser: the course's organiser (jiangsu-2020 §五 "可由组织方…颁发");
    - qualified_institution: the training institution engaged as the course's 承办机构, holding
      a training qualification valid on the day (shaanxi-2021 §五(一) "由具备相关资质的承办机构
      颁发"; hangzhou-spec 聘用与培训·培训 "具备相关培训资质的培训机构");
    - government_quality_department: the market regulator of the course's jurisdiction
      (hangzhou-spec 聘用与培训·培训 "政府质量管理部门").
    """
    kinds = []
    if facts.is_organiser:
        kinds.append("organiser")
    if facts.role == "trainer" and facts.is_institution and facts.is_qualified:
        kinds.append("qualified_institution")
    if facts.role == "regulator" and facts.governs_region:
        kinds.append("government_quality_department")
    return kinds


def issuer_kind(facts: IssuerFacts, allowed: list[str]) -> str | None:
    """The first kind the pack allows that the actor holds, else None."""
    mine = issuer_kinds(facts)
    for kind in allowed:
        if kind in mine:
            return kind
    return None


def certificate_prefix(region_code: str, year: int) -> str:
    return f"{CERTIFICATE_PREFIX}{region_code}{year:04d}"


# PX + region + year + sequence; since certificates are verified without login, new numbers end
# in an unguessable check part (cqo/lib/numbers.py). Numbers issued before it have none and keep
# verifying as printed.
_NUMBER_BASE = rf"{CERTIFICATE_PREFIX}[0-9]{{10}}[0-9]{{{SEQUENCE_DIGITS},7}}"
# the format as the API documents it (ECMA-262 syntax: no named groups)
NUMBER_PATTERN = rf"^{_NUMBER_BASE}(?:-{numbers.CHECK_PART})?$"
NUMBER_RE = re.compile(rf"^({_NUMBER_BASE})(?:-({numbers.CHECK_PART}))?$")


def certificate_number(region_code: str, year: int, sequence: int) -> str:
    """PX + the course's GB/T 2260 region + the year of issue + a sequence within them: the
    number alone traces a certificate to where and when it was issued; then the check part that
    makes a neighbour's number unguessable."""
    base = f"{certificate_prefix(region_code, year)}{sequence:0{SEQUENCE_DIGITS}d}"
    return f"{base}-{numbers.check_part(base)}"


def number_valid(number: str) -> bool:
    """The shape of a training-certificate number, old or new, and the check character of a new
    one."""
    found = NUMBER_RE.fullmatch(number)
    if found is None:
        return False
    base, check = found.groups()
    return check is None or numbers.check_part_valid(base, check)


# A certificate migrated from an archive keeps the number printed on it: letters, digits and
# hyphens, as the lookup form accepts them. One in the platform's own shape is refused, since the
# platform's sequence may issue it later.
LEGACY_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,31}$")


def legacy_number_valid(number: str) -> bool:
    return LEGACY_NUMBER_RE.fullmatch(number) is not None and NUMBER_RE.fullmatch(number) is None


# what a lookup by number accepts (the API documents it): the platform's numbers and migrated ones
LOOKUP_PATTERN = rf"^(?:{_NUMBER_BASE}(?:-{numbers.CHECK_PART})?|[A-Z0-9][A-Z0-9-]{{3,31}})$"


def lookup_number_valid(number: str) -> bool:
    """A number worth looking up: a migrated certificate's, or one of the platform's whose
    check character holds (a mistyped platform number is refused, not just not found)."""
    if NUMBER_RE.fullmatch(number) is not None:
        return number_valid(number)
    return LEGACY_NUMBER_RE.fullmatch(number) is not None


# What the public verification shows of a certificate's frozen content: the facts a verifier
# compares with the paper (SPEC §6: holder, course, issuer, dates; the status is shown beside
# them). Not the assessment result, the internal ids of person or course, or the pack.
PUBLIC_FACTS = (
    "number",
    "holder",
    "course",
    "tier_name",
    "hours",
    "start_date",
    "end_date",
    "organiser",
    "institution",
    "issuer",
    "issued_on",
    # a migrated certificate's validity as printed, and that it was migrated
    "valid_until",
    "origin",
)


def public_facts(content: dict[str, Any]) -> dict[str, str]:
    return {k: str(content[k]) for k in PUBLIC_FACTS if k in content}


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of what the certificate says."""
    return hashlib.sha256(canonical(content)).hexdigest()
