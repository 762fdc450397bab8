"""The limit per address on the public lookups (cqo/lib/lookups.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from cqo.lib import lookups


@pytest.fixture(autouse=True)
def _fresh() -> None:
    lookups.forget()


def request(address: str = "198.51.100.7") -> Any:
    return RequestFactory().get("/verify/certificate/X/", REMOTE_ADDR=address)


def test_it_refuses_the_lookup_one_over_the_rate(settings: Any) -> None:
    settings.CQO_PUBLIC_VERIFY_RATE = "3/m"
    assert [lookups.too_many_lookups(request()) for _ in range(4)] == [False] * 3 + [True]
    assert not lookups.too_many_lookups(request("203.0.113.9"))


def test_it_does_not_count_without_a_rate(settings: Any) -> None:
    settings.CQO_PUBLIC_VERIFY_RATE = None
    assert not any(lookups.too_many_lookups(request()) for _ in range(100))


def test_it_asks_the_shared_counter_once_a_batch_at_a_high_rate(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 6,000 a minute: batches of 100, the shared counter allows 60 of them
    settings.CQO_PUBLIC_VERIFY_RATE = "6000/m"
    asked: list[str] = []

    def shared(req: Any, rate: str) -> bool:
        asked.append(rate)
        return False

    monkeypatch.setattr(lookups, "_shared", shared)
    for _ in range(250):
        lookups.too_many_lookups(request())
    assert asked == ["60/60s"] * 3


def test_it_counts_every_lookup_at_the_default_rate(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CQO_PUBLIC_VERIFY_RATE = "60/m"
    asked: list[str] = []
    monkeypatch.setattr(lookups, "_shared", lambda req, rate: asked.append(rate) or False)
    for _ in range(5):
        lookups.too_many_lookups(request())
    assert asked == ["60/60s"] * 5


def test_it_refuses_a_batch_once_the_shared_counter_says_over(settings: Any) -> None:
    # 120 a minute: batches of 2; the shared counter allows 60 batches
    settings.CQO_PUBLIC_VERIFY_RATE = "120/m"
    answers = [lookups.too_many_lookups(request()) for _ in range(124)]
    assert not any(answers[:120]) and all(answers[120:])


@pytest.mark.parametrize("rate", ["60", "sixty/m", "60/w"])
def test_it_names_a_bad_rate(settings: Any, rate: str) -> None:
    settings.CQO_PUBLIC_VERIFY_RATE = rate
    with pytest.raises(ValueError, match="CQO_PUBLIC_VERIFY_RATE"):
        lookups.too_many_lookups(request())
