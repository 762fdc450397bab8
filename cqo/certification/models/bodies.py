"""Certification bodies (认定主体, level-standard §7), their staff logins and their experts; the
levels certified."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds
from cqo.lib.bounds import text_field


class Level(models.TextChoices):
    AAA = "AAA", "AAA（3A）"
    AAAA = "AAAA", "AAAA（4A）"
    AAAAA = "AAAAA", "AAAAA（5A）"


LEVEL_ORDER = ["AAA", "AAAA", "AAAAA"]


class CertificationBody(models.Model):
    """认定主体 (level-standard §7)."""

    class Kind(models.TextChoices):
        # §7.2 应是行政主管部门或授权委托的专业的第三方机构组织
        AUTHORITY = "authority", _("行政主管部门")
        AUTHORISED = "authorised", _("经授权的专业第三方机构")
        ENTRUSTED = "entrusted", _("受委托的专业第三方机构")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # a short code printed in certificate numbers (traceable to the body)
    code = models.CharField(_("机构代码"), max_length=8, unique=True)
    name = models.CharField(_("机构名称"), max_length=200)
    # §7.1 应依法登记注册，具备法人资质
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    kind = models.CharField(_("机构类别"), max_length=20, choices=Kind.choices)
    authorising_body = models.CharField(_("授权或委托单位"), max_length=200, blank=True)
    authorising_document = models.CharField(_("授权或委托文件"), max_length=200, blank=True)
    # §7.3 应接受相关主管部门或委托方的指导和监督: regulators of this region read its records
    supervising_authority = models.CharField(_("主管（监督）部门"), max_length=200)
    supervising_region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("主管部门所在行政区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # §7.4 应具备满足要求的场所、设备以及其他开展认定工作所需的资源
    premises = models.CharField(_("办公场所"), max_length=300)
    resources = text_field(_("设备及其他资源"), max_length=bounds.STATEMENT)
    pack_slug = models.CharField(_("适用认定标准"), max_length=40, default="level-standard")
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="authority")
                | (~Q(authorising_body="") & ~Q(authorising_document="")),
                name="certification_body_third_party_authorised",
            )
        ]
        verbose_name = _("认定主体")
        verbose_name_plural = _("认定主体")

    def __str__(self) -> str:
        return self.name


class BodyMember(models.Model):
    """A ``certifier`` login acting for a body as its staff (受理、审查、发证、监督)."""

    body = models.ForeignKey(CertificationBody, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certification_member"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("认定主体工作人员")
        verbose_name_plural = _("认定主体工作人员")

    def __str__(self) -> str:
        return f"{self.body} · {self.user}"


class Expert(models.Model):
    """认定专家 on a body's roster; with a ``certifier`` login bound when they score online."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(CertificationBody, on_delete=models.CASCADE, related_name="experts")
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职称"), max_length=100, blank=True)
    speciality = models.CharField(_("专业领域"), max_length=200, blank=True)
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certification_expert",
    )
    active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("认定专家")
        verbose_name_plural = _("认定专家")

    def __str__(self) -> str:
        return self.name
