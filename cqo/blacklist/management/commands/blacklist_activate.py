"""`manage.py blacklist_activate`: apply exit listings whose start date has come (SPEC §12.15).

Run it daily (cron). Idempotent: a listing once applied is recorded and never applied again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqo.blacklist import services


class Command(BaseCommand):
    help = "End the filed appointments of persons whose exit listing has come into force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to apply (YYYY-MM-DD); default: today")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        applied = services.activate_due_listings(today)
        for listing in applied:
            ended = listing.ended_appointments.count()
            self.stdout.write(f"{listing.public_id} {listing.person.name}: {ended} ended")
        self.stdout.write(self.style.SUCCESS(f"{len(applied)} exit listing(s) applied"))
