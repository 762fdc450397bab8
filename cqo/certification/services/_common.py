"""What the certification services share: audit, input coercion, uploads, the standard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import audit_record
from cqo.certification import selectors
from cqo.certification.models import CertificationBody
from cqo.lib import bounds, clock, uploads
from cqo.lib.errors import Errors
from cqo.lib.errors import text as text_field
from cqo.policy import schema

Data = dict[str, Any]
# The limit of a typed text with no model field of its own (a supervision action's reason and
# evidence note, a reissue's reason); the others take their field's max_length.
TEXT_MAX = bounds.STATEMENT
REASON_MIN = 4

__all__ = ["Errors", "text_field"]


def audit(
    actor: User | None, target_type: str, obj: Any, action: str, changes: Data, note: str = ""
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(obj.public_id),
        target_repr=str(obj),
        changes=changes,
        note=note,
    )


def bounded(
    errors: Errors,
    data: Any,
    key: str,
    *,
    minimum: int = 1,
    maximum: int = TEXT_MAX,
    message: str = "",
) -> str:
    value = text_field(data, key)
    if len(value) < minimum:
        errors.add(key, message or _("请填写"))
    elif len(value) > maximum:
        errors.add(key, _("不能超过%(n)d个字") % {"n": maximum})
    return value


def date_field(
    errors: Errors, data: Any, key: str, *, required: bool = True, not_future: bool = True
) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            errors.add(key, _("请填写日期"))
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            errors.add(key, _("日期格式应为 YYYY-MM-DD"))
            return None
    if value.year < 1950:
        errors.add(key, _("日期不能早于1950年"))
        return None
    if not_future and value > clock.today():
        errors.add(key, _("日期不能晚于今天"))
        return None
    return value


def check_upload(
    errors: Errors, key: str, upload: Any, *, required: bool = True
) -> UploadedFile | None:
    if not upload:
        if required:
            errors.add(key, _("请上传文件"))
        return None
    if not isinstance(upload, UploadedFile):
        errors.add(key, _("请上传文件"))
        return None
    # type by content, size (CQO_UPLOAD_MAX_DOCUMENT_BYTES), image dimensions
    try:
        uploads.check_document(upload)
    except ValidationError as exc:
        errors.add(key, exc)
        return None
    return upload


def spec_for(
    body: CertificationBody, on: dt.date | None = None
) -> tuple[Any, schema.Pack, schema.Certification]:
    version, pack = selectors.standard(body, on or clock.today())
    return version, pack, selectors.spec_of(pack)


def require_staff(actor: User, body: CertificationBody) -> None:
    if not selectors.is_staff_of(actor, body):
        raise PermissionDenied(_("只有该认定主体的工作人员可以办理"))


def require_admin(actor: User) -> None:
    if not selectors.is_admin(actor):
        raise PermissionDenied(_("只有平台管理员可以管理认定主体和专家"))
