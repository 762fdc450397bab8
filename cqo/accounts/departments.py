"""The departments a region's governing pack names (SPEC §12.20: "行业主管部门" accounts see the
industries their department is competent for).

Which departments exist is the policy app's to say, and policy sits above accounts in the layer
order: accounts asks the question here and policy answers it when it starts
(cqo/policy/apps.py), as the audit change feed's followers do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cqo.reference.models import Region


@dataclass(frozen=True)
class Department:
    code: str
    # GB/T 4754 sections and divisions; empty: competent for every industry
    industries: tuple[str, ...]


DepartmentsOf = Callable[["Region", dt.date], Sequence[Department]]

_answer: list[DepartmentsOf] = []


def provide(answer: DepartmentsOf) -> None:
    _answer[:] = [answer]


def departments_of(region: Region, on: dt.date) -> Sequence[Department]:
    """The departments of the pack governing ``region`` on ``on``."""
    if not _answer:
        raise ImproperlyConfigured("no app answers which departments a region has")
    return _answer[0](region, on)
