"""The kinds of notice. Each app declares the notices it owns when it starts (its ``ready``):
the notify app sits low in the layer order and knows none of them by name; registry, hours,
certification… import it and say what they send."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SITE = "site", _("平台内")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


ALL_CHANNELS = frozenset(Channel.values)


@dataclass(frozen=True, kw_only=True)
class NoticeKind:
    """``sms_template`` is %-formatted with ``name`` and ``deadline`` (ISO date) and must fit
    one SMS with the signature (rules.SMS_MAX_CHARS); ``legal`` notices (exit listings,
    decisions, returned filings) are served on the person and cannot be opted out of."""

    code: str
    label: str | Promise
    channels: frozenset[str] = ALL_CHANNELS
    legal: bool = False
    sms_template: str | Promise = ""
    email_subject: str | Promise = ""
    # templates/<email_template>.html and .txt
    email_template: str = "notify/email/notice"

    def __post_init__(self) -> None:
        unknown = self.channels - ALL_CHANNELS
        if unknown:
            raise ValueError(f"notice kind {self.code}: unknown channels {sorted(unknown)}")
        if Channel.SMS in self.channels and not self.sms_template:
            raise ValueError(f"notice kind {self.code}: SMS without a template")

    @property
    def may_opt_out(self) -> bool:
        return not self.legal


@dataclass(frozen=True, kw_only=True)
class NoticeContext:
    """What a notice tells the person: their name, what happened, what to do and by when.
    ``what`` and ``action`` are whole sentences in the reader's language."""

    name: str
    what: str
    action: str
    deadline: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class Notice:
    """One notice to record: to whom, of which kind, about what (the owning app's key: the same
    recipient, kind and subject is the same notice), what it says and where it links."""

    recipient: Any  # a User (this module imports no model)
    kind: str
    subject: str
    context: NoticeContext
    url: str = ""


_KINDS: dict[str, NoticeKind] = {}


def declare(kind: NoticeKind) -> None:
    """Called from an app's ``ready``; declaring the same code again replaces it (reloads)."""
    _KINDS[kind.code] = kind


def get(code: str) -> NoticeKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"no notice kind {code!r} is declared") from None


def all_kinds() -> list[NoticeKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def label_of(code: str) -> str:
    kind = _KINDS.get(code)
    return str(kind.label) if kind else str(_("通知"))
