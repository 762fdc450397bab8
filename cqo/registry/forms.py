"""Page forms. They shape input only; every rule is checked by the services, whose field errors
are put back beside these fields (cqo.lib.forms.apply_errors)."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import User
from cqo.lib import dates
from cqo.lib.bounds import line_validators, max_length
from cqo.lib.forms import BootstrapForm
from cqo.reference import enums, validators
from cqo.reference.models import Industry, Region
from cqo.reference.selectors import region_label
from cqo.registry import inputs
from cqo.registry.inputs import PersonDetails, QualificationDetails
from cqo.registry.models import Appointment, Enterprise, Person, Qualification, Reminder
from cqo.registry.services._common import PASSWORD_MAX_INPUT, TRANSITION_NOTE_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def region_choices(user: Any, around: Region | None = None) -> list[tuple[str, Any]]:
    """Counties (and cities without counties) the user may place a record in, grouped by city."""
    qs = Region.objects.filter(level=Region.Level.COUNTY).exclude(flags="placeholder")
    if user.is_regulator:
        qs = qs.filter(**_subtree(user))
    elif around is not None:
        qs = qs.filter(province_code=around.province_code)
    groups: dict[str, list[tuple[str, str]]] = {}
    for r in qs.order_by("code"):
        groups.setdefault(region_label(r.city_code or r.province_code), []).append((r.code, r.name))
    if around is not None and around.code not in {c for opts in groups.values() for c, _n in opts}:
        groups.setdefault(region_label(around.city_code or around.province_code), []).append(
            (around.code, around.name)
        )
    return [("", "—")] + [(label, opts) for label, opts in groups.items()]


def _subtree(user: Any) -> dict[str, str]:
    region = user.region
    if region.level == Region.Level.PROVINCE:
        return {"province_code": region.code}
    if region.level == Region.Level.CITY:
        return {"city_code": region.code}
    return {"code": region.code}


def industry_choices() -> list[tuple[str, Any]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for d in Industry.objects.filter(level=Industry.Level.DIVISION).select_related("parent"):
        section = f"{d.parent.code} {d.parent.name}" if d.parent else ""
        groups.setdefault(section, []).append((d.code, f"{d.code} {d.name}"))
    return [("", "—"), *groups.items()]


class EnterpriseForm(BootstrapForm):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=max_length(Enterprise, "uscc"))
    name = forms.CharField(label=_("单位名称"), max_length=max_length(Enterprise, "name"))
    region = forms.ChoiceField(label=_("所属行政区划"))
    industry = forms.ChoiceField(label=_("所属行业（GB/T 4754-2017 大类）"))
    size = forms.ChoiceField(
        label=_("企业规模"), choices=[("", "—"), *enums.EnterpriseSize.choices]
    )
    nature = forms.ChoiceField(
        label=_("单位性质"), choices=[("", "—"), *enums.EnterpriseNature.choices], required=False
    )
    listed = forms.BooleanField(label=_("上市公司"), required=False)
    website = forms.CharField(
        label=_("单位网址"), max_length=max_length(Enterprise, "website"), required=False
    )
    employees = forms.IntegerField(
        label=_("员工总数"), required=False, min_value=0, max_value=10_000_000
    )
    main_products = forms.CharField(
        label=_("主导产品及经营项目"),
        max_length=max_length(Enterprise, "main_products"),
        validators=line_validators(Enterprise, "main_products"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    registered_address = forms.CharField(
        label=_("注册地址"), max_length=max_length(Enterprise, "registered_address"), required=False
    )
    responsible_name = forms.CharField(
        label=_("单位负责人姓名"),
        max_length=max_length(Enterprise, "responsible_name"),
        required=False,
    )
    responsible_position = forms.CharField(
        label=_("单位负责人职务"),
        max_length=max_length(Enterprise, "responsible_position"),
        required=False,
    )
    responsible_landline = forms.CharField(
        label=_("单位负责人座机"),
        max_length=max_length(Enterprise, "responsible_landline"),
        required=False,
    )
    responsible_mobile = forms.CharField(
        label=_("单位负责人手机"), max_length=validators.MOBILE_MAX_INPUT, required=False
    )
    above_scale = forms.BooleanField(label=_("规模以上企业"), required=False)
    above_scale_year = forms.IntegerField(label=_("规上认定年度"), required=False)
    quality_award = forms.ChoiceField(
        label=_("政府质量奖"), choices=enums.QualityAward.choices, required=False
    )
    quality_award_year = forms.IntegerField(label=_("获奖年度"), required=False)
    special_equipment_licence = forms.CharField(
        label=_("特种设备生产许可证号"),
        max_length=max_length(Enterprise, "special_equipment_licence"),
        required=False,
    )
    group_parent = forms.CharField(
        label=_("所属集团统一社会信用代码"),
        max_length=max_length(Enterprise, "uscc"),
        required=False,
    )
    own_cqo_conditions = forms.CharField(
        label=_("企业自定首席质量官任职条件"),
        max_length=max_length(Enterprise, "own_cqo_conditions"),
        help_text=_("小微企业可结合实际，参考制定相应的条件（苏质委办〔2020〕9号 第二条）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, around: Region | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = region_choices(user, around)
        cast(forms.ChoiceField, self.fields["industry"]).choices = industry_choices()


class PersonForm(BootstrapForm):
    name = forms.CharField(label=_("姓名"), max_length=max_length(Person, "name"))
    id_number = forms.CharField(label=_("身份证号"), max_length=validators.ID_NUMBER_MAX_INPUT)
    gender = forms.ChoiceField(
        label=_("性别"),
        choices=[("", "—"), *enums.Gender.choices],
        required=False,
        help_text=_("可不填；填写时须与身份证号一致"),
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=DATE,
        help_text=_("可不填；填写时须与身份证号一致"),
        validators=[dates.BIRTH],
    )
    # a plain file field: the service checks the image (cqo/lib/uploads.py) and says which
    # rule it breaks (format, size, pixels), where ImageField only says "not a valid image"
    photo = forms.FileField(label=_("免冠照片"), required=False)
    position = forms.CharField(
        label=_("现任职务"), max_length=max_length(Person, "position"), required=False
    )
    title = forms.CharField(label=_("职称"), max_length=max_length(Person, "title"), required=False)
    title_level = forms.ChoiceField(
        label=_("职称等级"), choices=enums.QualificationLevel.choices, required=False
    )
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—"), *enums.Education.choices])
    major = forms.CharField(label=_("专业"), max_length=max_length(Person, "major"), required=False)
    mobile = forms.CharField(label=_("手机"), max_length=validators.MOBILE_MAX_INPUT)
    email = forms.CharField(
        label=_("电子邮箱"), max_length=max_length(Person, "email"), required=False
    )
    mailing_address = forms.CharField(
        label=_("通讯地址"), max_length=max_length(Person, "mailing_address"), required=False
    )
    quality_years = forms.IntegerField(
        label=_("质量工作年限"), min_value=0, max_value=60, initial=0
    )
    work_history = forms.CharField(
        label=_("工作简历（需注明质量管理经验、获奖情况）"),
        max_length=max_length(Person, "work_history"),
        validators=line_validators(Person, "work_history"),
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "××××年×月—××××年×月，××有限公司研发部总监……"}
        ),
        required=False,
    )
    region = forms.ChoiceField(label=_("所在行政区划"), required=False)

    def __init__(
        self, *args: Any, user: Any = None, around: Region | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and (user.is_authenticated and user.is_regulator):
            cast(forms.ChoiceField, self.fields["region"]).choices = region_choices(user)
        else:
            qs = Region.objects.filter(level=Region.Level.COUNTY).exclude(flags="placeholder")
            if around is not None:
                qs = qs.filter(province_code=around.province_code)
            cast(forms.ChoiceField, self.fields["region"]).choices = [("", "—")] + [
                (r.code, region_label(r.code)) for r in qs
            ]


class PersonEditForm(PersonForm):
    """Editing a profile: the ID number is fixed once registered (identity)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("id_number", "gender", "birth_date"):
            del self.fields[name]


class QualificationForm(BootstrapForm):
    """One title or qualification (SPEC §2: kind, field and level, so rules can compare levels)."""

    kind = forms.ChoiceField(label=_("类别"), choices=[("", "—"), *enums.QualificationKind.choices])
    name = forms.CharField(label=_("名称"), max_length=max_length(Qualification, "name"))
    field = forms.CharField(
        label=_("专业领域"), max_length=max_length(Qualification, "field"), required=False
    )
    level = forms.ChoiceField(label=_("等级"), choices=enums.QualificationLevel.choices)
    issued_on = forms.DateField(
        label=_("取得日期"),
        required=False,
        widget=DATE,
        validators=[dates.LIFETIME],
    )
    issuer = forms.CharField(
        label=_("发证机构"), max_length=max_length(Qualification, "issuer"), required=False
    )


QualificationFormSet = forms.formset_factory(
    QualificationForm, extra=1, can_delete=True, max_num=20
)


class RegisterForm(PersonForm):
    """线上注册: the profile plus an account; the password twice (templates/accounts/register.html
    places the county with the province → city → county picker)."""

    username = forms.CharField(label=_("用户名"), max_length=max_length(User, "username"))
    password = forms.CharField(
        label=_("密码"),
        max_length=PASSWORD_MAX_INPUT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # the rules of AUTH_PASSWORD_VALIDATORS, as the password change page lists them
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        max_length=PASSWORD_MAX_INPUT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["username", "password", "password2"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致"))
        elif first:
            # the service checks it again; here so that it is said with the other errors
            account = User(username=data.get("username") or "", email=data.get("email") or "")
            try:
                password_validation.validate_password(first, account)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class ClaimForm(BootstrapForm):
    id_number = forms.CharField(label=_("身份证号"), max_length=validators.ID_NUMBER_MAX_INPUT)
    username = forms.CharField(label=_("用户名"), max_length=max_length(User, "username"))
    password = forms.CharField(
        label=_("密码"), max_length=PASSWORD_MAX_INPUT, widget=forms.PasswordInput
    )


class AppointmentForm(BootstrapForm):
    post = forms.CharField(
        label=_("聘任职务"), max_length=max_length(Appointment, "post"), initial="首席质量官"
    )
    rank = forms.ChoiceField(
        label=_("职级"), choices=[("", "—"), *reversed(enums.PositionRank.choices)]
    )
    concurrent_role = forms.ChoiceField(
        label=_("兼任角色"), choices=enums.ConcurrentRole.choices, required=False
    )
    appointing_authority = forms.ChoiceField(
        label=_("聘任主体"), choices=enums.AppointingAuthority.choices
    )
    selection_method = forms.ChoiceField(label=_("选聘方式"), choices=enums.SelectionMethod.choices)
    assessment_result = forms.CharField(
        label=_("测评结果"), max_length=max_length(Appointment, "assessment_result"), required=False
    )
    probation_end = forms.DateField(
        label=_("试用期截止"),
        required=False,
        widget=DATE,
        validators=[dates.TERM],
    )
    reports_to_top = forms.BooleanField(
        label=_("直接向总经理（总裁）报告工作"), required=False, initial=True
    )
    treatment = forms.ChoiceField(
        label=_("岗位待遇（相当于职级）"),
        choices=[("", _("未约定")), *reversed(enums.PositionRank.choices)],
        required=False,
        help_text=_(
            "如“企业高层副职（含）以上领导岗位待遇”（苏质委办〔2020〕9号 第四条；"
            "陕质委办〔2021〕15号 第四条（一））"
        ),
    )
    departments_led = forms.MultipleChoiceField(
        label=_("分管部门"),
        choices=enums.LedDepartment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    duties = forms.CharField(
        label=_("授权职责"),
        max_length=max_length(Appointment, "duties"),
        validators=line_validators(Appointment, "duties"),
        help_text=_("每行一项"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    powers = forms.CharField(
        label=_("授权权限"),
        max_length=max_length(Appointment, "powers"),
        validators=line_validators(Appointment, "powers"),
        help_text=_("每行一项"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    start_date = forms.DateField(label=_("聘任日期"), widget=DATE, validators=[dates.EVENT])
    term_end = forms.DateField(
        label=_("聘期截止"),
        required=False,
        widget=DATE,
        validators=[dates.TERM],
    )
    authorisation_scan = forms.FileField(label=_("聘任授权证书扫描件"), required=False)
    remarks = forms.CharField(
        label=_("备注"),
        max_length=max_length(Appointment, "remarks"),
        validators=line_validators(Appointment, "remarks"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    declaration_confirmed = forms.BooleanField(
        label=_("单位意见：上述资料属实，同意任命并备案。"), required=False
    )
    justification = forms.CharField(
        label=_("未满足条件的书面说明"),
        max_length=max_length(Appointment, "justification"),
        help_text=_(
            "备案人未满足政策包中“需书面说明”的条件时填写，例如实践经验丰富的技术骨干"
            "适当放宽条件的理由（陕质委办〔2021〕15号 第四条（二））；备案机关审核时可见。"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class NewAppointmentForm(AppointmentForm):
    id_number = forms.CharField(
        label=_("备案人身份证号"), max_length=validators.ID_NUMBER_MAX_INPUT
    )
    person_name = forms.CharField(label=_("备案人姓名"), max_length=max_length(Person, "name"))
    field_order = ["person_name", "id_number"]


class ReturnForm(BootstrapForm):
    reason = forms.CharField(
        label=_("退回原因（需更正的内容）"),
        max_length=max_length(Appointment, "return_reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EndForm(BootstrapForm):
    ended_on = forms.DateField(label=_("终止日期"), widget=DATE, validators=[dates.EVENT])
    reason = forms.ChoiceField(label=_("终止原因"), choices=enums.EndReason.choices)
    note = forms.CharField(
        label=_("说明"),
        max_length=max_length(Appointment, "end_note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class RenewForm(BootstrapForm):
    term_end = forms.DateField(label=_("续聘至"), widget=DATE, validators=[dates.TERM])
    note = forms.CharField(label=_("说明"), max_length=TRANSITION_NOTE_MAX, required=False)


class ReminderForm(BootstrapForm):
    message = forms.CharField(
        label=_("督促内容"),
        max_length=max_length(Reminder, "message"),
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=_("请尽快完成首席质量官线上注册和聘任信息备案。"),
    )


class ClerkForm(BootstrapForm):
    username = forms.CharField(label=_("用户名"), max_length=max_length(User, "username"))
    display_name = forms.CharField(
        label=_("经办人姓名"), required=False, max_length=max_length(User, "display_name")
    )
    password = forms.CharField(
        label=_("初始密码"), max_length=PASSWORD_MAX_INPUT, widget=forms.PasswordInput
    )


def industry_filter_options() -> list[tuple[str, str]]:
    """GB/T 4754 sections and, under each, its divisions, by name (the code is the value)."""
    out: list[tuple[str, str]] = []
    for i in Industry.objects.order_by("code"):
        if i.level == Industry.Level.SECTION:
            out.append((i.code, i.name))
    divisions: dict[str | None, list[tuple[str, str]]] = {}
    for d in Industry.objects.filter(level=Industry.Level.DIVISION).order_by("code"):
        divisions.setdefault(d.parent_id, []).append((d.code, "　" + d.name))
    return [row for code, name in out for row in [(code, name), *divisions.get(code, [])]]


def region_filter_options(user: Any) -> list[tuple[str, str]]:
    """Cities and counties a regulator may narrow a list to (drill-down inside its scope)."""
    if not getattr(user, "is_regulator", False) or user.region.level == Region.Level.COUNTY:
        return []
    qs = (
        Region.objects.filter(**_subtree(user))
        .exclude(code=user.region_id)
        .exclude(flags="placeholder")
        .exclude(level=Region.Level.PROVINCE)
        .order_by("code")
    )
    return [(r.code, ("" if r.level == Region.Level.CITY else "　") + r.name) for r in qs]


QUALIFICATION_FIELDS = ("kind", "name", "field", "level", "issued_on", "issuer")


def person_edit_forms(
    data: Any, files: Any, *, person: Person, user: User
) -> tuple[PersonEditForm, Any]:
    """The profile form and the qualifications formset of ``person``, filled from the record."""
    initial = {f: getattr(person, f) for f in PersonEditForm.base_fields if hasattr(person, f)}
    initial.update(region=person.region_id or "", mobile=person.mobile)
    form = PersonEditForm(data, files, initial=initial, user=user, around=person.region)
    quals = QualificationFormSet(
        data,
        prefix="q",
        initial=[
            {f: getattr(q, f) for f in QUALIFICATION_FIELDS} for q in person.qualifications.all()
        ],
    )
    return form, quals


def person_details(form: PersonEditForm, quals: Any) -> PersonDetails:
    """What the two forms state, for ``services.person_update``; a blank or deleted row of the
    formset is no qualification."""
    return dataclasses.replace(
        inputs.of(PersonDetails, form.cleaned_data),
        qualifications=[
            inputs.of(QualificationDetails, q)
            for q in quals.cleaned_data
            if q and not q.get("DELETE") and q.get("name")
        ],
    )


class PrepareForm(AppointmentForm):
    """A filing the CQO starts (SPEC §12.23): the enterprise by USCC, then the appointment as
    the enterprise would state it; its 单位意见 is the enterprise's to give."""

    uscc = forms.CharField(
        label=_("聘任单位统一社会信用代码"),
        max_length=max_length(Enterprise, "uscc"),
        help_text=_("填写聘任您的企业的统一社会信用代码（18位）"),
    )
    field_order = ["uscc"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["declaration_confirmed"]


class PreparedEditForm(PrepareForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["uscc"]


class DeclareForm(BootstrapForm):
    """The person's own declarations: one box per declaration condition of the governing pack,
    labelled with its words (level-standard §5.1.5; SPEC §12.11)."""

    declarations = forms.MultipleChoiceField(
        label=_("本人声明"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["declarations"])
        field.choices = choices


class ReturnToPersonForm(BootstrapForm):
    reason = forms.CharField(
        label=_("退回本人的原因（需更正的内容）"),
        max_length=max_length(Appointment, "preparation_note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
