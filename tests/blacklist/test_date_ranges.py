"""A listing's dates lie in the range of their kind (cqo/lib/dates.py): a start from the
first year of the CQO system (2012, jiangsu-2020 preamble) to a year ahead, an end up to ten
years ahead. 0001-01-01 and 9999-12-31 are refused on the API, the page and in the service,
each with a message naming the field and the range."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cqo.blacklist import services
from cqo.blacklist.models import Listing
from tests.blacklist.conftest import World, listing_data
from tests.blacklist.test_api import WITH_EVIDENCE, Caller, body
from tests.blacklist.test_pages import form_body

EDGES = ["0001-01-01", "9999-12-31"]
START_RANGE = "2012-01-01 至 2027-06-15"  # TODAY is 2026-06-15
END_RANGE = "2012-01-01 至 2036-06-15"


def detail(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {d["field"]: d["message"] for d in response.json()["detail"]}


@pytest.mark.parametrize("day", EDGES)
def test_it_refuses_a_listing_starting_at_the_edge_of_the_calendar_on_the_api(
    world: World, client: Client, day: str
) -> None:
    payload = body(person=str(world.p.person.public_id), start_date=day)
    found = detail(Caller(client, world.p.county_a).post_form(WITH_EVIDENCE, payload))
    assert START_RANGE in found["start_date"]
    assert Listing.objects.count() == 3


@pytest.mark.parametrize("day", EDGES)
def test_it_refuses_a_listing_ending_at_the_edge_of_the_calendar_on_the_api(
    world: World, client: Client, day: str
) -> None:
    payload = body(person=str(world.p.person.public_id), end_date=day)
    found = detail(Caller(client, world.p.county_a).post_form(WITH_EVIDENCE, payload))
    assert set(found) == {"end_date"}
    if day == "9999-12-31":
        assert END_RANGE in found["end_date"]


@pytest.mark.parametrize("day", EDGES)
def test_it_refuses_them_on_the_page(world: World, client: Client, day: str) -> None:
    p = world.p
    client.force_login(p.county_a)
    response = client.post(
        reverse("blacklist:listing_create"),
        form_body(person_name=p.person.name, id_number=p.person.id_number, start_date=day),
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["start_date"]
    assert START_RANGE in error
    assert Listing.objects.count() == 3


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_it_refuses_them_in_the_service(world: World, day: dt.date) -> None:
    with pytest.raises(ValidationError) as caught:
        services.listing_create(
            actor=world.p.county_a,
            person=world.p.person,
            terms=services.ListingTerms(**listing_data(start_date=day)),
        )
    assert caught.value.message_dict["start_date"] == [f"起始日期应在 {START_RANGE} 之间"]


def test_it_takes_the_first_and_last_days_of_the_range(world: World, client: Client) -> None:
    caller = Caller(client, world.p.county_a)
    person = str(world.p.person.public_id)
    first = body(
        person=person, start_date="2012-01-01", end_date="2012-12-31", accident_date="2012-01-01"
    )
    assert caller.post_form(WITH_EVIDENCE, first).status_code == 201
    last = body(person=person, start_date="2027-06-15", end_date="2036-06-15")
    assert caller.post_form(WITH_EVIDENCE, last).status_code == 201
    before = body(person=person, start_date="2011-12-31", end_date="2011-12-31")
    assert set(detail(caller.post_form(WITH_EVIDENCE, before))) == {"start_date", "end_date"}
    after = body(person=person, start_date="2027-06-16")
    assert set(detail(caller.post_form(WITH_EVIDENCE, after))) == {"start_date"}
