from django.core.management.base import BaseCommand

from cqo.reference.services import reference_load


class Command(BaseCommand):
    help = "Load the committed reference datasets (regions, GB/T 4754) if their files changed."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--force", action="store_true", help="reload even if unchanged")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        for dataset, outcome in reference_load(force=options["force"]).items():
            self.stdout.write(f"{dataset}: {outcome}")
