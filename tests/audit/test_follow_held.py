"""follow.held_head and policy.selectors.held_state: one reading for a whole answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cqo.audit import follow
from cqo.audit.services import audit_record
from cqo.policy import selectors as policy

pytestmark = pytest.mark.django_db


def test_a_held_head_answers_without_asking_and_only_inside_the_block() -> None:
    audit_record(actor=None, action="test", target_type="test", target_id="1")
    newest = follow.latest_id()
    assert newest > 0
    with CaptureQueriesContext(connection) as captured, follow.held_head(newest - 1):
        assert follow.latest_id() == newest - 1
    assert captured.captured_queries == []
    assert follow.latest_id() == newest
    with follow.held_head(None):  # nothing held: asked as usual
        audit_record(actor=None, action="test", target_type="test", target_id="2")
        assert follow.latest_id() > newest


def test_the_installed_state_is_read_once_in_a_held_block() -> None:
    outside = policy.installed_state()
    with CaptureQueriesContext(connection) as captured, policy.held_state():
        assert policy.installed_state() == outside
        assert policy.installed_state() == outside
        with policy.held_state():  # nested: still the one reading
            assert policy.installed_state() == outside
    assert len(captured.captured_queries) == 1
    with CaptureQueriesContext(connection) as after:
        policy.installed_state()
    assert len(after.captured_queries) == 1  # read again once the block is left
