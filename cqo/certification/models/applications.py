"""An application (level-standard §9.1–§9.3) with the organisation's recommendation (§9.1 b), its
work periods, evidence and the panel's scoring sheets."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqo.certification.models.bodies import CertificationBody, Expert, Level
from cqo.lib import bounds, dates
from cqo.lib.bounds import text_field


class Recommendation(models.Model):
    """所在组织的推荐意见 (level-standard §9.1 b), given by the organisation itself: its clerk
    names a registered person the enterprise recommends for certification. A prospective CQO
    (no filed appointment, SPEC §12.21) may name only an organisation that recommended them;
    the clerk may withdraw it while no application rests on it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("推荐单位"),
        on_delete=models.PROTECT,
        related_name="level_recommendations",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("被推荐人"),
        on_delete=models.PROTECT,
        related_name="level_recommendations",
    )
    opinion = text_field(_("推荐意见"), max_length=bounds.STATEMENT)
    recommender = models.CharField(_("推荐人（单位负责人）"), max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "person"],
                condition=Q(withdrawn_at__isnull=True),
                name="certification_recommendation_one_open",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_by__isnull=False),
                name="certification_recommendation_withdrawal_recorded",
            ),
        ]
        verbose_name = _("组织推荐")
        verbose_name_plural = _("组织推荐")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.person}"


class Application(models.Model):
    """申请 (level-standard §9.1) and its path through 受理 (§9.2) and 认定 (§9.3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待形式审查")
        RETURNED = "returned", _("退回补充")
        ACCEPTED = "accepted", _("已受理")
        ASSESSING = "assessing", _("认定中")
        GRADED = "graded", _("已评定")
        NOT_CERTIFIED = "not_certified", _("未予认定")
        CERTIFIED = "certified", _("已发证")
        WITHDRAWN = "withdrawn", _("已撤回")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("认定主体"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="level_applications",
    )
    # SPEC §12.21: serving or prospective; the organisation recommends either way
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("所在组织"),
        on_delete=models.PROTECT,
        related_name="level_applications",
    )
    level_applied = models.CharField(_("申报等级"), max_length=5, choices=Level.choices)
    recertification = models.BooleanField(_("再认定"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # §9.1 a) 申请表及证实性材料
    education_training = text_field(_("教育和培训履历"), max_length=bounds.STATEMENT)
    work_summary = text_field(_("工作经历"), max_length=bounds.STATEMENT)
    quality_experience = text_field(_("质量专业经历"), max_length=bounds.STATEMENT)
    performance = text_field(_("工作绩效"), max_length=bounds.STATEMENT)
    # §9.1 b) 所在组织的推荐意见
    recommendation = text_field(_("所在组织推荐意见"), max_length=bounds.STATEMENT)
    recommender = models.CharField(_("推荐人（单位负责人）"), max_length=50)
    # declarations (§5.1.2, §5.1.3, §5.1.5)
    declares_technical = models.BooleanField(
        _("本人从事过技术、生产工作，熟悉计量、认证及标准化工作（§5.1.2）"), default=False
    )
    declares_qms = models.BooleanField(
        _("本人熟悉质量管理体系，具备较强的管理、沟通协调、决策能力（§5.1.3）"), default=False
    )
    declares_no_disqualification = models.BooleanField(
        _("本人无§5.1.5 a)～c)所列不得担任首席质量官的情形"), default=False
    )
    declaration_note = text_field(_("声明说明"), max_length=bounds.STATEMENT, blank=True)
    # frozen at submission: the eligibility verdict with clause citations, the years counted
    pack_version = models.ForeignKey(
        "policy.PackVersion",
        verbose_name=_("适用认定标准版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    eligibility = models.JSONField(default=dict, blank=True, editable=False)
    related_months = models.PositiveIntegerField(_("相关工作经验（月）"), default=0)
    filing_status = models.CharField(_("备案情况"), max_length=200, blank=True)
    return_items = text_field(_("需补充完善的材料"), max_length=bounds.STATEMENT, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    # §9.3.1 面试答辩，必要时开展现场验证
    interview_on = models.DateField(
        _("面试答辩日期"), null=True, blank=True, validators=[dates.EVENT]
    )
    interview_notes = text_field(_("面试答辩记录"), max_length=bounds.STATEMENT, blank=True)
    site_visit_on = models.DateField(
        _("现场验证日期"), null=True, blank=True, validators=[dates.EVENT]
    )
    site_visit_notes = text_field(_("现场验证记录"), max_length=bounds.STATEMENT, blank=True)
    # §9.3.3 the leader's report; the panel scores (SPEC §12.5), the grade (Annex B; §12.3)
    # the panel's report (§9.3.3), typed into the platform, never printed whole
    report = text_field(_("认定报告"), max_length=bounds.DOCUMENT, blank=True)
    report_signed_at = models.DateTimeField(_("组长签署时间"), null=True, blank=True)
    panel_scores = models.JSONField(default=dict, blank=True, editable=False)
    total = models.DecimalField(
        _("认定总分"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    grade_by_score = models.CharField(
        _("按分值的等级"), max_length=5, choices=Level.choices, blank=True
    )
    level_by_years = models.CharField(
        _("年限允许的等级"), max_length=5, choices=Level.choices, blank=True
    )
    awarded_level = models.CharField(_("认定等级"), max_length=5, choices=Level.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["body", "status"], name="certification_app_body_idx")]
        verbose_name = _("认定申请")
        verbose_name_plural = _("认定申请")

    def __str__(self) -> str:
        return f"{self.person} · {self.level_applied}"


class WorkPeriod(models.Model):
    """One post of the applicant's work history (SPEC §12.4: related experience counts the
    calendar time in quality or technical posts, overlaps once, up to the application date)."""

    class Kind(models.TextChoices):
        QUALITY = "quality", _("质量岗位")
        TECHNICAL = "technical", _("技术岗位")
        OTHER = "other", _("其他岗位")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="work_periods"
    )
    organisation = models.CharField(_("工作单位"), max_length=200)
    post = models.CharField(_("岗位/职务"), max_length=100)
    kind = models.CharField(_("岗位类别"), max_length=10, choices=Kind.choices)
    start = models.DateField(_("起始日期"), validators=[dates.LIFETIME])
    end = models.DateField(_("截止日期"), null=True, blank=True, validators=[dates.LIFETIME])

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="certification_workperiod_ordered",
            )
        ]
        verbose_name = _("工作经历")
        verbose_name_plural = _("工作经历")

    def __str__(self) -> str:
        return f"{self.organisation} {self.post}"


class Evidence(models.Model):
    """证实性材料 (§9.1 a)."""

    class Kind(models.TextChoices):
        EDUCATION = "education", _("教育和培训履历")
        WORK = "work", _("工作经历")
        QUALITY = "quality", _("质量专业经历")
        PERFORMANCE = "performance", _("工作绩效")
        RECOMMENDATION = "recommendation", _("组织推荐意见")
        DECLARATION = "declaration", _("声明及证明")
        SUPPLEMENT = "supplement", _("补充材料")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("材料类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="certification/%Y/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("证实性材料")
        verbose_name_plural = _("证实性材料")

    def __str__(self) -> str:
        return self.title


class PanelMember(models.Model):
    """An expert on an application's panel; one of them leads (§9.3.3)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="panel")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="panels")
    leader = models.BooleanField(_("专家组长"), default=False)
    # the expert's scoring sheet: {indicator code: "85.0"} over the Annex A cells
    scores = models.JSONField(default=dict, blank=True)
    comments = text_field(_("评语"), max_length=bounds.STATEMENT, blank=True)
    submitted_at = models.DateTimeField(_("评分提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["-leader", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], name="certification_panel_once"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(leader=True),
                name="certification_panel_one_leader",
            ),
        ]
        verbose_name = _("认定专家组成员")
        verbose_name_plural = _("认定专家组成员")

    def __str__(self) -> str:
        return f"{self.application} · {self.expert}"
