"""``manage.py rotate_data_keys [--rehash]``: re-encrypt the stored personal data with the current
data key of the current suite (CQO_CRYPTO_SUITE: moving rows between Fernet and SM4-GCM, their
lookup hashes with them), and recompute the lookup hashes with the current hash key; see
cqo/registry/services/keys.py and the operations guide."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from cqo.lib import crypto
from cqo.registry.services import keys


class Command(BaseCommand):
    help = "Re-encrypt personal data with the current data key (--rehash: new lookup hashes too)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--rehash",
            action="store_true",
            help="recompute the ID number and mobile lookup hashes with the current CQO_HASH_KEY",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        done = keys.rotate(rehash=options["rehash"])
        self.stdout.write(
            f"re-encrypted {done.persons} persons, {done.enterprises} enterprises and "
            f"{done.contacts} notice contacts"
            f" ({crypto.suite()} suite)"
            f"{' (lookup hashes recomputed)' if options['rehash'] else ''} "
            f"in {time.perf_counter() - start:.1f} s"
        )
