"""What the enterprise side's writes share: who may write, locking, the audit entry."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import models

from cqo.accounts.models import User
from cqo.audit.services import Plain, audit_record
from cqo.evaluation import selectors
from cqo.registry.models import Enterprise

QUALITY = selectors.QUALITY


def _audit(
    actor: User,
    kind: str,
    obj: models.Model,
    action: str,
    changes: Mapping[str, Plain] | None = None,
    note: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type=kind,
        target_id=str(getattr(obj, "public_id", obj.pk)),
        target_repr=str(obj),
        changes=changes or {},
        note=note,
    )


def _evaluate_check(actor: User, enterprise: Enterprise) -> None:
    """The enterprise evaluates its CQO (hangzhou-spec 考核与评价): its clerk only."""
    if not selectors.can_evaluate(actor, enterprise):
        raise PermissionDenied


def _write_check(actor: User, enterprise: Enterprise) -> None:
    """Self-assessment and quality economics: the clerk and the serving CQO."""
    if not selectors.can_write(actor, enterprise):
        raise PermissionDenied
