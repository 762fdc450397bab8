"""``manage.py talent_refresh [--full]``: bring the talent-pool search index up to date (it
follows the audit trail by itself; this builds it the first time, or from cron); ``--full``
rebuilds it from the registry."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from cqo.talent import index


class Command(BaseCommand):
    help = "Refresh the talent-pool search index from the audit trail, or rebuild it (--full)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--full", action="store_true", help="rebuild from the registry")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        if options["full"]:
            stats = index.rebuild()
            how = f"full: {stats.persons} persons, {stats.rows} rows"
        else:
            how = index.refresh()
        self.stdout.write(
            f"talent search index refreshed ({how}) in {time.perf_counter() - start:.1f} s"
        )
