"""The platform's one clock. Rules read dates through ``clock.today()`` (a module attribute, so a
test can freeze it in one place), in the configured zone (Asia/Shanghai), not the host's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
