"""What every community service shares: the audit entry, the acting CQO, trimmed and bounded
text, the region by code, and a stated reason."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import audit_record
from cqo.community import selectors
from cqo.community.models import (
    Alliance,
    Answer,
    CaseCompetition,
    Event,
    Membership,
    Post,
    Registration,
    Submission,
)
from cqo.lib import bounds
from cqo.lib.errors import Errors
from cqo.reference.models import Region
from cqo.registry.models import Person

Audited = (
    Alliance | Membership | Event | Registration | Post | Answer | CaseCompetition | Submission
)


def _audit(
    actor: User,
    obj: Audited,
    kind: str,
    action: str,
    changes: dict[str, Any],
    note: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type=kind,
        target_id=str(obj.public_id),
        target_repr=str(obj),
        changes=changes,
        note=note,
    )


def _person(actor: User) -> Person:
    person = selectors.person_of(actor)
    if person is None:
        raise PermissionDenied(_("只有已注册的首席质量官可以进行此操作"))
    return person


def _clean(value: str) -> str:
    """Trimmed; NUL is dropped: PostgreSQL text cannot hold it."""
    return (value or "").replace("\x00", "").strip()


def _text(
    errors: Errors,
    value: str,
    key: str,
    label: str,
    model: type[Model],
    *,
    required: bool = True,
) -> str:
    """``value`` trimmed, within the limit of ``model.key``; required or not."""
    value = _clean(value)
    if required and not value:
        errors.add(key, _("请填写%(label)s") % {"label": label})
    elif message := bounds.too_long(model, key, value):
        errors.add(key, message)
    return value


def _region(errors: Errors, code: str) -> Region | None:
    region = Region.objects.filter(code=(code or "")[:6]).first()
    if region is None:
        errors.add("region", _("请选择有效的行政区划代码"))
    return region


def _reason(value: str, field: str = "reason") -> str:
    value = _clean(value)
    if len(value) < 2:
        raise ValidationError({field: _("请写明原因（至少2个字）")})
    if message := bounds.too_long(Post, "hidden_reason", value):
        raise ValidationError({field: message})
    return value
