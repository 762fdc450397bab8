"""Back up the database and the media directory into one archive (cqo/ops/backup.py).

python manage.py backup [FILE]     # default: <data dir>/backups/cqo-<UTC time>.tar.gz
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cqo.ops.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database and the media files into one tar.gz (no secrets)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="the archive to write")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts.get("file"):
            path = Path(opts["file"])
        else:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            path = Path(settings.DATA_DIR) / "backups" / f"cqo-{stamp}.tar.gz"
        try:
            summary = backup_create(path=path)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Backed up the {summary.vendor} database ({summary.migrations} migrations applied) "
            f"and {summary.media_files} media files to {summary.path} ({summary.bytes} bytes)."
        )
        self.stdout.write(
            "Secrets are not in the archive: keep DJANGO_SECRET_KEY, CQO_DATA_KEY, CQO_HASH_KEY, "
            "CQO_LEDGER_KEY, CQO_SM4_KEY, CQO_SM2_KEY and CQO_AUDIT_KEY (or secrets.json) safe "
            "separately; without the same data keys the restored personal data cannot be read, "
            "nor the audit trail's hash chain verified."
        )
