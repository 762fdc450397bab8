"""The two channels against real servers on 127.0.0.1: an SMTP server (aiosmtpd) receiving the
Chinese mail, and an HTTP SMS gateway checking the signature and the body."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from django.conf import settings

from cqo.notify import kinds, rules, sending, services
from cqo.notify.kinds import Channel
from cqo.notify.models import ContactDetails, OutboxMessage
from cqo.test import Personas
from tests.notify.conftest import HOURS, Gateway, Mailbox, context

pytestmark = pytest.mark.django_db

S = OutboxMessage.Status


def send_to(p: Personas, channel: str, subject: str = "2026:11-01") -> OutboxMessage:
    rows = services.notice_send(
        recipient=p.cqo, kind=HOURS, subject=subject, context=context(), url="/hours/"
    )
    return next(r for r in rows if r.channel == channel)


# E-mail ----------------------------------------------------------------------------------------


def test_the_smtp_server_receives_a_chinese_mail_with_name_and_link(
    personas: Personas, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row = send_to(personas, Channel.EMAIL)
    assert len(smtp_server.received) == 1
    mail = smtp_server.received[0]
    assert smtp_server.envelopes[0].rcpt_tos == [personas.cqo.email]
    assert str(mail["Subject"]).strip() == "【首席质量官管理平台】学时提醒"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    link = settings.SITE_URL + "/hours/"
    for body in (text, html):
        assert "李堃，您好" in body
        assert "继续教育学时尚未达标" in body
        assert "补足本年度学时" in body
        assert "2026-12-31" in body
        assert link in body
    assert f'href="{link}"' in html
    row.refresh_from_db()
    assert row.status == S.SENT and row.address_shown == personas.cqo.email
    # the Message-ID carries the row's key: a repeat after a crash is recognisable
    assert mail["Message-ID"] == f"<notice-{row.idempotency_key}@127.0.0.1>"


def test_a_refused_address_is_shown_to_the_person_and_kept(
    personas: Personas, smtp_server: Mailbox
) -> None:
    smtp_server.refuse.add(personas.cqo.email)
    row = send_to(personas, Channel.EMAIL)
    assert sending.message_deliver(message_id=row.pk).status == S.FAILED
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_error == "收件地址被拒收（退信）"
    assert ContactDetails.objects.get(user=personas.cqo).email_failure == row.last_error
    assert smtp_server.received == []


def test_a_server_that_is_down_is_tried_again(personas: Personas, settings: Any) -> None:
    from tests.notify.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    row = send_to(personas, Channel.EMAIL)
    outcome = sending.message_deliver(message_id=row.pk)
    assert outcome.status == S.QUEUED and outcome.retry_in == rules.backoff_seconds(1)
    row.refresh_from_db()
    assert row.last_error == "无法连接邮件服务器"


# SMS -------------------------------------------------------------------------------------------


def test_the_gateway_receives_a_signed_request(
    personas: Personas, sms_gateway: Gateway, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row = send_to(personas, Channel.SMS)
    assert len(sms_gateway.requests) == 1
    request = sms_gateway.requests[0]
    headers = request["headers"]
    expected = hmac.new(
        b"test-signing-secret",
        headers["X-Timestamp"].encode() + b"\n" + request["raw"],
        hashlib.sha256,
    ).hexdigest()
    assert hmac.compare_digest(headers["X-Signature"], expected)
    row.refresh_from_db()
    assert headers["Idempotency-Key"] == row.idempotency_key
    body = request["json"]
    assert body["template_id"] == HOURS  # no operator template id configured
    assert body["phone"] == "13800138000"  # the mobile filed on the registration
    assert body["params"] == {"name": "李堃", "deadline": "2026-12-31"}
    assert body["text"].startswith("【首席质量官平台】李堃，")
    assert len(body["text"]) <= rules.SMS_MAX_CHARS
    assert row.status == S.SENT and row.address_shown == "138****8000"


def test_the_operators_template_id_is_sent(
    personas: Personas, sms_gateway: Gateway, settings: Any
) -> None:
    settings.CQO_SMS_TEMPLATE_IDS = {HOURS: "SMS_20261101"}
    row = send_to(personas, Channel.SMS)
    sending.message_deliver(message_id=row.pk)
    assert sms_gateway.requests[0]["json"]["template_id"] == "SMS_20261101"


def test_a_busy_gateway_is_tried_again_with_the_same_key(
    personas: Personas, sms_gateway: Gateway
) -> None:
    sms_gateway.replies = [503, 429]
    row = send_to(personas, Channel.SMS)
    outcomes = [sending.message_deliver(message_id=row.pk) for _ in range(3)]
    assert [o.status for o in outcomes] == [S.QUEUED, S.QUEUED, S.SENT]
    assert [o.retry_in for o in outcomes] == [60, 120, None]
    keys = {r["headers"]["Idempotency-Key"] for r in sms_gateway.requests}
    assert len(sms_gateway.requests) == 3 and len(keys) == 1


def test_a_refused_number_fails_at_once_and_is_kept(
    personas: Personas, sms_gateway: Gateway
) -> None:
    sms_gateway.replies = [400]
    row = send_to(personas, Channel.SMS)
    assert sending.message_deliver(message_id=row.pk).status == S.FAILED
    details = ContactDetails.objects.get(user=personas.cqo)
    assert details.mobile_failure == "短信网关拒绝：HTTP 400"


def test_without_a_gateway_the_sms_is_only_logged(
    personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    row = send_to(personas, Channel.SMS)
    with caplog.at_level("INFO", logger="cqo.notify.sms"):
        assert sending.message_deliver(message_id=row.pk).status == S.SENT
    assert "138****" in caplog.text and "13800138000" not in caplog.text


@pytest.mark.parametrize("kind", kinds.all_kinds(), ids=lambda k: k.code)
def test_every_kinds_sms_fits_one_message(kind: kinds.NoticeKind) -> None:
    # the longest values: a name at the limit, an ISO date
    text = rules.sms_text(
        signature=settings.CQO_SMS_SIGNATURE,
        template=str(kind.sms_template),
        name="欧阳" * 20,
        deadline="2026-12-31",
    )
    assert len(text) <= rules.SMS_MAX_CHARS
    assert not text.endswith("…"), "the template itself should fit, not be cut"


def test_without_an_smtp_server_the_mail_is_written_under_the_data_dir(
    personas: Personas, settings: Any, tmp_path: Any
) -> None:
    # the embedded default (config/settings.py without EMAIL_HOST)
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    row = send_to(personas, Channel.EMAIL)
    assert sending.message_deliver(message_id=row.pk).status == S.SENT
    [written] = list((tmp_path / "mail").iterdir())
    assert f"To: {personas.cqo.email}" in written.read_text()
