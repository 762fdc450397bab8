"""DatabaseUnavailableMiddleware: a failed database connection answers 503 and Retry-After, in
the API's error shape under /api/ and as a page elsewhere; other errors pass through."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from cqo.lib.faults import RETRY_AFTER_SECONDS, DatabaseUnavailableMiddleware


def middleware() -> DatabaseUnavailableMiddleware:
    return DatabaseUnavailableMiddleware(lambda request: HttpResponse("ok"))


@pytest.mark.parametrize("error", [OperationalError("server closed"), InterfaceError("closed")])
def test_it_answers_the_api_with_503_json(error: Exception) -> None:
    request = RequestFactory().post("/api/v1/filings")
    response = middleware().process_exception(request, error)
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    assert body["detail"][0]["field"] == "__all__"
    assert "数据库暂时不可用" in body["detail"][0]["message"]


def test_it_answers_a_page_with_a_503_page_in_chinese() -> None:
    request = RequestFactory().get("/filings/")
    response = middleware().process_exception(request, OperationalError("gone"))
    assert response is not None
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "服务暂时不可用" in page and "gone" not in page  # no internals shown


@pytest.mark.parametrize(
    "error", [IntegrityError("dup"), DatabaseError("syntax"), ValueError("bad"), KeyError("x")]
)
def test_it_leaves_other_errors_to_django(error: Exception) -> None:
    request = RequestFactory().get("/api/v1/filings")
    assert middleware().process_exception(request, error) is None


def test_it_logs_the_failure(caplog: pytest.LogCaptureFixture) -> None:
    request: HttpRequest = RequestFactory().get("/public/blacklist/")
    with caplog.at_level("ERROR", logger="cqo.lib.faults"):
        middleware().process_exception(request, OperationalError("the database is restarting"))
    assert "GET /public/blacklist/" in caplog.text
    assert "the database is restarting" in caplog.text


def test_it_passes_requests_through() -> None:
    request = RequestFactory().get("/")
    assert middleware()(request).content == b"ok"
