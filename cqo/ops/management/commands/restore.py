"""Restore the database and the media directory from an archive made by ``backup``.

    python manage.py restore FILE [--no-input]

Replaces everything: the database's tables and the media files. Stop the web and Celery
processes first. The archive's manifest must match this platform (database vendor, checksums,
known migrations), or nothing is changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from cqo.ops.backup import backup_restore


class Command(BaseCommand):
    help = "Restore the database and the media files from a backup archive (replaces them)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the archive made by manage.py backup")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="do not ask to confirm"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if opts["interactive"]:
            name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
            answer = input(
                f"This replaces every table of database {name} and all media files "
                f"with the contents of {path}. Type 'yes' to continue: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            summary = backup_restore(path=path)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Restored the {summary.vendor} database ({summary.migrations} migrations applied) "
            f"and {summary.media_files} media files from {summary.path}."
        )
        self.stdout.write(
            "Secrets were not in the archive: the keys in use must be those of the backed-up "
            "platform. Run `manage.py migrate` if this code is newer than the backup."
        )
