"""Sending one request to a route as one persona (or anonymously) and naming the outcome."""

from __future__ import annotations

from django.test import Client

from tests.security.routes import API_PREFIX, fill, params_of
from tests.security.world import NOT_RECORDS, World, param_value

LOGIN_PATH = "/accounts/login/"


def address(world: World, route: str) -> tuple[str, bool, bool]:
    """The route's URL with its parameters filled; whether it names an object of enterprise A;
    whether it names a record that does not exist."""
    values, real, missing = {}, False, False
    for name, kind in params_of(route).items():
        values[name], is_real = param_value(world, route, name, kind)
        real = real or is_real
        missing = missing or (not is_real and name not in NOT_RECORDS)
    return fill(route, values), real and not missing, missing


def send(world: World, route: str, persona: str | None) -> tuple[int, str]:
    method, path = route.split(" ", 1)
    url, _real, _missing = address(world, route)
    if path.startswith(API_PREFIX):
        headers = {"Authorization": f"Bearer {world.tokens[persona]}"} if persona else {}
        body = "{}" if method in ("POST", "PUT", "PATCH") else None
        response = Client().generic(
            method, url, data=body or "", content_type="application/json", headers=headers
        )
    else:
        client = world.client(persona)
        response = client.get(url)
        if response.status_code == 405:
            # a form's action that takes POST only: its gate is on the POST (an empty form)
            response = client.post(url)
    return response.status_code, response.headers.get("Location", "")


def outcome(route: str, status: int, location: str) -> str:
    """login (asked to sign in), denied (403/404), error (5xx) or ok (anything else)."""
    is_api = route.split(" ", 1)[1].startswith(API_PREFIX)
    if status >= 500:
        return "error"
    if (is_api and status == 401) or (
        not is_api and status in (301, 302) and location.startswith(LOGIN_PATH)
    ):
        return "login"
    if status in (403, 404):
        return "denied"
    return "ok"
