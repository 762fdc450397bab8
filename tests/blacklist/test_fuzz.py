"""Fuzzing the blacklist endpoints from the OpenAPI schema with real listing and appeal ids, so
generated requests reach the services (tests/api/test_fuzz.py only has random ids for them):
whatever a client sends, the answer is never a server error."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from cqo.accounts.models import ApiToken
from cqo.blacklist import services
from tests.blacklist.conftest import issue

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


pytestmark = pytest.mark.usefixtures("keep_test_connection")


@pytest.fixture
def real_ids(personas: Any) -> dict[str, str]:
    listing = issue(personas.county_a, personas.person, public=True)
    appeal = services.appeal_create(
        actor=personas.cqo,
        listing=listing,
        grounds="事故系供应商原料问题所致，本人已履职。",
    )
    return {"public_id": str(listing.public_id), "appeal_id": str(appeal.public_id)}


@pytest.mark.django_db
@schema.include(path_regex="blacklist").parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)
def test_it_never_answers_a_client_with_a_server_error(
    case: Any, personas: Any, real_ids: dict[str, str]
) -> None:
    params = case.path_parameters or {}
    for name in ("public_id", "appeal_id"):
        if name in params:
            params[name] = real_ids[name]
    token = ApiToken.issue(personas.province)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
    )
