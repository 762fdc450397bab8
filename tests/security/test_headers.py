"""Security headers, the Content-Security-Policy, session and CSRF cookies, sign-in throttling
through the API, and the HTTPS-only settings of production (config/security.py)."""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from config import security
from cqo.test import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


# Headers ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/accounts/login/", 200),
        ("/enterprises/", 200),
        ("/api/v1/imports/enterprises", 401),
        ("/no-such-page/", 404),
        ("/api/v1/docs", 200),
    ],
)
def test_it_sends_the_security_headers_on_every_response(
    client: Client, personas: Any, path: str, status: int
) -> None:
    client.force_login(personas.county_a)
    if path.startswith("/api/v1/imports"):
        client.logout()
    response = client.get(path)
    assert response.status_code == status
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["style-src-elem"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_the_policy_allows_no_inline_script_and_no_eval(client: Client) -> None:
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "unsafe-eval" not in policy
    script = directives(client.get("/accounts/login/"))["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-hashes'" not in script


@pytest.mark.django_db
def test_the_base_page_tells_htmx_not_to_eval_or_inject_styles(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', html)
    assert meta is not None
    assert '"allowEval": false' in meta.group(1)
    assert '"includeIndicatorStyles": false' in meta.group(1)
    assert "/static/js/cqo.js" in html


def template_files() -> Iterator[Path]:
    yield from sorted(TEMPLATES.rglob("*.html"))
    yield from sorted((ROOT / "cqo").rglob("templates/**/*.html"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_handler() -> None:
    found = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not found, "blocked by the Content-Security-Policy:\n" + "\n".join(found)


def test_the_template_scan_finds_what_it_looks_for() -> None:
    assert INLINE_SCRIPT.search("<p><script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/cqo.js"></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{}</script>')
    assert INLINE_HANDLER.search('<select onchange="this.form.submit()">')
    assert INLINE_HANDLER.search('<form hx-on::after-request="x()">')
    assert not INLINE_HANDLER.search('<select data-submit-on-change name="year">')


# Sessions, CSRF, sign-in -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_lax_and_ends_with_the_browser(
    client: Client, personas: Any
) -> None:
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert client.session.get_expiry_age() == 8 * 3600


def test_the_session_lasts_the_hours_configured() -> None:
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_AGE == django_settings.CQO_SESSION_HOURS * 3600


@pytest.mark.django_db
def test_the_csrf_cookie_is_http_only_and_pages_carry_the_token(
    client: Client, personas: Any
) -> None:
    client.force_login(personas.county_a)
    response = client.get("/enterprises/")
    cookie = response.cookies[django_settings.CSRF_COOKIE_NAME]
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    # HTMX sends the token from the page, not from the cookie
    assert re.search(
        r'<body hx-headers=\'\{"X-CSRFToken": "[\w-]{32,}"\}\'>', response.content.decode()
    )


@pytest.mark.django_db
def test_failures_through_the_api_lock_the_api_and_the_page(
    client: Client, personas: Any, settings: Any
) -> None:
    settings.CQO_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        wrong = client.post(
            "/api/v1/auth/token",
            {"username": "clerk_a", "password": "wrong"},
            content_type="application/json",
        )
        assert wrong.status_code in (401, 422)
    api = client.post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 429
    page = client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert page.status_code == 200 and "登录失败次数过多" in page.content.decode()


# Production: HTTPS only ------------------------------------------------------------------------


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[Any]:
    """config/security.py as CQO_ENV=production loads it, applied to the settings."""
    monkeypatch.setenv("CQO_ENV", "production")
    monkeypatch.setenv("CQO_BEHIND_PROXY", "1")
    module = importlib.reload(security)
    for name in module.__all__:
        setattr(settings, name, getattr(module, name))
    yield module
    monkeypatch.delenv("CQO_ENV")
    monkeypatch.delenv("CQO_BEHIND_PROXY")
    importlib.reload(security)


def test_outside_production_nothing_is_https_only() -> None:
    assert "SECURE_SSL_REDIRECT" not in security.__all__
    assert "SECURE_HSTS_SECONDS" not in security.__all__
    assert "SECURE_PROXY_SSL_HEADER" not in security.__all__
    assert django_settings.SECURE_SSL_REDIRECT is False
    assert django_settings.SECURE_HSTS_SECONDS == 0


@pytest.mark.django_db
def test_production_redirects_to_https_except_the_health_probes(
    client: Client, production: Any
) -> None:
    assert production.SECURE_HSTS_SECONDS == 365 * 24 * 3600
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    # the probes answer over plain HTTP (whatever their verdict)
    assert client.get("/healthz").status_code not in (301, 302)
    assert client.get("/readyz").status_code not in (301, 302)
    secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_production_trusts_the_proxy_header_only_when_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CQO_ENV", "production")
    monkeypatch.setenv("CQO_HSTS_SECONDS", "600")
    try:
        module = importlib.reload(security)
        assert "SECURE_PROXY_SSL_HEADER" not in module.__all__
        assert module.SECURE_HSTS_SECONDS == 600
    finally:
        monkeypatch.delenv("CQO_ENV")
        monkeypatch.delenv("CQO_HSTS_SECONDS")
        importlib.reload(security)


# The deploy check in production: tests/ops/test_deploy.py.


# Request size ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_a_body_over_the_limit_before_reading_it(
    client: Client, personas: Any, settings: Any
) -> None:
    settings.CQO_REQUEST_MAX_BYTES = 1024 * 1024
    client.force_login(personas.county_a)
    big = io.BytesIO(b"a,b\n" * (300 * 1024))
    big.name = "list.csv"
    page = client.post("/imports/enterprises/", {"file": big, "as_of": "2026-01-31"})
    assert page.status_code == 413
    big.seek(0)
    api = client.post("/api/v1/imports/enterprises", {"file": big, "as_of": "2026-01-31"})
    assert api.status_code == 413
    assert api.json()["detail"][0]["message"] == "请求过大：不能超过 1 MB"
    assert client.post("/accounts/logout/").status_code == 302  # a small body passes


def test_the_request_limit_leaves_room_for_the_largest_upload() -> None:
    assert django_settings.CQO_REQUEST_MAX_BYTES > django_settings.CQO_UPLOAD_MAX_LIST_BYTES
    assert "config.security.RequestSizeMiddleware" in django_settings.MIDDLEWARE
