"""Fixtures of the community tests: a Xi'an alliance (610100) with the personas' CQO as an
approved officer, a second CQO at enterprise B (Baoji) as a peer judge candidate, and a clock
that tests move (``at``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from cqo.accounts.models import User
from cqo.community import selectors, services
from cqo.community.models import Alliance
from cqo.registry import services as registry
from cqo.registry.models import Person
from cqo.test import COUNTY_B, PASSWORD, Personas, file_appointment, new_id_number, person_data

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dt.date], None]]:
    """``at(day)``: the platform's date (cqo.lib.clock) and the community's clock move to
    noon of ``day`` (Asia/Shanghai)."""

    def move(day: dt.date) -> None:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
        monkeypatch.setattr("cqo.lib.clock.today", lambda: day)
        monkeypatch.setattr(selectors, "now", lambda: moment)

    move(TODAY)
    yield move


@dataclass
class World:
    p: Personas
    alliance: Alliance
    other_user: User  # a CQO serving enterprise B (Baoji), not a member
    other: Person


def moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def make_world(p: Personas) -> World:
    file_appointment(p)
    alliance = services.alliance_create(
        actor=p.city,
        name="西安市首席质量官联盟",
        kind="alliance",
        region="610100",
    )
    m = services.membership_apply(actor=p.cqo, alliance=alliance, statement="申请入会")
    services.membership_decide(actor=p.city, membership=m, approve=True)
    services.membership_set_role(actor=p.city, membership=m, role="officer", officer_title="秘书长")
    other_user, other = registry.person_register(
        details=registry.PersonDetails(
            **{
                **person_data(
                    name="王磊",
                    id_number=new_id_number(COUNTY_B),
                    region=COUNTY_B,
                    mobile="13800138001",
                ),
                "username": "cqo_b",
                "password": PASSWORD,
            }
        )
    )
    file_appointment(p, person=other, clerk=p.clerk_b)
    return World(p, alliance, other_user, other)


@pytest.fixture
def world(personas: Personas, at: Any) -> World:
    return make_world(personas)
