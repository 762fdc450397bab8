"""SMS gateways. The platform speaks to an operator through one small protocol; the generic
HTTP adapter posts JSON (template id, phone, params, text) signed with HMAC-SHA256, which an
operator's own API is wrapped to accept; the logging adapter (the embedded default) only
writes the message to the log."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Sms:
    phone: str
    template_id: str
    params: dict[str, str] = field(default_factory=dict)
    text: str  # the whole message as the person reads it (≤ rules.SMS_MAX_CHARS)
    idempotency_key: str  # the same for every try of one row: the gateway drops a repeat


class GatewayError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SmsGateway(Protocol):
    def send(self, sms: Sms) -> None: ...


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>\\n<body>" in hex: the receiver recomputes it with the
    shared secret and refuses a message whose timestamp is old (a replay)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()


class HttpGateway:
    def __init__(self, *, url: str, secret: str, timeout: float) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout

    def send(self, sms: Sms) -> None:
        body = json.dumps(
            {
                "template_id": sms.template_id,
                "phone": sms.phone,
                "params": sms.params,
                "text": sms.text,
            },
            ensure_ascii=False,
        ).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's, from settings)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": sms.idempotency_key,
                "X-Timestamp": timestamp,
                "X-Signature": signature(self.secret, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            # 4xx: the request itself is refused (a bad number, a template not approved);
            # 429 and 5xx: the gateway is busy or down, try later
            permanent = 400 <= exc.code < 500 and exc.code != 429
            raise GatewayError(
                _("短信网关拒绝：HTTP %(code)s") % {"code": exc.code}, permanent=permanent
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise GatewayError(_("无法连接短信网关")) from exc


class LoggingGateway:
    def send(self, sms: Sms) -> None:
        log.info("SMS to %s (%s): %s", sms.phone[:3] + "****", sms.template_id, sms.text)


def gateway() -> SmsGateway:
    if settings.CQO_SMS_URL:
        return HttpGateway(
            url=settings.CQO_SMS_URL,
            secret=settings.CQO_SMS_SECRET,
            timeout=settings.CQO_SMS_TIMEOUT,
        )
    return LoggingGateway()
