"""The platform's one clock. Rules read dates through ``clock.today()`` (a module attribute, so a
test can freeze it in one place), in the configured zone (Asia/Shanghai), not the host's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    # the configured zone (cached by Django), not the one a request may have activated: reading
    # that goes through a context-local lookup, the larger part of a call made on every row
    return timezone.now().astimezone(timezone.get_default_timezone()).date()
