"""Study hours (学时) and continuing-education activities, each entered into the hour log
(SPEC §5, §12.13, §12.14; level-standard §9.4.1.2, §10).

Records are append-only: a mistake is corrected by a new record that names the one it
corrects (``corrects``), never by changing or deleting a row. The log holds only a salted
commitment to each record; the salt is per person, so deleting it makes that person's leaves
unlinkable without touching the tree.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds, dates
from cqo.lib.bounds import text_field


class Kind(models.TextChoices):
    # SPEC §5; the pack says which kinds count (training.study_hours.kinds)
    ONLINE_SELF_STUDY = "online_self_study", _("线上自学")
    OFFLINE_TRAINING = "offline_training", _("线下培训")
    LECTURE = "lecture", _("培训讲座")
    ACADEMIC_EXCHANGE = "academic_exchange", _("学术交流")
    PUBLICATION = "publication", _("发表专业成果")
    ORGANISED_TRAINING = "organised_training", _("组织质量专业培训")


class Source(models.TextChoices):
    SESSION = "session", _("培训班考勤")
    API = "api", _("在线学习平台上报")
    ACTIVITY = "activity", _("继续教育活动登记")
    CORRECTION = "correction", _("更正")
    # hours a province recorded before the platform, brought in from its archive (issue 23):
    # entered into the log when migrated, the study date kept as data of the entry
    MIGRATED = "migrated", _("历史数据迁移")


class PersonSalt(models.Model):
    """The random salt of a person's commitments. Deleting it (a privacy request) leaves the
    log intact but makes the person's leaves unlinkable to them."""

    person = models.OneToOneField(
        "registry.Person", on_delete=models.CASCADE, related_name="ledger_salt"
    )
    salt = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"salt of person {self.person_id}"


class StudyRecord(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # no index of its own: hours_person_date_idx (person, date) begins with it, and every
    # index is one more write per record of a million-row archive
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="study_records", db_index=False
    )
    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    # 学时: class periods (SPEC §12.13); activities such as a publication count 0 unless the
    # pack says otherwise
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    occurred_on = models.DateField(_("日期"), validators=[dates.EVENT])
    title = models.CharField(_("课程或活动名称"), max_length=200)
    provider = models.CharField(_("组织或发布机构"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    # the caller's own identifier (an e-learning record id, a session id): repeats are refused
    source_ref = models.CharField(_("来源编号"), max_length=100, blank=True)
    evidence = models.FileField(_("证明材料"), upload_to="hours/%Y/", blank=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("更正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
    )
    note = text_field(_("说明"), max_length=bounds.NOTE, blank=True)
    # the hour log: the leaf's index and the commitment it holds
    ledger_index = models.BigIntegerField(_("存证序号"), null=True, blank=True, unique=True)
    commitment = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # set when the record is made (not auto_now_add: a migrated batch stamps its records with the
    # time its log entries carry, before they are stored)
    created_at = models.DateTimeField(_("存证时间"), default=timezone.now, editable=False)
    # a migrated record's natural key: the SHA-256 of its archive record number, or of its
    # content when the archive numbered none; a file run again finds its records by it
    migration_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "occurred_on"], name="hours_person_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "source_ref"],
                condition=~Q(source_ref="") & ~Q(source="migrated"),
                name="hours_source_ref_once_per_reporter",
            ),
            models.UniqueConstraint(
                fields=["migration_key"],
                condition=~Q(migration_key=""),
                name="hours_migrated_once",
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=500), name="hours_hours_in_range"
            ),
        ]
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")

    def __str__(self) -> str:
        return f"{self.person} {self.occurred_on} {self.hours}"


class HourReminder(models.Model):
    """A reminder before year end that a person is short of study hours (SPEC §5)."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="hour_reminders"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    required = models.DecimalField(_("应修学时"), max_digits=6, decimal_places=1)
    counted = models.DecimalField(_("已修学时"), max_digits=6, decimal_places=1)
    message = text_field(_("提醒内容"), max_length=bounds.NOTE)
    sent_on = models.DateField(_("提醒日期"))
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "sent_on"], name="hours_reminder_once_a_day"
            )
        ]
        verbose_name = _("学时提醒")
        verbose_name_plural = _("学时提醒")

    def __str__(self) -> str:
        return f"{self.person} {self.year}"
