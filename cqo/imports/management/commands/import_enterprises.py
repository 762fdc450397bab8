"""Import an official enterprise list from the command line, synchronously, with a progress
bar on stderr and the summary on stdout; exit status 1 when the list was not (fully) imported.

    python manage.py import_enterprises FILE --region 610113 --as-of 2026-06-30 [--good-rows]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from cqo.imports import services
from cqo.imports.management.common import ProgressBar, command_user
from cqo.imports.models import EnterpriseList


class Command(BaseCommand):
    help = "Import an official enterprise list (xlsx, xls, ods or csv)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--region", required=True, help="GB/T 2260 code of the list")
        parser.add_argument("--as-of", required=True, help="the list's as-of date, YYYY-MM-DD")
        parser.add_argument("--reference-year", type=int, help="default: the as-of year")
        parser.add_argument("--good-rows", action="store_true", help="import the good rows")
        parser.add_argument("--user", help="the importing user (default: first platform admin)")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            as_of = dt.date.fromisoformat(opts["as_of"])
        except ValueError as exc:
            raise CommandError("--as-of must be YYYY-MM-DD") from exc
        user = command_user(opts.get("user"))
        handle = path.open("rb")
        upload = File(handle, name=path.name)
        try:
            lst = services.list_create(
                actor=user,
                upload=upload,
                as_of=as_of,
                region=opts["region"],
                mode=(
                    EnterpriseList.Mode.GOOD_ROWS
                    if opts["good_rows"]
                    else EnterpriseList.Mode.ALL_OR_NOTHING
                ),
                reference_year=opts.get("reference_year"),
                start=False,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in _errors(exc))) from exc
        finally:
            handle.close()
        bar = ProgressBar(sys.stderr)
        lst = services.run_import(lst.pk, on_progress=bar.update)
        bar.close()
        self.stdout.write(
            f"{lst.file_name}: {lst.get_status_display()} — rows {lst.rows_total}, "
            f"ok {lst.rows_ok}, bad {lst.rows_bad}, created {lst.created_count}, "
            f"updated {lst.updated_count} (list {lst.public_id})"
        )
        if lst.message:
            self.stdout.write(lst.message)
        if lst.error_report:
            self.stdout.write(f"error report: {lst.error_report.path}")
        if lst.status != EnterpriseList.Status.DONE or lst.rows_bad:
            sys.exit(1)


def _errors(exc: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        return list(exc.message_dict.items())
    return [("file", exc.messages)]
