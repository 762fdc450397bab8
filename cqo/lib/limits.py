"""Limits per client address on what anyone may do without signing in: registering, looking up a
certificate, guessing passwords (cqo.accounts.services counts those in the database instead).

``too_many(request, "register", "30/h")`` counts this request for the client's address and says
whether the address is over the rate. Rates are django-ratelimit's ("30/h", "100/10m"), counted
in fixed windows (each address's window starts at its own offset, so all of them do not reopen
at once) in Django's cache: Redis in production, which every process shares; the process's own
memory in the embedded default, where each process counts for itself. If the cache cannot
count (Redis refusing a write), the request is counted as over: the limit fails closed.

Call it only where the answer is used (after the method and the form are known), since every
call with ``increment=True`` spends one unit of the address's allowance. To count only what
succeeded (registrations, not the failed attempts of someone fixing a typo), ask with
``increment=False`` first, whether one more would be over, and ``hit`` after the success.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

# An IPv6 client is counted by its /64: one home or office is given a whole /64 and may pick any
# address in it, so counting single addresses would give it 2**64 allowances.
IPV6_PREFIX = 64


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, or None when the server was not told one (a Unix
    socket without a proxy header).

    ``REMOTE_ADDR``, unless the platform runs behind a reverse proxy (``CQO_BEHIND_PROXY``): then
    every request comes from the proxy, and the client is the last address of
    ``X-Forwarded-For``, the one the proxy appended; whatever a client sends in that header
    itself comes before it and is ignored. An IPv6 address is given as its /64 network."""
    found = None
    if settings.CQO_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        found = _parse(forwarded.rsplit(",", 1)[-1]) if forwarded else None
    if found is None:
        found = _parse(request.META.get("REMOTE_ADDR") or "")
    if found is None:
        return None
    if isinstance(found, ipaddress.IPv6Address):
        if found.ipv4_mapped is not None:  # ::ffff:a.b.c.d from a dual-stack socket
            return str(found.ipv4_mapped)
        return str(ipaddress.ip_network(f"{found}/{IPV6_PREFIX}", strict=False).network_address)
    return str(found)


def _key(group: str, request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def too_many(request: HttpRequest, group: str, rate: str, *, increment: bool = True) -> bool:
    """Whether the client's address is over ``rate`` for ``group`` (a name per limited action).

    With ``increment`` (the default) this request is counted first, so the call answers "is this
    request one too many". Without it nothing is counted and the answer is "would one more be
    too many": the address has already used the whole allowance."""
    usage = get_usage(request, group=group, key=_key, rate=rate, increment=increment)
    if usage is None:  # RATELIMIT_ENABLE = False
        return False
    if increment:
        return bool(usage["should_limit"])
    return bool(usage["count"] >= usage["limit"])


def hit(request: HttpRequest, group: str, rate: str) -> None:
    """Count one more for the client's address (after a success that ``too_many(...,
    increment=False)`` allowed)."""
    get_usage(request, group=group, key=_key, rate=rate, increment=True)
