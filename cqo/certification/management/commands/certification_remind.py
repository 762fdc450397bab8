"""Remind holders and their enterprises to apply for re-certification before the certificate
expires (level-standard §9.4.1.3; the days are the pack's ``reminder_days``, 90, 30 and 7).
Run it daily; it is idempotent (one reminder per certificate, recipient and threshold)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqo.certification import services
from cqo.lib import clock
from cqo.policy.selectors import NoPackInForce


class Command(BaseCommand):
    help = "Send re-certification reminders for level certificates nearing expiry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="act as on this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else clock.today()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        try:
            sent = services.send_reminders(day)
        except NoPackInForce as exc:  # a date before the level standard's pack: nothing to do
            raise CommandError(exc.text()) from exc
        self.stdout.write(f"{day.isoformat()}: {len(sent)} reminders")
