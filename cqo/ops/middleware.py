from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from cqo.ops import logs

log = logging.getLogger("cqo.request")

# An id from the proxy or the client is kept when it is a plain token; anything else (too long,
# spaces, control characters that could forge a log line) is replaced by a fresh one.
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's primary key if the request already looked the user up; never a
    query of its own (the database may be why the request failed)."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:  # type: ignore[attr-defined]  # the lazy object's slot
            return None
        user = user._wrapped  # type: ignore[attr-defined]
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestIdMiddleware:
    """Gives each request an id — the X-Request-ID it came with, or a new one — returned in the
    response's X-Request-ID and carried by every log record made while it runs, and logs one
    record per request: method, path, status, duration and user id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _GOOD_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        # cleared when the response is closed (request_finished, cqo.ops.apps), not here:
        # Django logs a 4xx/5xx response (django.request) after the middleware has returned
        logs.request_id.set(rid)
        start = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        # the health checks are polled every few seconds: their lines would drown the rest
        level = logging.DEBUG if request.path in ("/healthz", "/readyz") else logging.INFO
        log.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response
