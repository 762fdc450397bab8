"""The records every permission check addresses: the shared personas (cqo/test.py) and a filed
appointment of the CQO at enterprise A, with an API token and a signed-in session per persona.

For the list checks (every row a list shows is one its detail route shows, and a list shows
every record access.py gives the persona) the world also holds two departments and the
persons whose scope differs by role: one who only registered, one who registered in A's county
and serves at enterprise B, one with only a draft appointment; a study record and a warning
listing."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.test import Client, override_settings

from cqo.accounts import access
from cqo.accounts.models import ApiToken, Role, User
from cqo.registry import services as registry
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.test import (
    COUNTY_A,
    COUNTY_B,
    PASSWORD,
    Personas,
    appointment_data,
    build_personas,
    file_appointment,
    make_user,
    new_id_number,
    person_data,
)

# The personas each check signs in as: one per role, and for region-scoped roles one inside and
# one outside enterprise A's county (SPEC §1 scope). county_b and clerk_b are the outsiders of
# every object of enterprise A.
PERSONAS = (
    "admin",
    "province",
    "city",
    "county_a",
    "county_b",
    "clerk_a",
    "clerk_b",
    "cqo",
    "trainer",
    "certifier",
    # the security and audit administrators (三员分立): their own pages only
    "security",
    "auditor",
)
OUTSIDERS = ("county_b", "clerk_b")
# the list checks also sign in as participating departments of the province (SPEC §12.20): one
# competent for every industry, one for section R only
DEPARTMENTS = {"finance": "finance", "culture": "culture_tourism"}
LIST_PERSONAS = (*PERSONAS, *DEPARTMENTS)

MISSING_UUID = "00000000-0000-4000-8000-000000000000"
MISSING_INT = "999999"


@dataclass
class World:
    personas: Personas
    filing: Appointment
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def client(self, persona: str | None) -> Client:
        """A client of its own per request, signed in as the persona: a request that signs out
        (or rotates the session) cannot sign out the next one; the session row it deletes comes
        back with the check's savepoint."""
        client = Client()
        if persona is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    def user(self, persona: str) -> User:
        return self.users[persona]

    def values(self) -> dict[str, dict[str, str]]:
        """Path parameter values: the objects of enterprise A by parameter and path area."""
        p = self.personas
        return {
            "uscc": {"": p.enterprise_a.uscc},
            "public_id": {
                "/persons/": str(p.person.public_id),
                "/filings/": str(self.filing.public_id),
            },
            "person_id": {"": str(p.person.public_id)},
        }


def build_world() -> World:
    p = build_personas()
    world = World(personas=p, filing=file_appointment(p))
    # its signed 聘任授权证书, scanned: the scan route serves it to whoever reads the filing
    world.filing.authorisation_scan.save("授权证书.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    _scope_differs_by_role(p)
    world.users = {name: getattr(p, name) for name in PERSONAS}
    province = p.province.region
    for name, code in DEPARTMENTS.items():
        world.users[name] = make_user(name, Role.DEPARTMENT, region=province, department=code)
    for name, user in world.users.items():
        world.tokens[name] = ApiToken.issue(user)
        client = Client()
        client.force_login(user)
        world.sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


def _register(username: str, name: str, region: str) -> Person:
    _user, person = registry.person_register(
        details=registry.PersonDetails(
            **{
                **person_data(name=name, id_number=new_id_number(region), region=region),
                "username": username,
                "password": PASSWORD,
            }
        )
    )
    return person


def _scope_differs_by_role(p: Personas) -> None:
    """Persons a regulator sees by where they registered but a department does not, or by an
    appointment outside their latest place; a study record and a warning listing."""
    from cqo.hours import services as hours

    _register("alone", "孙立", COUNTY_B)  # registered only
    mover = _register("mover", "周航", COUNTY_A)  # registered in A's county, serves at B
    file_appointment(p, person=mover, clerk=p.clerk_b)
    drafted = _register("drafted", "钱程", COUNTY_B)  # only a draft, at enterprise A
    registry.appointment_create(
        actor=p.clerk_a, terms=registry.AppointmentTerms(**appointment_data(drafted))
    )
    hours.record_create(
        actor=p.trainer,
        person=p.person,
        kind="online_self_study",
        hours=Decimal("12"),
        occurred_on=dt.date(2026, 3, 1),
        title="质量管理体系在线课程",
        source="api",
        provider="陕西质量培训中心",
    )
    # the listing's evidence file goes to a scratch directory, not the data directory
    with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="cqo-security-")):
        _warn(p, mover)


def _warn(p: Personas, mover: Person) -> None:
    from cqo.blacklist import services as blacklist

    blacklist.listing_create(
        actor=p.county_b,
        person=mover,
        terms=blacklist.ListingTerms(
            kind="warning",
            reason="履职不到位，造成质量安全事故",
            accident="产品出厂检验缺失，造成批量质量事故",
            accident_date=dt.date(2026, 5, 20),
            evidence=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", "application/pdf"),
            start_date=dt.date(2026, 6, 1),
            public=False,
        ),
    )


# The records access.py (and the scopes built on it) gives a user, by the kind a list shows:
# each as the identifiers its rows and its detail route use.
def _persons(user: User) -> QuerySet[Any]:
    return Person.objects.filter(access.person_q(user)).values_list("public_id", flat=True)


def _enterprises(user: User) -> QuerySet[Any]:
    return Enterprise.objects.filter(access.enterprise_q(user)).values_list("uscc", flat=True)


def _filings(user: User) -> QuerySet[Any]:
    return Appointment.objects.filter(access.appointment_q(user)).values_list(
        "public_id", flat=True
    )


def _records(user: User) -> QuerySet[Any]:
    from cqo.hours.models import StudyRecord
    from cqo.hours.selectors import record_q

    return StudyRecord.objects.filter(record_q(user)).values_list("public_id", flat=True)


def _listings(user: User) -> QuerySet[Any]:
    from cqo.blacklist.models import Listing
    from cqo.blacklist.selectors import listing_q

    return Listing.objects.filter(listing_q(user)).values_list("public_id", flat=True)


def _evaluated(user: User) -> QuerySet[Any]:
    from cqo.evaluation.selectors import enterprise_scope_q

    return Enterprise.objects.filter(enterprise_scope_q(user)).values_list("uscc", flat=True)


SCOPED: dict[str, Callable[[User], QuerySet[Any]]] = {
    "persons": _persons,
    "enterprises": _enterprises,
    "filings": _filings,
    "records": _records,
    "listings": _listings,
    "evaluated enterprises": _evaluated,
}


def scoped(kind: str, user: User) -> set[str]:
    return {str(v) for v in SCOPED[kind](user).distinct()}


NOT_RECORDS = ("year", "field", "action", "step", "kind")


def param_value(world: World, route: str, name: str, kind: str) -> tuple[str, bool]:
    """The value for one path parameter of type ``kind`` (int, uuid, str), and whether it is a
    real object of enterprise A (else a value that names no record)."""
    path = route.split(" ", 1)[1]
    for area, value in world.values().get(name, {}).items():
        if area in path:
            return value, True
    # not records: a year, a field of the person, a workflow action
    if name == "year":
        return "2026", False
    if name == "field":
        return "id_number", False
    if name == "action":
        return "approve", False
    if name == "step":  # a step of a filing the person started (SPEC §12.23)
        return "hand-over", False
    if name == "kind":  # a kind of archive file the migration reads (its template)
        return "persons", False
    if kind == "int":
        return MISSING_INT, False
    if kind == "uuid":
        return MISSING_UUID, False
    return "MISSING-0000", False
