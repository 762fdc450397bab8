"""Imported official enterprise lists (SPEC §3 "Bulk import", §8 coverage, §12.10).

Each import of a regulator's official list (名录) is one ``EnterpriseList``: the file, its
SHA-256, the list's as-of date (coverage prints it beside every percentage) and the outcome.
Enterprises carry ``last_list``, the most recent list that named them, so the denominators of
coverage are the enterprises whose ``last_list`` is their region's current list.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds, dates
from cqo.lib.bounds import text_field


class EnterpriseList(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("有错误行则全部不导入")
        GOOD_ROWS = "good_rows", _("只导入正确的行")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("名录所属行政区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    as_of = models.DateField(_("名录截止日期"), validators=[dates.EVENT])
    reference_year = models.PositiveSmallIntegerField(_("规上认定参考年度"))
    file = models.FileField(_("名录文件"), upload_to="imports/enterprise-lists/%Y/")
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64, db_index=True)
    mode = models.CharField(
        _("导入方式"), max_length=20, choices=Mode.choices, default=Mode.ALL_OR_NOTHING
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    message = text_field(_("说明"), max_length=bounds.STATEMENT, blank=True)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_ok = models.PositiveIntegerField(_("正确行数"), default=0)
    rows_bad = models.PositiveIntegerField(_("错误行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增企业"), default=0)
    updated_count = models.PositiveIntegerField(_("更新企业"), default=0)
    progress = models.PositiveIntegerField(_("已处理行数"), default=0)
    error_report = models.FileField(
        _("错误报告"), upload_to="imports/error-reports/%Y/", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    # The write's timestamp: every enterprise the import created has created_at == started_at,
    # so the created ones stay countable and listable (selectors.list_created).
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("企业名录导入")
        verbose_name_plural = _("企业名录导入")
        indexes = [
            models.Index(fields=["region", "status", "-as_of"], name="imports_list_region_idx")
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.as_of})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


# The archive migration's models live with its code; imported here so the app registers them.
from cqo.imports.legacy.models import LegacyFile, LegacyOrigin  # noqa: E402

__all__ = ["EnterpriseList", "LegacyFile", "LegacyOrigin"]
