"""Page forms of training. They shape input only; the services check every rule and their field
errors are put back beside these fields (cqo.lib.forms.apply_errors)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import Role, User
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.lib.forms import BootstrapForm
from cqo.policy.selectors import NoPackInForce
from cqo.reference import validators
from cqo.reference.models import Region
from cqo.registry.models import Person
from cqo.training import selectors
from cqo.training.models import (
    Course,
    Form,
    Method,
    Qualification,
    Session,
    Tier,
    TrainingCertificate,
    TrainingPlan,
)
from cqo.training.services import CourseTerms, QualificationTerms, SessionTerms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(BootstrapForm):
    year = forms.IntegerField(label=_("年度"))
    budget = forms.DecimalField(
        label=_("培训专项经费（元）"), max_digits=14, decimal_places=2, min_value=0
    )
    planned_sessions = forms.IntegerField(label=_("计划期数"), min_value=0)
    notes = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("统一要求、统一教材、统一师资的安排等"),
        max_length=max_length(TrainingPlan, "notes"),
    )

    def __init__(self, *args: Any, editing: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if editing:
            del self.fields["year"]


def _tiers_of(user: User) -> list[tuple[str, str]] | None:
    """The tiers the pack governing the user's region has (shaanxi-2021 §五(一), jiangsu-2020
    §五; none in hangzhou-spec), so the form never offers one the service refuses; None for a
    user without a region (the platform admin names the course's region)."""
    region = getattr(user, "region", None)
    if region is None:
        return None
    try:
        gov = selectors.governing(region)
    except NoPackInForce:
        return None
    return [(t.code, t.name) for t in selectors.pack_tiers(gov.rules)]


class CourseForm(BootstrapForm):
    title = forms.CharField(label=_("课程名称"), max_length=max_length(Course, "title"))
    tier = forms.ChoiceField(
        label=_("培训层级"),
        required=False,
        choices=[("", _("其他（不分层级）")), *Tier.choices],
        help_text=_("须为适用政策包规定的层级"),
    )
    region = forms.CharField(
        label=_("面向辖区（行政区划代码）"),
        max_length=max_length(Region, "code"),
        required=False,
        help_text=_("市场监管部门不填则为本辖区"),
    )
    hours = forms.DecimalField(label=_("每期学时"), max_digits=5, decimal_places=1)
    method = forms.ChoiceField(label=_("考核方式"), choices=[("", "—"), *Method.choices])
    pass_mark = forms.IntegerField(
        label=_("合格分数线"), required=False, help_text=_("考试、作业：0–100 分")
    )
    min_attendance = forms.IntegerField(
        label=_("最低出勤率（%）"), required=False, help_text=_("考勤：1–100")
    )
    plan = forms.ChoiceField(label=_("所属年度计划"), required=False)
    institution = forms.ChoiceField(label=_("承办机构"), required=False)
    description = forms.CharField(
        label=_("课程简介"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length(Course, "description"),
    )

    def __init__(self, *args: Any, user: User, plans: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # a field named like the module: added here rather than in the class body
        self.fields["forms"] = forms.MultipleChoiceField(
            label=_("培训形式"), choices=Form.choices, widget=forms.CheckboxSelectMultiple
        )
        self.fields["forms"].widget.attrs["class"] = "form-check-input"
        self.order_fields(["title", "tier", "region", "forms", "hours", "method"])
        offered = _tiers_of(user)
        if offered is not None:  # the tiers of the pack governing the user's region, by name
            self.fields["tier"].choices = [("", _("其他（不分层级）")), *offered]  # type: ignore[attr-defined]
        plan_choices: list[tuple[str, Any]] = [("", "—")]
        plan_choices += [(str(p.public_id), f"{p.year} · {p.organisation}") for p in plans]
        self.fields["plan"].choices = plan_choices  # type: ignore[attr-defined]
        trainers = User.objects.filter(role=Role.TRAINER, is_active=True).order_by("username")
        self.fields["institution"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(t.username, t.organisation or str(t)) for t in trainers],
        ]
        if user.role != Role.REGULATOR:
            self.fields["region"].help_text = _("课程面向的省、市或县级行政区划代码")

    def terms(self) -> CourseTerms:
        d = self.cleaned_data
        return CourseTerms(
            title=d["title"],
            tier=d["tier"],
            region=d["region"],
            forms=tuple(d["forms"]),
            hours=d["hours"],
            method=d["method"],
            pass_mark=d["pass_mark"],
            min_attendance=d["min_attendance"],
            plan=d["plan"],
            institution=d["institution"],
            description=d["description"],
        )


class SessionForm(BootstrapForm):
    start_date = forms.DateField(label=_("开始日期"), widget=DATE, validators=[dates.EVENT])
    end_date = forms.DateField(label=_("结束日期"), widget=DATE, validators=[dates.EVENT])
    place = forms.CharField(label=_("地点"), max_length=max_length(Session, "place"))
    capacity = forms.IntegerField(label=_("名额"), min_value=1)

    def terms(self) -> SessionTerms:
        d = self.cleaned_data
        return SessionTerms(
            start_date=d["start_date"],
            end_date=d["end_date"],
            place=d["place"],
            capacity=d["capacity"],
        )


class StatusForm(BootstrapForm):
    status = forms.ChoiceField(label=_("状态"), choices=Session.Status.choices)


class EnrolForm(BootstrapForm):
    person_name = forms.CharField(label=_("姓名"), max_length=max_length(Person, "name"))
    id_number = forms.CharField(label=_("身份证号"), max_length=validators.ID_NUMBER_MAX_INPUT)


class RevokeForm(BootstrapForm):
    reason = forms.CharField(
        label=_("撤销原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=max_length(TrainingCertificate, "revoke_reason"),
    )


class LookupForm(BootstrapForm):
    number = forms.CharField(
        label=_("证书编号"),
        max_length=max_length(TrainingCertificate, "number"),
    )

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip().upper()
        if not re.fullmatch(r"[A-Z0-9-]{4,32}", number):
            raise forms.ValidationError(
                _("证书编号由字母、数字和连字符组成，如 PX610000202600001-MXV96D")
            )
        return number


def _field_name(prefix: str, enrolment: Any) -> str:
    return f"{prefix}_{enrolment.public_id.hex}"


class MarkForm(BootstrapForm):
    """One input per enrolment: the attendance (%) or the score."""

    def __init__(self, *args: Any, enrolments: list[Any], kind: str, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.kind = kind
        self.rows = []
        for e in enrolments:
            name = _field_name(kind, e)
            if kind == "attendance":
                field: forms.Field = forms.IntegerField(
                    label=e.person.name, required=False, initial=e.attendance
                )
            else:
                field = forms.DecimalField(
                    label=e.person.name, required=False, initial=e.score, decimal_places=1
                )
            field.widget.attrs["class"] = "form-control form-control-sm"
            self.fields[name] = field
            self.rows.append((e, name))

    def changed_rows(self) -> list[tuple[Any, str, Any]]:
        """(enrolment, field name, new value) for each row whose value was entered or changed."""
        out = []
        for e, name in self.rows:
            value = self.cleaned_data.get(name)
            old = e.attendance if self.kind == "attendance" else e.score
            if value is None or value == old:
                continue
            out.append((e, name, value))
        return out

    def bound_rows(self) -> list[tuple[Any, Any]]:
        return [(e, self[name]) for e, name in self.rows]


class QualificationForm(BootstrapForm):
    """A training institution's training qualification (培训资质), recorded by a regulator."""

    institution = forms.CharField(
        label=_("培训机构账户"),
        max_length=150,
        help_text=_("培训机构在平台的登录账户"),
    )
    granted_by = forms.CharField(
        label=_("授予机关"), max_length=max_length(Qualification, "granted_by")
    )
    document = forms.CharField(
        label=_("资质文件及文号"), max_length=max_length(Qualification, "document")
    )
    basis = forms.CharField(
        label=_("依据条款"),
        max_length=max_length(Qualification, "basis"),
        help_text=_("如：陕质委办〔2021〕15号 第五条（一）"),
    )
    valid_from = forms.DateField(label=_("有效期起"), widget=DATE, validators=[dates.EVENT])
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE, validators=[dates.TERM])

    def terms(self) -> QualificationTerms:
        d = self.cleaned_data
        return QualificationTerms(
            institution=d["institution"],
            granted_by=d["granted_by"],
            document=d["document"],
            basis=d["basis"],
            valid_from=d["valid_from"],
            valid_until=d["valid_until"],
        )


class RevokeQualificationForm(BootstrapForm):
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=max_length(Qualification, "revoke_reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
