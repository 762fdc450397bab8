"""Coverage: targets entered for a city or county, and the maintained aggregate behind the
coverage answers (SPEC §8, §12.8–§12.10, §12.12).

The aggregate (``Cell``, ``CellCount``, ``NewCqoCount`` plus the per-enterprise ``EntState``,
``Span`` and per-person ``FirstFiling`` it is maintained from) is a cache of the registry: it is
rebuilt by ``manage.py coverage_refresh`` and kept current from the audit trail (see
``cqo/coverage/aggregate/``); the answers it gives are exactly those of the live query.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds
from cqo.lib.bounds import text_field


class Metric(models.TextChoices):
    ABOVE_SCALE = "above_scale", _("规模以上企业")
    MSME = "msme", _("中小微企业")
    KEY_INDUSTRY_MSME = "key_industry_msme", _("重点行业中小微企业")
    QUALITY_AWARD = "quality_award", _("政府质量奖（含提名奖）企业")


class RegionTarget(models.Model):
    """A coverage target entered for one city or county (SPEC §12.10: without one the region
    inherits the province's percentages from the governing pack), with the level that set it:
    each level keeps its own target for a region, metric and year. A lower level's target only
    adds a stricter one beside the higher level's, which it cannot change or delete
    (cqo/coverage/services.py)."""

    # the order of the levels, highest first (the platform admin sets targets as the province)
    RANKS = {"province": 0, "city": 1, "county": 2}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        "reference.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    metric = models.CharField(_("统计口径"), max_length=20, choices=Metric.choices)
    year = models.PositiveSmallIntegerField(
        _("目标年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    share = models.DecimalField(
        _("目标覆盖率"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    note = text_field(_("依据与说明"), max_length=bounds.NOTE, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # who set it: the level and region of the regulator (the platform admin: the province of
    # the target's region)
    set_by_level = models.CharField(
        _("设定层级"),
        max_length=10,
        choices=[("province", _("省级")), ("city", _("市级")), ("county", _("县级"))],
        default="province",
    )
    set_by_region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("设定地区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_id", "metric", "year", "set_by_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "metric", "year", "set_by_level"],
                name="coverage_regiontarget_one_per_level_year",
            ),
            models.CheckConstraint(
                condition=models.Q(share__gt=0) & models.Q(share__lte=1),
                name="coverage_regiontarget_share_range",
            ),
        ]
        verbose_name = _("地区覆盖率目标")
        verbose_name_plural = _("地区覆盖率目标")

    def __str__(self) -> str:
        return f"{self.region_id} {self.metric} {self.year} {self.set_by_level}"

    @property
    def rank(self) -> int:
        return self.RANKS.get(self.set_by_level, 0)

    @property
    def setter(self) -> str:
        """Who set it, as users read it: 陕西省（省级）."""
        return str(
            _("%(region)s（%(level)s）")
            % {"region": self.set_by_region.name, "level": self.get_set_by_level_display()}
        )


# The maintained aggregate ---------------------------------------------------------------------


class Cell(models.Model):
    """Enterprises of one region node sharing the attributes the coverage groupings use.

    ``level`` r: the enterprise's own region (``code`` = region_id); c: its city; p: its
    province. ``keydiv`` is the GB/T 4754 division when it is one any pack names as a key
    industry, else blank. Above-scale and award are counted in columns, not split into cells.
    """

    level = models.CharField(max_length=1)
    code = models.CharField(max_length=6)
    # leaf cells: "region|section|keydiv|size|licence", the key an enterprise's row computes
    leaf_key = models.CharField(max_length=40, blank=True, db_index=True)
    city_code = models.CharField(max_length=6, blank=True)
    province_code = models.CharField(max_length=6)
    section = models.CharField(max_length=4, blank=True)
    keydiv = models.CharField(max_length=4, blank=True)
    size = models.CharField(max_length=10)
    licence = models.BooleanField(default=False)
    parent_city = models.ForeignKey("self", null=True, on_delete=models.CASCADE, related_name="+")
    parent_province = models.ForeignKey(
        "self", null=True, on_delete=models.CASCADE, related_name="+"
    )
    den_all = models.IntegerField(default=0)
    den_above = models.IntegerField(default=0)
    den_award = models.IntegerField(default=0)
    hand_all = models.IntegerField(default=0)
    hand_above = models.IntegerField(default=0)
    hand_award = models.IntegerField(default=0)
    asof_all = models.DateField(null=True)
    asof_above = models.DateField(null=True)
    asof_award = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "province_code", "section", "keydiv", "size", "licence"],
                name="coverage_cell_key",
            )
        ]
        indexes = [
            models.Index(fields=["level", "province_code"], name="coverage_cell_prov_idx"),
            models.Index(fields=["level", "city_code"], name="coverage_cell_city_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.level}:{self.code} {self.section}{self.keydiv} {self.size}"


class CellCount(models.Model):
    """The cell's enterprises covered on ``day`` and after, until the next row of the cell."""

    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    num_all = models.IntegerField(default=0)
    num_above = models.IntegerField(default=0)
    num_award = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell", "day"], name="coverage_cellcount_cell_day")
        ]

    def __str__(self) -> str:
        return f"{self.cell_id}@{self.day}"


class NewCqoCount(models.Model):
    """New CQOs (SPEC §12.12) at above-scale enterprises of a region node, by filing year."""

    level = models.CharField(max_length=1)
    code = models.CharField(max_length=6)
    section = models.CharField(max_length=4, blank=True)
    keydiv = models.CharField(max_length=4, blank=True)
    year = models.PositiveSmallIntegerField()
    new_cqos = models.IntegerField(default=0)
    replacements = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "section", "keydiv", "year"], name="coverage_newcqo_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}:{self.code} {self.year}"


class EntState(models.Model):
    """What the aggregate last counted for an enterprise."""

    enterprise_id = models.BigIntegerField(primary_key=True)
    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="+")
    list_as_of = models.DateField(null=True)
    above = models.BooleanField(default=False)
    award = models.BooleanField(default=False)

    def __str__(self) -> str:
        return str(self.enterprise_id)


class Span(models.Model):
    """A merged period an enterprise had a filed, active CQO: [start, end_excl)."""

    enterprise_id = models.BigIntegerField(db_index=True)
    start = models.DateField()
    end_excl = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.start}–{self.end_excl or ''}"


class FirstFiling(models.Model):
    """A person's first-ever filed appointment (SPEC §12.12) as last counted."""

    person_id = models.BigIntegerField(primary_key=True)
    enterprise_id = models.BigIntegerField(db_index=True)
    year = models.PositiveSmallIntegerField()
    replacing = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class Mark(models.Model):
    """The aggregate's watermark: every audit entry up to ``audit_id`` is reflected."""

    audit_id = models.BigIntegerField(default=0)
    # the entries above audit_id already applied (cqo/audit/follow.py)
    recent = models.JSONField(default=list, blank=True)
    universe = models.CharField(max_length=200, blank=True)
    built_at = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return str(self.audit_id)
