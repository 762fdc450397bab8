"""Shared fixtures of the blacklist tests: a frozen clock, and a small world of listings.

The world (built through the services, on the personas of cqo/test.py):
  P  the persona ``cqo``: registered in Yanta (county A), filed CQO of enterprise A (Yanta).
  B  invited by clerk B, registered in Weibin (county B), draft appointment at enterprise B.
  X  registered in Yanta, submitted appointment at enterprise B (Weibin); has a CQO account.
Listings: "A" a warning on P issued by county A; "B" a warning on B issued by county B;
"X" a warning on X issued by county B.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from cqo.accounts.models import User
from cqo.blacklist import services
from cqo.blacklist.models import Listing
from cqo.lib import clock
from cqo.registry import services as registry
from cqo.registry.models import Appointment, Person
from cqo.test import (
    COUNTY_A,
    COUNTY_B,
    PASSWORD,
    Personas,
    appointment_data,
    declare,
    file_appointment,
    new_id_number,
    person_data,
)

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def evidence_pdf(name: str = "事故调查报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 accident investigation", "application/pdf")


def listing_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "warning",
        "reason": "履职不到位，造成重大质量安全事故",
        "accident": "2026年3月，某批次产品出厂检验缺失，造成批量质量事故",
        "accident_date": dt.date(2026, 3, 2),
        "evidence": evidence_pdf(),
        "start_date": TODAY,
        "end_date": None,
        "public": False,
    }
    data.update(overrides)
    return data


def issue(actor: User, person: Person, **overrides: Any) -> Listing:
    return services.listing_create(
        actor=actor, terms=services.ListingTerms(**listing_data(**overrides)), person=person
    )


@dataclass
class World:
    p: Personas
    appt_p: Appointment
    person_b: Person
    person_x: Person
    user_x: User
    listings: dict[str, Listing]

    def user(self, name: str) -> Any:
        if name == "anonymous":
            return AnonymousUser()
        if name == "cqo_x":
            return self.user_x
        return getattr(self.p, name)


@pytest.fixture
def world(personas: Personas) -> World:
    p = personas
    appt_p = file_appointment(p, start_date=TODAY - dt.timedelta(days=100))
    person_b, _token = registry.person_invite(
        actor=p.clerk_b,
        details=registry.PersonDetails(
            **person_data(
                name="周建华", id_number=new_id_number(birth=dt.date(1987, 5, 2)), region=COUNTY_B
            )
        ),
    )
    registry.appointment_create(
        actor=p.clerk_b, terms=registry.AppointmentTerms(**appointment_data(person_b))
    )
    user_x, person_x = registry.person_register(
        details=registry.PersonDetails(
            **{
                **person_data(
                    name="赵喆",
                    id_number=new_id_number(birth=dt.date(1988, 8, 8), gender="F"),
                    region=COUNTY_A,
                ),
                "username": "cqo_x",
                "password": PASSWORD,
            }
        ),
    )
    appt_x = registry.appointment_create(
        actor=p.clerk_b, terms=registry.AppointmentTerms(**appointment_data(person_x))
    )
    declare(appt_x)
    registry.filing_submit(actor=p.clerk_b, appointment=appt_x)
    listings = {
        "A": issue(p.county_a, p.person, public=True),
        "B": issue(p.county_b, person_b, reason="瞒报质量安全事故"),
        "X": issue(p.county_b, person_x, reason="未履行质量安全一票否决职责"),
    }
    return World(p, appt_p, person_b, person_x, user_x, listings)


PERSONAS = [
    "province",
    "city",
    "county_a",
    "county_b",
    "clerk_a",
    "clerk_b",
    "cqo",
    "cqo_x",
    "trainer",
    "certifier",
    "admin",
    "anonymous",
]

# Who reads which listing (see the module docstring for the world).
SEES = {
    "province": {"A", "B", "X"},
    "city": {"A", "X"},  # A issued in Yanta; X registered in Yanta
    "county_a": {"A", "X"},
    "county_b": {"B", "X"},
    "clerk_a": {"A"},  # persons appointed at enterprise A
    "clerk_b": {"B", "X"},
    "cqo": {"A"},  # their own
    "cqo_x": {"X"},
    "trainer": set(),
    "certifier": set(),
    "admin": {"A", "B", "X"},
    "anonymous": set(),
}

# Who may revoke, change the end date, decide appeals: the issuing level or above.
MANAGES = {
    "province": {"A", "B", "X"},
    "city": {"A"},
    "county_a": {"A"},
    "county_b": {"B", "X"},
    "admin": {"A", "B", "X"},
}
