"""Every identifier in a path (and every query parameter that names a record) declares its format,
so a malformed one is a 422 naming the parameter before anything is looked up, and a well-formed
one that names nothing is a 404. Driven by the OpenAPI document: an operation added later is
covered without a line here."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from cqo.accounts.models import ApiToken
from cqo.api import api
from cqo.certification import rules as level_rules
from cqo.test import Personas, new_uscc
from cqo.training import rules as training_rules

pytestmark = pytest.mark.django_db

DOCUMENT = api.get_openapi_schema()
PATH_PARAMETERS = [
    (method.upper(), path, parameter)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
    for parameter in operation.get("parameters", [])
    if parameter["in"] == "path"
]


def label(case: tuple[str, str, dict[str, Any]]) -> str:
    method, path, parameter = case
    return f"{method} {path} {parameter['name']}"


def well_formed_unknown(schema: dict[str, Any]) -> str:
    """A value of the parameter's format that names no record."""
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if schema.get("type") == "integer":
        return str(
            min(schema.get("maximum", 2**62), 2**62) if schema.get("minimum", 0) < 2000 else 2099
        )
    pattern = schema["pattern"]
    if pattern in (level_rules.NUMBER_PATTERN, level_rules.LOOKUP_PATTERN):
        return level_rules.certificate_number("ZZZZ", 2026, 99999)
    if pattern in (training_rules.NUMBER_PATTERN, training_rules.LOOKUP_PATTERN):
        return training_rules.certificate_number("610000", 2026, 99999)
    if "HJ-NP" in pattern:  # a USCC
        return new_uscc("610113")
    candidates = ["no-such-pack", "99"]
    return next(c for c in candidates if re.fullmatch(pattern.strip("^$"), c))


def malformed(schema: dict[str, Any]) -> str:
    return "not-a-number" if schema.get("type") == "integer" else "@@"


def url(path: str, values: dict[str, str], operation: dict[str, Any] | None = None) -> str:
    """The path with its parameters, and the operation's required query parameters (each a
    well-formed value: only the path is under test)."""
    target = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
    required = [
        p
        for p in (operation or {}).get("parameters", [])
        if p["in"] == "query" and p.get("required")
    ]
    if required:
        target += "?" + "&".join(f"{p['name']}={QUERY_EXAMPLES[p['name']]}" for p in required)
    return target


QUERY_EXAMPLES = {"year": "2026", "region": "610000", "as_of": "2026-06-30"}


def call(client: Client, method: str, target: str, token: str) -> Any:
    return client.generic(
        method, target, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.fixture
def token(personas: Personas) -> str:
    return ApiToken.issue(personas.admin)


def test_it_declares_a_format_for_every_path_parameter() -> None:
    loose = [
        label(case)
        for case in PATH_PARAMETERS
        if not (
            case[2]["schema"].get("format") == "uuid"
            or "pattern" in case[2]["schema"]
            or {"minimum", "maximum"} <= set(case[2]["schema"])
        )
    ]
    assert not loose, loose


@pytest.mark.parametrize("case", PATH_PARAMETERS, ids=label)
def test_it_answers_422_for_a_malformed_path_identifier(
    case: tuple[str, str, dict[str, Any]], token: str
) -> None:
    method, path, parameter = case
    operation = DOCUMENT["paths"][path][method.lower()]
    values = {
        p["name"]: well_formed_unknown(p["schema"])
        for p in operation["parameters"]
        if p["in"] == "path"
    }
    values[parameter["name"]] = malformed(parameter["schema"])
    response = call(Client(), method, url(path, values, operation), token)
    assert response.status_code == 422, response.content
    assert parameter["name"] in {d["field"] for d in response.json()["detail"]}


LOOKUPS = {
    path: [p for p in ops["get"]["parameters"] if p["in"] == "path"]
    for path, ops in sorted(DOCUMENT["paths"].items())
    if "get" in ops and "{" in path
}


@pytest.mark.parametrize("path", list(LOOKUPS))
def test_it_answers_404_for_a_well_formed_unknown_identifier(path: str, token: str) -> None:
    parameters = LOOKUPS[path]
    values = {p["name"]: well_formed_unknown(p["schema"]) for p in parameters}
    operation = DOCUMENT["paths"][path]["get"]
    response = call(Client(), "GET", url(path, values, operation), token)
    assert response.status_code == 404, response.content


@pytest.mark.parametrize("suffix", ["", "/cqo-status"])
@pytest.mark.parametrize(
    ("uscc", "rule"),
    [
        ("91610113MA6U0L2X4", "pattern"),  # 17 characters
        ("91610113MA6U0L2X4I", "pattern"),  # I is not in GB 32100's alphabet
        ("9161011329141777xx", "uscc"),  # small letters are capitals: X is wrong
        ("9161011329141777XX", "uscc"),  # the GB 32100 check character is W
    ],
)
def test_it_refuses_a_malformed_uscc_with_422(
    personas: Personas, token: str, suffix: str, uscc: str, rule: str
) -> None:
    response = call(Client(), "GET", f"/api/v1/enterprises/{uscc}{suffix}", token)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [d["field"] for d in detail] == ["uscc"]
    if rule == "uscc":
        assert "校验位" in detail[0]["message"]


@pytest.mark.parametrize("suffix", ["", "/cqo-status"])
def test_it_answers_404_for_an_unregistered_uscc(
    personas: Personas, token: str, suffix: str
) -> None:
    unknown = new_uscc("610113")
    response = call(Client(), "GET", f"/api/v1/enterprises/{unknown}{suffix}", token)
    assert response.status_code == 404
    known = call(Client(), "GET", f"/api/v1/enterprises/{personas.enterprise_a.uscc}", token)
    assert known.status_code == 200


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ("/api/v1/regions?parent=61011", "parent"),
        ("/api/v1/reminders?enterprise=ABC", "enterprise"),
        ("/api/v1/enterprises?region=６１０１１３", "region"),  # full-width digits
        ("/api/v1/policy/governing?region=abcdef", "region"),
    ],
)
def test_it_answers_422_for_a_malformed_query_identifier(
    token: str, target: str, field: str
) -> None:
    response = call(Client(), "GET", target, token)
    assert response.status_code == 422
    assert field in {d["field"] for d in response.json()["detail"]}


@pytest.mark.parametrize(
    "target", ["/api/v1/regions?parent=999999", "/api/v1/policy/governing?region=999999"]
)
def test_it_answers_404_for_an_unknown_region_it_is_asked_about(token: str, target: str) -> None:
    assert call(Client(), "GET", target, token).status_code == 404
