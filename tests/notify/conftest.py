"""Shared helpers of the notify tests: a notice's context, a local SMTP server (aiosmtpd) and a
local SMS gateway (http.server), both on 127.0.0.1 and stopped after the test."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cqo.lib import clock
from cqo.notify import sending
from cqo.notify.kinds import NoticeContext
from cqo.notify.models import OutboxMessage
from tests.certification.conftest import World
from tests.certification.conftest import world as _certification_world  # noqa: F401  (fixture)

HOURS = "hours.reminder"  # a reminder: may be opted out of
RETURNED = "registry.filing_returned"  # a legal notice: may not


QUIET_WAIT = sending._quiet_wait
# the day the notices of the workflows are sent on (on_today)
TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def on_today(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any) -> None:
    """The workflows' day is TODAY and their uploads go to a folder of the test's own."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(request: pytest.FixtureRequest) -> World:
    """The certification tests' world: a body, its experts, the CQO recommended."""
    return request.getfixturevalue("_certification_world")


def channels(**filters: Any) -> list[str]:
    """The channels of the outbox rows matching ``filters``, sorted."""
    return sorted(OutboxMessage.objects.filter(**filters).values_list("channel", flat=True))


@pytest.fixture(autouse=True)
def _daytime(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests deliver as by day, whenever they run: quiet hours are tested on their own
    (test_verification.py), with the times they name."""
    monkeypatch.setattr(sending, "_quiet_wait", lambda message_id, now: None)


def context(name: str = "李堃", **overrides: Any) -> NoticeContext:
    data: dict[str, Any] = {
        "name": name,
        "what": "您2026年度的继续教育学时尚未达标：已修 12 学时，应修 40 学时。",
        "action": "请在年底前参加培训或登记学习活动，补足本年度学时。",
        "deadline": dt.date(2026, 12, 31),
    }
    data.update(overrides)
    return NoticeContext(**data)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received; RCPT TO addresses in ``refuse`` get 550 (a bounce)."""

    port: int = 0
    refuse: set[str] = field(default_factory=set)
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = box.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class Gateway:
    """What the SMS gateway received; answers with the codes of ``replies`` in turn (then
    200)."""

    url: str = ""
    replies: list[int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def sms_gateway(settings: Any) -> Iterator[Gateway]:
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            gateway.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "raw": body,
                    "json": json.loads(body),
                }
            )
            code = gateway.replies.pop(0) if gateway.replies else 200
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}' if code == 200 else b'{"ok": false}')

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    settings.CQO_SMS_URL = gateway.url
    settings.CQO_SMS_SECRET = "test-signing-secret"
    settings.CQO_SMS_TIMEOUT = 5
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
