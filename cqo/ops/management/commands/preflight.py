"""Check that production's PostgreSQL and Redis are configured and reachable (make serve-prod).

python manage.py preflight      # exit status 1 with each problem named
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cqo.ops.preflight import preflight_problems


class Command(BaseCommand):
    help = "Check that DATABASE_URL reaches PostgreSQL and REDIS_URL reaches Redis."

    def handle(self, *args: Any, **opts: Any) -> None:
        problems = preflight_problems()
        if problems:
            raise CommandError(
                "Production cannot start:\n" + "\n".join(f"  - {p}" for p in problems)
            )
        self.stdout.write("PostgreSQL and Redis are reachable.")
