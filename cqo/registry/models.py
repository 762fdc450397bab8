"""Enterprise, Person and Appointment: the filed record of shenzhen-guide Annex A (SPEC §3)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds, crypto, dates
from cqo.lib.bounds import text_field
from cqo.reference import enums


class Enterprise(models.Model):
    # shenzhen-guide Annex A, 单位 part
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("单位名称"), max_length=200, db_index=True)
    website = models.CharField(_("单位网址"), max_length=200, blank=True)
    employees = models.PositiveIntegerField(_("员工总数"), null=True, blank=True)
    industry = models.ForeignKey(
        "reference.Industry",
        verbose_name=_("所属行业"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "division"},
    )
    size = models.CharField(_("企业规模"), max_length=10, choices=enums.EnterpriseSize.choices)
    nature = models.CharField(
        _("单位性质"), max_length=20, choices=enums.EnterpriseNature.choices, blank=True
    )
    listed = models.BooleanField(_("上市公司"), default=False)
    # Annex A prints it in one cell of the form
    main_products = text_field(
        _("主导产品及经营项目"),
        max_length=bounds.FORM_CELL,
        validators=(bounds.MaxLinesValidator(bounds.FORM_CELL_LINES),),
        blank=True,
    )
    registered_address = models.CharField(_("注册地址"), max_length=300, blank=True)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("所属行政区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_name = models.CharField(_("单位负责人姓名"), max_length=50, blank=True)
    responsible_position = models.CharField(_("单位负责人职务"), max_length=100, blank=True)
    responsible_landline = models.CharField(_("单位负责人座机"), max_length=30, blank=True)
    responsible_mobile_enc = models.TextField(blank=True, editable=False)
    responsible_mobile_masked = models.CharField(
        _("单位负责人手机"), max_length=11, blank=True, editable=False
    )
    # SPEC §2/§3 additions to Annex A
    above_scale = models.BooleanField(_("规模以上企业"), default=False)
    above_scale_year = models.PositiveSmallIntegerField(_("规上认定年度"), null=True, blank=True)
    quality_award = models.CharField(
        _("政府质量奖"), max_length=10, choices=enums.QualityAward.choices, blank=True
    )
    quality_award_year = models.PositiveSmallIntegerField(_("获奖年度"), null=True, blank=True)
    special_equipment_licence = models.CharField(
        _("特种设备生产许可证号"), max_length=60, blank=True
    )
    # Small and micro firms may set their own conditions for the CQO (jiangsu-2020 §二;
    # SPEC §12.11: they are attached to the enterprise).
    own_cqo_conditions = text_field(
        _("企业自定首席质量官任职条件"), max_length=bounds.NOTE, blank=True
    )
    group_parent = models.ForeignKey(
        "self",
        verbose_name=_("所属集团（母公司）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )
    last_list = models.ForeignKey(
        "imports.EnterpriseList",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("最近一次名录"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name

    @property
    def responsible_mobile(self) -> str:
        return crypto.decrypt(self.responsible_mobile_enc)

    @responsible_mobile.setter
    def responsible_mobile(self, value: str) -> None:
        self.responsible_mobile_enc = crypto.encrypt(value)
        self.responsible_mobile_masked = crypto.mask(value, 3, 4)


class Person(models.Model):
    """A registered (serving or prospective) CQO: Annex A's 备案人 part (SPEC §3)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    id_number_enc = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=enums.Gender.choices)
    birth_date = models.DateField(_("出生日期"), validators=[dates.BIRTH])
    photo = models.ImageField(_("免冠照片"), upload_to="photos/%Y/", blank=True)
    position = models.CharField(_("现任职务"), max_length=100, blank=True)
    title = models.CharField(_("职称"), max_length=100, blank=True)
    title_level = models.CharField(
        _("职称等级"),
        max_length=20,
        choices=enums.QualificationLevel.choices,
        default=enums.QualificationLevel.NONE,
    )
    education = models.CharField(_("学历"), max_length=20, choices=enums.Education.choices)
    major = models.CharField(_("专业"), max_length=100, blank=True)
    mobile_enc = models.TextField(editable=False)
    mobile_hash = models.CharField(max_length=64, db_index=True, editable=False)
    mobile_masked = models.CharField(_("手机"), max_length=11, editable=False)
    email = models.EmailField(_("电子邮箱"), blank=True)
    mailing_address = models.CharField(_("通讯地址"), max_length=300, blank=True)
    quality_years = models.PositiveSmallIntegerField(_("质量工作年限"), default=0)
    # Annex A prints it in the 工作简历 cell, one period a line
    work_history = text_field(
        _("工作简历（含质量管理经验、获奖情况）"),
        max_length=bounds.PRINTED_LIST,
        validators=(bounds.MaxLinesValidator(bounds.PRINTED_LIST_LINES),),
        blank=True,
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("所在行政区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitees"
    )
    invite_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("首席质量官人员")
        verbose_name_plural = _("首席质量官人员")

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc)

    @id_number.setter
    def id_number(self, value: str) -> None:
        self.id_number_enc = crypto.encrypt(value)
        self.id_number_hash = crypto.keyed_hash(value)
        self.id_number_masked = crypto.mask(value, 4, 4)

    @property
    def mobile(self) -> str:
        return crypto.decrypt(self.mobile_enc)

    @mobile.setter
    def mobile(self, value: str) -> None:
        self.mobile_enc = crypto.encrypt(value)
        self.mobile_hash = crypto.keyed_hash(value)
        self.mobile_masked = crypto.mask(value, 3, 4)


class Qualification(models.Model):
    """A title or qualification with kind and level, so "中级 or above" can be checked (SPEC §2)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="qualifications")
    kind = models.CharField(_("类别"), max_length=20, choices=enums.QualificationKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    field = models.CharField(_("专业领域"), max_length=100, blank=True)
    level = models.CharField(_("等级"), max_length=20, choices=enums.QualificationLevel.choices)
    issued_on = models.DateField(_("取得日期"), null=True, blank=True, validators=[dates.LIFETIME])
    issuer = models.CharField(_("发证机构"), max_length=100, blank=True)

    class Meta:
        ordering = ["-issued_on", "name"]
        verbose_name = _("职称/资格")
        verbose_name_plural = _("职称/资格")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"


class Appointment(models.Model):
    """One enterprise × one person over a period, and its filing (备案) with the authority."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待备案")
        RETURNED = "returned", _("退回修改")
        FILED = "filed", _("已备案")
        ENDED = "ended", _("已终止")

    class Preparation(models.TextChoices):
        """Who holds a draft started by the person named (SPEC §12.23; shaanxi-2021 §五(一)(三),
        jiangsu-2020 §七): they fill it in, the enterprise confirms it, then submits it."""

        NONE = "", _("企业登记")
        PERSON = "person", _("本人填写中")
        ENTERPRISE = "enterprise", _("待企业确认")
        CONFIRMED = "confirmed", _("企业已确认")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="appointments"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    post = models.CharField(_("聘任职务"), max_length=100)
    rank = models.CharField(_("职级"), max_length=20, choices=enums.PositionRank.choices)
    concurrent_role = models.CharField(
        _("兼任角色"), max_length=30, choices=enums.ConcurrentRole.choices, blank=True
    )
    appointing_authority = models.CharField(
        _("聘任主体"), max_length=20, choices=enums.AppointingAuthority.choices
    )
    selection_method = models.CharField(
        _("选聘方式"), max_length=30, choices=enums.SelectionMethod.choices
    )
    assessment_result = models.CharField(_("测评结果"), max_length=200, blank=True)
    probation_end = models.DateField(
        _("试用期截止"), null=True, blank=True, validators=[dates.TERM]
    )
    reports_to_top = models.BooleanField(_("直接向总经理（总裁）报告工作"), default=True)
    # 待遇: the rank whose treatment the post carries (jiangsu-2020 §四, shaanxi-2021 §四(一)
    # "企业高层副职（含）以上领导岗位待遇"); blank when not agreed
    treatment = models.CharField(
        _("岗位待遇（相当于职级）"),
        max_length=20,
        choices=enums.PositionRank.choices,
        blank=True,
    )
    departments_led = models.JSONField(_("分管部门"), default=list, blank=True)
    # printed one item a line on the 聘任授权证书
    duties = text_field(
        _("授权职责"),
        max_length=bounds.PRINTED_LIST,
        validators=(bounds.MaxLinesValidator(bounds.PRINTED_LIST_LINES),),
        blank=True,
    )
    powers = text_field(
        _("授权权限"),
        max_length=bounds.PRINTED_LIST,
        validators=(bounds.MaxLinesValidator(bounds.PRINTED_LIST_LINES),),
        blank=True,
    )
    start_date = models.DateField(_("聘任日期"), validators=[dates.EVENT])
    term_end = models.DateField(_("聘期截止"), null=True, blank=True, validators=[dates.TERM])
    authorisation_scan = models.FileField(
        _("聘任授权证书扫描件"), upload_to="authorisations/%Y/", blank=True
    )
    form_date = models.DateField(_("填写日期"), null=True, blank=True, validators=[dates.EVENT])
    # Annex A prints it in the 备注 cell
    remarks = text_field(
        _("备注"),
        max_length=bounds.FORM_CELL,
        validators=(bounds.MaxLinesValidator(bounds.FORM_CELL_LINES),),
        blank=True,
    )
    declaration_confirmed = models.BooleanField(
        _("单位意见：上述资料属实，同意任命并备案。"), default=False
    )
    # The person named confirms the appointment; until then the enterprise sees none of their
    # contact data (SPEC §12.23; access.can_see_contact).
    person_confirmed_at = models.DateTimeField(_("本人确认时间"), null=True, blank=True)
    # The person's own declarations, by the codes of the governing pack's declaration
    # conditions: the level-standard §5.1.5 disqualifications on every filing (SPEC §12.11),
    # and e.g. hangzhou-spec 职业素养. Only the person records them.
    declarations = models.JSONField(_("本人声明"), default=list, blank=True, editable=False)
    declared_at = models.DateTimeField(_("本人声明时间"), null=True, blank=True)
    # A filing the person started (SPEC §12.23): who holds it before it is submitted, and why
    # the enterprise returned it to them.
    preparation = models.CharField(
        _("填报方式"),
        max_length=12,
        choices=Preparation.choices,
        blank=True,
        default="",
    )
    preparation_note = text_field(_("企业退回本人的原因"), max_length=bounds.NOTE, blank=True)
    # Why an unmet condition should not stop the filing, or why the pack's relaxation applies
    # (shaanxi-2021 §四(二); SPEC §12.11). The reviewer sees it.
    justification = text_field(_("未满足条件的书面说明"), max_length=bounds.NOTE, blank=True)
    # The rules the filing was evaluated under, kept with the decision (SPEC §4).
    pack_version = models.ForeignKey(
        "policy.PackVersion",
        verbose_name=_("适用政策包版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.JSONField(default=dict, blank=True, editable=False)
    # county_then_city packs: the county's check before the city files (SPEC §3)
    review_stage = models.CharField(
        _("审核环节"),
        max_length=20,
        blank=True,
        choices=[("", _("待初审")), ("county_checked", _("县级已初审，待市级备案"))],
    )
    # Filing
    filing_number = models.CharField(
        _("备案编号"), max_length=32, unique=True, null=True, blank=True
    )
    filing_authority = models.ForeignKey(
        "reference.Region",
        verbose_name=_("备案机关辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = text_field(_("退回原因"), max_length=bounds.NOTE, blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True, validators=[dates.EVENT])
    end_reason = models.CharField(
        _("终止原因"), max_length=20, choices=enums.EndReason.choices, blank=True
    )
    end_note = text_field(_("终止说明"), max_length=bounds.NOTE, blank=True)
    # What the authority filed, frozen at approval: the printed form shows this, not live data.
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    # Filed before the platform and migrated from a province's archive (历史数据迁移, issue 23):
    # kept under its original filing number and dates, never reviewed or evaluated here, so it
    # has no verdict, snapshot or printed form of the platform's (the paper filing is the record).
    migrated = models.BooleanField(_("历史数据迁移"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            # "does this enterprise have a filed / open appointment" (oversight, coverage)
            models.Index(fields=["enterprise", "status"], name="registry_appt_ent_status_idx"),
        ]
        constraints = [
            # SPEC §12.17: one active chief CQO per enterprise at a time.
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status="filed"),
                name="registry_appointment_one_active_chief",
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("start_date")),
                name="registry_appointment_term_after_start",
            ),
            # a migrated appointment was filed before the platform: it is filed or ended, with
            # the number and date of its original filing
            models.CheckConstraint(
                condition=Q(migrated=False)
                | Q(
                    status__in=["filed", "ended"],
                    filing_number__isnull=False,
                    filed_at__isnull=False,
                ),
                name="registry_appointment_migrated_is_filed",
            ),
        ]
        verbose_name = _("聘任备案")
        verbose_name_plural = _("聘任备案")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.person}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED, self.Status.RETURNED)


class Reminder(models.Model):
    """A regulator's 指导督促 notice to an enterprise (shaanxi-2021 §五(三), jiangsu-2020 §七)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="reminders")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    sent_at = models.DateTimeField(auto_now_add=True)
    message = text_field(_("督促内容"), max_length=bounds.NOTE)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("督促通知")
        verbose_name_plural = _("督促通知")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.sent_at:%Y-%m-%d}"
