"""NUL in a JSON body: PostgreSQL text cannot hold it, so it never reaches a query or a row
(cqo/api.py NulFreeParser); query and form values holding it are refused
(cqo/lib/middleware.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cqo.api import without_nul
from cqo.hours.models import StudyRecord
from cqo.test import Personas
from tests.registry.test_api import callers

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def test_it_drops_nul_from_every_string_of_a_body() -> None:
    body = {"a\x00": ["x\x00y", {"b": "\x00"}], "n": 1, "t": True, "none": None}
    assert without_nul(body) == {"a": ["xy", {"b": ""}], "n": 1, "t": True, "none": None}


def test_it_stores_a_reported_title_without_the_nul_it_was_sent_with(
    personas: Personas, as_: Any
) -> None:
    body = {
        "id_number": personas.person.id_number,
        "person_name": personas.person.name,
        "kind": "online_self_study",
        "hours": "2",
        "occurred_on": "2026-06-01",
        "title": "质量\x00成本管理",
        "source_ref": "course-8/user-\x003",
    }
    created = as_(personas.trainer).post("/hours", body)
    assert created.status_code == 201, created.content
    record = StudyRecord.objects.get(public_id=created.json()["id"])
    assert (record.title, record.source_ref) == ("质量成本管理", "course-8/user-3")


def test_it_refuses_nul_in_a_query(personas: Personas, as_: Any) -> None:
    response = as_(personas.county_a).get("/persons", q="王\x00")
    assert response.status_code == 400
