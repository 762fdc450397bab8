"""A small per-process cache in front of the shared one (Redis in production), for answers whose
key names everything they depend on.

The coverage API's answers are keyed by the viewer's scope, the question, the language, the day
and the newest audit entry's id (coverage.selectors.cache_key): a change to any figure is an
audited change, so it makes a new key rather than changing an old key's answer. Such an answer
can be kept in the process that built or fetched it, and a repeated question skips the shared
cache's network round trip. Entries expire after the same time as in the shared cache, counted
from when this process kept them (so what is not audited, reference data reloaded by hand, shows
within twice that time), and the oldest go first when the front is full.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.cache import cache

_FRONTS: list[LocalFront] = []


class LocalFront:
    def __init__(self, size: int, seconds: float) -> None:
        self.size, self.seconds = size, seconds
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        _FRONTS.append(self)

    def get(self, key: str) -> Any | None:
        """The value from this process, else from the shared cache (kept here too), else None."""
        found = self._entries.get(key)
        now = time.monotonic()
        if found is not None and found[0] > now:
            return found[1]
        value = cache.get(key)
        if value is not None:
            self._keep(key, value, now)
        return value

    def set(self, key: str, value: Any) -> None:
        cache.set(key, value, int(self.seconds))
        self._keep(key, value, time.monotonic())

    def _keep(self, key: str, value: Any, now: float) -> None:
        with self._lock:
            self._entries.pop(key, None)
            while len(self._entries) >= self.size:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = (now + self.seconds, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clear_local() -> None:
    """Empty every front in this process (the test suite does between tests, whose rolled-back
    databases hand out the same audit ids again; so must a restore of a backup, by restarting
    the server processes: docs/operations.md)."""
    for front in _FRONTS:
        front.clear()
