"""Questions certification asks of the apps above it, answered when they start (STYLE.md,
"Dependencies between apps").

The talent pool: a certification body recommends the holder of a valid level certificate for
the pool (level-standard §11 认定主体可推荐…入选人才库); cqo.talent keeps the pool and registers
its ``recommend`` here in its AppConfig.ready().

The origin of a migrated certificate: the file and row of the province's archive it came from,
who migrated it and when (issue 23); cqo.imports keeps the archive files and registers its
answer with ``provide_origin`` in its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from cqo.accounts.models import User
from cqo.registry.facts import Origin
from cqo.registry.models import Person

__all__ = [
    "Origin",
    "OriginOf",
    "TalentPool",
    "origin_of",
    "provide_origin",
    "provide_talent_pool",
    "recommend_to_talent_pool",
]


class TalentPool(Protocol):
    def __call__(self, *, actor: User, person: Person, reason: str) -> object: ...


_talent_pool: list[TalentPool] = []


def provide_talent_pool(recommend: TalentPool) -> None:
    """Called once at start-up by the app that keeps the talent pool."""
    _talent_pool[:] = [recommend]


def recommend_to_talent_pool(*, actor: User, person: Person, reason: str) -> object:
    if not _talent_pool:
        raise ImproperlyConfigured("no talent pool is installed")
    return _talent_pool[0](actor=actor, person=person, reason=reason)


OriginOf = Callable[[str, str], Origin | None]
_origin: list[OriginOf] = []


def provide_origin(answer: OriginOf) -> None:
    """Called once at start-up by the app that keeps the archive files."""
    _origin[:] = [answer]


def origin_of(target_type: str, target_id: str) -> Origin | None:
    """The archive file and row the record (as the audit trail names it) was migrated from;
    None for a record made in the platform, or with no archive app installed."""
    return _origin[0](target_type, target_id) if _origin else None
