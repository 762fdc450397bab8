"""Sending one request to a route as one persona (or anonymously) and naming the outcome."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.test import Client
from python_calamine import CalamineWorkbook

from tests.security.routes import API_PREFIX, PAGE_PARAM, fill, params_of
from tests.security.scopes import XLSX, ListRule
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


# Lists and their detail routes ------------------------------------------------------------------

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
USCC = r"[0-9A-HJ-NPQRTUWXY]{18}"
TOTAL = re.compile(r"共 (\d+) 条")


@dataclass
class Listed:
    status: int
    count: int | None = None  # what the list says it holds (its count, or its rows)
    ids: list[str] = field(default_factory=list)  # the records its rows name


def fetch_list(world: World, rule: ListRule, persona: str) -> Listed:
    """Every row of a list as the persona reads it: all pages of an API list, the links of a
    page (the world's lists fit on one), the data rows of an export."""
    path = rule.route.split(" ", 1)[1]
    if path.startswith(API_PREFIX):
        headers = {"Authorization": f"Bearer {world.tokens[persona]}"}
        listed = Listed(200, 0)
        while True:
            query = f"limit=200&offset={len(listed.ids)}" + (f"&{rule.query}" if rule.query else "")
            response = Client().get(f"{path}?{query}", headers=headers)
            if response.status_code != 200:
                return Listed(response.status_code)
            body = response.json()
            listed.count = body["count"]
            listed.ids += [str(item[rule.field]) for item in body["items"]]
            if not body["items"] or len(listed.ids) >= body["count"]:
                return listed
    response = world.client(persona).get(path + (f"?{rule.query}" if rule.query else ""))
    if response.status_code != 200:
        return Listed(response.status_code)
    if rule.rows == XLSX:
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        data = [row for row in book.get_sheet_by_index(0).to_python()[1:] if any(row)]
        return Listed(200, len(data))
    html = response.content.decode()
    assert "page=2" not in html, f"{rule.route}: the world's list does not fit on one page"
    detail = rule.detail.split(" ", 1)[1]
    name = next(iter(params_of(rule.detail)))
    value = USCC if name == "uscc" else UUID
    link = re.compile(
        'href="'
        + PAGE_PARAM.sub(lambda _m: f"({value})", re.escape(detail).replace("\\<", "<"))
        + '"'
    )
    ids = sorted(set(link.findall(html)))
    total = TOTAL.search(html)
    return Listed(200, int(total.group(1)) if total else len(ids), ids)


def detail_status(world: World, rule: ListRule, record: str, persona: str) -> int:
    """The status of the detail route of one record, as the persona reads it."""
    method, path = rule.detail.split(" ", 1)
    name = next(iter(params_of(rule.detail)))
    url = fill(rule.detail, {name: record})
    if path.startswith(API_PREFIX):
        headers = {"Authorization": f"Bearer {world.tokens[persona]}"}
        return Client().generic(method, url, headers=headers).status_code
    return world.client(persona).get(url).status_code
