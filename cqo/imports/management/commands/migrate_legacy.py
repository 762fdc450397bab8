"""Migrate a file of a province's existing records, synchronously: a progress bar on stderr,
the summary on stdout; exit status 1 when nothing was written because of errors (or, on a dry
run, when nothing would be).

    python manage.py migrate_legacy persons FILE [--dry-run] [--good-rows] [--user USERNAME]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from cqo.imports.legacy import services
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.management.common import ProgressBar, command_user


class Command(BaseCommand):
    help = "Migrate a file of existing records (xlsx, xls, ods or csv) into the registry."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=LegacyFile.Kind.values)
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument("--good-rows", action="store_true", help="write the good rows only")
        parser.add_argument("--user", help="the migrating user (default: first platform admin)")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = command_user(opts.get("user"))
        mode = LegacyFile.Mode.GOOD_ROWS if opts["good_rows"] else LegacyFile.Mode.ALL_OR_NOTHING
        with path.open("rb") as handle:
            try:
                lf = services.legacy_create(
                    actor=user,
                    kind=opts["kind"],
                    upload=File(handle, name=path.name),
                    dry_run=opts["dry_run"],
                    mode=mode,
                )
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        # the bar is rewritten in place: no line ending, no colour
        self.stderr.ending = ""
        self.stderr.style_func = None  # type: ignore[assignment]
        bar = ProgressBar(self.stderr)
        lf = services.run_legacy(lf.pk, on_progress=bar.update)
        bar.close()
        counts = lf.counts
        self.stdout.write(
            f"{lf.file_name}: {lf.get_status_display()} — rows {lf.rows}, "
            f"created {counts['created']}, unchanged {counts['unchanged']}, "
            f"conflicts {counts['conflicts']}, errors {counts['errors']} "
            f"(sha256 {lf.sha256}, file {lf.public_id})"
        )
        if lf.message:
            self.stdout.write(lf.message)
        if lf.error_report:
            self.stdout.write(f"error report: {lf.error_report.path}")
        refused = lf.status == LegacyFile.Status.FAILED or (
            lf.dry_run
            and lf.mode == LegacyFile.Mode.ALL_OR_NOTHING
            and (counts["conflicts"] or counts["errors"])
        )
        if refused:
            sys.exit(1)
