"""GET /enterprises/{uscc}/cqo-status: the incentive prerequisite (shaanxi-2021 §六(三),
jiangsu-2020 §八), active on a date as coverage counts it (SPEC §12.8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cqo.registry import services
from cqo.registry.models import Appointment
from cqo.test import Personas, file_appointment
from tests.registry.test_api import callers, fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def status(as_: Any, user: Any, uscc: str, **params: Any) -> Any:
    return as_(user).get(f"/enterprises/{uscc}/cqo-status", **params)


def test_an_enterprise_without_a_filed_cqo(personas: Personas, as_: Any):
    data = status(as_, personas.county_a, personas.enterprise_a.uscc).json()
    assert data["has_active_cqo"] is False and data["cqo_name"] is None
    assert "shaanxi-2021 §六(三)" in data["basis"]


def test_a_filed_cqo_counts_from_its_filing_to_its_last_day(personas: Personas, as_: Any):
    appt = file_appointment(personas, start_date=dt.date(2026, 1, 1))
    uscc = personas.enterprise_a.uscc
    filed_on = timezone.localdate(appt.filed_at)
    data = status(as_, personas.county_a, uscc, on=filed_on.isoformat()).json()
    assert data["has_active_cqo"] is True
    assert (data["cqo_name"], data["filing_number"]) == (personas.person.name, appt.filing_number)
    day_before = (filed_on - dt.timedelta(days=1)).isoformat()
    assert status(as_, personas.county_a, uscc, on=day_before).json()["has_active_cqo"] is False
    ended_on = filed_on
    services.appointment_end(
        actor=personas.clerk_a, appointment=appt, ended_on=ended_on, reason="resigned"
    )
    assert Appointment.objects.get(pk=appt.pk).status == "ended"
    # the end date is the last day served (SPEC §12.8, inclusive)
    assert status(as_, personas.county_a, uscc, on=ended_on.isoformat()).json()["has_active_cqo"]
    after = (ended_on + dt.timedelta(days=1)).isoformat()
    assert status(as_, personas.county_a, uscc, on=after).json()["has_active_cqo"] is False


def test_scope_login_and_bad_input(personas: Personas, as_: Any):
    uscc = personas.enterprise_a.uscc
    assert status(as_, personas.county_b, uscc).status_code == 404
    assert status(as_, None, uscc).status_code == 401
    assert fields(status(as_, personas.county_a, uscc, on="2026-02-30")) == {"on"}
    assert status(as_, personas.clerk_a, uscc).status_code == 200
