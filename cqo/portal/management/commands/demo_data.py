"""`manage.py demo_data`: a believable Shaanxi province with a login for every role (README)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError

from cqo.audit.services import audit_verify
from cqo.portal import demo


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Build demo data: 2,000 enterprises in Shaanxi, CQOs, filings and a login per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same data)"
        )
        parser.add_argument("--enterprises", type=int, default=2000, help="number of enterprises")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--reset",
            action="store_true",
            help="first delete ALL registry data (enterprises, persons, filings) and demo users",
        )
        mode.add_argument(
            "--if-empty", action="store_true", help="do nothing if the registry already holds data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.demo_exists():
            if options["if_empty"]:
                self.stdout.write("The registry already holds data; demo data not loaded.")
                self._existing_logins()
                return
            if not options["reset"]:
                raise CommandError(
                    "Demo data (or other registry data) already exists. Run with --reset to "
                    "delete all registry data and the demo users and build it again."
                )
            try:
                deleted = demo.demo_reset()
            except ProtectedError as exc:
                raise CommandError(
                    f"Cannot reset: other records use registry rows ({exc})"
                ) from exc
            self.stdout.write(f"Deleted {deleted}")
        try:
            result = demo.build_demo(options["seed"], options["enterprises"], self.stdout)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.status_counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data built in {result.seconds:.1f}s: {result.plan.enterprises} "
                f"enterprises, {result.plan.persons} persons; appointments: {counts}"
            )
        )
        # the demo's trail sealed into the hash chain and verified once, as the periodic jobs
        # would (the audit administrator's page then shows the chain's status)
        verified = audit_verify()
        self.stdout.write(
            f"Audit trail: {verified.checked} entries in the hash chain, "
            f"{'whole' if verified.ok else 'BROKEN'}."
        )
        self._table(result.logins)
        name, id_number = result.appointable
        self.stdout.write(
            f"\nRegistered in 610113, not yet appointed — log in as clerk and appoint:\n"
            f"  姓名 {name}  身份证号 {id_number}\n"
        )

    def _existing_logins(self) -> None:
        """Remind a returning user of the demo logins still present (make run, second time)."""
        from cqo.accounts.models import User

        names = list(
            User.objects.filter(username__in=demo.DEMO_USERS, is_active=True)
            .order_by("pk")
            .values_list("username", flat=True)
        )
        if names:
            self.stdout.write(f"Demo logins (password {demo.PASSWORD}): {', '.join(names)}")

    def _table(self, logins: list[tuple[str, str, str]]) -> None:
        rows = [
            ("用户名", "密码", "角色", "范围"),
            *((u, demo.PASSWORD, r, s) for u, r, s in logins),
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        self.stdout.write("\n" + rule)
        for i, row in enumerate(rows):
            cells = [_pad(cell, w) for cell, w in zip(row, widths, strict=True)]
            self.stdout.write("| " + " | ".join(cells) + " |")
            if i == 0:
                self.stdout.write(rule)
        self.stdout.write(rule)
