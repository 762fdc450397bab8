"""The CQO community (SPEC §9): alliances and homes with membership, their events, the exchange
and sharing space, and the quality-improvement classic-case competition.

Sources: shaanxi-2021 §五(三) 推动建立"首席质量官联盟""首席质量官之家"等自治活动…
开展质量改进经典案例评比，举办首席质量官沙龙等群众性质量活动; jiangsu-2020 §七 …支持其开展
质量论坛、经验分享等交流活动; level-standard §11 认定主体宜组织开展首席质量官经验交流活动;
shenzhen-guide §6.4 典型案例遴选、首席质量官论坛.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds, dates
from cqo.lib.bounds import text_field


class Alliance(models.Model):
    class Kind(models.TextChoices):
        ALLIANCE = "alliance", _("首席质量官联盟")
        HOME = "home", _("首席质量官之家")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.ALLIANCE)
    # a province, city or county: its regulators and those above manage it
    region = models.ForeignKey(
        "reference.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    description = text_field(_("简介"), max_length=bounds.DOCUMENT, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="community_alliance_name_once")
        ]
        verbose_name = _("首席质量官联盟")
        verbose_name_plural = _("首席质量官联盟")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已入会")
        REJECTED = "rejected", _("未通过")
        LEFT = "left", _("已退出")

    class Role(models.TextChoices):
        MEMBER = "member", _("会员")
        OFFICER = "officer", _("负责人")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="community_memberships"
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    role = models.CharField(_("身份"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # e.g. 理事长, 秘书长 for an officer
    officer_title = models.CharField(_("职务"), max_length=30, blank=True)
    statement = text_field(_("入会申请说明"), max_length=bounds.NOTE, blank=True)
    applied_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = text_field(_("审核意见"), max_length=bounds.NOTE, blank=True)

    class Meta:
        ordering = ["alliance_id", "-role", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "person"],
                condition=Q(state__in=["pending", "approved"]),
                name="community_membership_one_open",
            )
        ]
        verbose_name = _("会员")
        verbose_name_plural = _("会员")

    def __str__(self) -> str:
        return f"{self.person} · {self.alliance}"


class Event(models.Model):
    class Kind(models.TextChoices):
        # shaanxi-2021 §五(三) 沙龙; jiangsu-2020 §七 质量论坛; SPEC §9
        SALON = "salon", _("沙龙")
        FORUM = "forum", _("论坛")
        SITE_VISIT = "site_visit", _("现场观摩")
        LECTURE = "lecture", _("讲座")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("已发布")
        CANCELLED = "cancelled", _("已取消")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("活动形式"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    description = text_field(_("活动内容"), max_length=bounds.DOCUMENT, blank=True)
    venue = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("活动开始时间"), validators=[dates.EVENT])
    ends_at = models.DateTimeField(_("活动结束时间"), validators=[dates.EVENT])
    capacity = models.PositiveIntegerField(_("名额"))
    # attendance counts as continuing education (level-standard §9.4.1.2 a/b) only when the
    # organiser says so, with the 学时 it states (SPEC §12.13)
    counts_hours = models.BooleanField(_("出席计入继续教育学时"), default=False)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=0)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="community_event_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=100), name="community_event_hours_range"
            ),
        ]
        verbose_name = _("联盟活动")
        verbose_name_plural = _("联盟活动")

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("已报名")
        CANCELLED = "cancelled", _("已取消")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="event_registrations"
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.REGISTERED
    )
    registered_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    attended = models.BooleanField(_("出席"), null=True, blank=True)
    # the continuing-education record written through cqo.hours when attendance counts
    study_record = models.OneToOneField(
        "hours.StudyRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="community_registration_once")
        ]
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")

    def __str__(self) -> str:
        return f"{self.person} · {self.event}"


class Post(models.Model):
    """The exchange and sharing space (交流分享, shaanxi-2021 §五(三), jiangsu-2020 §七)."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("文章")
        EXPERIENCE = "experience", _("经验分享")
        QUESTION = "question", _("问答")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = text_field(_("正文"), max_length=bounds.DOCUMENT)
    author = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="community_posts"
    )
    hidden = models.BooleanField(_("已隐藏"), default=False)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
    accepted_answer = models.OneToOneField(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("交流分享")
        verbose_name_plural = _("交流分享")

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="community_answers"
    )
    body = text_field(_("回答"), max_length=bounds.DOCUMENT)
    hidden = models.BooleanField(_("已隐藏"), default=False)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("回答时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("回答")
        verbose_name_plural = _("回答")

    def __str__(self) -> str:
        return f"{self.author} · {self.post}"


class CaseCompetition(models.Model):
    """质量改进经典案例评比 (shaanxi-2021 §五(三); shenzhen-guide §6.4 典型案例遴选)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("评比名称"), max_length=200)
    region = models.ForeignKey(
        "reference.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    description = text_field(_("征集说明"), max_length=bounds.DOCUMENT, blank=True)
    submission_opens = models.DateField(_("申报开始"), validators=[dates.EVENT])
    submission_closes = models.DateField(_("申报截止"), validators=[dates.EVENT])
    judging_opens = models.DateField(_("评审开始"), validators=[dates.EVENT])
    judging_closes = models.DateField(_("评审截止"), validators=[dates.EVENT])
    # how many top-ranked cases are awarded and enter the public case library
    awards = models.PositiveSmallIntegerField(_("入选案例数"), default=3)
    published_at = models.DateTimeField(_("结果发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submission_opens", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_closes__gte=models.F("submission_opens"))
                & Q(judging_opens__gt=models.F("submission_closes"))
                & Q(judging_closes__gte=models.F("judging_opens")),
                name="community_casecompetition_windows_in_order",
            ),
        ]
        verbose_name = _("质量改进经典案例评比")
        verbose_name_plural = _("质量改进经典案例评比")

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    competition = models.ForeignKey(
        CaseCompetition, on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("评分项"), max_length=100)
    # the criterion's weight is its maximum: a case's score is the sum of its points
    max_points = models.PositiveSmallIntegerField(_("满分"))

    class Meta:
        ordering = ["competition_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "position"], name="community_criterion_position_once"
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=1) & Q(max_points__lte=100),
                name="community_criterion_max_range",
            ),
        ]
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


class Judge(models.Model):
    competition = models.ForeignKey(
        CaseCompetition, on_delete=models.CASCADE, related_name="judges"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["competition_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "user"], name="community_judge_once")
        ]
        verbose_name = _("评委")
        verbose_name_plural = _("评委")

    def __str__(self) -> str:
        return str(self.user)


class Submission(models.Model):
    class Method(models.TextChoices):
        SIX_SIGMA = "six_sigma", _("六西格玛")
        LEAN = "lean", _("精益管理")
        ROOT_CAUSE = "root_cause", _("根本原因分析")
        QC_CIRCLE = "qc_circle", _("质量管理小组（QC小组）")
        PDCA = "pdca", _("PDCA循环")
        SPC = "spc", _("统计过程控制（SPC）")
        FMEA = "fmea", _("失效模式与影响分析（FMEA）")
        OTHER = "other", _("其他方法")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已申报")
        WITHDRAWN = "withdrawn", _("已撤回")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    competition = models.ForeignKey(
        CaseCompetition, on_delete=models.CASCADE, related_name="submissions"
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="case_submissions"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="case_submissions"
    )
    title = models.CharField(_("案例名称"), max_length=200)
    method = models.CharField(_("改进方法"), max_length=12, choices=Method.choices)
    case_text = text_field(_("案例内容"), max_length=bounds.DOCUMENT)
    results = text_field(_("改进成效"), max_length=bounds.DOCUMENT)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    # set when the results are published (see rules.rank)
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    awarded = models.BooleanField(_("入选"), default=False)

    class Meta:
        ordering = ["competition_id", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "person", "title"], name="community_submission_once"
            )
        ]
        verbose_name = _("参评案例")
        verbose_name_plural = _("参评案例")

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="community/cases/%Y/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("案例附件")
        verbose_name_plural = _("案例附件")

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    points = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "judge", "criterion"], name="community_score_once"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="community_score_not_negative"),
        ]
        verbose_name = _("评分")
        verbose_name_plural = _("评分")

    def __str__(self) -> str:
        return f"{self.judge} {self.criterion} {self.points}"
