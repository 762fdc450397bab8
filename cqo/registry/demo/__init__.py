"""Demo data: a believable Shaanxi province (610000) for trying the platform (`make run`).

What can go through the services does: the named accounts' records, the filing of the demo CQO,
the person waiting to be appointed, a reminder, and all 2,000 enterprises (about 2 ms each), so
they obey every invariant and leave the usual audit trail. Persons and the filing history are
bulk-inserted: a person's own registration hashes a password (~0.2 s each), and the filing
services stamp today's date while a believable history spans seven years. Each bulk batch still
records one audit entry naming what it imported. Every identifier is well-formed (USCC per
GB 32100, ID numbers per GB 11643, codes of GB/T 2260 and GB/T 4754) but invented.

This package builds the registry's part; the driver that builds every app's part in order is
cqo.portal.demo.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Q

from cqo.accounts.models import User
from cqo.reference.models import Region
from cqo.registry.demo.data import (
    DEMO_USERS,
    PASSWORD,
    PROVINCE,
    SHANGHAI,
    SHOWCASE_LOGINS,
    DemoResult,
    Output,
    Plan,
)
from cqo.registry.demo.generate import _Gen, _say, _users
from cqo.registry.demo.history import _enterprises, _history
from cqo.registry.demo.showcase import _Showcase, _showcase
from cqo.registry.models import Appointment, Enterprise, Person, Reminder

__all__ = [
    "DEMO_USERS",
    "PASSWORD",
    "PROVINCE",
    "SHANGHAI",
    "SHOWCASE_LOGINS",
    "DemoResult",
    "Output",
    "Plan",
    "RegistryDemo",
    "demo_exists",
    "registry_history",
    "registry_reset",
    "registry_start",
    "say",
]


def demo_exists() -> bool:
    return Enterprise.objects.exists() or User.objects.filter(username__in=DEMO_USERS).exists()


def registry_reset() -> dict[str, int]:
    """Delete registry data and the demo users (clerks cannot outlive their enterprise); the
    apps that refer to registry rows are reset first (cqo.portal.demo.demo_reset)."""
    return {
        "reminders": Reminder.objects.all().delete()[0],
        "appointments": Appointment.objects.all().delete()[0],
        "users": User.objects.filter(Q(username__in=DEMO_USERS) | Q(enterprise__isnull=False))
        .delete()[1]
        .get("accounts.User", 0),
        "persons": Person.objects.all().delete()[1].get("registry.Person", 0),
        "enterprises": Enterprise.objects.all().delete()[0],
    }


@dataclass
class RegistryDemo:
    seed: int
    plan: Plan
    gen: _Gen
    regions: dict[str, Region]
    users: dict[str, User]
    show: _Showcase


def registry_start(seed: int, enterprises: int) -> RegistryDemo:
    """The accounts of every role and the showcase records of the README's walkthrough."""
    plan = Plan.for_enterprises(enterprises)
    g = _Gen(seed)
    regions = {r.code: r for r in Region.objects.filter(province_code=PROVINCE)}
    users = _users(regions)
    show = _showcase(g, users)
    return RegistryDemo(seed, plan, g, regions, users, show)


def registry_history(
    demo: RegistryDemo, *, showcased: int, began: float, stdout: Output | None
) -> None:
    """The rest of the province's enterprises (``showcased`` already exist) and seven years of
    persons and filings."""
    ents = _enterprises(demo.gen, demo.users, demo.plan.enterprises - showcased)
    say(stdout, f"{len(ents) + showcased} enterprises … {time.monotonic() - began:.1f}s")
    n_persons = _history(demo.gen, demo.plan, ents, demo.users, demo.regions, demo.seed)
    say(stdout, f"{n_persons} persons and their filings … {time.monotonic() - began:.1f}s")


say = _say
