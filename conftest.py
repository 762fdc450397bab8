from collections.abc import Iterator

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from cqo.test import personas  # noqa: F401  (shared fixture)


def _flushes_and_repopulates(item: pytest.Item) -> bool:
    """A transactional test without serialized_rollback: its flush re-creates the content types
    and permissions (post_migrate) under new ids, which the next serialized_rollback test would
    insert again under their old ids."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    serialized = False
    if marker is not None:
        transactional = transactional or bool(marker.kwargs.get("transaction"))
        serialized = bool(marker.kwargs.get("serialized_rollback"))
    return transactional and not serialized


def _one_node_id_per_operation(item: pytest.Item) -> None:
    """schemathesis gives every operation's item of one test the node id of the function;
    pytest-xdist hands items out by node id, so spread over processes all but one of them would
    silently not run. The item's name carries the operation: make it the node id (pytest keeps
    it as ``_id`` since 9.0)."""
    from _pytest.nodeid import coerce_node_id

    if getattr(item, "operation_label", None) and "[" in item.name:
        item._id = coerce_node_id(f"{item.nodeid.split('::', 1)[0]}::{item.name}")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        _one_node_id_per_operation(item)
    # after pytest-django's order (plain database tests, then transactional ones): the
    # serialized_rollback tests before every transactional test that flushes without it
    items.sort(key=_flushes_and_repopulates)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real PBKDF2 costs ~0.4 s per persona; tests of the login itself still run the real check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_id_numbers():
    # cqo.test.new_id_number and new_uscc avoid repeating a number within one test
    from cqo import test

    test._issued.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    # cached answers are keyed by ids (users, audit entries) that the next test's rolled-back
    # database hands out again
    from django.core.cache import cache

    from cqo.lib.cache import clear_local
    from cqo.policy import selectors

    cache.clear()
    clear_local()
    selectors.forget()


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """For tests that call the WSGI application directly (the API fuzz tests): as
    django.test.Client does, a request ending must not close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
