"""`manage.py audit_verify`: seal the pending audit entries, then walk the whole hash chain and
report (GB/T 22239-2019 8.1.4.3 c); docs/operations.md §7). Exit status 0 when the chain is
whole, 1 at any break. Run it after restoring a backup; the daily job runs it too."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cqo.audit.models import AuditVerification
from cqo.audit.services import VERIFY_BATCH, audit_verify


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "-"


class Command(BaseCommand):
    help = "Seal pending audit entries, then recompute and check the audit trail's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=VERIFY_BATCH, help="entries read per query"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        shown = [0]

        def progress(done: int, total: int) -> None:
            # a line per ~million entries on long walks
            if options["verbosity"] >= 1 and done - shown[0] >= 1_000_000:
                shown[0] = done
                self.stderr.write(f"  {done}/{total} entries")

        result = audit_verify(batch=max(1, options["batch"]), progress=progress)
        retention = {True: "met", False: "NOT MET", None: "not yet applicable"}[
            result.retention_met
        ]
        seconds = (result.finished_at - result.started_at).total_seconds()
        summary = (
            f"{result.checked} entries checked (last seq {result.last_seq or 0}) in "
            f"{seconds:.2f} s; {result.unsealed} unsealed; algorithms: "
            f"{result.algorithms or '-'}; oldest entry {_when(result.oldest_at)}; retention "
            f"floor: {retention}"
        )
        if not result.ok:
            kind = AuditVerification.Break(result.break_kind).name.lower()
            raise CommandError(
                f"BROKEN at seq {result.first_break} ({kind}); {result.breaks} break(s)\n{summary}"
            )
        if result.retention_met is False:
            raise CommandError(f"chain OK, but the trail is kept too short\n{summary}")
        self.stdout.write(self.style.SUCCESS(f"audit chain OK: {summary}"))
