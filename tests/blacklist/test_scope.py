"""Data scope (SPEC §1) of the listings, per persona: what the selectors return, what the pages
and the API show, and 404 outside the scope. The world is described in conftest.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cqo.accounts.models import ApiToken
from cqo.blacklist import selectors
from tests.blacklist.conftest import MANAGES, PERSONAS, SEES, World

API = "/api/v1"


def names(world: World, listings: Any) -> set[str]:
    by_pk = {v.pk: k for k, v in world.listings.items()}
    return {by_pk[x.pk] for x in listings}


@pytest.mark.parametrize("who", PERSONAS)
def test_it_selects_only_listings_in_scope(world: World, who: str) -> None:
    user = world.user(who)
    assert names(world, selectors.listing_list(user=user)) == SEES[who]
    for key, listing in world.listings.items():
        if key in SEES[who]:
            assert selectors.listing_get(user=user, public_id=listing.public_id) == listing
        else:
            with pytest.raises(Exception) as exc:
                selectors.listing_get(user=user, public_id=listing.public_id)
            assert exc.typename == "Http404"


@pytest.mark.parametrize("who", PERSONAS)
def test_it_lets_the_issuing_level_or_above_manage(world: World, who: str) -> None:
    user = world.user(who)
    manages = {k for k, v in world.listings.items() if selectors.can_manage(user, v)}
    assert manages == MANAGES.get(who, set())


@pytest.mark.parametrize("who", [w for w in PERSONAS if w != "anonymous"])
def test_it_shows_pages_only_in_scope(world: World, client: Client, who: str) -> None:
    client.force_login(world.user(who))
    listing_page = client.get(reverse("blacklist:listing_list"))
    assert listing_page.status_code == 200
    body = listing_page.content.decode()
    for key, listing in world.listings.items():
        expected = key in SEES[who]
        assert (str(listing.public_id) in body) is expected, key
        detail = client.get(reverse("blacklist:listing_detail", args=[listing.public_id]))
        assert detail.status_code == (200 if expected else 404), key


@pytest.mark.parametrize("who", [w for w in PERSONAS if w != "anonymous"])
def test_it_answers_the_api_only_in_scope(world: World, client: Client, who: str) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world.user(who))}"}
    body = client.get(f"{API}/blacklist", **headers).json()
    ids = {item["id"] for item in body["items"]}
    assert body["count"] == len(SEES[who])
    assert ids == {str(world.listings[k].public_id) for k in SEES[who]}
    for key, listing in world.listings.items():
        response = client.get(f"{API}/blacklist/{listing.public_id}", **headers)
        assert response.status_code == (200 if key in SEES[who] else 404), key


def test_it_sends_anonymous_visitors_to_login(world: World, client: Client) -> None:
    listing = world.listings["A"]
    for url in (
        reverse("blacklist:listing_list"),
        reverse("blacklist:listing_create"),
        reverse("blacklist:listing_detail", args=[listing.public_id]),
        reverse("blacklist:listing_evidence", args=[listing.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]
    assert client.get(f"{API}/blacklist").status_code == 401
    assert client.get(f"{API}/blacklist/{listing.public_id}").status_code == 401


def test_it_hides_appeals_from_the_enterprise_clerk(world: World, client: Client) -> None:
    from cqo.blacklist import services

    listing = world.listings["A"]
    appeal = services.appeal_create(
        actor=world.p.cqo,
        listing=listing,
        grounds="事故系供应商原料问题所致，本人已按规定履职。",
    )
    client.force_login(world.p.clerk_a)
    page = client.get(reverse("blacklist:listing_detail", args=[listing.public_id]))
    assert page.status_code == 200
    assert "供应商原料" not in page.content.decode()
    assert (
        client.get(reverse("blacklist:appeal_attachment", args=[appeal.public_id])).status_code
        == 404
    )
    client.force_login(world.p.county_a)
    page = client.get(reverse("blacklist:listing_detail", args=[listing.public_id]))
    assert "供应商原料" in page.content.decode()
