"""Who organises the alliances' exchange events: the managing regulators, the alliance's
officers (shaanxi-2021 §五(三) 自治活动…举办首席质量官沙龙; jiangsu-2020 §七 交流活动) and the staff
of a certification body whose region holds the alliance's (level-standard §11 认定主体宜组织开展
首席质量官经验交流活动). Everyone else is refused, on the service, the page and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from cqo.accounts.models import ApiToken, Role
from cqo.certification import services as certification
from cqo.community import selectors, services
from cqo.community.models import Event
from cqo.test import make_user
from tests.certification.conftest import body_data
from tests.community.conftest import World
from tests.community.test_services import event_data

pytestmark = pytest.mark.django_db


def _body(world: World, region: str, username: str) -> Any:
    body = certification.body_create(
        actor=world.p.admin,
        terms=certification.BodyTerms(
            **body_data(code=f"B{region[:4]}", supervising_region=region)
        ),
    )
    certification.member_add(actor=world.p.admin, body=body, username=username)
    return body


def organiser(world: World, name: str) -> Any:
    """The persona ``name``; certifiers are made staff of a body in the region named."""
    if name == "certifier_province":
        _body(world, "610000", "certifier")
        return world.p.certifier
    if name == "certifier_other_province":
        user = make_user("certifier_js", Role.CERTIFIER, organisation="江苏省质量协会")
        _body(world, "320000", "certifier_js")
        return user
    if name == "certifier_no_body":
        return world.p.certifier
    if name == "member_cqo":
        return world.other_user
    return getattr(world.p, name)


# the alliance is Xi'an's (610100); the personas' CQO is its officer (tests/community/conftest.py)
CASES = [
    ("province", True),
    ("city", True),
    ("county_a", False),  # a county does not manage its city's alliance
    ("cqo", True),  # the alliance's officer
    ("member_cqo", False),  # a CQO who is not its officer
    ("clerk_a", False),
    ("trainer", False),
    ("certifier_province", True),  # a body supervised in Shaanxi
    ("certifier_other_province", False),  # a body of another province
    ("certifier_no_body", False),  # a certifier login that is no body's staff
]


@pytest.mark.parametrize(("name", "allowed"), CASES)
def test_who_organises_an_event(world: World, name: str, allowed: bool) -> None:
    user = organiser(world, name)
    assert selectors.can_organise(user, world.alliance) is allowed
    if allowed:
        event = services.event_create(actor=user, alliance=world.alliance, terms=event_data())
        assert event.created_by == user
        services.event_cancel(actor=user, event=event, reason="场地调整，活动取消")
    else:
        with pytest.raises((PermissionDenied, Http404)):
            services.event_create(actor=user, alliance=world.alliance, terms=event_data())
        assert not Event.objects.exists()


@pytest.mark.parametrize(("name", "allowed"), CASES)
def test_the_page_and_the_api_follow_the_same_rule(world: World, name: str, allowed: bool) -> None:
    user = organiser(world, name)
    page = Client()
    page.force_login(user)
    url = reverse("community:event_create", args=[world.alliance.public_id])
    assert (page.get(url).status_code == 200) is allowed
    api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)}")
    body = {
        "kind": "salon",
        "title": "首席质量官经验交流沙龙",
        "venue": "西安市雁塔区科技路1号",
        "starts_at": "2026-06-20T09:00:00+08:00",
        "ends_at": "2026-06-20T12:00:00+08:00",
        "capacity": 30,
    }
    response = api.post(
        f"/api/v1/community/alliances/{world.alliance.public_id}/events",
        body,
        content_type="application/json",
    )
    assert (response.status_code == 201) is allowed, response.content
    if not allowed:
        assert response.status_code in (403, 404)


def test_anonymous_organises_nothing(world: World) -> None:
    url = reverse("community:event_create", args=[world.alliance.public_id])
    assert Client().get(url).status_code == 302
    assert not selectors.can_organise(make_anonymous(), world.alliance)


def make_anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
