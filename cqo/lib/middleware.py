from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    """Chinese unless the user chose otherwise (SPEC §10: zh-hans by default, English available).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English browser
    would open the platform in English; here only the language picked in the page (the
    language cookie set by ``set_language``) counts.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RejectNulMiddleware:
    """Refuse query and form values containing NUL: PostgreSQL text cannot store it, so such a
    value would otherwise surface as a server error deep inside a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists():
                if "\x00" in key or any("\x00" in v for v in values if isinstance(v, str)):
                    return self._bad(request, key.replace("\x00", ""))
        return self.get_response(request)

    @staticmethod
    def _bad(request: HttpRequest, field: str) -> HttpResponse:
        message = translation.gettext("含有不允许的字符（NUL）")
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"detail": [{"field": field, "message": message}]}, status=400)
        return HttpResponse(f"{field}: {message}", status=400, content_type="text/plain")
