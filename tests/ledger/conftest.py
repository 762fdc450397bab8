from __future__ import annotations

from collections.abc import Iterator

import pytest

from cqo.ledger import audit, selectors, services


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Store subtrees from 4 leaves up instead of 256, so trees of a few hundred entries have
    stored nodes on many levels: the code paths of a tree of millions, at test size."""
    for module in (selectors, services, audit):
        monkeypatch.setattr(module, "CHUNK_LEVEL", 2)
        monkeypatch.setattr(module, "CHUNK", 4)
    yield 4
