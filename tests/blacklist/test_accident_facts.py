"""A listing states its ground, the accident, the accident's date and its evidence
(shaanxi-2021 §五(三), jiangsu-2020 §七: 对因责任心不强、履职不到位，造成重大质量安全事故的，应建立
"黑名单"警示和退出机制). The one sentence grounds both kinds, so a warning states them as an exit
does; the service, the page and the API refuse a listing without them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cqo.blacklist import services
from cqo.blacklist.models import Listing
from tests.blacklist.conftest import TODAY, World, listing_data
from tests.blacklist.test_pages import form_body

DAY = dt.timedelta(days=1)


def create(world: World, **overrides: Any) -> Listing:
    # person X has only a warning: an exit does not overlap it
    return services.listing_create(
        actor=world.p.county_b,
        person=world.person_x,
        terms=services.ListingTerms(**listing_data(**{"kind": "exit", **overrides})),
    )


def refused(world: World, **overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        create(world, **overrides)
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("accident_date", "start_date", "ok"),
    [
        (TODAY, TODAY, True),  # the accident the day the listing starts
        (TODAY - DAY, TODAY, True),
        (TODAY + DAY, TODAY + 5 * DAY, False),  # an accident that has not happened yet
        (TODAY - DAY, TODAY - DAY, True),
        (TODAY - DAY, TODAY - 2 * DAY, False),  # a listing in force before its accident
        (dt.date(2012, 1, 1), dt.date(2012, 1, 1), True),  # the first day of the range
        (dt.date(2011, 12, 31), TODAY, False),  # before the CQO system (cqo/lib/dates.py)
    ],
)
def test_it_bounds_the_accident_date(
    world: World, accident_date: dt.date, start_date: dt.date, ok: bool
) -> None:
    overrides = {"accident_date": accident_date, "start_date": start_date}
    if ok:
        listing = create(world, **overrides)
        assert listing.accident_date == accident_date
    else:
        assert set(refused(world, **overrides)) == {"accident_date"}


@pytest.mark.parametrize("kind", ["exit", "warning"])
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"accident": ""}, "accident"),
        ({"accident": "事故事"}, "accident"),  # three characters: one short
        ({"accident_date": None}, "accident_date"),
        ({"evidence": None}, "evidence"),
        ({"ground": "misconduct"}, "ground"),
    ],
)
def test_either_kind_needs_the_accident_facts(
    world: World, kind: str, overrides: dict[str, Any], field: str
) -> None:
    services.listing_revoke(actor=world.p.county_b, listing=world.listings["X"], reason="复核撤销")
    assert set(refused(world, kind=kind, **overrides)) == {field}
    assert Listing.objects.filter(revoked_at__isnull=True).count() == 2


def test_four_characters_of_accident_are_enough(world: World) -> None:
    assert create(world, accident="压力容器").accident == "压力容器"


def test_it_records_the_documents_ground(world: World) -> None:
    listing = create(world)
    assert listing.ground == Listing.Ground.ACCIDENT
    assert listing.get_ground_display() == "因责任心不强、履职不到位，造成重大质量安全事故"
    assert listing.evidence.name.endswith(".pdf")


def test_the_page_asks_for_each_fact_beside_its_field(world: World, client: Client) -> None:
    p = world.p
    client.force_login(p.county_a)
    url = reverse("blacklist:listing_create")
    page = client.get(url).content.decode()
    assert "因责任心不强、履职不到位，造成重大质量安全事故" in page
    assert "陕质委办〔2021〕15号 第五条（三）" in page
    response = client.post(
        url,
        form_body(
            person_name=p.person.name,
            id_number=p.person.id_number,
            accident="",
            accident_date="",
            evidence="",
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("accident", "accident_date", "evidence"):
        assert f'id="error-{name}"' in body, name
    assert not Listing.objects.filter(kind="exit").exists()


def test_the_detail_page_shows_the_ground_and_the_accident_date(
    world: World, client: Client
) -> None:
    listing = create(world, accident_date=TODAY - 3 * DAY)
    client.force_login(world.p.county_b)
    body = client.get(reverse("blacklist:listing_detail", args=[listing.public_id])).content
    text = body.decode()
    assert "因责任心不强、履职不到位，造成重大质量安全事故" in text
    assert (TODAY - 3 * DAY).isoformat() in text
    assert "苏质委办〔2020〕9号 第七条" in text
