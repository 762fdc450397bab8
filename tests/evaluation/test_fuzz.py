"""Fuzzing the evaluation endpoints from the OpenAPI schema as the enterprise's clerk, with real
ids, so generated requests reach the services (tests/api/test_fuzz.py calls them as a reader
with random ids): whatever a client sends, the answer is never a server error."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from cqo.accounts.models import ApiToken
from cqo.evaluation import inputs, services
from tests.evaluation.conftest import World, complete, new_assessment, new_evaluation

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


pytestmark = pytest.mark.usefixtures("keep_test_connection")


@pytest.fixture
def real_ids(world: World) -> dict[str, str]:
    ev = new_evaluation(world)
    sa = complete(world, new_assessment(world))
    task = services.task_create(
        actor=world.p.clerk_a,
        assessment=sa,
        terms=inputs.parsed(
            inputs.read_task,
            {"title": "改进", "department": "质量部", "owner": "李堃", "due_date": "2026-09-30"},
            sa,
        ),
    )
    return {
        "evaluations": str(ev.public_id),
        "self-assessments": str(sa.public_id),
        "tasks": str(task.public_id),
    }


@pytest.mark.django_db
@schema.include(path_regex="evaluation").parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)
def test_it_never_answers_a_client_with_a_server_error(
    case: Any, world: World, real_ids: dict[str, str]
) -> None:
    params = case.path_parameters or {}
    if "uscc" in params:
        params["uscc"] = world.p.enterprise_a.uscc
    if "public_id" in params:
        for key, value in real_ids.items():
            if f"/{key}/" in case.path:
                params["public_id"] = value
    token = ApiToken.issue(world.p.clerk_a)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
    )
