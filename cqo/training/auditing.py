"""The audit entry of a change to a record of training or certification (its history page shows
them)."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from cqo.accounts.models import User
from cqo.audit.services import audit_record


class Audited(Protocol):
    """A record addressed by its public id."""

    @property
    def public_id(self) -> uuid.UUID: ...


def audit(
    actor: User | None,
    target_type: str,
    obj: Audited,
    action: str,
    changes: dict[str, Any],
    note: str = "",
) -> None:
    """``changes`` maps each field to its [before, after] (cqo.audit.services.diff)."""
    audit_record(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(obj.public_id),
        target_repr=str(obj),
        changes=changes,
        note=note,
    )
