"""What the imports' management commands share: the acting user and a progress bar."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError

from cqo.accounts.models import Role, User


def command_user(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        return user
    user = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("no system administrator; pass --user")
    return user


class ProgressBar:
    """A text bar on stderr, rewritten in place (at most five times a second)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.last = 0.0
        self.start = time.monotonic()

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(share * 30)
        rate = done / max(now - self.start, 1e-6)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:6.1%} {done}/{total} "
            f"({rate:,.0f} rows/s)"
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
