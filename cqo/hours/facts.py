"""What yearly compliance needs to know from apps above the hours app.

Two facts live higher in the layer order: whether a person holds a capability-level
certificate, whose pack asks for continuing education (level-standard §9.4.1.2, answered by
cqo.certification), and whether a study record comes from an institution holding a CQO
training qualification (hangzhou-spec 聘用与培训·培训, answered by cqo.training). The hours
app asks here; each app registers its answer when it starts (its ``apps.py``), as
cqo.registry.facts does for the filing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

from cqo.hours.rules import Continuing

A = TypeVar("A")
T = TypeVar("T")


class Question(Generic[A, T]):
    """A fact about many persons or records at once, answered by the one app that holds it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._answer: Callable[[Collection[int], A], T] | None = None

    def provide(self, answer: Callable[[Collection[int], A], T]) -> None:
        self._answer = answer

    def __call__(self, ids: Collection[int], arg: A) -> T:
        if self._answer is None:
            raise ImproperlyConfigured(f"no app answers {self.name!r}")
        return self._answer(ids, arg)


# person id → the continuing education their capability certificate asks for in the year
# (level-standard §9.4.1.2 with the certification pack's values), for holders whose certificate
# is in force on the day; persons without one are left out (cqo.certification)
CONTINUING: Question[dt.date, dict[int, Continuing]] = Question("continuing education owed")
# the ids among the given study records that an institution organised or reported while its
# CQO training qualification was valid (cqo.training); the argument is unused
QUALIFIED_RECORDS: Question[None, set[int]] = Question("records from qualified institutions")
