"""Pure rules of the warning and exit listings (shaanxi-2021 §五(三), jiangsu-2020 §七,
SPEC §12.15). Plain values in, plain values out; tested at every boundary."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from cqo.lib import bounds

PENDING = "pending"
IN_FORCE = "in_force"
ENDED = "ended"
REVOKED = "revoked"

WARNING = "warning"
EXIT = "exit"

# The least a stated reason, ground or note may say: platform defaults (not from the documents),
# long enough to refuse an empty or one-word entry.
REASON_MIN = 4
# The accident's description: as short as a reason may be (platform default, not from the
# documents, which only require the accident to be stated).
ACCIDENT_MIN = 4
GROUNDS_MIN = 10  # platform default (not from the documents): a ground is a sentence
NOTE_MIN = 4  # platform default (not from the documents)
# The note of a change of end date, kept in the audit trail (no model field of its own).
END_DATE_NOTE_MAX = bounds.STATEMENT


def listing_state(*, revoked: bool, start: dt.date, end: dt.date | None, on: dt.date) -> str:
    """In force = not revoked, started, and not past its end date; the end date is the last day
    in force (inclusive), as a period "至 X 日" is read."""
    if revoked:
        return REVOKED
    if on < start:
        return PENDING
    if end is not None and on > end:
        return ENDED
    return IN_FORCE


def blocks_filing(*, kind: str, state: str) -> bool:
    """Only an exit listing in force blocks a filing; a warning is advisory (SPEC §12.11,
    §12.15)."""
    return kind == EXIT and state == IN_FORCE


def ends_appointments(*, kind: str, state: str, applied: bool) -> bool:
    """An exit listing in force ends the person's filed appointments, once (SPEC §12.15)."""
    return kind == EXIT and state == IN_FORCE and not applied


def periods_overlap(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> bool:
    """Two closed periods (an open end runs for ever) share at least one day."""
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def appointment_line(enterprise: str, filing_number: str, start: dt.date) -> str:
    return _("%(enterprise)s（备案号 %(number)s，%(start)s 起）") % {
        "enterprise": enterprise,
        "number": filing_number or "—",
        "start": start.isoformat(),
    }


def ending_message(lines: list[str]) -> str:
    """What an exit in force ends, for the issuer to confirm before it is recorded."""
    return _("列入退出名单将立即终止该人员的以下在任聘任，请核对后勾选确认：%(list)s") % {
        "list": "；".join(lines)
    }
