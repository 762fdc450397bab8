"""The error pages (403, 404, 500, 429): the platform's layout, in Chinese (English when chosen),
a way home, the status kept; under /api/ the API's JSON errors instead."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cqo.lib import lookups
from cqo.test import PASSWORD, Personas

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.error_urls")]

HOME = 'id="go-home" href="/"'


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture
def signed_in(personas: Personas) -> Client:
    client = Client(raise_request_exception=False)
    assert client.login(username=personas.clerk_a.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("url", "status", "title"),
    [
        ("/test-refuse/", 403, "无权访问此页面"),
        ("/no-such-page/", 404, "未找到此页面或记录"),
        ("/persons/00000000-0000-0000-0000-000000000000/", 404, "未找到此页面或记录"),
        ("/test-fail/", 500, "系统暂时出错"),
    ],
)
def test_it_shows_the_error_in_the_layout_with_a_way_home(
    signed_in: Client, url: str, status: int, title: str
) -> None:
    response = signed_in.get(url, HTTP_REFERER="http://testserver/enterprises/")
    assert response.status_code == status
    html = response.content.decode()
    assert 'class="navbar' in html and "首席质量官管理平台" in html  # the layout
    assert title in html
    assert HOME in html and "返回工作台" in html
    assert 'id="go-back" href="http://testserver/enterprises/"' in html
    assert response["Content-Type"].startswith("text/html")


def test_it_offers_signing_in_to_a_visitor_refused(anonymous: Client) -> None:
    response = anonymous.get("/test-refuse/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="go-login" href="/accounts/login/?next=/test-refuse/"' in html
    assert "登录" in html and HOME in html
    assert 'id="go-back"' not in html  # nowhere to go back to


@pytest.mark.parametrize(
    "referer",
    ["https://elsewhere.example/x", "javascript:alert(1)", "http://testserver/no-such-page/"],
)
def test_it_goes_back_only_to_another_page_of_the_site(anonymous: Client, referer: str) -> None:
    html = anonymous.get("/no-such-page/", HTTP_REFERER=referer).content.decode()
    assert 'id="go-back"' not in html


def test_the_server_error_page_needs_no_database(anonymous: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get("/test-fail/")
    assert response.status_code == 500
    assert "系统暂时出错" in response.content.decode()
    assert len(queries) == 0


def test_the_error_pages_speak_english_when_chosen(signed_in: Client) -> None:
    signed_in.cookies["django_language"] = "en"
    for url, status in (("/test-refuse/", 403), ("/no-such-page/", 404), ("/test-fail/", 500)):
        response = signed_in.get(url)
        assert response.status_code == status
        assert response["Content-Language"] == "en", url


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/no-such-endpoint", 404),
        ("/api/v1/filings/00000000-0000-0000-0000-000000000000", 404),
        ("/api/v1/test-fail/", 500),
    ],
)
def test_the_api_keeps_json_errors(anonymous: Client, url: str, status: int) -> None:
    response = anonymous.get(url)
    if status != 500 and response.status_code == 401:
        return  # an existing operation asks for a token first: JSON too
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"][0]["field"] == "__all__"


def test_the_rate_limit_page_is_in_the_layout(anonymous: Client, settings: Any) -> None:
    settings.CQO_PUBLIC_VERIFY_RATE = "1/m"
    lookups.forget()
    statuses = [anonymous.get("/verify/training/PX0000-NONE/").status_code for _ in range(3)]
    assert statuses[-1] == 429
    response = anonymous.get("/verify/training/PX0000-NONE/")
    html = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"]
    assert 'class="navbar' in html and "查验过于频繁" in html and HOME in html
    lookups.forget()
