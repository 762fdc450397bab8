"""cqo/lib/cache.py: the per-process front answers from memory, falls back to the shared cache,
keeps at most its size (oldest out first) and lets entries expire."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from cqo.lib import cache as front_module
from cqo.lib.cache import LocalFront, clear_local


def test_it_answers_from_memory_then_from_the_shared_cache() -> None:
    front = LocalFront(size=4, seconds=60)
    assert front.get("k") is None
    front.set("k", b"answer")
    assert cache.get("k") == b"answer"  # written through
    cache.delete("k")
    assert front.get("k") == b"answer"  # this process still has it
    clear_local()
    assert front.get("k") is None  # gone here and there
    cache.set("k", b"from another process")
    assert front.get("k") == b"from another process"
    cache.delete("k")
    assert front.get("k") == b"from another process"  # kept when fetched


def test_the_oldest_entries_go_first() -> None:
    front = LocalFront(size=3, seconds=60)
    for i in range(5):
        front.set(f"k{i}", i)
    cache.clear()
    assert [front.get(f"k{i}") for i in range(5)] == [None, None, 2, 3, 4]


def test_entries_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(front_module.time, "monotonic", lambda: now[0])
    front = LocalFront(size=3, seconds=60)
    front.set("k", "v")
    cache.clear()
    now[0] += 59
    assert front.get("k") == "v"
    now[0] += 2
    assert front.get("k") is None
