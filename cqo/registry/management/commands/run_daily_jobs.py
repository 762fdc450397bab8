"""`manage.py run_daily_jobs [job …]`: run the platform's periodic jobs now, in this process.

Where Celery beat runs (production) it schedules them itself (CELERY_BEAT_SCHEDULE: the daily
jobs at night, the coverage refresh every ten minutes, the audit trail's sealing every minute);
without a broker, run this daily from cron, and `run_daily_jobs coverage-refresh` (or
`coverage_refresh`) and `run_daily_jobs audit-seal` more often. Every job is idempotent, so a
second run does nothing more.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from config.celery import app


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (CQO_DAILY_JOBS, CQO_FREQUENT_JOBS, CQO_MINUTE_JOBS) in this "
        "process."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("jobs", nargs="*", help="names of jobs to run (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        app.loader.import_default_modules()
        jobs = {
            **settings.CQO_DAILY_JOBS,
            **settings.CQO_FREQUENT_JOBS,
            **settings.CQO_MINUTE_JOBS,
        }
        for name in options["jobs"] or list(jobs):
            if name not in jobs:
                self.stderr.write(f"unknown job {name!r}; jobs: {', '.join(jobs)}")
                continue
            result = app.tasks[jobs[name]].apply()
            self.stdout.write(f"{name}: {result.get()}")
