"""The platform's error pages (config.urls handler403/404/500): the page layout with a way on
(the home page, the page the visitor came from, signing in), and the API's JSON shape under
/api/, whose clients read ``detail`` and never a page."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(message: str, status: int) -> JsonResponse:
    # the shape of cqo.api's own errors (cqo/api.py on_not_found, on_forbidden)
    return JsonResponse({"detail": [{"field": "__all__", "message": message}]}, status=status)


def back_url(request: HttpRequest) -> str:
    """The page the visitor came from, when it is this site's and not the page that failed;
    "" otherwise (the page then offers only the home page)."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or len(referer) > 2000:
        return ""
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    if urlsplit(referer).path == request.path:
        return ""
    return referer


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error("permission denied", 403)
    return render(request, "403.html", {"back": back_url(request)}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error("not found", 404)
    return render(request, "404.html", {"back": back_url(request)}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context (no user, no session, no database: the failure
    may be any of them), from a template that does not extend the page layout's context."""
    if _is_api(request):
        return _api_error("server error", 500)
    try:
        back = back_url(request)
    except Exception:  # a broken request (a bad Host header) still gets the error page
        back = ""
    html = loader.get_template("500.html").render({"back": back})
    return HttpResponse(html, status=500)
