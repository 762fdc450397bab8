"""config.urls with views that fail, for the error-page tests (their handlers are the
platform's)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as platform


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


handler403 = platform.handler403
handler404 = platform.handler404
handler500 = platform.handler500

urlpatterns = [
    path("test-refuse/", refuse),
    path("test-fail/", fail),
    path("api/v1/test-fail/", fail),
    *platform.urlpatterns,
]
