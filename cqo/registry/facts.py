"""What the filing workflow needs to know of a person from apps above the registry.

A filing is checked against the blacklist (SPEC §12.11: an exit listing blocks it, a warning is
shown), the person's training certificate and the level of their capability certificate (the
pack's conditions name them, SPEC §4, level-standard §5.2.1). Those apps sit above the registry
in the layer order, so the registry asks the questions here and each app answers when it starts
(its ``apps.py``), as the audit change feed's followers do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Question(Generic[T]):
    """A fact about a person on a day, answered by the one app that holds it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._answer: Callable[[int, dt.date], T] | None = None

    def provide(self, answer: Callable[[int, dt.date], T]) -> None:
        self._answer = answer

    def __call__(self, person_id: int, on: dt.date) -> T:
        if self._answer is None:
            raise ImproperlyConfigured(f"no app answers {self.name!r}")
        return self._answer(person_id, on)


@dataclass(frozen=True)
class Listing:
    """A blacklist listing in force (SPEC §8): an exit listing blocks a filing, a warning
    is shown beside it."""

    exit: bool
    authority_name: str
    start_date: dt.date
    end_date: dt.date | None
    reason: str


# the person's listings in force on the day, exit listings first (cqo.blacklist)
LISTINGS: Question[tuple[Listing, ...]] = Question("blacklist listings in force")
# whether the person holds a CQO training certificate: a valid one issued on the platform, or
# one held from before and declared among their qualifications (cqo.training)
TRAINING_CERTIFICATE: Question[bool] = Question("training certificate held")
# the level of the capability certificate in force on the day, "" for none (cqo.certification)
CAPABILITY_LEVEL: Question[str] = Question("capability level in force")
