"""A migrated archive file and the provenance of every record it created (issue 23).

A ``LegacyFile`` is one file of a province's existing records (人员, 聘任备案, 培训合格证, 能力水平
证书, 学时记录) as uploaded: its SHA-256, how it was brought in and what came of it. A
``LegacyOrigin`` ties each record the file created to the file and row it came from, so a migrated
record stays distinguishable from one made in the platform (registered by whom, when, from what).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds
from cqo.lib.bounds import text_field


def _counts() -> dict[str, int]:
    return {"created": 0, "unchanged": 0, "conflicts": 0, "errors": 0}


class LegacyFile(models.Model):
    class Kind(models.TextChoices):
        # every kind is declared now, so the choices (and the migration) stay as they are when
        # the later kinds are built
        PERSONS = "persons", _("人员")
        APPOINTMENTS = "appointments", _("聘任备案")
        TRAINING_CERTIFICATES = "training_certificates", _("培训合格证")
        LEVEL_CERTIFICATES = "level_certificates", _("能力水平证书")
        HOURS = "hours", _("学时记录")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        CHECKED = "checked", _("已检查（未写入）")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("有错误行则全部不导入")
        GOOD_ROWS = "good_rows", _("只导入正确的行")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("数据类别"), max_length=30, choices=Kind.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("原始文件"), upload_to="imports/legacy/%Y/")
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    mode = models.CharField(
        _("导入方式"), max_length=20, choices=Mode.choices, default=Mode.ALL_OR_NOTHING
    )
    dry_run = models.BooleanField(_("仅检查不写入"), default=False)
    counts = models.JSONField(_("处理结果"), default=_counts)
    error_report = models.FileField(
        _("错误报告"), upload_to="imports/legacy-errors/%Y/", blank=True
    )
    progress_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    progress_total = models.PositiveIntegerField(_("总行数"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    message = text_field(_("说明"), max_length=bounds.STATEMENT, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("历史数据迁移文件")
        verbose_name_plural = _("历史数据迁移文件")
        indexes = [models.Index(fields=["kind", "sha256"], name="imports_legacy_file_sha_idx")]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_kind_display()}）"


class LegacyOrigin(models.Model):
    """Where a migrated record came from: the file and its row (the row a person sees in Excel,
    1-based). One per record: a record is created by one file only."""

    file = models.ForeignKey(
        LegacyFile, verbose_name=_("迁移文件"), on_delete=models.PROTECT, related_name="origins"
    )
    row = models.PositiveIntegerField(_("行号"))
    # the record's audit target type and public id ("person", its UUID), as the trail names it
    target_type = models.CharField(_("记录类别"), max_length=40)
    target_id = models.CharField(_("记录编号"), max_length=64)

    class Meta:
        ordering = ["file", "row"]
        verbose_name = _("迁移来源")
        verbose_name_plural = _("迁移来源")
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"], name="imports_legacyorigin_one_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file.file_name} 第{self.row}行"
