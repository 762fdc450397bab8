"""Pure rules of delivery: how often to try, how long to wait, how long an SMS may be.

None of these numbers comes from the source documents: each is a platform default.
"""

from __future__ import annotations

import datetime as dt

# 平台默认: five attempts in all (the first and four retries) before a row is marked failed
MAX_ATTEMPTS = 5
# 平台默认: exponential back-off, 60 s doubled at each failure, at most one hour
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 3600  # 平台默认: one hour at most between tries
# 平台默认: a row still ``sending`` this long after its claim belongs to a worker that died
# (an SMTP or gateway call is given far less: EMAIL_TIMEOUT, CQO_SMS_TIMEOUT)
SENDING_STALE_SECONDS = 600
# 平台默认: one SMS of Chinese text is 70 characters (UCS-2); a longer text is billed and
# delivered as several parts, so every notice's SMS, signature included, fits in one
SMS_MAX_CHARS = 70
# 平台默认: the longest name an SMS carries before it is shortened with an ellipsis
SMS_NAME_MAX_CHARS = 10
# 平台默认: a daily run records its notices this many outbox rows to a statement
RECORD_BATCH = 1000


# 平台默认: the night in which reminder SMS wait (Beijing time); a person may set their own
QUIET_START = dt.time(22, 0)  # 平台默认
QUIET_END = dt.time(8, 0)  # 平台默认
# 平台默认: a mobile's verification code — six digits, valid ten minutes, five tries, one
# code a minute and ten a day at most
CODE_DIGITS = 6  # 平台默认
CODE_TTL_SECONDS = 600  # 平台默认: ten minutes
CODE_MAX_TRIES = 5  # 平台默认
CODE_RESEND_SECONDS = 60  # 平台默认: one code a minute
CODES_PER_DAY = 10  # 平台默认


def in_quiet_hours(at: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether the local time ``at`` lies in the quiet period [start, end), which may span
    midnight (22:00–08:00); start == end is no quiet period."""
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def quiet_ends(now: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime | None:
    """When the quiet period holding the aware local datetime ``now`` ends (None: not in one)."""
    if not in_quiet_hours(now.timetz().replace(tzinfo=None), start, end):
        return None
    day = now.date()
    if start > end and now.time() >= start:
        day += dt.timedelta(days=1)  # 22:00–24:00: it ends tomorrow morning
    return now.replace(
        year=day.year, month=day.month, day=day.day, hour=end.hour, minute=end.minute,
        second=0, microsecond=0,
    )  # fmt: skip


def backoff_seconds(attempts: int) -> int:
    """Wait before the next try after ``attempts`` failed ones: 60, 120, 240, 480, … ≤ 3600."""
    if attempts < 1:
        return 0
    # 平台默认: the wait doubles at each failed try
    return min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


def is_stale(claimed_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A row in ``sending`` whose worker is presumed dead may be claimed again."""
    return claimed_at is None or now - claimed_at >= dt.timedelta(seconds=SENDING_STALE_SECONDS)


def short_name(name: str) -> str:
    if len(name) <= SMS_NAME_MAX_CHARS:
        return name
    return name[: SMS_NAME_MAX_CHARS - 1] + "…"


def sms_text(*, signature: str, template: str, name: str, deadline: str) -> str:
    """The SMS as sent: the signature (【…】) then the kind's template with the person's name
    (shortened) and the date; never more than SMS_MAX_CHARS (the end is cut with an ellipsis
    if a template and its values still do not fit)."""
    text = signature + template % {"name": short_name(name), "deadline": deadline}
    if len(text) > SMS_MAX_CHARS:
        text = text[: SMS_MAX_CHARS - 1] + "…"
    return text
