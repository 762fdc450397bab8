"""Uploading an archive file for migration. ``legacy_create`` checks who may migrate what, stores
the file with its SHA-256 and queues it; ``run_legacy`` (job.py) does the rest: synchronously in
the management command, in the background for the page (``legacy_launch``, as the
enterprise-list import starts its jobs). ``legacy_confirm`` migrates for real a file whose dry
run found nothing wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.imports import readers
from cqo.imports.background import start_job
from cqo.imports.legacy.catalogue import KINDS
from cqo.imports.legacy.job import run_legacy
from cqo.imports.legacy.models import LegacyFile

__all__ = [
    "legacy_confirm",
    "legacy_create",
    "legacy_launch",
    "legacy_template",
    "may_migrate",
    "run_legacy",
]

# the Celery task that migrates a file on a worker (cqo/imports/tasks.py)
TASK = "cqo.imports.tasks.run_legacy"

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


@transaction.atomic
def legacy_create(
    *,
    actor: User,
    kind: str,
    upload: Upload,
    dry_run: bool = False,
    mode: str = LegacyFile.Mode.ALL_OR_NOTHING,
    start: bool = False,
) -> LegacyFile:
    """Stores an archive file of ``kind`` and queues its migration: ``start`` launches it in the
    background once the upload commits, otherwise the caller runs ``run_legacy`` itself."""
    if not may_migrate(actor):
        raise PermissionDenied(_("只有系统管理员和省级市场监管部门可以迁移历史数据"))
    errors: dict[str, list[str]] = {}
    if kind not in LegacyFile.Kind.values:
        errors["kind"] = [_("数据类别无效")]
    elif kind not in KINDS:
        errors["kind"] = [_("该类数据的迁移尚未开放")]
    if mode not in LegacyFile.Mode.values:
        errors["mode"] = [_("导入方式无效")]
    name = readers.upload_name(upload, errors)
    sha256, size = readers.upload_digest(upload)
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
    if start:
        pk = lf.pk
        transaction.on_commit(lambda: legacy_launch(pk))
    return lf


def legacy_launch(file_id: int) -> None:
    """Runs a queued file in the background: a Celery worker when a broker is configured, a
    thread of this process otherwise."""
    start_job(file_id, run=run_legacy, queue=_queue, name="cqo-legacy")


def _queue(file_id: int) -> None:
    # by the task's registered name: its module (cqo/imports/tasks.py) imports this package
    current_app.send_task(TASK, args=[file_id])


def may_confirm(source: LegacyFile) -> bool:
    """Whether a file's dry run clears it for the real migration: it checked every row and found
    no error and no conflict."""
    counts = source.counts or {}
    return (
        source.dry_run
        and source.status == LegacyFile.Status.CHECKED
        and not counts.get("errors")
        and not counts.get("conflicts")
    )


@transaction.atomic
def legacy_confirm(*, actor: User, source: LegacyFile, start: bool = True) -> LegacyFile:
    """Migrates for real the very file a dry run checked: a new ``LegacyFile`` on the same
    stored file (same SHA-256), same mode, no dry run, queued like an upload."""
    if not may_migrate(actor):
        raise PermissionDenied(_("只有系统管理员和省级市场监管部门可以迁移历史数据"))
    if not may_confirm(source):
        raise ValidationError(_("只有检查无误的仅检查文件可以正式导入"), code="not_checked")
    lf = LegacyFile(
        kind=source.kind,
        file_name=source.file_name,
        file=source.file.name,
        sha256=source.sha256,
        size=source.size,
        mode=source.mode,
        dry_run=False,
        uploaded_by=actor,
    )
    lf.save()
    if start:
        pk = lf.pk
        transaction.on_commit(lambda: legacy_launch(pk))
    return lf


def legacy_template(kind: str) -> bytes:
    """The xlsx template of a kind the migration reads."""
    return KINDS[kind].template()
