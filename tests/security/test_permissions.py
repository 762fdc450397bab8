"""Permission checks of every route, generated from the URL map (issue 8 security): every
operation of the API's OpenAPI schema and every page pattern of config.urls has a rule in
scopes.py, and each rule is checked anonymously and as one persona per role, inside and outside
enterprise A's county (SPEC §1: records outside the scope answer 404). Every list of records
(scopes.LISTS) is checked against its detail route and against access.py for every persona,
departments included: it shows exactly the records the persona may open.

A route without a rule fails the suite, so a new endpoint cannot land without its scope check;
a rule whose route is gone fails too.

The world (personas, a filed appointment of enterprise A, tokens, signed-in clients) is built
once for the module inside a transaction that is rolled back at the end; each check runs in a
savepoint of its own, so what one request changes is gone before the next route.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from tests.security.probe import address, detail_status, fetch_list, outcome, send
from tests.security.routes import api_routes, page_routes, public_api_routes
from tests.security.scopes import LISTS, PASSWORD_FIRST, PUBLIC, SCOPES, SIGNS_OUT, XLSX
from tests.security.world import (
    LIST_PERSONAS,
    OUTSIDERS,
    PERSONAS,
    SCOPED,
    World,
    build_world,
    scoped,
)

ROUTES = api_routes() + page_routes()


def test_every_route_has_a_scope_rule() -> None:
    missing = sorted(set(ROUTES) - set(SCOPES))
    assert not missing, f"routes without a rule in tests/security/scopes.py: {missing}"


def test_every_scope_rule_names_a_route() -> None:
    stale = sorted(set(SCOPES) - set(ROUTES))
    assert not stale, f"rules in tests/security/scopes.py for routes that are gone: {stale}"


def test_the_public_api_operations_are_the_ones_the_table_calls_public() -> None:
    # the schema's own word (an operation without security) agrees with the table
    public_in_table = {r for r, rule in SCOPES.items() if rule.access == PUBLIC and "/api/" in r}
    assert public_api_routes() == public_in_table


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.mark.parametrize("route", ROUTES)
def test_route_scope(route: str, world: World, db: Any) -> None:
    rule = SCOPES.get(route)
    if rule is None:
        pytest.fail(f"no rule for {route} in tests/security/scopes.py")
    _url, real, missing = address(world, route)
    assert real == bool(rule.obj), f"{route}: the table's object does not match the URL's"
    assert missing == bool(rule.missing), f"{route}: the table's record does not match the URL's"

    if rule.note in (SIGNS_OUT, PASSWORD_FIRST):
        for persona in (None, *PERSONAS):
            status, location = send(world, route, persona)
            assert outcome(route, status, location) == "login", (route, persona, status)
        return

    # anonymous first, then the personas refused, and the allowed ones last: what an allowed
    # request changes cannot open or close the gate for another persona
    status, location = send(world, route, None)
    seen = outcome(route, status, location)
    if rule.access == PUBLIC:
        assert seen in ("ok", "denied") if rule.missing else seen == "ok", (route, status)
    else:
        assert seen == "login" or (seen == "denied" and "/api/" not in route), (route, status)

    allowed = rule.allowed
    order = [p for p in PERSONAS if p not in allowed] + [p for p in PERSONAS if p in allowed]
    for persona in order:
        status, location = send(world, route, persona)
        seen = outcome(route, status, location)
        if rule.missing:
            # no such record: an allowed persona passes the role gate and finds nothing (404, or
            # 422 for the empty body), the others are stopped at the gate (403)
            if persona in allowed:
                assert status not in (401, 403) and status < 500, (route, persona, status)
            else:
                assert status == 403, (route, persona, status)
        elif persona in allowed:
            assert seen == "ok", (route, persona, status)
        elif rule.obj and persona in OUTSIDERS:
            assert status == 404, (route, persona, status)  # outside the scope: 404
        else:
            assert seen == "denied", (route, persona, status)


# Lists against their detail routes ---------------------------------------------------------------


def test_every_list_rule_names_routes_of_the_table() -> None:
    for name, rule in LISTS.items():
        assert rule.route in SCOPES and rule.detail in SCOPES, name
        assert rule.scope in SCOPED, name


@pytest.mark.parametrize("name", list(LISTS))
def test_it_lists_exactly_what_each_persona_may_open(name: str, world: World, db: Any) -> None:
    """Each persona, departments included: every row of the list opens through its detail
    route, and the list holds exactly the records access.py gives the persona (a list that
    turns the persona away is checked by test_route_scope)."""
    rule = LISTS[name]
    seen = 0
    for persona in LIST_PERSONAS:
        listed = fetch_list(world, rule, persona)
        if listed.status in (403, 404):
            continue
        assert listed.status == 200, (name, persona, listed.status)
        expected = scoped(rule.scope, world.user(persona))
        assert listed.count == len(expected), (name, persona, listed.count, len(expected))
        if rule.rows == XLSX:
            continue
        assert len(listed.ids) == len(set(listed.ids)), (name, persona, "a row twice")
        assert set(listed.ids) == expected, (name, persona, set(listed.ids) ^ expected)
        for record in listed.ids:
            status = detail_status(world, rule, record, persona)
            assert status == 200, (name, persona, record, status)
        seen += len(listed.ids)
    assert seen or rule.rows == XLSX, f"{name}: no persona saw a row; the check proves nothing"
