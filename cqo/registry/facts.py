"""What the filing workflow needs to know of a person from apps above the registry.

A filing is checked against the blacklist (SPEC §12.11: an exit listing blocks it, a warning is
shown), the person's training certificate and the level of their capability certificate (the
pack's conditions name them, SPEC §4, level-standard §5.2.1). Those apps sit above the registry
in the layer order, so the registry asks the questions here and each app answers when it starts
(its ``apps.py``), as the audit change feed's followers do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
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


class AmongQuestion:
    """A fact about many persons on a day at once (a migrated archive's batch): those of them
    it holds for, answered by the one app that holds it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._answer: Callable[[Collection[int], dt.date], frozenset[int]] | None = None

    def provide(self, answer: Callable[[Collection[int], dt.date], frozenset[int]]) -> None:
        self._answer = answer

    def __call__(self, person_ids: Collection[int], on: dt.date) -> frozenset[int]:
        if self._answer is None:
            raise ImproperlyConfigured(f"no app answers {self.name!r}")
        if not person_ids:
            return frozenset()
        return self._answer(person_ids, on)


# of these persons, those with an exit listing in force on the day (cqo.blacklist)
EXIT_LISTED = AmongQuestion("exit listings in force")


@dataclass(frozen=True)
class Origin:
    """Where a record migrated from a province's archive came from (历史数据迁移, issue 23)."""

    file_name: str
    row: int  # the row a person sees in the spreadsheet, 1-based
    by: str  # who migrated it, as pages name users (never a login)
    at: dt.datetime  # when the file was migrated


class OriginQuestion:
    """Where a record (its audit target type and public id) was migrated from, None for one
    made in the platform; answered by the app that migrates archives (cqo.imports)."""

    def __init__(self) -> None:
        self._answer: Callable[[str, str], Origin | None] | None = None

    def provide(self, answer: Callable[[str, str], Origin | None]) -> None:
        self._answer = answer

    def __call__(self, target_type: str, target_id: str) -> Origin | None:
        if self._answer is None:
            raise ImproperlyConfigured("no app answers where a migrated record came from")
        return self._answer(target_type, target_id)


MIGRATED_FROM = OriginQuestion()
