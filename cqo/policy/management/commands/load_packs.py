"""Install policy packs: the shipped ones and ``CQO_POLICY_PACK_DIR``, or the files given."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqo.policy import services


class Command(BaseCommand):
    help = "Validate and install policy packs (TOML). A changed pack needs a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="pack files (default: every known pack)")

    def handle(self, *args: Any, files: list[str], **options: Any) -> None:
        try:
            installed = (
                services.load_files([Path(f) for f in files]) if files else services.load_all()
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.message_dict.get("text", exc.messages))) from exc
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        for item in installed:
            state = "installed" if item.created else "unchanged"
            self.stdout.write(f"{state}: {item.version} (from {item.version.effective_from})")
