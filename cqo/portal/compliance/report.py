"""A control of the 安全合规 report and the report itself (cqo.portal.compliance)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MET, NOT_MET, INFO = "met", "not_met", "info"

STATE_LABELS = {MET: _("符合"), NOT_MET: _("不符合"), INFO: _("提示")}


@dataclass(frozen=True)
class Control:
    area: str | Promise
    name: str | Promise
    clause: str  # the standard's clause, as its readers cite it
    state: str  # MET, NOT_MET or INFO
    now: str  # what the platform has now, in words
    action: str = ""  # what the operator must do when the control is not met, in words
    # the setting or command that does it, as the operator types it (shown as code)
    command: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value) rows

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class Report:
    at: datetime
    controls: list[Control]

    @property
    def not_met(self) -> list[Control]:
        return [c for c in self.controls if c.state == NOT_MET]
