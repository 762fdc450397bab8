"""cqo/lib/limits.py: the client's address (behind a proxy too) and counting per address."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from cqo.lib.limits import client_address, hit, too_many


def request(remote: str = "203.0.113.7", forwarded: str | None = None) -> HttpRequest:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/register/", **extra)


@pytest.mark.parametrize(
    ("remote", "address"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # one home or office holds the whole /64
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("::ffff:198.51.100.9", "198.51.100.9"),
        ("", None),
        ("not-an-address", None),
    ],
)
def test_it_takes_the_address_from_the_connection(settings, remote, address) -> None:
    settings.CQO_BEHIND_PROXY = False
    assert client_address(request(remote)) == address


def test_it_ignores_x_forwarded_for_without_a_proxy(settings) -> None:
    settings.CQO_BEHIND_PROXY = False
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "address"),
    [
        ("198.51.100.1", "198.51.100.1"),
        # what the client wrote itself comes first; the proxy appends the address it saw
        ("10.0.0.1, 192.0.2.55, 198.51.100.1", "198.51.100.1"),
        ("2001:db8::1", "2001:db8::"),
        # a proxy that sent nothing usable: the connection's address (the proxy's)
        ("garbage", "127.0.0.1"),
        ("", "127.0.0.1"),
    ],
)
def test_it_takes_the_address_the_proxy_appended(settings, forwarded, address) -> None:
    settings.CQO_BEHIND_PROXY = True
    assert client_address(request("127.0.0.1", forwarded)) == address


def test_it_counts_each_address_apart(settings) -> None:
    settings.CQO_BEHIND_PROXY = False
    a, b = request("203.0.113.7"), request("203.0.113.8")
    assert [too_many(a, "test", "2/h") for _ in range(3)] == [False, False, True]
    assert too_many(b, "test", "2/h") is False
    # another group has an allowance of its own
    assert too_many(a, "other", "2/h") is False


def test_it_answers_without_counting_and_counts_a_success(settings) -> None:
    settings.CQO_BEHIND_PROXY = False
    a = request("203.0.113.9")
    for _ in range(5):
        assert too_many(a, "test", "2/h", increment=False) is False
    hit(a, "test", "2/h")
    assert too_many(a, "test", "2/h", increment=False) is False
    hit(a, "test", "2/h")
    assert too_many(a, "test", "2/h", increment=False) is True


def test_it_lets_everything_through_when_limits_are_off(settings) -> None:
    settings.RATELIMIT_ENABLE = False
    a = request()
    assert not any(too_many(a, "test", "1/h") for _ in range(3))
