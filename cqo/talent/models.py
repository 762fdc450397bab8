"""The provincial CQO talent pool (人才库, shaanxi-2021 §五(一); SPEC §8): recommendations by
certification bodies (level-standard §11), regulators or enterprises, decided by the province."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TalentEntry(models.Model):
    class State(models.TextChoices):
        RECOMMENDED = "recommended", _("已推荐")
        ADMITTED = "admitted", _("已入库")
        DECLINED = "declined", _("未入库")

    class Recommender(models.TextChoices):
        CERTIFIER = "certifier", _("认定机构")
        REGULATOR = "regulator", _("市场监管部门")
        ENTERPRISE = "enterprise", _("所在企业")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="talent_entries"
    )
    # the pool is the province's (shaanxi-2021 §五(一) 省级层面建立…人才库)
    province = models.ForeignKey(
        "reference.Region",
        verbose_name=_("人才库（省）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.RECOMMENDED
    )
    recommender_kind = models.CharField(_("推荐方"), max_length=12, choices=Recommender.choices)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("推荐理由"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True)
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # one open recommendation or admission per person and province at a time
            models.UniqueConstraint(
                fields=["person", "province"],
                condition=Q(state__in=["recommended", "admitted"]),
                name="talent_one_open_entry",
            )
        ]
        verbose_name = _("人才库记录")
        verbose_name_plural = _("人才库记录")

    def __str__(self) -> str:
        return f"{self.person} · {self.get_state_display()}"
