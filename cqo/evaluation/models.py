"""The enterprise side (SPEC §7): the yearly evaluation of its CQO (hangzhou-spec 考核与评价 and
附录A; shenzhen-guide §4.5), the self-assessment of its CQO system with improvement tasks
(shenzhen-guide §6), and quality economics: quality cost and quality loss (shenzhen-guide §5.7).

The forms (items, maxima, indicators, loss kinds) come from the policy pack governing the
enterprise and are copied onto each record with the pack version and clause, so a record keeps
the form it was made under even after a newer pack is installed (SPEC §4).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds, dates
from cqo.lib.bounds import text_field


class EvaluationSettings(models.Model):
    """The enterprise's own pass mark and bands: hangzhou-spec prints none, so they are the
    enterprise's settings with no default outcome (SPEC §12.6)."""

    enterprise = models.OneToOneField(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="evaluation_settings"
    )
    pass_mark = models.PositiveSmallIntegerField(_("合格分数线"), null=True, blank=True)
    # [{"label": "优秀", "min": 90}, …], highest first
    bands = models.JSONField(_("评价等级"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评价设置")
        verbose_name_plural = _("评价设置")

    def __str__(self) -> str:
        return str(self.enterprise)


class Evaluation(models.Model):
    """One evaluation of a CQO appointment for one period (SPEC §7, §12.6)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SIGNED_OFF = "signed_off", _("已签发")

    class FormKind(models.TextChoices):
        # items with printed maxima (hangzhou-spec 附录A)
        SCORED = "scored", _("评分表")
        # contents with enterprise-defined points (shenzhen-guide §4.5 a–f)
        CONTENTS = "contents", _("考核内容（企业自定分值）")

    class Decision(models.TextChoices):
        # hangzhou-spec 考核与评价: "评价结果作为首席质量官续聘、解聘和奖惩的依据";
        # shenzhen-guide §4.5: "考核结果作为首席质量官续聘、解聘的依据"
        RENEW = "renew", _("续聘")
        DISMISS = "dismiss", _("解聘")
        # hangzhou-spec 考核与评价 "奖惩" (the code predates the wording and is kept)
        REWARD = "reward", _("奖惩")
        # hangzhou-spec 考核与评价: "组织可视其具体情况依据有关规定调整岗位，不再担任首席质量官"
        REASSIGN = "reassign", _("调整岗位")
        # Named by no document. Kept only so that evaluations signed off with it read as they
        # were signed; it cannot be chosen any more, and drafts holding it were cleared
        # (migration 0005).
        IMPROVE = "improve", _("限期改进（原选项，文件未规定）")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="cqo_evaluations"
    )
    appointment = models.ForeignKey(
        "registry.Appointment", on_delete=models.PROTECT, related_name="evaluations"
    )
    period_start = models.DateField(_("考核期起"))
    period_end = models.DateField(_("考核期止"))
    form_kind = models.CharField(_("评价表类型"), max_length=10, choices=FormKind.choices)
    form_label = models.CharField(_("评价表"), max_length=200)
    form_clause = models.CharField(_("依据条款"), max_length=200)
    pack_version = models.ForeignKey(
        "policy.PackVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # the enterprise's own pack has no form; the form of another pack is used for reference
    reference = models.BooleanField(_("参照其他地区评价表"), default=False)
    # [{"code", "label", "max", "section", "score", "prefill": {...} | None}]
    items = models.JSONField(_("评价项目"), default=list)
    total = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    max_total = models.PositiveSmallIntegerField(_("满分"))
    band = models.CharField(_("评价等级"), max_length=30, blank=True)
    passed = models.BooleanField(_("是否合格"), null=True, blank=True)
    decision = models.CharField(_("评价结论"), max_length=10, choices=Decision.choices, blank=True)
    decision_note = text_field(_("结论说明"), max_length=bounds.NOTE, blank=True)
    reward_note = text_field(_("奖励与待遇"), max_length=bounds.NOTE, blank=True)
    evaluators = models.CharField(_("评价人"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("首席质量官评价")
        verbose_name_plural = _("首席质量官评价")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "period_start"], name="evaluation_evaluation_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluation_evaluation_period_order",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(total__isnull=False) & ~Q(decision=""),
                name="evaluation_evaluation_signed_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointment} {self.period_start:%Y}"


# The decisions an evaluator may take (hangzhou-spec 考核与评价); IMPROVE is historic only.
DECISIONS = (
    Evaluation.Decision.RENEW,
    Evaluation.Decision.DISMISS,
    Evaluation.Decision.REWARD,
    Evaluation.Decision.REASSIGN,
)
# Decisions after which the CQO no longer serves: 解聘, and 调整岗位 "不再担任首席质量官".
ENDING_DECISIONS = (Evaluation.Decision.DISMISS, Evaluation.Decision.REASSIGN)


class SelfAssessment(models.Model):
    """The enterprise's assessment of its CQO system for a year (shenzhen-guide §6.1–§6.2)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        COMPLETED = "completed", _("已完成")

    class AssessorKind(models.TextChoices):
        INTERNAL = "internal", _("企业内部评估")
        THIRD_PARTY = "third_party", _("第三方评价机构")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="self_assessments"
    )
    year = models.PositiveSmallIntegerField(_("评估年度"))
    assessor_kind = models.CharField(
        _("评估方式"), max_length=12, choices=AssessorKind.choices, default=AssessorKind.INTERNAL
    )
    assessor_org = models.CharField(_("评价机构"), max_length=200, blank=True)
    assessors = models.CharField(_("评估专家"), max_length=300)
    form_label = models.CharField(_("评估指标来源"), max_length=200)
    form_clause = models.CharField(_("依据条款"), max_length=200)
    pack_version = models.ForeignKey(
        "policy.PackVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.BooleanField(_("参照其他地区指标"), default=False)
    # [{"code", "label", "clause", "rule", "max", "levels", "score", "level", "note"}]
    indicators = models.JSONField(_("评估指标"), default=list)
    total = models.PositiveSmallIntegerField(_("量化得分"), null=True, blank=True)
    max_total = models.PositiveSmallIntegerField(_("量化满分"))
    findings = text_field(_("评估结论与差距"), max_length=bounds.NOTE, blank=True)
    suggestions = text_field(_("改进建议"), max_length=bounds.NOTE, blank=True)
    application = text_field(_("评估结果应用"), max_length=bounds.NOTE, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("首席质量官制度自我评估")
        verbose_name_plural = _("首席质量官制度自我评估")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="evaluation_selfassessment_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class ImprovementTask(models.Model):
    """改进任务 (shenzhen-guide §6.3): sent to a department, tracked to closure with evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已关闭")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.PROTECT, related_name="tasks")
    indicator = models.CharField(_("对应指标"), max_length=20, blank=True)
    title = models.CharField(_("改进任务"), max_length=200)
    target = text_field(_("改进要求和目标"), max_length=bounds.NOTE, blank=True)
    department = models.CharField(_("改进部门"), max_length=100)
    owner = models.CharField(_("责任人"), max_length=50)
    due_date = models.DateField(_("完成期限"), validators=[dates.TERM])
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    evidence = text_field(_("关闭证据"), max_length=bounds.NOTE, blank=True)
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True, validators=[dates.EVENT])
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "due_date", "pk"]
        verbose_name = _("改进任务")
        verbose_name_plural = _("改进任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(evidence="") & Q(closed_on__isnull=False),
                name="evaluation_improvementtask_closed_with_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Category(models.TextChoices):
    # shenzhen-guide §5.7.2.1; the labels shown come from the pack
    PREVENTION = "prevention", _("预防成本")
    APPRAISAL = "appraisal", _("鉴定成本")
    INTERNAL_FAILURE = "internal_failure", _("内部失败成本")
    EXTERNAL_FAILURE = "external_failure", _("外部失败成本")


class CostAccount(models.Model):
    """质量成本科目 set by the enterprise under one category (shenzhen-guide §5.7.2.2 c)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="cost_accounts"
    )
    category = models.CharField(_("成本类别"), max_length=20, choices=Category.choices)
    name = models.CharField(_("科目名称"), max_length=100)
    department = models.CharField(_("责任部门"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("质量成本科目")
        verbose_name_plural = _("质量成本科目")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"], name="evaluation_costaccount_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CostEntry(models.Model):
    """The amount of one account in one quarter (yuan)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="cost_entries"
    )
    account = models.ForeignKey(CostAccount, on_delete=models.PROTECT, related_name="entries")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-quarter", "account__category", "account__name"]
        verbose_name = _("质量成本")
        verbose_name_plural = _("质量成本")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year", "quarter"], name="evaluation_costentry_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="evaluation_costentry_quarter"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="evaluation_costentry_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.year}Q{self.quarter}"


class Revenue(models.Model):
    """营业收入 of a quarter: the base of "cost as a share of revenue"."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="revenues"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    amount = models.DecimalField(_("营业收入（元）"), max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("营业收入")
        verbose_name_plural = _("营业收入")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "quarter"], name="evaluation_revenue_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="evaluation_revenue_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}Q{self.quarter}"


class CostTarget(models.Model):
    """质量成本目标 of a year (shenzhen-guide §5.7.2.2 b): a ceiling on the amount and/or on the
    share of revenue, for the total (blank category) or one category."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="cost_targets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("成本类别"), max_length=20, choices=Category.choices, blank=True)
    amount_max = models.DecimalField(
        _("金额上限（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    share_max = models.DecimalField(
        _("占营业收入比例上限（%）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "category"]
        verbose_name = _("质量成本目标")
        verbose_name_plural = _("质量成本目标")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "category"], name="evaluation_costtarget_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_max__isnull=False) | Q(share_max__isnull=False),
                name="evaluation_costtarget_has_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} {self.category or 'total'}"


class CostPlan(models.Model):
    """The year's quality-cost management (shenzhen-guide §5.7.2.2 a–g): what the enterprise
    records against each item of the pack's list (needs, forecast and plan, accounts,
    responsibilities, data collection and costing model, assessment and report, next targets)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="cost_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    clause = models.CharField(_("依据条款"), max_length=200)
    # [{"label": the pack's item, "text": the enterprise's record}]
    items = models.JSONField(_("管理内容"), default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("质量成本管理计划")
        verbose_name_plural = _("质量成本管理计划")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="evaluation_costplan_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class QualityLoss(models.Model):
    """A quality loss of one of the shenzhen-guide §5.7.3.2 kinds, direct or indirect."""

    class Effect(models.TextChoices):
        DIRECT = "direct", _("直接损失")
        INDIRECT = "indirect", _("间接损失")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="quality_losses"
    )
    occurred_on = models.DateField(_("发生日期"), validators=[dates.ACCOUNTS])
    kind = models.CharField(_("损失类别"), max_length=40)
    kind_label = models.CharField(_("损失类别名称"), max_length=100)
    effect = models.CharField(_("直接/间接"), max_length=10, choices=Effect.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("质量损失")
        verbose_name_plural = _("质量损失")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="evaluation_qualityloss_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.occurred_on}"
