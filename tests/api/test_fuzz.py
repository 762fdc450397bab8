"""Property-based fuzzing of the whole REST API from its own OpenAPI schema: whatever a client
sends, the platform answers with a documented status and never a server error (a real client's
view; SPEC §10 "a documented REST API")."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from cqo.accounts.models import ApiToken
from cqo.test import file_appointment

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


pytestmark = pytest.mark.usefixtures("keep_test_connection")


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
    # the provincial regulator: the widest scope, so reads reach real rows
    return ApiToken.issue(personas.province)


@pytest.mark.django_db
@schema.exclude(path_regex="auth/token").parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
)
def test_it_never_answers_a_client_with_a_server_error(
    case: Any, token: str, real_ids: dict[str, str]
) -> None:
    params = case.path_parameters or {}
    if "uscc" in params:
        params["uscc"] = real_ids["uscc"]
    if "public_id" in params:
        params["public_id"] = real_ids["persons" if "/persons/" in case.path else "filings"]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
    )
