"""Fuzzing the blacklist endpoints from the OpenAPI schema with real listing and appeal ids, so
generated requests reach the services (tests/api/test_fuzz.py only has random ids for them):
whatever a client sends, the answer is never a server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from cqo.accounts.models import ApiToken
from cqo.blacklist import services
from cqo.blacklist.tests.conftest import issue

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(personas: Any) -> dict[str, str]:
    listing = issue(personas.county_a, personas.person, public=True)
    appeal = services.appeal_create(
        actor=personas.cqo,
        listing=listing,
        data={"grounds": "事故系供应商原料问题所致，本人已履职。"},
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
