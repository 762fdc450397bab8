"""Remind serving CQOs who are short of the year's study hours (SPEC §5): run it daily (cron
or a scheduled worker); it acts only on the reminder dates (CQO_HOUR_REMINDER_DATES)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqo.hours import services
from cqo.lib import clock
from cqo.policy.selectors import NoPackInForce


class Command(BaseCommand):
    help = "Send study-hour reminders to serving CQOs short of their yearly 学时."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="act as on this date (YYYY-MM-DD)")
        parser.add_argument(
            "--force", action="store_true", help="send even if today is not a reminder date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else clock.today()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        try:
            sent = services.send_reminders(day, force=options["force"])
        except NoPackInForce as exc:  # a date before any pack: nothing to remind of
            raise CommandError(exc.text()) from exc
        self.stdout.write(f"{day.isoformat()}: {len(sent)} reminders")
