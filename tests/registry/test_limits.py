"""Every text of the registry has a maximum length, stated on its model field and enforced the
same on the API (422 naming the field and its limit), the pages (an error beside the field) and
the services, whatever path reached them (cqo/lib/bounds.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cqo.lib import bounds
from cqo.registry import services
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.test import PASSWORD, Personas, declare, enterprise_data, person_data
from tests.registry.test_api import BASE, callers, draft

MILLION = "质" * 1_000_000


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def details(response: Any) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json()["detail"]}


def test_it_states_each_limit_once_on_the_model() -> None:
    assert bounds.max_length(Enterprise, "main_products") == bounds.FORM_CELL
    assert bounds.max_length(Person, "work_history") == bounds.PRINTED_LIST
    assert bounds.max_length(Appointment, "remarks") == bounds.FORM_CELL
    for name in ("duties", "powers"):
        assert bounds.max_length(Appointment, name) == bounds.PRINTED_LIST


def test_it_refuses_a_million_character_main_products_on_the_api(
    personas: Personas, as_: Any
) -> None:
    ent = personas.enterprise_a
    response = as_(personas.clerk_a).patch(f"/enterprises/{ent.uscc}", {"main_products": MILLION})
    assert response.status_code == 422
    assert details(response)["main_products"] == "不能超过 500 个字符"
    ent.refresh_from_db()
    assert ent.main_products == "精密轴承、数控机床零部件"


def test_it_takes_a_main_products_of_exactly_its_limit(personas: Personas, as_: Any) -> None:
    ent = personas.enterprise_a
    text = "质" * bounds.FORM_CELL
    response = as_(personas.clerk_a).patch(f"/enterprises/{ent.uscc}", {"main_products": text})
    assert response.status_code == 200, response.content
    ent.refresh_from_db()
    assert ent.main_products == text


def test_it_refuses_a_million_character_main_products_on_the_enterprise_page(
    personas: Personas, client: Client
) -> None:
    ent = personas.enterprise_a
    client.force_login(personas.clerk_a)
    data = enterprise_data(uscc=ent.uscc, main_products="a" * 1_000_000)
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    response = client.post(reverse("registry:enterprise_edit", args=[ent.uscc]), data)
    assert response.status_code == 200
    [error] = response.context["form"].errors["main_products"]
    assert "500" in error
    assert "500" in response.content.decode()
    ent.refresh_from_db()
    assert ent.main_products == "精密轴承、数控机床零部件"


def test_it_refuses_a_million_character_work_history_on_anonymous_registration(
    personas: Personas, client: Client
) -> None:
    body = {
        **person_data(work_history=MILLION),
        "username": "newcomer",
        "password": PASSWORD,
    }
    response = client.post(f"{BASE}/register", body, content_type="application/json")
    assert response.status_code == 422
    assert details(response)["work_history"] == "不能超过 2000 个字符"
    assert not Person.objects.filter(user__username="newcomer").exists()


def test_it_refuses_an_over_long_work_history_on_the_registration_page(
    personas: Personas, client: Client
) -> None:
    data = {
        **person_data(work_history="a" * (bounds.PRINTED_LIST + 1)),
        "username": "newcomer",
        "password": PASSWORD,
    }
    response = client.post(reverse("registry:register"), data)
    assert response.status_code == 200
    assert "2000" in response.context["form"].errors["work_history"][0]


def test_it_refuses_an_over_long_text_in_the_service(personas: Personas) -> None:
    # a path that skips the schema and the form: the service says which field and its limit
    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            actor=personas.clerk_a,
            enterprise=personas.enterprise_a,
            details=services.EnterpriseDetails(main_products="质" * (bounds.FORM_CELL + 1)),
        )
    assert "500" in caught.value.message_dict["main_products"][0]
    with pytest.raises(ValidationError) as caught:
        services.person_register(
            details=services.PersonDetails(
                **{**person_data(work_history=MILLION), "username": "x1", "password": PASSWORD}
            )
        )
    assert "work_history" in caught.value.message_dict


def test_it_refuses_an_over_long_text_whatever_saves_it(personas: Personas) -> None:
    # not even a save outside the services stores it (cqo.lib.bounds.refuse_overlong)
    ent = Enterprise.objects.get(pk=personas.enterprise_a.pk)
    ent.main_products = MILLION
    with pytest.raises(ValidationError) as caught:
        ent.save()
    [message] = caught.value.message_dict["main_products"]
    assert message == "主导产品及经营项目不能超过 500 个字符（现有 1000000 个）"
    ent.refresh_from_db()
    assert ent.main_products == "精密轴承、数控机床零部件"


def test_it_saves_other_fields_of_a_row_stored_before_its_limit(personas: Personas) -> None:
    # a value stored before the limit existed stays readable, and the row's other fields
    # may still change; the long value must be shortened when it is itself saved again
    Enterprise.objects.filter(pk=personas.enterprise_a.pk).update(main_products=MILLION)
    ent = Enterprise.objects.get(pk=personas.enterprise_a.pk)
    ent.name = "新名称有限公司"
    ent.save(update_fields=["name"])
    assert Enterprise.objects.get(pk=ent.pk).name == "新名称有限公司"
    with pytest.raises(ValidationError):
        ent.save()


def test_it_refuses_more_than_fifty_duties(personas: Personas, as_: Any) -> None:
    appt = draft(personas)
    fifty = "\n".join(f"职责{i}" for i in range(bounds.PRINTED_LIST_LINES))
    ok = as_(personas.clerk_a).patch(f"/filings/{appt.public_id}", {"duties": fifty})
    assert ok.status_code == 200, ok.content
    response = as_(personas.clerk_a).patch(
        f"/filings/{appt.public_id}", {"duties": fifty + "\n多出的一条"}
    )
    assert response.status_code == 422
    assert details(response)["duties"] == "最多 50 行（现有 51 行）"


def test_it_refuses_an_over_long_transition_note(personas: Personas, as_: Any) -> None:
    appt = declare(draft(personas))
    appt = services.filing_submit(actor=personas.clerk_a, appointment=appt)
    response = as_(personas.county_a).post(
        f"/filings/{appt.public_id}/approve", {"note": "注" * (bounds.NOTE + 1)}
    )
    assert response.status_code == 422
    assert "note" in details(response)
    with pytest.raises(ValidationError) as caught:
        services.filing_approve(
            actor=personas.county_a, appointment=appt, note="注" * (bounds.NOTE + 1)
        )
    assert "2000" in caught.value.message_dict["note"][0]


def test_it_refuses_a_date_outside_its_range_whatever_saves_it(personas: Personas) -> None:
    import datetime as dt

    appt = draft(personas)
    appt.start_date = dt.date(1, 1, 1)
    with pytest.raises(ValidationError) as caught:
        appt.save()
    [message] = caught.value.message_dict["start_date"]
    assert message.startswith("聘任日期应在 2012-01-01 至 ")
    appt.refresh_from_db()
    assert appt.start_date.year > 2012


def test_it_refuses_an_appointment_date_at_the_edge_of_the_calendar_on_the_api(
    personas: Personas, as_: Any
) -> None:
    appt = draft(personas)
    for field in ("start_date", "term_end", "probation_end", "form_date"):
        for day in ("0001-01-01", "9999-12-31"):
            response = as_(personas.clerk_a).patch(f"/filings/{appt.public_id}", {field: day})
            assert response.status_code == 422, (field, day)
            assert "应在 2012-01-01 至 " in details(response)[field]
