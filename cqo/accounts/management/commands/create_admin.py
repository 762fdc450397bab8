"""``manage.py create_admin --role admin|security|auditor USERNAME``: make one of the three
administrators (三员分立, GB/T 22239-2019 8.1.4.2 d); cqo/accounts/duties.py), or set a new
password for one. Administrators' accounts are changed only here, on the server, never from the
web. The password is asked for twice, or read from the file given with --password-file (its
first line); --no-password makes an account that cannot sign in until one is set."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cqo.accounts import duties, services


class Command(BaseCommand):
    help = "Create a system, security or audit administrator, or set one's password."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            choices=sorted(duties.ADMINISTRATORS),
            help="admin: 系统管理员; security: 安全管理员; auditor: 审计管理员",
        )
        parser.add_argument("--name", default="", help="the name the pages show (显示名称)")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--password-file", type=Path, help="read the password from this file")
        source.add_argument("--no-password", action="store_true", help="set no password")

    def _password(self, options: dict[str, Any]) -> str | None:
        if options["no_password"]:
            return None
        if options["password_file"] is not None:
            lines = options["password_file"].read_text(encoding="utf-8").splitlines()
            if not lines or not lines[0]:
                raise CommandError("the password file is empty")
            return str(lines[0])
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the two passwords differ")
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = services.administrator_set(
                username=options["username"],
                role=options["role"],
                password=self._password(options),
                display_name=options["name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{user.username}: {user.get_role_display()}")
