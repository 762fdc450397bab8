"""What the certification services share: audit, checks of typed input, uploads, the standard."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.certification import selectors
from cqo.certification.models import CertificationBody
from cqo.certification.selectors import spec_for
from cqo.lib import bounds, clock, parse, uploads
from cqo.lib.errors import Errors
from cqo.training.auditing import audit

if TYPE_CHECKING:
    Upload = UploadedFile[bytes]
else:
    Upload = UploadedFile
# The limit of a typed text with no model field of its own (a supervision action's reason and
# evidence note, a reissue's reason); the others take their field's max_length.
TEXT_MAX = bounds.STATEMENT
REASON_MIN = 4

__all__ = ["Errors", "Upload", "audit", "spec_for"]


def bounded(
    errors: Errors,
    key: str,
    value: str,
    *,
    minimum: int = 1,
    maximum: int = TEXT_MAX,
    message: str = "",
) -> str:
    value = parse.text(value)
    if len(value) < minimum:
        errors.add(key, message or _("请填写"))
    elif len(value) > maximum:
        errors.add(key, _("不能超过%(n)d个字") % {"n": maximum})
    return value


def date_field(
    errors: Errors,
    key: str,
    value: dt.date | None,
    *,
    required: bool = True,
    not_future: bool = True,
) -> dt.date | None:
    if value is None:
        if required:
            errors.add(key, _("请填写日期"))
        return None
    if value.year < 1950:
        errors.add(key, _("日期不能早于1950年"))
        return None
    if not_future and value > clock.today():
        errors.add(key, _("日期不能晚于今天"))
        return None
    return value


def check_upload(
    errors: Errors, key: str, upload: Upload | None, *, required: bool = True
) -> Upload | None:
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


def require_staff(actor: User, body: CertificationBody | None) -> None:
    if not selectors.is_staff_of(actor, body):
        raise PermissionDenied(_("只有该认定主体的工作人员可以办理"))


def require_admin(actor: User) -> None:
    if not selectors.is_admin(actor):
        raise PermissionDenied(_("只有系统管理员可以管理认定主体和专家"))
