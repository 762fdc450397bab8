"""Policy packs and their versions (SPEC §4, §12.19).

A pack is one jurisdiction's (or the certification standard's) rules; each edit is a new
``PackVersion`` effective from a date. A version is never changed once installed: decisions
point at the version they were made under.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cqo.policy import rules


class Pack(models.Model):
    class Kind(models.TextChoices):
        JURISDICTION = "jurisdiction", _("地区政策")
        CERTIFICATION = "certification", _("能力水平认定标准")

    slug = models.SlugField(_("政策包标识"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    national_default = models.BooleanField(_("全国默认"), default=False)

    class Meta:
        ordering = ["-national_default", "slug"]
        verbose_name = _("政策包")
        verbose_name_plural = _("政策包")
        constraints = [
            models.UniqueConstraint(
                fields=["national_default"],
                condition=models.Q(national_default=True),
                name="policy_pack_one_national_default",
            )
        ]

    def __str__(self) -> str:
        return self.slug


class PackVersion(models.Model):
    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("版本"), max_length=32)
    effective_from = models.DateField(_("生效日期"))
    name = models.CharField(_("名称"), max_length=200)
    source = models.CharField(_("依据文件"), max_length=500)
    # the validated pack as plain data (schema.Pack.model_dump(mode="json"))
    content = models.JSONField(editable=False)
    # the file as uploaded, byte for byte, and its digest
    source_text = models.TextField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pack__slug", "-effective_from", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "version"], name="policy_version_unique")
        ]
        indexes = [models.Index(fields=["pack", "effective_from"], name="policy_version_eff_idx")]
        verbose_name = _("政策包版本")
        verbose_name_plural = _("政策包版本")

    def __str__(self) -> str:
        return f"{self.pack.slug} {self.version}"

    @property
    def cite_as(self) -> str:
        """How users cite the document: its number or title (陕质委办〔2021〕15号, 《…》)."""
        meta = (self.content or {}).get("pack") or {}
        return str(meta.get("cite_as") or self.name)

    @property
    def in_force(self) -> str:
        """The version as users date it (SPEC §12.24): ``2021-08-24 起施行``, not ``2021.2``; a
        draft standard is applied, not in force."""
        if "征求意见稿" in self.name or "征求意见稿" in self.cite_as:
            return _("%(d)s 起参照适用") % {"d": f"{self.effective_from:%Y-%m-%d}"}
        return _("%(d)s 起施行") % {"d": f"{self.effective_from:%Y-%m-%d}"}

    @property
    def label(self) -> str:
        """The version as pages and printed documents name it (SPEC §12.24): the document by
        its title and number and the day it applies from, never the pack's id or version."""
        return rules.version_label(
            name=self.name,
            cite_as=self.cite_as,
            in_force=str(self.in_force),
            default=self.pack.national_default,
        )

    @property
    def technical_label(self) -> str:
        """The pack's id and version, for the admin's technical column and the API."""
        return f"{self.pack.slug} {self.version}"


class PackRegion(models.Model):
    """The regions a version governs (with their subtrees): the lookup index of ``content``."""

    version = models.ForeignKey(PackVersion, on_delete=models.CASCADE, related_name="regions")
    region = models.ForeignKey("reference.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "region"], name="policy_region_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.region_id}"
