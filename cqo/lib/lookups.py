"""The limit per client address on the public lookups without login (a certificate by its number,
API or page, and the hour-proof check): whoever walks certificate numbers is stopped long before
a guess of the unguessable check part could come true (cqo/lib/numbers.py).

One budget, ``CQO_PUBLIC_VERIFY_RATE`` (django-ratelimit's rate, e.g. "60/m"; None: no limit),
for every public lookup, so switching between them buys nothing; counted by cqo.lib.limits in
Django's cache (Redis in production, shared by every process).

Counting in Redis costs three round trips a request (django-ratelimit's add, then the cache's
exists and incr): measured in-process, about half a millisecond, as much as the whole
verification answer (a prepared statement, cqo/lib/db.py). At the default rate an address makes
at most a few requests a minute and the cost is nothing; it matters only where the rate is high
(the load benchmark raises it to serve ~1,000 requests a second from one address). So a process
counts an address's lookups itself and asks the shared counter once per ``batch`` of them, a
batch being a sixtieth of the rate (one at the default): the shared counter counts batches
against the rate divided by the batch. Between two questions the last answer holds, so a
process serves at most a batch more than the rate after an address went over elsewhere.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cqo.lib import limits

GROUP = "public-lookup"
# a process asks the shared counter at least this many times in a window
QUESTIONS_PER_WINDOW = 60

_RATE = re.compile(r"^([0-9]+)/([0-9]*)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_LOCK = threading.Lock()
# (address, window) → [lookups this process counted, the shared counter's last answer]
_SEEN: dict[tuple[str, int], list[Any]] = {}


def _split(rate: str) -> tuple[int, int]:
    found = _RATE.match(rate.strip())
    if found is None:
        raise ValueError(f"CQO_PUBLIC_VERIFY_RATE {rate!r}: expected e.g. 60/m or 100/10m")
    count, multiple, unit = found.groups()
    return int(count), int(multiple or 1) * _SECONDS[unit]


def _address(request: HttpRequest) -> str:
    # as every other per-address limit counts it (behind a proxy, IPv6 by its /64)
    return limits.client_address(request) or "unknown"


def _shared(request: HttpRequest, rate: str) -> bool:
    """Count one batch for the address in the shared cache; whether it is over ``rate``."""
    return limits.too_many(request, GROUP, rate)


def too_many_lookups(request: HttpRequest) -> bool:
    """Count this public lookup for the client's address; whether the address is over its
    budget (then the answer is 429)."""
    rate = settings.CQO_PUBLIC_VERIFY_RATE
    if rate is None:
        return False
    limit, period = _split(rate)
    batch = max(1, limit // QUESTIONS_PER_WINDOW)
    window = int(time.time()) // period
    with _LOCK:
        if len(_SEEN) > 10_000:  # old windows and one-off addresses
            for stale in [k for k in _SEEN if k[1] != window]:
                del _SEEN[stale]
        seen = _SEEN.setdefault((_address(request), window), [0, False])
        seen[0] += 1
        ask = (seen[0] - 1) % batch == 0
    if not ask:
        return bool(seen[1])
    over = _shared(request, f"{max(1, limit // batch)}/{period}s")
    seen[1] = over
    return over


def forget() -> None:
    """Drop what this process counted (tests, whose cache is emptied between them)."""
    with _LOCK:
        _SEEN.clear()
