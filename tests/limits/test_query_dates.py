"""A date given only to filter or to ask "as of when" may lie anywhere in the calendar: the
answer is a result or a 422 naming the parameter, never a server error (cqo/lib/dates.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cqo.accounts.models import ApiToken
from cqo.api import api
from cqo.test import COUNTY_A, Personas

EDGES = ["0001-01-01", "9999-12-31"]


def query_dates() -> list[tuple[str, str]]:
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            schema = parameter.get("schema", {})
            formats = {schema.get("format"), *(a.get("format") for a in schema.get("anyOf", []))}
            if parameter["in"] == "query" and "date" in formats:
                found.append((path, parameter["name"]))
    return found


def required_regions(path: str) -> dict[str, str]:
    """A real county for every other required query parameter naming a region (the governing
    pack of a region on a date), so the date is what the answer is about."""
    operation = api.get_openapi_schema()["paths"][path]["get"]
    return {
        p["name"]: COUNTY_A
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required") and p["name"] == "region"
    }


def test_it_finds_the_query_dates() -> None:
    assert ("/api/v1/oversight/coverage", "as_of") in query_dates()
    assert ("/api/v1/enterprises/{uscc}/cqo-status", "on") in query_dates()


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize(("path", "name"), query_dates())
def test_it_answers_a_query_date_at_the_edge_of_the_calendar(
    personas: Personas, client: Client, path: str, name: str, day: str
) -> None:
    url = path.replace("{uscc}", personas.enterprise_a.uscc)
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(personas.province)}"}
    response = client.get(url, {**required_regions(path), name: day}, **headers)
    assert response.status_code in (200, 422), (url, day, response.content[:300])
    if response.status_code == 422:
        assert name in {d["field"] for d in response.json()["detail"]}
