"""Capability-level certification (能力水平认定, level-standard; SPEC §6).

A certification body (认定主体, §7) with its staff and its roster of experts receives a CQO's
application (§9.1), reviews it for form (形式审查, §9.2), assesses it with a panel of experts who
each fill a scoring sheet over the Annex A cells (§9.3), and the panel leader signs the report
(§9.3.3) that fixes the grade (Annex B; SPEC §12.3). The certificate (§9.4.1.1) says what was
certified, frozen at issue with its SHA-256; the body supervises it while it is valid (§11).

Accounts (cqo.accounts) must not import this app, so the binding of a ``certifier`` login to its
body lives here: ``BodyMember`` for the body's staff, ``Expert.user`` for an expert who logs in
to fill scoring sheets.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds, dates
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


class LevelCertificate(models.Model):
    """认定证书 (level-standard §9.4.1.1; SPEC §13)."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        SUSPENDED = "suspended", _("暂停")
        DISCONTINUED = "discontinued", _("中止")
        WITHDRAWN = "withdrawn", _("收回")
        VOID = "void", _("作废")
        SUPERSEDED = "superseded", _("已被替代")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="certificates"
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
        on_delete=models.PROTECT,
        related_name="level_certificates",
    )
    body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("认定主体"),
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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
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
        ]
        verbose_name = _("认定证书")
        verbose_name_plural = _("认定证书")

    def __str__(self) -> str:
        return self.number


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
    """A review the body owes a holder because of an exit listing on the 黑名单 (SPEC §12.15: a
    listing triggers a review at the certification body, not an automatic suspension). The body
    closes it with its finding; any measure it takes is a supervision action (§11)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    certificate = models.ForeignKey(
        LevelCertificate, on_delete=models.PROTECT, related_name="review_requests"
    )
    # the listing's public id (cqo.blacklist): one review per certificate and listing
    reference = models.CharField(_("来源"), max_length=64)
    reason = text_field(_("复核事由"), max_length=bounds.STATEMENT)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("复核完成时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finding = text_field(_("复核结论"), max_length=bounds.STATEMENT, blank=True)

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
        ]
        verbose_name = _("待复核事项")
        verbose_name_plural = _("待复核事项")

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
