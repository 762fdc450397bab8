"""A mobile given for notices is verified by a code sent to it before SMS go there (what failed
meanwhile is sent once it is verified); reminder SMS wait out the person's quiet hours."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from cqo.notify import rules, sending, services
from cqo.notify.kinds import Channel
from cqo.notify.models import ContactDetails, MobileCode, OutboxMessage
from cqo.test import PASSWORD, Personas
from tests.notify.conftest import HOURS, QUIET_WAIT, RETURNED, Gateway, context

pytestmark = pytest.mark.django_db

S = OutboxMessage.Status
BEIJING = ZoneInfo("Asia/Shanghai")


def _code(gateway: Gateway) -> str:
    text = gateway.requests[-1]["json"]["text"]
    found = re.search(r"验证码为(\d{6})", text)
    assert found, text
    assert len(text) <= rules.SMS_MAX_CHARS
    return found.group(1)


def _sms(user: Any, kind: str = HOURS, subject: str = "s") -> OutboxMessage:
    rows = services.notice_send(recipient=user, kind=kind, subject=subject, context=context())
    return OutboxMessage.objects.get(pk=next(r.pk for r in rows if r.channel == Channel.SMS))


# Verification --------------------------------------------------------------------------------


def test_an_unverified_mobile_gets_no_sms_until_it_is_verified(
    personas: Personas, sms_gateway: Gateway, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = personas.clerk_a  # no registered mobile to fall back on
    services.contact_set(actor=clerk, user=clerk, email="", mobile="139 1234 5678")
    row = _sms(clerk)
    sending.message_deliver(message_id=row.pk)
    row.refresh_from_db()
    assert row.status == S.FAILED and "尚未验证" in row.last_error
    assert sms_gateway.requests == []  # nothing went to an unproven number

    services.mobile_code_send(actor=clerk, user=clerk)
    code = _code(sms_gateway)
    assert sms_gateway.requests[-1]["json"]["phone"] == "13912345678"
    assert not MobileCode.objects.filter(code_hash__contains=code).exists()  # kept hashed
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError, match="还可尝试4次"):
        services.mobile_verify(actor=clerk, user=clerk, code=wrong)
    assert MobileCode.objects.get().tries == 1  # the wrong try is kept
    with django_capture_on_commit_callbacks(execute=True):
        services.mobile_verify(actor=clerk, user=clerk, code=f" {code} ")
    assert ContactDetails.objects.get(user=clerk).mobile_verified_at is not None
    # the notice that failed meanwhile is sent now, once
    row.refresh_from_db()
    assert row.status == S.SENT and row.attempts == 1
    assert [r["json"]["phone"] for r in sms_gateway.requests].count("13912345678") == 2
    with pytest.raises(ValidationError, match="已验证"):
        services.mobile_code_send(actor=clerk, user=clerk)


def test_a_new_number_must_be_verified_again(personas: Personas, sms_gateway: Gateway) -> None:
    clerk = personas.clerk_a
    services.contact_set(actor=clerk, user=clerk, email="", mobile="13912345678")
    services.mobile_code_send(actor=clerk, user=clerk)
    services.mobile_verify(actor=clerk, user=clerk, code=_code(sms_gateway))
    services.contact_set(actor=clerk, user=clerk, email="", mobile="13800001111")
    assert ContactDetails.objects.get(user=clerk).mobile_verified_at is None


def test_codes_are_limited_in_rate_tries_and_time(
    personas: Personas, sms_gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = personas.clerk_a
    with pytest.raises(ValidationError, match="请先填写"):
        services.mobile_code_send(actor=clerk, user=clerk)
    services.contact_set(actor=clerk, user=clerk, email="", mobile="13912345678")
    services.mobile_code_send(actor=clerk, user=clerk)
    with pytest.raises(ValidationError, match="一分钟后"):
        services.mobile_code_send(actor=clerk, user=clerk)
    code = _code(sms_gateway)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(rules.CODE_MAX_TRIES - 1):
        with pytest.raises(ValidationError, match="还可尝试"):
            services.mobile_verify(actor=clerk, user=clerk, code=wrong)
    with pytest.raises(ValidationError, match="次数过多"):
        services.mobile_verify(actor=clerk, user=clerk, code=wrong)
    with pytest.raises(ValidationError, match="已失效"):  # even the right one, now
        services.mobile_verify(actor=clerk, user=clerk, code=code)
    # a fresh code, expired before it is typed
    MobileCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    services.mobile_code_send(actor=clerk, user=clerk)
    MobileCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="已失效"):
        services.mobile_verify(actor=clerk, user=clerk, code=_code(sms_gateway))
    # at most rules.CODES_PER_DAY a day
    MobileCode.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    for _ in range(rules.CODES_PER_DAY - MobileCode.objects.count()):
        services.mobile_code_send(actor=clerk, user=clerk)
        MobileCode.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="上限"):
        services.mobile_code_send(actor=clerk, user=clerk)


def test_a_code_the_gateway_refuses_is_not_kept(personas: Personas, sms_gateway: Gateway) -> None:
    clerk = personas.clerk_a
    services.contact_set(actor=clerk, user=clerk, email="", mobile="13912345678")
    sms_gateway.replies = [400]
    with pytest.raises(ValidationError, match="未能发送"):
        services.mobile_code_send(actor=clerk, user=clerk)
    assert not MobileCode.objects.exists()


def test_the_page_verifies_the_mobile(personas: Personas, sms_gateway: Gateway) -> None:
    client = Client()
    assert client.login(username=personas.clerk_a.username, password=PASSWORD)
    client.post("/notices/", {"action": "contact", "email": "", "mobile": "13912345678"})
    page = client.get("/notices/").content.decode()
    assert "未验证" in page and 'id="verify-form"' in page
    client.post("/notices/", {"action": "send_code"})
    answer = client.post("/notices/", {"action": "verify", "code": "12345678"})
    assert answer.status_code == 200 and "验证码不正确" in answer.content.decode()
    client.post("/notices/", {"action": "verify", "code": _code(sms_gateway)})
    page = client.get("/notices/").content.decode()
    assert "已验证" in page and 'id="verify-form"' not in page


# Quiet hours ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "start", "end", "quiet"),
    [
        ("21:59", "22:00", "08:00", False),
        ("22:00", "22:00", "08:00", True),
        ("03:00", "22:00", "08:00", True),
        ("07:59", "22:00", "08:00", True),
        ("08:00", "22:00", "08:00", False),
        ("12:30", "12:00", "14:00", True),
        ("14:00", "12:00", "14:00", False),
        ("03:00", "08:00", "08:00", False),  # the same start and end: no quiet period
    ],
)
def test_quiet_hours_may_span_midnight(at: str, start: str, end: str, quiet: bool) -> None:
    t = dt.time.fromisoformat
    assert rules.in_quiet_hours(t(at), t(start), t(end)) is quiet


def test_the_quiet_period_ends_the_next_morning_or_the_same_morning() -> None:
    t = dt.time.fromisoformat
    late = dt.datetime(2026, 12, 7, 23, 15, tzinfo=BEIJING)
    early = dt.datetime(2026, 12, 8, 6, 5, tzinfo=BEIJING)
    morning = dt.datetime(2026, 12, 8, 8, 0, tzinfo=BEIJING)
    assert rules.quiet_ends(late, t("22:00"), t("08:00")) == morning
    assert rules.quiet_ends(early, t("22:00"), t("08:00")) == morning
    assert rules.quiet_ends(morning, t("22:00"), t("08:00")) is None


def test_a_reminder_sms_waits_out_the_night_a_legal_notice_does_not(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sending, "_quiet_wait", QUIET_WAIT)  # as in production
    night = dt.datetime(2026, 12, 7, 23, 15, tzinfo=BEIJING)
    cqo = personas.cqo  # quiet hours as the platform sets them: 22:00–08:00
    monkeypatch.setattr(sending, "message_claim", _no_send)
    reminder = _sms(cqo)
    outcome = sending._quiet_wait(reminder.pk, night)
    assert outcome is not None and outcome.status == S.QUEUED
    assert outcome.retry_in == int(dt.timedelta(hours=8, minutes=45).total_seconds())
    reminder.refresh_from_db()
    assert reminder.next_attempt_at == dt.datetime(2026, 12, 8, 8, 0, tzinfo=BEIJING)
    assert reminder.attempts == 0  # no try counted
    legal = _sms(cqo, kind=RETURNED, subject="r")
    assert sending._quiet_wait(legal.pk, night) is None
    email = OutboxMessage.objects.get(recipient=cqo, kind=HOURS, channel=Channel.EMAIL)
    assert sending._quiet_wait(email.pk, night) is None
    # by day, or with quiet hours turned off, it goes
    assert sending._quiet_wait(reminder.pk, night.replace(hour=9)) is None
    services.quiet_hours_set(actor=cqo, user=cqo, enabled=False, start=dt.time(22), end=dt.time(8))
    assert sending._quiet_wait(reminder.pk, night) is None
    with pytest.raises(ValidationError):
        services.quiet_hours_set(
            actor=cqo, user=cqo, enabled=True, start=dt.time(8), end=dt.time(8)
        )


def _no_send(**kwargs: Any) -> None:
    return None  # the rows stay queued: this test asks only when they would go


def test_the_person_sets_their_quiet_hours_on_the_page(personas: Personas) -> None:
    client = Client()
    assert client.login(username=personas.cqo.username, password=PASSWORD)
    client.post("/notices/", {"action": "quiet", "enabled": "on", "start": "21:30", "end": "07:00"})
    details = ContactDetails.objects.get(user=personas.cqo)
    assert (details.quiet_hours, details.quiet_start, details.quiet_end) == (
        True,
        dt.time(21, 30),
        dt.time(7, 0),
    )
    page = client.post("/notices/", {"action": "quiet", "start": "07:00", "end": "07:00"})
    assert page.status_code == 302  # turned off: the same times are allowed then
    assert not ContactDetails.objects.get(user=personas.cqo).quiet_hours
