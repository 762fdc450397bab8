from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A GB/T 2260 administrative division; the code is the key (SPEC §2)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    code = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(max_length=64)
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Ancestors stored on every row so scope checks are one indexed equality, not a recursion.
    province_code = models.CharField(max_length=6, db_index=True)
    city_code = models.CharField(max_length=6, blank=True, db_index=True)
    # "placeholder" (市辖区, 省直辖县级行政区划) or "statistical_zone" (NBS functional zones)
    flags = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """GB/T 4754-2017: sections (门类) A–T and divisions (大类) 01–97."""

    class Level(models.TextChoices):
        SECTION = "section", _("门类")
        DIVISION = "division", _("大类")

    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def section_code(self) -> str:
        return self.code if self.level == self.Level.SECTION else (self.parent_id or "")


class ReferenceVersion(models.Model):
    """Which version of each reference dataset is loaded, and from which file (SPEC §2)."""

    dataset = models.CharField(max_length=40, unique=True)
    version = models.CharField(max_length=80)
    source = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("参考数据版本")
        verbose_name_plural = _("参考数据版本")

    def __str__(self) -> str:
        return f"{self.dataset} {self.version}"
