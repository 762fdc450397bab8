"""Property-based fuzzing of the whole REST API from its own OpenAPI schema: whatever a client
sends, the platform answers with a documented status and never a server error (a real client's
view; SPEC §10 "a documented REST API"). Every operation of the schema is fuzzed twice: as the
provincial regulator (the widest scope, so reads reach real rows) and anonymously; the last test
checks that none was skipped."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from cqo.accounts.models import ApiToken
from cqo.api import api
from cqo.test import file_appointment

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = pytest.mark.usefixtures("keep_test_connection")

# Bounded and reproducible: the same few examples per operation on every run, so the suite's
# time stays fixed (about 190 operations × 2 runs).
FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)

# Anonymous requests to the signed-in operations end at the 401 gate whatever they carry, so
# fewer examples suffice there; the public operations get the same few on every run too.
FUZZ_ANONYMOUS = settings(FUZZ, max_examples=6)

fuzzed: dict[str, set[str]] = {"signed_in": set(), "anonymous": set()}


@pytest.fixture
def real_ids(personas: Any) -> dict[str, str]:
    """Identifiers of real records, so generated requests reach past the 404 of a random id."""
    filing = file_appointment(personas)
    return {
        "uscc": personas.enterprise_a.uscc,
        "persons": str(personas.person.public_id),
        "filings": str(filing.public_id),
    }


@pytest.fixture
def token(personas: Any) -> str:
    return ApiToken.issue(personas.province)


def with_real_ids(case: Any, real_ids: dict[str, str]) -> None:
    params = case.path_parameters or {}
    if "uscc" in params:
        params["uscc"] = real_ids["uscc"]
    if "public_id" in params:
        params["public_id"] = real_ids["persons" if "/persons/" in case.path else "filings"]


# The token endpoint is fuzzed anonymously only: as a signed-in client it is the same request.
@pytest.mark.django_db
@schema.exclude(path_regex="auth/token").parametrize()
@FUZZ
def test_it_never_answers_a_signed_in_client_with_a_server_error(
    case: Any, token: str, real_ids: dict[str, str]
) -> None:
    fuzzed["signed_in"].add(case.operation.label)
    with_real_ids(case, real_ids)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
    )


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_ANONYMOUS
def test_it_never_answers_an_anonymous_client_with_a_server_error(
    case: Any, real_ids: dict[str, str]
) -> None:
    fuzzed["anonymous"].add(case.operation.label)
    with_real_ids(case, real_ids)
    response = case.call_and_validate(checks=[not_a_server_error])
    if case.operation.definition.raw.get("security"):
        # refused before anything is read or written (401; or 400/413 when the request itself
        # is malformed or too large, which the middleware refuses before authentication)
        assert not 200 <= response.status_code < 300, case.operation.label


def schema_operations() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}


def test_it_fuzzed_every_operation_of_the_schema(request: pytest.FixtureRequest) -> None:
    # Runs after the fuzz tests above (file order); a run that selected only some of them says
    # nothing about coverage.
    selected = {item.originalname for item in request.session.items}
    if (
        not {
            "test_it_never_answers_a_signed_in_client_with_a_server_error",
            "test_it_never_answers_an_anonymous_client_with_a_server_error",
        }
        <= selected
    ):
        pytest.skip("the fuzz tests were not selected in this run")
    operations = schema_operations()
    assert len(operations) > 150
    assert fuzzed["anonymous"] == operations
    assert fuzzed["signed_in"] == operations - {"POST /api/v1/auth/token"}
