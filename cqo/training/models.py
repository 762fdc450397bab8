"""Training: yearly plans, courses by the pack's tiers, sessions, enrolment with attendance and
assessment, and the training certificate (培训合格证) for those who pass (SPEC §5).

shaanxi-2021 §五(一) / jiangsu-2020 §五: three tiers of training run by the province, the
cities and the counties, in several forms (集中授课、案例剖析、分组交流、现场观摩), with
an assessment of the learning effect; those who meet the requirement receive a training
certificate from whoever the pack allows. Every level of the market regulators draws up a
yearly training plan; so does a certification body (level-standard §11
"认定主体应制定并及时更新首席质量官课程培训计划").

A certificate is never deleted or changed: what it says is frozen at issue with its SHA-256;
revocation keeps the row, who revoked it, when and why.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds, dates
from cqo.lib.bounds import text_field


class Tier(models.TextChoices):
    # SPEC §13; which tiers exist, and who organises them, is the pack's (training.tiers)
    BASIC = "basic", _("基础培训")
    ENHANCEMENT = "enhancement", _("提升培训")
    ADVANCED = "advanced", _("高级培训")


class Form(models.TextChoices):
    # shaanxi-2021 §五(一): 采取集中授课、案例剖析、分组交流、现场观摩等多种形式; 线上线下相结合
    LECTURE = "lecture", _("集中授课")
    CASE_STUDY = "case_study", _("案例剖析")
    GROUP_DISCUSSION = "group_discussion", _("分组交流")
    SITE_VISIT = "site_visit", _("现场观摩")
    ONLINE = "online", _("线上培训")


class Method(models.TextChoices):
    # shaanxi-2021 §五(一) "做好培训和学习效果评估": the course states how it assesses
    EXAM = "exam", _("考试")
    ASSIGNMENT = "assignment", _("作业")
    ATTENDANCE = "attendance", _("考勤")


class Qualification(models.Model):
    """A training institution's CQO training qualification (培训资质), recorded and managed by a
    regulator: who granted it, by which document, from when until when. shaanxi-2021 §五(一)
    "由具备相关资质的承办机构颁发培训合格证"; jiangsu-2020 §五 "具备相关培训资质的承办机构";
    hangzhou-spec 聘用与培训·培训 "具备首席质量官培训资质的机构组织的…培训". An institution is
    qualified on a day when one of its unrevoked qualifications covers it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("培训机构"),
        on_delete=models.PROTECT,
        related_name="training_qualifications",
    )
    granted_by = models.CharField(_("授予机关"), max_length=200)
    document = models.CharField(_("资质文件及文号"), max_length=200)
    basis = models.CharField(_("依据条款"), max_length=200)
    valid_from = models.DateField(_("有效期起"), validators=[dates.EVENT])
    valid_until = models.DateField(_("有效期至"), validators=[dates.TERM])
    # the recording regulator's region: regulators of it (and above) manage the record
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("登记机关辖区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = text_field(_("撤销原因"), max_length=bounds.STATEMENT, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_until", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="training_qualification_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="training_qualification_revocation_recorded",
            ),
        ]
        verbose_name = _("培训资质")
        verbose_name_plural = _("培训资质")

    def __str__(self) -> str:
        return f"{self.institution} {self.valid_from:%Y-%m-%d}–{self.valid_until:%Y-%m-%d}"


class TrainingPlan(models.Model):
    """A yearly training plan of a regulator level (its region) or of a certification body (its
    organisation): shaanxi-2021 §五(一) "各级市场监管部门…制定年度培训计划", level-standard §11."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # a regulator's plan belongs to its region (every account of that bureau shares it) ...
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("行政区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # ... a certification body's to its organisation; for a regulator, the bureau's name
    organisation = models.CharField(_("制定单位"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    budget = models.DecimalField(_("培训专项经费（元）"), max_digits=14, decimal_places=2)
    planned_sessions = models.PositiveIntegerField(_("计划期数"))
    notes = text_field(_("说明"), max_length=bounds.STATEMENT, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=Q(region__isnull=False),
                name="training_trainingplan_one_per_region_year",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(region__isnull=True),
                name="training_trainingplan_one_per_body_year",
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="training_trainingplan_budget_not_negative"
            ),
        ]
        verbose_name = _("年度培训计划")
        verbose_name_plural = _("年度培训计划")

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class Course(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("课程名称"), max_length=200)
    # blank: a course outside the pack's tiers ("其他"), the only kind a pack without tiers has
    tier = models.CharField(_("培训层级"), max_length=20, choices=Tier.choices, blank=True)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("面向辖区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组织方"),
        on_delete=models.PROTECT,
        related_name="training_courses",
    )
    # the organiser's name as printed (the bureau, body or institution), fixed at creation
    organiser_name = models.CharField(_("组织单位"), max_length=200)
    # 承办机构: a qualified training institution engaged by the organiser (shaanxi-2021 §五(一))
    institution = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_courses_run",
    )
    forms = models.JSONField(_("培训形式"), default=list)
    hours = models.DecimalField(_("每期学时"), max_digits=5, decimal_places=1)
    method = models.CharField(_("考核方式"), max_length=20, choices=Method.choices)
    pass_mark = models.PositiveSmallIntegerField(_("合格分数线"), null=True, blank=True)
    min_attendance = models.PositiveSmallIntegerField(_("最低出勤率（%）"), null=True, blank=True)
    plan = models.ForeignKey(
        TrainingPlan,
        verbose_name=_("所属年度计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    description = text_field(_("课程简介"), max_length=bounds.STATEMENT, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=500), name="training_course_hours_in_range"
            ),
            # the pass rule matches the method: a mark for exam and assignment, a share for
            # attendance
            models.CheckConstraint(
                condition=(
                    Q(method="attendance", min_attendance__gte=1, min_attendance__lte=100)
                    | (
                        Q(method__in=["exam", "assignment"], pass_mark__isnull=False)
                        & Q(pass_mark__lte=100)
                    )
                ),
                name="training_course_pass_rule_matches_method",
            ),
        ]
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return list(self.forms or []) == [Form.ONLINE]

    def forms_display(self) -> str:
        labels = dict(Form.choices)
        return "、".join(str(labels.get(f, f)) for f in self.forms or [])

    def pass_rule_display(self) -> str:
        if self.method == Method.ATTENDANCE:
            return str(_("出勤率不低于 %(n)s%%")) % {"n": self.min_attendance}
        return str(_("%(method)s成绩不低于 %(n)s 分")) % {
            "method": self.get_method_display(),
            "n": self.pass_mark,
        }


class Session(models.Model):
    """One run (期) of a course."""

    class Status(models.TextChoices):
        OPEN = "open", _("报名中")
        CLOSED = "closed", _("报名截止")
        HELD = "held", _("已举办")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    start_date = models.DateField(_("开始日期"), validators=[dates.EVENT])
    end_date = models.DateField(_("结束日期"), validators=[dates.EVENT])
    place = models.CharField(_("地点"), max_length=200)
    capacity = models.PositiveIntegerField(_("名额"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="training_session_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="training_session_capacity_positive"
            ),
        ]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self) -> str:
        return f"{self.course} {self.start_date:%Y-%m-%d}"


class Enrolment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("学员"),
        on_delete=models.PROTECT,
        related_name="training_enrolments",
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    # the share of the session attended, in percent; null: not recorded; 0: absent
    attendance = models.PositiveSmallIntegerField(_("出勤率（%）"), null=True, blank=True)
    score = models.DecimalField(_("成绩"), max_digits=4, decimal_places=1, null=True, blank=True)
    # computed by rules.passed from the course's method and pass rule whenever the attendance or
    # the score changes; null while the assessment is incomplete
    passed = models.BooleanField(_("考核合格"), null=True, blank=True)
    # the study record written when the attendance was recorded (exactly once)
    study_record = models.OneToOneField(
        "hours.StudyRecord",
        verbose_name=_("学时记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="training_enrolment_once_per_session"
            ),
            models.CheckConstraint(
                condition=Q(attendance__isnull=True) | Q(attendance__lte=100),
                name="training_enrolment_attendance_in_range",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="training_enrolment_score_in_range",
            ),
        ]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")

    def __str__(self) -> str:
        return f"{self.person} · {self.session}"


class TrainingCertificate(models.Model):
    """培训合格证 (SPEC §5, §13).

    Issued on the platform, it names the enrolment it was earned in, the course, the session's
    dates and hours, and the account that issued it. Migrated from a province's archive (a
    certificate printed before the platform), it has none of these: only the holder, the tier,
    the issuer's name as printed and the dates, under its original number; its provenance is a
    ``LegacyOrigin`` row of the imports app."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    class IssuerKind(models.TextChoices):
        # the pack's training.certificate_issuers
        ORGANISER = "organiser", _("培训组织方")
        QUALIFIED_INSTITUTION = "qualified_institution", _("具备培训资质的承办机构")
        GOVERNMENT = "government_quality_department", _("政府质量管理部门")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # traceable: PX + the course's region code + year + sequence (see services.next_number)
    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    # null only for a migrated certificate (see the class docstring and the constraint)
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    holder = models.ForeignKey(
        "registry.Person",
        verbose_name=_("持证人"),
        on_delete=models.PROTECT,
        related_name="training_certificates",
    )
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    tier = models.CharField(_("培训层级"), max_length=20, choices=Tier.choices, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    start_date = models.DateField(_("培训开始日期"), null=True, blank=True)
    end_date = models.DateField(_("培训结束日期"), null=True, blank=True)
    issuer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("颁发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer_name = models.CharField(_("颁发机构"), max_length=200)
    # blank only for a migrated certificate: the archive does not say under which rule it was
    issuer_kind = models.CharField(
        _("颁发机构类别"), max_length=40, choices=IssuerKind.choices, blank=True
    )
    issued_on = models.DateField(_("发证日期"))
    # none on the platform (no pack states one); a migrated certificate's, where it printed one
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, validators=[dates.TERM])
    # the rules it was issued under (SPEC §4: every decision keeps its version)
    pack_version = models.ForeignKey(
        "policy.PackVersion",
        verbose_name=_("适用政策包版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # what the certificate says, frozen at issue, and its SHA-256 over the canonical JSON
    content = models.JSONField(editable=False)
    content_hash = models.CharField(_("内容摘要（SHA-256）"), max_length=64, editable=False)
    # the SM2 signature of content_hash (cqo.lib.crypto.content_signature), issued under the
    # national suite; blank for certificates issued before it or migrated from an archive
    content_sm2 = models.CharField(
        _("内容摘要的SM2签名"), max_length=128, blank=True, editable=False
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.VALID, db_index=True
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = text_field(_("撤销原因"), max_length=bounds.STATEMENT, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            # one certificate in force per enrolment; a revoked one may be followed by another
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(status="valid"),
                name="training_certificate_one_valid_per_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(status="valid", revoked_at__isnull=True)
                | Q(status="revoked", revoked_at__isnull=False, revoked_by__isnull=False),
                name="training_certificate_revocation_recorded",
            ),
            # issued on the platform (everything of the session it was earned in) or migrated
            # (none of it): never half of each
            models.CheckConstraint(
                condition=Q(
                    enrolment__isnull=False,
                    course__isnull=False,
                    issuer__isnull=False,
                    hours__isnull=False,
                    start_date__isnull=False,
                    end_date__isnull=False,
                )
                & ~Q(issuer_kind="")
                | Q(
                    enrolment__isnull=True,
                    course__isnull=True,
                    issuer__isnull=True,
                    hours__isnull=True,
                    start_date__isnull=True,
                    end_date__isnull=True,
                    issuer_kind="",
                ),
                name="training_certificate_issued_or_migrated",
            ),
        ]
        verbose_name = _("培训合格证")
        verbose_name_plural = _("培训合格证")

    def __str__(self) -> str:
        return self.number

    @property
    def migrated(self) -> bool:
        """Brought in from an archive, not issued on the platform."""
        return self.enrolment_id is None


class NumberSequence(models.Model):
    """The last sequence number used under a certificate-number prefix (PX + region + year)."""

    prefix = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix} {self.last}"
