"""``manage.py compliance_report [--check]``: the 安全合规 page as text (cqo.portal.compliance):
each level-3 (GB/T 22239-2019) and 密评 (GB/T 39786-2021) control with its state now. With
``--check`` the command exits 1 when a control is not met, for a monitoring job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cqo.accounts import services as accounts
from cqo.portal.compliance import compliance_report


class Command(BaseCommand):
    help = "Print each security control (等保 level 3, 密评) and its state now."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="exit 1 when a control is not met")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts.keys_register()
        report = compliance_report()
        self.stdout.write(f"安全合规 {timezone.localtime(report.at):%Y-%m-%d %H:%M}")
        area = None
        for c in report.controls:
            if c.area != area:
                area = c.area
                self.stdout.write(f"\n[{area}]")
            self.stdout.write(f"{c.state_label}  {c.name}（{c.clause}）：{c.now}")
            for label, value in c.details:
                self.stdout.write(f"    {label}：{value}")
            if c.action:
                self.stdout.write(f"    须处理：{c.action}")
            if c.command:
                self.stdout.write(f"    命令：{c.command}")
        failing = report.not_met
        self.stdout.write(f"\n{len(report.controls)} 项，不符合 {len(failing)} 项")
        if failing and options["check"]:
            raise CommandError(f"{len(failing)} controls not met")
