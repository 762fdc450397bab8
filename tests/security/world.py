"""The records every permission check addresses: the shared personas (cqo/test.py) and a filed
appointment of the CQO at enterprise A, with an API token and a signed-in session per persona."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client

from cqo.accounts.models import ApiToken
from cqo.registry.models import Appointment
from cqo.test import Personas, build_personas, file_appointment

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
)
OUTSIDERS = ("county_b", "clerk_b")

MISSING_UUID = "00000000-0000-4000-8000-000000000000"
MISSING_INT = "999999"


@dataclass
class World:
    personas: Personas
    filing: Appointment
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def client(self, persona: str | None) -> Client:
        """A client of its own per request, signed in as the persona: a request that signs out
        (or rotates the session) cannot sign out the next one; the session row it deletes comes
        back with the check's savepoint."""
        client = Client()
        if persona is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

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
    for name in PERSONAS:
        user = getattr(p, name)
        world.tokens[name] = ApiToken.issue(user)
        client = Client()
        client.force_login(user)
        world.sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


NOT_RECORDS = ("year", "field", "action")


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
    if kind == "int":
        return MISSING_INT, False
    if kind == "uuid":
        return MISSING_UUID, False
    return "MISSING-0000", False
