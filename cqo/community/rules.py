"""Pure rules of the community (SPEC §9): competition phases, judge conflicts, scoring bounds,
the ranking with its tie-break, and attachment checks.

The sources (shaanxi-2021 §五(三) 开展质量改进经典案例评比; shenzhen-guide §6.4 典型案例遴选) give
no scoring method, so these are platform decisions, documented here and in the README:

- A judge's total for a case is the sum of the points given per criterion; each criterion's
  maximum is its weight. A case's score is the mean of the totals of the judges eligible for it
  (a judge never scores their own case or one of their enterprise), rounded half-up to two
  decimals. The published score is what ranks, so what a reader sees explains the order.
- Cases with the same published score share a rank (standard competition ranking "1, 1, 3").
  Inside a tie they are listed by the earlier submission time, then by case number, so the
  order never depends on the database.
- The top ``awards`` ranks are awarded and enter the public case library; a tie at the last
  awarded rank awards every case of that rank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from cqo.hours.models import Kind as RecordKind

# Attachments: a platform default (no source states one), small enough for an intranet server.
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # platform default
# extension -> the file's leading bytes (so a renamed executable is refused)
ATTACHMENT_TYPES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}

PHASE_UPCOMING = "upcoming"
PHASE_SUBMISSION = "submission"
PHASE_WAITING = "waiting"
PHASE_JUDGING = "judging"
PHASE_CLOSED = "closed"
PHASE_PUBLISHED = "published"


def phase(
    *,
    today: dt.date,
    submission_opens: dt.date,
    submission_closes: dt.date,
    judging_opens: dt.date,
    judging_closes: dt.date,
    published: bool,
) -> str:
    """Where a call stands on ``today``; both ends of each window are included."""
    if published:
        return PHASE_PUBLISHED
    if today < submission_opens:
        return PHASE_UPCOMING
    if today <= submission_closes:
        return PHASE_SUBMISSION
    if today < judging_opens:
        return PHASE_WAITING
    if today <= judging_closes:
        return PHASE_JUDGING
    return PHASE_CLOSED


def window_errors(
    submission_opens: dt.date | None,
    submission_closes: dt.date | None,
    judging_opens: dt.date | None,
    judging_closes: dt.date | None,
) -> dict[str, str]:
    """The windows must follow one another: submission, then judging after it closes."""
    errors: dict[str, str] = {}
    if submission_opens and submission_closes and submission_closes < submission_opens:
        errors["submission_closes"] = _("申报截止日期不能早于申报开始日期")
    if submission_closes and judging_opens and judging_opens <= submission_closes:
        errors["judging_opens"] = _("评审开始日期应晚于申报截止日期")
    if judging_opens and judging_closes and judging_closes < judging_opens:
        errors["judging_closes"] = _("评审截止日期不能早于评审开始日期")
    return errors


def record_kind(event_kind: str) -> str:
    """level-standard §9.4.1.2: a) 参加培训讲座 → lecture; b) 参与学术交流 → salons, forums and
    site visits are exchanges among peers."""
    return RecordKind.LECTURE if event_kind == "lecture" else RecordKind.ACADEMIC_EXCHANGE


@dataclass(frozen=True)
class JudgeIdentity:
    person_id: int | None  # the judge's own CQO profile, if any
    enterprise_ids: frozenset[int]  # enterprises the judge serves or clerks for


def conflicted(judge: JudgeIdentity, *, person_id: int, enterprise_id: int) -> bool:
    """A judge cannot judge their own case nor one of their enterprise (SPEC §9 issue 9)."""
    return judge.person_id == person_id or enterprise_id in judge.enterprise_ids


def points_error(points: Decimal, max_points: int) -> str | None:
    """Points are 0 … the criterion's maximum, in steps of 0.1."""
    if not points.is_finite():
        return _("分值应为数字")
    if points < 0 or points > max_points:
        return _("分值应在 0 到 %(max)s 之间") % {"max": max_points}
    if points != points.quantize(Decimal("0.1")):
        return _("分值最多保留一位小数")
    return None


def case_score(judge_totals: Sequence[Decimal]) -> Decimal | None:
    """Mean of the eligible judges' totals, half-up to two decimals; None without a judge."""
    if not judge_totals:
        return None
    mean = sum(judge_totals, Decimal(0)) / Decimal(len(judge_totals))
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Entry:
    key: str  # the case number (public id)
    submitted_at: dt.datetime
    score: Decimal


@dataclass(frozen=True)
class Placed:
    key: str
    score: Decimal
    rank: int
    awarded: bool


def rank(entries: Iterable[Entry], *, awards: int) -> list[Placed]:
    """Order by score (high first), tied scores share a rank; inside a tie, earlier submission
    first, then case number (see the module docstring)."""
    ordered = sorted(entries, key=lambda e: (-e.score, e.submitted_at, e.key))
    placed: list[Placed] = []
    for i, entry in enumerate(ordered):
        position = placed[-1].rank if i and entry.score == ordered[i - 1].score else i + 1
        placed.append(Placed(entry.key, entry.score, position, position <= awards))
    return placed


def attachment_error(name: str, size: int, head: bytes) -> str | None:
    """Type by extension and leading bytes; size within the limit; not empty."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        return _("附件 %(name)s 类型不允许，可上传：%(types)s") % {
            "name": name,
            "types": "、".join(sorted(ATTACHMENT_TYPES)),
        }
    if size <= 0:
        return _("附件 %(name)s 是空文件") % {"name": name}
    if size > MAX_ATTACHMENT_BYTES:
        return _("附件 %(name)s 超过 %(mb)d MB") % {
            "name": name,
            "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
        }
    if not any(head.startswith(magic) for magic in ATTACHMENT_TYPES[ext]):
        return _("附件 %(name)s 的内容与扩展名 .%(ext)s 不符") % {"name": name, "ext": ext}
    return None
