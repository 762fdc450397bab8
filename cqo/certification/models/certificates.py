"""Level certificates (§9.4) and what happens to them while valid: supervision, warnings, appeals,
yearly reviews, reviews asked by exit listings, reminders (§11; SPEC §12.15–§12.16)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqo.certification.models.applications import Application
from cqo.certification.models.bodies import CertificationBody, Level
from cqo.lib import bounds, dates
from cqo.lib.bounds import text_field


class LevelCertificate(models.Model):
    """认定证书 (level-standard §9.4.1.1; SPEC §13).

    Issued on the platform, it names the application it was awarded on, the body that issued it,
    the organisation and the account that issued it. Migrated from a province's archive (a
    certificate printed before the platform), it has no application and no issuing account: the
    body is linked only when one of that name is registered, the organisation not at all; the
    content keeps both names as printed, with the original number, dates and status. Its
    provenance is a ``LegacyOrigin`` row of the imports app."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        SUSPENDED = "suspended", _("暂停")
        DISCONTINUED = "discontinued", _("中止")
        WITHDRAWN = "withdrawn", _("收回")
        VOID = "void", _("作废")
        SUPERSEDED = "superseded", _("已被替代")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    # null only for a migrated certificate (see the class docstring and the constraint)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    holder = models.ForeignKey(
        "registry.Person",
        verbose_name=_("持证人"),
        on_delete=models.PROTECT,
        related_name="level_certificates",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("所在组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="level_certificates",
    )
    body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("认定主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    level = models.CharField(_("认定等级"), max_length=5, choices=Level.choices)
    issued_on = models.DateField(_("认定日期"))
    valid_until = models.DateField(_("有效期至"))
    pack_version = models.ForeignKey(
        "policy.PackVersion",
        verbose_name=_("适用认定标准版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.JSONField(editable=False)
    content_hash = models.CharField(_("内容摘要（SHA-256）"), max_length=64, editable=False)
    # the SM2 signature of content_hash (cqo.lib.crypto.content_signature), issued under the
    # national suite; blank for certificates issued before it or migrated from an archive
    content_sm2 = models.CharField(
        _("内容摘要的SM2签名"), max_length=128, blank=True, editable=False
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.VALID, db_index=True
    )
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    # a supervision action's reason and its evidence note together
    status_reason = text_field(_("状态变更原因"), max_length=bounds.DOCUMENT, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("替代的证书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("issued_on")),
                name="certification_levelcertificate_validity",
            ),
            models.CheckConstraint(
                condition=Q(status="valid") | Q(status_changed_on__isnull=False),
                name="certification_levelcertificate_change_dated",
            ),
            # issued on the platform (application, body, organisation and issuing account all
            # set) or migrated (no application, no issuing account): never half of each
            models.CheckConstraint(
                condition=Q(
                    application__isnull=False,
                    issued_by__isnull=False,
                    body__isnull=False,
                    enterprise__isnull=False,
                )
                | Q(application__isnull=True, issued_by__isnull=True),
                name="certification_levelcertificate_issued_or_migrated",
            ),
        ]
        verbose_name = _("认定证书")
        verbose_name_plural = _("认定证书")

    def __str__(self) -> str:
        return self.number

    @property
    def migrated(self) -> bool:
        """Brought in from an archive, not issued on the platform."""
        return self.application_id is None

    @property
    def organisation_name(self) -> str:
        """The organisation as the certificate names it (a migrated one: as printed)."""
        if self.enterprise_id is not None:
            return self.enterprise.name  # type: ignore[union-attr]
        return str(self.content.get("organisation", ""))

    @property
    def body_name(self) -> str:
        """The certification body as the certificate names it (a migrated one: as printed)."""
        if self.body_id is not None:
            return self.body.name  # type: ignore[union-attr]
        return str(self.content.get("body", ""))


class SupervisionAction(models.Model):
    """监督管理 (level-standard §11; SPEC §12.16)."""

    class Action(models.TextChoices):
        SUSPEND = "suspend", _("暂停")
        DISCONTINUE = "discontinue", _("中止")
        LIFT = "lift", _("恢复")
        WITHDRAW = "withdraw", _("收回")
        VOID = "void", _("声明作废")

    class Ground(models.TextChoices):
        # §11 违法违规违纪、失信、重大质量事故或所在组织发生与首席质量官有关联责任的重大质量安全事故
        VIOLATION = "violation", _("违法违规违纪")
        DISHONESTY = "dishonesty", _("失信")
        QUALITY_ACCIDENT = "quality_accident", _("重大质量事故")
        ORG_SAFETY_ACCIDENT = (
            "org_safety_accident",
            _("所在组织发生与首席质量官有关联责任的重大质量安全事故"),
        )
        # §11 知情不报、拖延不报或者作虚假报告 (警示和退出)
        REPORTING = "reporting", _("知情不报、拖延不报或作虚假报告")
        APPEAL = "appeal", _("申诉决定")
        REMEDIED = "remedied", _("情形已消除")
        OTHER = "other", _("其他")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    certificate = models.ForeignKey(
        LevelCertificate, on_delete=models.PROTECT, related_name="actions"
    )
    action = models.CharField(_("措施"), max_length=20, choices=Action.choices)
    ground = models.CharField(_("事由"), max_length=30, choices=Ground.choices)
    # the reason typed and the evidence note after it (services.supervise)
    reason = text_field(_("情况说明"), max_length=bounds.DOCUMENT)
    evidence = models.FileField(
        _("证据材料"), upload_to="certification/supervision/%Y/", blank=True
    )
    status_before = models.CharField(max_length=20)
    status_after = models.CharField(max_length=20)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("监督措施")
        verbose_name_plural = _("监督措施")

    def __str__(self) -> str:
        return f"{self.certificate} {self.action}"


class WarningRecord(models.Model):
    """警示和退出机制 (level-standard §11): for 知情不报、拖延不报或作虚假报告."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("警示")
        EXIT = "exit", _("退出")

    class Conduct(models.TextChoices):
        CONCEALED = "concealed", _("知情不报")
        DELAYED = "delayed", _("拖延不报")
        FALSE = "false", _("虚假报告")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    certificate = models.ForeignKey(
        LevelCertificate, on_delete=models.PROTECT, related_name="warnings"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    conduct = models.CharField(_("情形"), max_length=10, choices=Conduct.choices)
    reason = text_field(_("情况说明"), max_length=bounds.STATEMENT)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("警示和退出")
        verbose_name_plural = _("警示和退出")

    def __str__(self) -> str:
        return f"{self.certificate} {self.kind}"


class Appeal(models.Model):
    """申诉 against a grade or a supervision decision (SPEC §6, §12.16)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("申诉成立")
        DISMISSED = "dismissed", _("申诉驳回")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    action = models.ForeignKey(
        SupervisionAction, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    grounds = text_field(_("申诉理由"), max_length=bounds.STATEMENT)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decision = text_field(_("处理意见"), max_length=bounds.STATEMENT, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False, action__isnull=True)
                | Q(application__isnull=True, action__isnull=False),
                name="certification_appeal_one_subject",
            )
        ]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")

    def __str__(self) -> str:
        return str(self.public_id)


class YearlyReview(models.Model):
    """认定主体每年应对首席质量官的履职情况、工作成效进行总结和评价 (level-standard §11)."""

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("称职")
        BASIC = "basic", _("基本称职")
        INCOMPETENT = "incompetent", _("不称职")

    certificate = models.ForeignKey(
        LevelCertificate, on_delete=models.PROTECT, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    summary = text_field(_("履职情况和工作成效"), max_length=bounds.STATEMENT)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices)
    # §9.4.1.2 as computed from the hour records when the review was written
    continuing = models.JSONField(default=dict, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "year"], name="certification_yearlyreview_once"
            )
        ]
        verbose_name = _("年度总结评价")
        verbose_name_plural = _("年度总结评价")

    def __str__(self) -> str:
        return f"{self.certificate} {self.year}"


class ReviewRequest(models.Model):
    """A review the body owes a holder (level-standard §11: 所在组织发生与首席质量官有关联责任的
    重大质量安全事故，认定主体应暂停或中止证书的使用，必要时有权收回证书; SPEC §12.15). Opened by an
    exit listing on the 黑名单, by an accident report the body receives, or by the body's own exit
    record (§11 警示和退出机制). It is closed only by a decision: a suspension or discontinuation
    (the supervision action it took, 收回 after it where needed), or a finding, with evidence,
    that the holder bears no related responsibility."""

    class Source(models.TextChoices):
        EXIT_LISTING = "exit_listing", _("列入“黑名单”退出名单")
        ACCIDENT_REPORT = "accident_report", _("认定主体收到的事故报告")
        EXIT_RECORD = "exit_record", _("认定主体记录的退出（知情不报、拖延不报或作虚假报告）")

    class Outcome(models.TextChoices):
        SUSPEND = "suspend", _("暂停证书使用")
        DISCONTINUE = "discontinue", _("中止证书使用")
        NO_RESPONSIBILITY = "no_responsibility", _("经复核，持证人不负有关联责任")
        # reviews closed before a decision was required: their finding alone
        RECORDED = "recorded", _("复核结论（旧记录）")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    certificate = models.ForeignKey(
        LevelCertificate, on_delete=models.PROTECT, related_name="review_requests"
    )
    source = models.CharField(
        _("来源"), max_length=20, choices=Source.choices, default=Source.EXIT_LISTING
    )
    # the listing's public id (cqo.blacklist), ``report:<id>`` or ``exit:<record>``: one review
    # per certificate and cause
    reference = models.CharField(_("来源编号"), max_length=64)
    reason = text_field(_("复核事由"), max_length=bounds.STATEMENT)
    accident_date = models.DateField(
        _("事故发生日期"), null=True, blank=True, validators=[dates.EVENT]
    )
    reported_by = models.CharField(_("报告单位或报告人"), max_length=200, blank=True)
    report_evidence = models.FileField(
        _("事故报告材料"), upload_to="certification/reviews/%Y/", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("复核完成时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("复核决定"), max_length=20, choices=Outcome.choices, blank=True)
    action = models.ForeignKey(
        SupervisionAction,
        verbose_name=_("监督措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews_closed",
    )
    finding = text_field(_("复核结论"), max_length=bounds.STATEMENT, blank=True)
    finding_evidence = models.FileField(
        _("复核证据材料"), upload_to="certification/reviews/%Y/", blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "reference"], name="certification_reviewrequest_once"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(finding=""),
                name="certification_reviewrequest_closed_with_finding",
            ),
            # §11 应暂停或中止: closed only by a measure taken or a finding with its evidence
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="")
                | Q(outcome__in=["suspend", "discontinue"], action__isnull=False)
                | (Q(outcome="no_responsibility") & ~Q(finding_evidence=""))
                | Q(outcome="recorded"),
                name="certification_reviewrequest_closed_by_decision",
            ),
        ]
        verbose_name = _("待复核事项")
        verbose_name_plural = _("待复核事项")

    def __str__(self) -> str:
        return f"{self.certificate} {self.reference}"


class ListingNotice(models.Model):
    """A warning (警示) listing of the holder on the 黑名单, told to the body of each certificate
    in force and shown on the certificate's record (level-standard §11; shaanxi-2021 §五(三))."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    certificate = models.ForeignKey(
        LevelCertificate, on_delete=models.PROTECT, related_name="listing_notices"
    )
    # the listing's public id (cqo.blacklist): one notice per certificate and listing
    reference = models.CharField(_("名单编号"), max_length=64)
    summary = text_field(_("通知内容"), max_length=bounds.STATEMENT)
    created_at = models.DateTimeField(_("通知时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "reference"], name="certification_listingnotice_once"
            )
        ]
        verbose_name = _("警示名单通知")
        verbose_name_plural = _("警示名单通知")

    def __str__(self) -> str:
        return f"{self.certificate} {self.reference}"


class Reminder(models.Model):
    """再认定提醒 (level-standard §9.4.1.3): to the holder and the enterprise, N days before."""

    class Recipient(models.TextChoices):
        HOLDER = "holder", _("持证人")
        ENTERPRISE = "enterprise", _("所在企业")

    certificate = models.ForeignKey(
        LevelCertificate, on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.CharField(_("提醒对象"), max_length=10, choices=Recipient.choices)
    days_before = models.PositiveSmallIntegerField(_("到期前天数"))
    message = text_field(_("提醒内容"), max_length=bounds.STATEMENT)
    sent_on = models.DateField(_("提醒日期"))

    class Meta:
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "recipient", "days_before"],
                name="certification_reminder_once",
            )
        ]
        verbose_name = _("再认定提醒")
        verbose_name_plural = _("再认定提醒")

    def __str__(self) -> str:
        return f"{self.certificate} {self.days_before}"


class NumberSequence(models.Model):
    """The last sequence number under a certificate-number prefix (body code + year)."""

    prefix = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix} {self.last}"
