"""What a request meets when the database is unavailable (issue 8 faults).

A database server that restarts, or a connection it drops, surfaces in the request that was
using the connection as an ``OperationalError`` or ``InterfaceError``. Left alone that is a bare
500. Here it becomes a 503 with ``Retry-After``: the client's change did not happen (the server
rolls back the transaction of a dropped connection, and ``transaction.atomic`` rolls back one it
could not commit), so sending the same request again is safe. The broken connection is closed at
once, so the next request opens a new one instead of meeting the dead one.

A PDF whose render ran past ``CQO_PDF_TIMEOUT_SECONDS`` (cqo/lib/pdf.py) is answered the same
way, with the reason: the render was stopped, the worker is free, and the request may be sent
again when the machine is less busy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation

from cqo.lib import pdf

logger = logging.getLogger(__name__)

# Long enough for a database restart or a fail-over to finish, short enough that a person waiting
# on the page does not give up.
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    """Answer a request whose database connection failed with 503 and ``Retry-After``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "database unavailable: %s %s answered 503: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).strip(),
        )
        close_broken_connections()
        return unavailable_response(request)


def close_broken_connections() -> None:
    """Close every connection that failed and no longer answers, so the next use reconnects.

    A connection still inside an atomic block belongs to an enclosing transaction (a test's): it
    is left to whoever opened that block.
    """
    for conn in connections.all(initialized_only=True):
        if conn.connection is None or conn.in_atomic_block:
            continue
        try:
            conn.close_if_unusable_or_obsolete()
        except Exception:  # closing a dead connection may itself fail; it is gone either way
            logger.warning("closing the broken %s connection failed", conn.alias, exc_info=True)


class RenderTimeoutMiddleware:
    """Answer a page whose PDF render was stopped (``pdf.RenderTimeout``) with 503 and
    ``Retry-After`` and the reason, instead of a bare 500: the worker is free again, and the
    same request may succeed once the machine is less busy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, pdf.RenderTimeout):
            return None
        return render_timeout_response(request, exception)


def render_timeout_response(request: HttpRequest, exception: pdf.RenderTimeout) -> HttpResponse:
    logger.error(
        "PDF render stopped after %ss: %s %s answered 503",
        exception.seconds,
        request.method,
        request.path,
    )
    return unavailable_response(
        request,
        message=str(exception),
        title=translation.gettext("PDF 生成超时"),
        retry_after=PDF_RETRY_AFTER_SECONDS,
    )


# A render stopped by its timeout met a busy machine or a page too long to lay out: half a minute
# lets the other renders finish first.
PDF_RETRY_AFTER_SECONDS = 30


def unavailable_response(
    request: HttpRequest,
    *,
    message: str | None = None,
    title: str | None = None,
    retry_after: int = RETRY_AFTER_SECONDS,
) -> HttpResponse:
    if message is None:
        message = translation.gettext("数据库暂时不可用，您的操作未被保存，请稍后重试。")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": [{"field": "__all__", "message": message}]}, status=503)
    else:
        title = title or translation.gettext("服务暂时不可用")
        language = translation.get_language() or "zh-hans"
        response = HttpResponse(
            f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
            f"<p>{escape(message)}</p></body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
