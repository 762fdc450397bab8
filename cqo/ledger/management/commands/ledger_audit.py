"""`manage.py ledger_audit`: recompute the hour log from its entries and report the first
divergence (SPEC §12.14). Exit status 0 when everything matches, 1 otherwise. Run it after
restoring a backup, and regularly (cron) to catch changes made behind the platform's back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqo.ledger.audit import ledger_audit


class Command(BaseCommand):
    help = "Recompute every leaf hash, subtree node and checkpoint root of the hour log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=65536, help="entries read per query")

    def handle(self, *args: Any, **options: Any) -> None:
        step = max(1, options["batch"])
        shown = [0]

        def progress(done: int, total: int) -> None:
            # a line per ~million entries on long audits
            if options["verbosity"] >= 1 and done - shown[0] >= 1_000_000:
                shown[0] = done
                self.stderr.write(f"  {done}/{total} entries")

        report = ledger_audit(batch=step, progress=progress)
        summary = (
            f"{report.entries} entries, {report.nodes} subtree nodes, "
            f"{report.checkpoints} checkpoints in {report.seconds:.2f} s "
            f"({report.rate:,.0f} entries/s)"
        )
        if not report.ok:
            raise CommandError(
                f"DIVERGENCE at {report.kind} {report.position}: {report.reason}\n"
                f"checked before it: {summary}"
            )
        self.stdout.write(self.style.SUCCESS(f"ledger OK: tree size {report.size}; {summary}"))
