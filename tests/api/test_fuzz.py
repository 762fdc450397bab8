"""Property-based testing of the whole REST API from its own OpenAPI document (SPEC §10 "a
documented REST API"): a client built from the document gets what the document says.

Every operation is run three times — anonymously, as the provincial regulator (the widest
region scope, so reads reach real rows) and as the platform admin — with data that fits the
document and data that does not, and every answer must:

- never be a server error;
- have a documented status code, content type and, for JSON, match its documented schema;
- for a request that fits the document (schemathesis' positive mode), not be refused by the
  request's shape: django-ninja's own validation must accept whatever the document declares
  valid (a documented-valid body, query or path never gets a 422 from the schema layer). A
  422 of the services (a business rule: a state, a scope, a cross-field rule) is fine, as are
  404 and 403 for a well-formed identifier of a record out of reach.

The last test checks that no operation was skipped. The examples are bounded and derandomized,
so the run takes the same few minutes every time (about 190 operations × 3 callers).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from ninja.errors import ValidationError as NinjaValidationError
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from cqo.accounts.models import ApiToken
from cqo.api import api
from cqo.certification import rules as level_rules
from cqo.reference.apitypes import USCC_PATTERN
from cqo.test import file_appointment
from cqo.training import rules as training_rules

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = pytest.mark.usefixtures("keep_test_connection")

# Bounded and reproducible: the same few examples per operation on every run.
FUZZ = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)
# Anonymous requests to the signed-in operations end at the 401 gate whatever they carry.
FUZZ_ANONYMOUS = settings(FUZZ, max_examples=4)

fuzzed: dict[str, set[str]] = {"province": set(), "admin": set(), "anonymous": set()}

# what django-ninja's schema validation refused since the current request began
refused_by_schema: list[list[dict[str, Any]]] = []


@pytest.fixture(autouse=True)
def _watch_the_schema_layer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    handler = api._exception_handlers[NinjaValidationError]

    def watching(request: Any, exc: NinjaValidationError) -> Any:
        refused_by_schema.append(list(exc.errors))
        return handler(request, exc)

    monkeypatch.setitem(api._exception_handlers, NinjaValidationError, watching)
    yield
    refused_by_schema.clear()


# Refusals that are rules the document states in words, not shapes: a date outside the range of
# its kind (``x-date-range``; it moves with the calendar, which JSON Schema cannot say).
RULES_IN_WORDS = {"date_range"}


def accepted_as_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request generated to fit the document is not refused for its shape."""
    shape = [
        [e for e in errors if e.get("type") not in RULES_IN_WORDS] for errors in refused_by_schema
    ]
    if case.meta is not None and case.meta.generation.mode.is_positive and any(shape):
        raise AssertionError(
            "a request that fits the OpenAPI document was refused by the schema layer: "
            f"{[errors for errors in shape if errors][-1]}"
        )
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    accepted_as_documented,
]


@pytest.fixture
def real_ids(personas: Any) -> dict[str, str]:
    """Identifiers of real records, so generated requests reach past the 404 of a random id."""
    filing = file_appointment(personas)
    return {
        "uscc": personas.enterprise_a.uscc,
        "persons": str(personas.person.public_id),
        "filings": str(filing.public_id),
        "level_number": level_rules.certificate_number("SXZX", 2026, 1),
        "training_number": training_rules.certificate_number("610000", 2026, 1),
    }


def with_real_ids(case: Any, real_ids: dict[str, str]) -> None:
    """Real records in the path, and in every parameter that is a USCC or a certificate number:
    a generated one that fits the pattern almost never has the right check character (a 422,
    as documented)."""
    path = case.path_parameters or {}
    if "public_id" in path:
        path["public_id"] = real_ids["persons" if "/persons/" in case.path else "filings"]
    if "person_id" in path:
        path["person_id"] = real_ids["persons"]
    if "number" in path:  # well-formed with the right check character; no such certificate
        training = "training" in case.path
        path["number"] = real_ids["training_number" if training else "level_number"]
    for parameter in case.operation.definition.raw.get("parameters", []):
        declared = parameter.get("schema", {})
        patterns = {declared.get("pattern")} | {s.get("pattern") for s in declared.get("anyOf", [])}
        if USCC_PATTERN not in patterns:
            continue
        values = path if parameter["in"] == "path" else case.query
        if values is not None and values.get(parameter["name"]) is not None:
            values[parameter["name"]] = real_ids["uscc"]


def run(case: Any, real_ids: dict[str, str], token: str | None) -> Any:
    with_real_ids(case, real_ids)
    refused_by_schema.clear()
    headers = {"Authorization": f"Bearer {token}"} if token else None
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
    return response


# The token endpoint is fuzzed anonymously only: as a signed-in client it is the same request.
@pytest.mark.django_db
@schema.exclude(path_regex="auth/token").parametrize()
@FUZZ
def test_it_answers_the_province_as_documented(
    case: Any, personas: Any, real_ids: dict[str, str]
) -> None:
    fuzzed["province"].add(case.operation.label)
    run(case, real_ids, ApiToken.issue(personas.province))


@pytest.mark.django_db
@schema.exclude(path_regex="auth/token").parametrize()
@FUZZ
def test_it_answers_the_platform_admin_as_documented(
    case: Any, personas: Any, real_ids: dict[str, str]
) -> None:
    fuzzed["admin"].add(case.operation.label)
    run(case, real_ids, ApiToken.issue(personas.admin))


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_ANONYMOUS
def test_it_answers_an_anonymous_client_as_documented(case: Any, real_ids: dict[str, str]) -> None:
    fuzzed["anonymous"].add(case.operation.label)
    response = run(case, real_ids, None)
    if case.operation.definition.raw.get("security"):
        # refused before anything is read or written (401; or 400/413 when the request itself
        # is malformed or too large, which the middleware refuses before authentication)
        assert not 200 <= response.status_code < 300, case.operation.label


def schema_operations() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}


RUNS = {
    "test_it_answers_the_province_as_documented": "province",
    "test_it_answers_the_platform_admin_as_documented": "admin",
    "test_it_answers_an_anonymous_client_as_documented": "anonymous",
}


def test_it_fuzzes_every_operation_of_the_schema(request: pytest.FixtureRequest) -> None:
    """Each fuzz test has one item per operation of the schema (the token endpoint is fuzzed
    anonymously only), and, when the whole module ran in this process, each item ran: an
    operation schemathesis could not build a request for would be missing from one or the
    other. Spread over processes (pytest-xdist), each process runs only some of the items; the
    items collected are still all of them."""
    collected: dict[str, set[str]] = {caller: set() for caller in RUNS.values()}
    for item in request.session.items:
        caller = RUNS.get(getattr(item, "originalname", ""))
        if caller is not None:
            collected[caller].add(item.operation_label)  # type: ignore[attr-defined]
    if not all(collected.values()):
        pytest.skip("the fuzz tests were not selected in this run")
    operations = schema_operations()
    signed_in = operations - {"POST /api/v1/auth/token"}
    assert len(operations) > 150
    assert collected == {"province": signed_in, "admin": signed_in, "anonymous": operations}
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # runs after the fuzz tests (file order)
        assert fuzzed == collected
