"""Fuzzing the training endpoints from the OpenAPI schema with real plan, course, session,
enrolment and certificate identifiers, so generated requests reach the services
(tests/api/test_fuzz.py only has random ids for them): whatever a client sends, the answer is
never a server error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from cqo.accounts.models import ApiToken
from cqo.training import services
from tests.training.conftest import World, passed_enrolment

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


pytestmark = pytest.mark.usefixtures("keep_test_connection")


@pytest.fixture
def real_ids(world: World) -> dict[str, str]:
    plan = services.plan_create(
        actor=world.p.province, year=2026, budget=Decimal(1000), planned_sessions=2
    )
    cert = services.certificate_issue(actor=world.p.trainer, enrolment=passed_enrolment(world))
    return {
        "plan_id": str(plan.public_id),
        "course_id": str(world.course.public_id),
        "session_id": str(world.session.public_id),
        "enrolment_id": str(world.enrolment.public_id),
        "number": cert.number,
    }


@pytest.mark.django_db
@schema.include(path_regex="training").parametrize()
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
    for name, value in real_ids.items():
        if name in params:
            params[name] = value
    # the organiser keeps plans; its 承办机构 runs sessions and issues certificates
    user = world.p.province if "/plans" in case.path else world.p.trainer
    token = ApiToken.issue(user)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
    )
