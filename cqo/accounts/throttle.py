"""How often one address may register an account (线上注册, page and API): at most
``CQO_REGISTER_PER_HOUR`` registrations per client address per hour, counted in Django's cache
(cqo.lib.limits). Only registrations that succeeded count, so fixing a typo in the form costs
nothing; the check comes before the form is read."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cqo.lib import limits

GROUP = "register"


def _rate() -> str:
    return f"{settings.CQO_REGISTER_PER_HOUR}/h"


def registration_refused(request: HttpRequest) -> str | None:
    """The message refusing one more registration from this request's address, or None."""
    if not limits.too_many(request, GROUP, _rate(), increment=False):
        return None
    return _("注册过于频繁：同一网络地址每小时最多注册%(n)d个账户，请稍后再试") % {
        "n": settings.CQO_REGISTER_PER_HOUR
    }


def registration_counted(request: HttpRequest) -> None:
    """Count a registration that succeeded against its address."""
    limits.hit(request, GROUP, _rate())
