"""Questions certification asks of the apps above it, answered when they start (STYLE.md,
"Dependencies between apps").

The talent pool: a certification body recommends the holder of a valid level certificate for
the pool (level-standard §11 认定主体可推荐…入选人才库); cqo.talent keeps the pool and registers
its ``recommend`` here in its AppConfig.ready().
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from cqo.accounts.models import User
from cqo.registry.models import Person


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
