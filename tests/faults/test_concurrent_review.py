"""Two reviewers acting on one filing at the same moment (issue 8 faults): exactly one of them
acts, the other is told the filing is no longer waiting, and the filing is filed or returned
once — never filed twice, never both. (Two approvals of two filings of one enterprise are in
tests/registry/test_concurrency.py.)

transaction=True: each reviewer commits on a connection of its own, as two requests do; on
SQLite the IMMEDIATE transaction queues them, on PostgreSQL the row lock of ``_lock``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cqo.audit.models import AuditEntry
from cqo.registry import services
from cqo.registry.models import Appointment
from cqo.test import appointment_data, at_once, build_personas, declare

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submitted() -> tuple[Any, Appointment]:
    p = build_personas()
    appt = services.appointment_create(
        actor=p.clerk_a, terms=services.AppointmentTerms(**appointment_data(p.person))
    )
    declare(appt)
    return p, services.filing_submit(actor=p.clerk_a, appointment=appt)


def transitions(appt: Appointment) -> list[list[str]]:
    entries = AuditEntry.objects.filter(
        target_type="appointment", target_id=str(appt.public_id), action="transition"
    ).order_by("pk")
    return [e.changes["status"] for e in entries if "status" in e.changes]


def one_won(outcomes: list[Any]) -> Any:
    won = [o for o in outcomes if isinstance(o, Appointment)]
    lost = [o for o in outcomes if not isinstance(o, Appointment)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    assert isinstance(lost[0], ValidationError), repr(lost[0])
    assert "status" in lost[0].message_dict  # "only a waiting filing ...": it had moved on
    return won[0]


def test_two_reviewers_approving_one_filing_at_once_file_it_once() -> None:
    p, appt = submitted()
    outcomes = at_once(
        lambda: services.filing_approve(actor=p.county_a, appointment=appt),
        lambda: services.filing_approve(actor=p.city, appointment=appt),
    )
    won = one_won(outcomes)
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.FILED
    assert appt.filing_number == won.filing_number
    assert appt.filed_by_id == won.filed_by_id
    assert Appointment.objects.filter(enterprise=p.enterprise_a, status="filed").count() == 1
    assert transitions(appt) == [["draft", "submitted"], ["submitted", "filed"]]


def test_an_approval_and_a_return_at_once_leave_one_decision() -> None:
    p, appt = submitted()
    outcomes = at_once(
        lambda: services.filing_approve(actor=p.county_a, appointment=appt),
        lambda: services.filing_return(actor=p.city, appointment=appt, reason="请补充任职文件"),
    )
    won = one_won(outcomes)
    appt.refresh_from_db()
    assert appt.status == won.status
    if appt.status == Appointment.Status.FILED:
        assert appt.filing_number and not appt.return_reason
        assert transitions(appt)[1:] == [["submitted", "filed"]]
    else:
        assert appt.status == Appointment.Status.RETURNED
        assert appt.filing_number is None and appt.filed_at is None
        assert transitions(appt)[1:] == [["submitted", "returned"]]
