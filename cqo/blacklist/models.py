"""Warning (警示) and exit (退出) listings of CQOs — the "黑名单" — and appeals against them.

shaanxi-2021 §五(三), jiangsu-2020 §七: 对因责任心不强、履职不到位，造成重大质量安全事故的，应建立
"黑名单"警示和退出机制. Effects per SPEC §12.15; appeal per SPEC §8.

A listing is never deleted: revocation (撤销) keeps the row, who revoked it, when and why.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cqo.blacklist import rules
from cqo.lib import bounds, clock, dates
from cqo.lib.bounds import text_field


class Listing(models.Model):
    class Kind(models.TextChoices):
        WARNING = "warning", _("警示")
        # a context: plain "退出" is the navigation bar's "sign out"
        EXIT = "exit", pgettext_lazy("blacklist kind", "退出")

    class Ground(models.TextChoices):
        # shaanxi-2021 §五(三), jiangsu-2020 §七: the one ground the documents give for both the
        # warning and the exit ("黑名单"警示和退出机制)
        ACCIDENT = "accident", _("因责任心不强、履职不到位，造成重大质量安全事故")

    class State(models.TextChoices):
        PENDING = rules.PENDING, _("未生效")
        IN_FORCE = rules.IN_FORCE, _("生效中")
        ENDED = rules.ENDED, _("已到期")
        REVOKED = rules.REVOKED, _("已撤销")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("首席质量官"),
        on_delete=models.PROTECT,
        related_name="listings",
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    ground = models.CharField(
        _("列入依据"), max_length=20, choices=Ground.choices, default=Ground.ACCIDENT
    )
    reason = text_field(_("列入原因"), max_length=bounds.STATEMENT)
    # What happened, when, and the evidence: required on every new listing (services); blank or
    # null only on listings recorded before they were.
    accident = text_field(_("事故情况"), max_length=bounds.STATEMENT, blank=True)
    accident_date = models.DateField(
        _("事故发生日期"), null=True, blank=True, validators=[dates.EVENT]
    )
    evidence = models.FileField(_("证据材料"), upload_to="blacklist/%Y/", blank=True)
    # The issuing authority: the regulator's region decides who may revoke (the issuing level or
    # above) and which regulators see the listing by region.
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("发布机关辖区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_name = models.CharField(_("发布机关"), max_length=100)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("起始日期"), validators=[dates.EVENT])
    end_date = models.DateField(_("截止日期"), null=True, blank=True, validators=[dates.TERM])
    public = models.BooleanField(_("公开公示"), default=False)
    # When an exit listing's effect (ending the person's filed appointments) was applied: on
    # creation if it starts at once, else by `manage.py blacklist_activate` (idempotent).
    applied_at = models.DateTimeField(_("退出效力执行时间"), null=True, blank=True)
    ended_appointments = models.ManyToManyField(
        "registry.Appointment",
        verbose_name=_("因退出而终止的聘任"),
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = text_field(_("撤销原因"), max_length=bounds.STATEMENT, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["person", "start_date"], name="blacklist_listing_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="blacklist_listing_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="blacklist_listing_revoked_by_someone",
            ),
        ]
        verbose_name = _("警示与退出名单")
        verbose_name_plural = _("警示与退出名单")

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.start_date:%Y-%m-%d}"

    def state_on(self, on: dt.date) -> str:
        return rules.listing_state(
            revoked=self.revoked_at is not None, start=self.start_date, end=self.end_date, on=on
        )

    @property
    def state(self) -> str:
        return self.state_on(clock.today())

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def is_exit(self) -> bool:
        return self.kind == self.Kind.EXIT


class Appeal(models.Model):
    """申诉 (SPEC §8): the listed person asks the issuing level to revoke the listing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待决定")
        UPHELD = "upheld", _("维持")
        GRANTED = "granted", _("撤销列入")
        # The listing was revoked by other means while the appeal was open.
        CLOSED = "closed", _("已终结")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    listing = models.ForeignKey(
        Listing, verbose_name=_("名单"), on_delete=models.PROTECT, related_name="appeals"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申诉人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    grounds = text_field(_("申诉理由"), max_length=bounds.STATEMENT)
    attachment = models.FileField(_("申诉材料"), upload_to="blacklist/appeals/%Y/", blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    filed_at = models.DateTimeField(_("申诉时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = text_field(_("决定说明"), max_length=bounds.STATEMENT, blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        constraints = [
            # At most one undecided appeal per listing; the index is the last word in a race.
            models.UniqueConstraint(
                fields=["listing"],
                condition=Q(status="pending"),
                name="blacklist_appeal_one_pending",
            ),
        ]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")

    def __str__(self) -> str:
        return f"{self.listing} · {self.get_status_display()}"
