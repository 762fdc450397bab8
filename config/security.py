"""Security settings: headers, Content-Security-Policy, sessions, upload limits (issue 8).

Imported at the end of config/settings.py: ``middleware()`` adds this module's middleware to the
list, and the names in ``__all__`` become settings.

In production (``CQO_ENV=production``) the site is HTTPS only: secure cookies, a redirect to
HTTPS (except the health probes, which a load balancer calls over plain HTTP) and HSTS. Outside
production (tests, ``make run`` on http://127.0.0.1:8000) none of that applies; the headers, the
Content-Security-Policy, the session rules and the upload limits apply everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE

MB = 1024 * 1024


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


PRODUCTION = os.environ.get("CQO_ENV", "").strip().lower() == "production"

# Headers (all modes) -------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Features no page uses; a script injected anyway cannot reach them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Scripts only from our own static files: no inline script, no inline handler, no eval (HTMX is
# told not to use it: the htmx-config meta tag in templates/base.html). Style elements only from
# our files too (HTMX is told not to inject its indicator <style>); style *attributes* stay
# allowed: ECharts writes its tooltips as HTML with style attributes, server-rendered progress
# bars carry their width, and an attribute cannot run script or hold a selector. Bootstrap's
# icons are data: SVGs in its CSS. The Swagger UI (/api/v1/docs) works under the same policy.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Sessions and CSRF -----------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: pages send the token from the template (the hx-headers on
# <body> for HTMX, the form field otherwise), and the Swagger UI from its page's data attribute.
CSRF_COOKIE_HTTPONLY = True
# A signed-in session lasts a working day at most, and ends when the browser closes.
CQO_SESSION_HOURS = _int("CQO_SESSION_HOURS", 8)
SESSION_COOKIE_AGE = CQO_SESSION_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Uploads (cqo/lib/uploads.py) ------------------------------------------------------------------

# An official enterprise list of a province runs to tens of MB as xlsx; CSV is larger.
CQO_UPLOAD_MAX_LIST_BYTES = _int("CQO_UPLOAD_MAX_LIST_MB", 200) * MB
CQO_UPLOAD_MAX_PHOTO_BYTES = _int("CQO_UPLOAD_MAX_PHOTO_MB", 5) * MB
# evidence, scans, appeal and case attachments
CQO_UPLOAD_MAX_DOCUMENT_BYTES = _int("CQO_UPLOAD_MAX_DOCUMENT_MB", 20) * MB
# ZIP-based files (xlsx, ods, docx): what they may expand to before a parser sees them
CQO_UPLOAD_ZIP_MAX_TOTAL_BYTES = _int("CQO_UPLOAD_ZIP_MAX_TOTAL_MB", 1024) * MB
CQO_UPLOAD_ZIP_MAX_RATIO = _int("CQO_UPLOAD_ZIP_MAX_RATIO", 100)
# small members (styles, a near-empty sheet) compress far better than 100:1 legitimately
CQO_UPLOAD_ZIP_RATIO_FLOOR_BYTES = 1 * MB
CQO_UPLOAD_ZIP_MAX_MEMBERS = _int("CQO_UPLOAD_ZIP_MAX_MEMBERS", 10_000)
CQO_UPLOAD_IMAGE_MAX_PIXELS = _int("CQO_UPLOAD_IMAGE_MAX_PIXELS", 40_000_000)
CQO_UPLOAD_IMAGE_MAX_SIDE = _int("CQO_UPLOAD_IMAGE_MAX_SIDE", 20_000)
# A request body larger than the largest upload (plus its form fields) is refused from its
# Content-Length, before Django reads it to a temporary file.
CQO_REQUEST_MAX_BYTES = CQO_UPLOAD_MAX_LIST_BYTES + 1 * MB

__all__: list[str] = [
    "CONTENT_SECURITY_POLICY",
    "CQO_REQUEST_MAX_BYTES",
    "CQO_SESSION_HOURS",
    "CQO_UPLOAD_IMAGE_MAX_PIXELS",
    "CQO_UPLOAD_IMAGE_MAX_SIDE",
    "CQO_UPLOAD_MAX_DOCUMENT_BYTES",
    "CQO_UPLOAD_MAX_LIST_BYTES",
    "CQO_UPLOAD_MAX_PHOTO_BYTES",
    "CQO_UPLOAD_ZIP_MAX_MEMBERS",
    "CQO_UPLOAD_ZIP_MAX_RATIO",
    "CQO_UPLOAD_ZIP_MAX_TOTAL_BYTES",
    "CQO_UPLOAD_ZIP_RATIO_FLOOR_BYTES",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "PERMISSIONS_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_AGE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "X_FRAME_OPTIONS",
]

# HTTPS only (production) -----------------------------------------------------------------------

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # the load balancer's and the orchestrator's probes call these over plain HTTP
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
    SECURE_HSTS_SECONDS = _int("CQO_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    __all__ += [
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_HSTS_SECONDS",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
    ]
    # Only behind a proxy that sets the header itself (and strips a client's): otherwise any
    # client could claim HTTPS.
    if _bool("CQO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        __all__ += ["SECURE_PROXY_SSL_HEADER"]


# Middleware ----------------------------------------------------------------------------------


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (Django has no setting for it)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        response = self.get_response(request)
        from django.conf import settings

        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestSizeMiddleware:
    """Answers 413 to a request whose declared body exceeds ``CQO_REQUEST_MAX_BYTES``, before
    anything reads the body (Django's own limit leaves out uploaded files)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        from django.conf import settings
        from django.http import HttpResponse, JsonResponse
        from django.utils.translation import gettext as _

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.CQO_REQUEST_MAX_BYTES
        if length <= limit:
            return self.get_response(request)
        message = _("请求过大：不能超过 %(max)d MB") % {"max": limit // MB}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": [{"field": "__all__", "message": message}]}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def middleware(base: list[str]) -> list[str]:
    """The settings' middleware with the security middleware in place: right after Django's
    SecurityMiddleware, so every response gets the headers, error pages included."""
    ours = [
        "csp.middleware.CSPMiddleware",
        "config.security.PermissionsPolicyMiddleware",
        "config.security.RequestSizeMiddleware",
    ]
    result = [m for m in base if m not in ours]
    anchor = "django.middleware.security.SecurityMiddleware"
    at = result.index(anchor) + 1 if anchor in result else 0
    return result[:at] + ours + result[at:]
