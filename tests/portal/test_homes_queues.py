"""The trainer's and the clerk's queues that follow the calendar: sessions ended but not closed,
attendance not recorded, evaluations due for the last full year."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client

from cqo.accounts.models import User
from cqo.lib import clock
from cqo.test import Personas, file_appointment
from cqo.training import services as training
from tests.training.conftest import course_terms, enrol, qualify, session_terms


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _tiles(user: User) -> dict[str, tuple[str, str]]:
    c = Client()
    c.force_login(user)
    page = c.get("/").content.decode()
    pattern = r'<(?:a [^>]*href="([^"]*)"|div) [^>]*id="tile-([\w-]+)".*?data-count="([^"]*)"'
    return {
        m.group(2): (m.group(3), html.unescape(m.group(1) or ""))
        for m in re.finditer(pattern, page)
    }


def test_the_trainer_sees_a_session_to_close_and_attendance_to_record(personas: Personas) -> None:
    p = personas
    today = clock.today()
    qualify(p.province, p.trainer, valid_from=today - dt.timedelta(days=400))
    course = training.course_create(actor=p.province, terms=course_terms())
    session = training.session_create(
        actor=p.province,
        course=course,
        terms=session_terms(
            start_date=today - dt.timedelta(days=10), end_date=today - dt.timedelta(days=8)
        ),
    )
    enrolment = enrol(p.province, session, p.person)
    tiles = _tiles(p.trainer)
    assert {k: tiles[k][0] for k in ("sessions-open", "sessions-close", "attendance")} == {
        "sessions-open": "1",
        "sessions-close": "1",
        "attendance": "1",
    }
    assert tiles["sessions-open"][1] == "/training/sessions/?status=open"
    training.attendance_mark(actor=p.province, enrolment=enrolment, attendance=100)
    assert _tiles(p.trainer)["attendance"][0] == "0"


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # served before the last full year ended, never evaluated: due
        (dt.date(2025, 6, 1), "1"),
        # appointed this year: the first evaluation is next year's
        (dt.date(2026, 1, 1), "0"),
    ],
)
def test_the_clerk_sees_evaluations_due(
    personas: Personas, monkeypatch: pytest.MonkeyPatch, start: dt.date, due: str
) -> None:
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 6, 15))
    file_appointment(personas, start_date=start)
    uscc = personas.enterprise_a.uscc
    assert _tiles(personas.clerk_a)["evaluations"] == (due, f"/evaluation/e/{uscc}/")
