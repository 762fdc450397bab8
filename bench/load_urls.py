"""URLconf of the load benchmark's server: the platform's URLs plus the bare baseline view,
one indexed lookup of one row by primary key through a raw cursor, answered as small JSON."""

from __future__ import annotations

import json

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as platform


def bare(request: HttpRequest, pk: int) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number, level, issued_on, status FROM certification_levelcertificate "
            "WHERE id = %s",
            [pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    number, level, issued_on, status = row
    body = {"number": number, "level": level, "issued_on": issued_on.isoformat(), "status": status}
    return HttpResponse(json.dumps(body), content_type="application/json")


urlpatterns = [path("bench/bare/<int:pk>/", bare), *platform]
