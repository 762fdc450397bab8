"""Uploading an archive file for migration (issue 23). ``legacy_create`` checks who may migrate
what, stores the file with its SHA-256 and queues it; ``run_legacy`` (job.py) does the rest,
synchronously in the management command."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.imports import readers
from cqo.imports.legacy.catalogue import KINDS
from cqo.imports.legacy.job import run_legacy
from cqo.imports.legacy.models import LegacyFile

__all__ = ["legacy_create", "legacy_template", "may_migrate", "run_legacy"]

if TYPE_CHECKING:
    Upload = File[bytes]
else:
    Upload = File  # generic in the type stubs only


def may_migrate(actor: User) -> bool:
    """The platform admin, and a provincial regulator for records of its province (each row's
    region is checked against its scope: cqo/accounts/access.py, through the registry's
    services). A city or county regulator keeps the records it registers itself."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_platform_admin:
        return True
    return (
        actor.role == Role.REGULATOR
        and actor.region is not None
        and actor.region.level == "province"
    )


def _digest(upload: Upload) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def legacy_create(
    *,
    actor: User,
    kind: str,
    upload: Upload,
    dry_run: bool = False,
    mode: str = LegacyFile.Mode.ALL_OR_NOTHING,
) -> LegacyFile:
    """Stores an archive file of ``kind`` and queues its migration (``run_legacy``)."""
    if not may_migrate(actor):
        raise PermissionDenied(_("只有平台管理员和省级市场监管部门可以迁移历史数据"))
    errors: dict[str, list[str]] = {}
    if kind not in LegacyFile.Kind.values:
        errors["kind"] = [_("数据类别无效")]
    elif kind not in KINDS:
        errors["kind"] = [_("该类数据的迁移尚未开放")]
    if mode not in LegacyFile.Mode.values:
        errors["mode"] = [_("导入方式无效")]
    name = readers.upload_name(upload, errors)
    sha256, size = _digest(upload)
    if size == 0:
        raise ValidationError({"file": [_("文件为空")]})
    lf = LegacyFile(
        kind=kind,
        file_name=name,
        sha256=sha256,
        size=size,
        mode=mode,
        dry_run=dry_run,
        uploaded_by=actor,
    )
    lf.file.save(name, upload, save=False)
    lf.save()
    return lf


def legacy_template(kind: str) -> bytes:
    """The xlsx template of a kind the migration reads."""
    return KINDS[kind].template()
