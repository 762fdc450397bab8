"""``manage.py coverage_refresh [--full]``: bring the coverage aggregate up to date (after an
enterprise-list import, or from cron); ``--full`` rebuilds it from the registry."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from cqo.coverage import aggregate


class Command(BaseCommand):
    help = "Refresh the coverage aggregate from the audit trail, or rebuild it (--full)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--full", action="store_true", help="rebuild from the registry")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        if options["full"]:
            stats = aggregate.rebuild()
            how = (
                f"full: {stats.cells} cells, {stats.enterprises} enterprises, "
                f"{stats.spans} spans, {stats.counts} counts, {stats.persons} persons"
            )
        else:
            how = aggregate.refresh()
        self.stdout.write(
            f"coverage aggregate refreshed ({how}) in {time.perf_counter() - start:.1f} s"
        )
