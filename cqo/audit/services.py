from __future__ import annotations

from typing import Any

from django.db import models

from cqo.audit.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str, dict)):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Values of ``fields`` as JSON-safe data, for a before/after comparison."""
    return {name: _plain(getattr(obj, name)) for name in fields}


_EMPTY: tuple[Any, ...] = (None, "", [], {})


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed; "no value" in any form (None, "", []) counts as one value."""
    changed = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new and not (old in _EMPTY and new in _EMPTY):
            changed[key] = [old, new]
    return changed


def audit_record(
    *,
    actor: Any,
    action: str,
    target_type: str,
    target_id: str,
    target_repr: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=(user.get_username() if user else "system"),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_repr=str(target_repr)[:200],
        changes=changes or {},
        note=note,
    )
