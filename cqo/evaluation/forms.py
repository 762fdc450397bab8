"""Page forms of the enterprise side. Each reads its text into the typed input of its service
(``cleaned_data["terms"]``, with the parsers of cqo/evaluation/inputs); the service's own errors
come back beside their fields through cqo.lib.forms.apply_errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cqo.evaluation import inputs, selectors
from cqo.evaluation.inputs import TEXT_MAX
from cqo.evaluation.models import (
    Category,
    CostAccount,
    CostEntry,
    CostTarget,
    ImprovementTask,
    QualityLoss,
    SelfAssessment,
)
from cqo.lib.bounds import max_length
from cqo.lib.errors import Errors
from cqo.lib.forms import BootstrapForm, apply_errors
from cqo.registry.models import Enterprise

DATE = forms.DateInput(attrs={"type": "date"})
ISO_DATE = len("2026-01-31")  # the date inputs here are text the services parse
# twenty bands (the API's SettingsIn) of a name (30 characters) and a score, one a line
BANDS_TEXT_MAX = 20 * 40


class TermsForm(BootstrapForm):
    """A form whose clean() reads the fields into its service's typed input."""

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:  # the fields' own errors first; the form is cleaned once
            return cleaned
        errors = Errors()
        terms = self.read(errors, cleaned)
        if errors.errors:
            apply_errors(self, ValidationError(errors.errors))
        else:
            cleaned["terms"] = terms
        return cleaned


class EvaluationNewForm(TermsForm):
    appointment = forms.ChoiceField(label=_("被评价的首席质量官"))
    year = forms.CharField(label=_("考核年度"), max_length=4)
    part = forms.CharField(
        label=_("期次"), max_length=1, initial="1", help_text=_("按年度考核时为 1")
    )

    def __init__(self, *args: Any, appointments: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["appointment"]).choices = [
            (str(a.public_id), f"{a.person.name}（{a.post}，{a.start_date:%Y-%m-%d} 起）")
            for a in appointments
        ]

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        return inputs.read_period(errors, data)


class SettingsForm(TermsForm):
    pass_mark = forms.CharField(label=_("合格分数线"), required=False, max_length=4)
    bands = forms.CharField(
        label=_("评价等级"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个等级：名称 最低分，如“优秀 90”"),
        max_length=BANDS_TEXT_MAX,
    )

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        return inputs.read_settings(errors, data)


class EndAppointmentForm(BootstrapForm):
    ended_on = forms.CharField(label=_("解聘日期"), widget=DATE, max_length=ISO_DATE)
    note = forms.CharField(label=_("说明"), required=False, max_length=TEXT_MAX)


class AssessmentNewForm(TermsForm):
    year = forms.CharField(label=_("评估年度"), max_length=4)
    assessor_kind = forms.ChoiceField(
        label=_("评估方式"), choices=SelfAssessment.AssessorKind.choices
    )
    assessor_org = forms.CharField(
        label=_("评价机构"),
        required=False,
        max_length=max_length(SelfAssessment, "assessor_org"),
    )
    assessors = forms.CharField(
        label=_("评估专家"),
        max_length=max_length(SelfAssessment, "assessors"),
    )

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        return inputs.read_assessment(errors, data)


class TaskForm(TermsForm):
    indicator = forms.ChoiceField(label=_("对应指标"), required=False)
    title = forms.CharField(label=_("改进任务"), max_length=max_length(ImprovementTask, "title"))
    target = forms.CharField(
        label=_("改进要求和目标"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=max_length(ImprovementTask, "target"),
    )
    department = forms.CharField(
        label=_("改进部门"),
        max_length=max_length(ImprovementTask, "department"),
    )
    owner = forms.CharField(label=_("责任人"), max_length=max_length(ImprovementTask, "owner"))
    due_date = forms.CharField(label=_("完成期限"), widget=DATE, max_length=ISO_DATE)

    def __init__(self, *args: Any, assessment: SelfAssessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        cast(forms.ChoiceField, self.fields["indicator"]).choices = [("", "—")] + [
            (i["code"], f"{i['code']} {i['label']}") for i in assessment.indicators
        ]

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        return inputs.read_task(errors, data, self.assessment)


class TaskCloseForm(BootstrapForm):
    evidence = forms.CharField(
        label=_("关闭证据"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=max_length(ImprovementTask, "evidence"),
    )
    closed_on = forms.CharField(
        label=_("关闭日期"),
        required=False,
        widget=DATE,
        max_length=ISO_DATE,
    )


class AccountForm(TermsForm):
    category = forms.ChoiceField(label=_("成本类别"), choices=Category.choices)
    name = forms.CharField(label=_("科目名称"), max_length=max_length(CostAccount, "name"))
    department = forms.CharField(
        label=_("责任部门"),
        required=False,
        max_length=max_length(CostAccount, "department"),
    )

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        return inputs.read_account(errors, data)


class CostForm(TermsForm):
    account = forms.ChoiceField(label=_("科目"))
    year = forms.CharField(label=_("年度"), max_length=4)
    quarter = forms.ChoiceField(label=_("季度"), choices=[(str(q), str(q)) for q in range(1, 5)])
    amount = forms.CharField(label=_("金额（元）"), max_length=20)
    note = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=max_length(CostEntry, "note"),
    )

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        cast(forms.ChoiceField, self.fields["account"]).choices = [
            (str(a.public_id), f"{a.get_category_display()} · {a.name}")
            for a in selectors.accounts(enterprise)
        ]

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        return inputs.read_cost(errors, data, self.enterprise)


class RevenueForm(TermsForm):
    year = forms.CharField(label=_("年度"), max_length=4)
    quarter = forms.ChoiceField(label=_("季度"), choices=[(str(q), str(q)) for q in range(1, 5)])
    amount = forms.CharField(label=_("营业收入（元）"), max_length=22)

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        return inputs.read_revenue(errors, data)


class TargetForm(TermsForm):
    year = forms.CharField(label=_("年度"), max_length=4)
    category = forms.ChoiceField(
        label=_("成本类别"), required=False, choices=[("", _("质量成本总额")), *Category.choices]
    )
    amount_max = forms.CharField(label=_("金额上限（元）"), required=False, max_length=20)
    share_max = forms.CharField(label=_("占营业收入比例上限（%）"), required=False, max_length=8)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=max_length(CostTarget, "note"),
    )

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        return inputs.read_target(errors, data)


class LossForm(TermsForm):
    occurred_on = forms.CharField(label=_("发生日期"), widget=DATE, max_length=ISO_DATE)
    kind = forms.ChoiceField(label=_("损失类别"))
    effect = forms.ChoiceField(label=_("直接/间接"), choices=QualityLoss.Effect.choices)
    amount = forms.CharField(label=_("金额（元）"), max_length=20)
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=max_length(QualityLoss, "description"),
    )

    def __init__(self, *args: Any, kinds: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        cast(forms.ChoiceField, self.fields["kind"]).choices = list(kinds.items())

    def read(self, errors: Errors, data: Mapping[str, Any]) -> object:
        return inputs.read_loss(errors, data, self.kinds)


class ImportForm(BootstrapForm):
    what = forms.ChoiceField(
        label=_("导入内容"), choices=[("costs", _("质量成本")), ("losses", _("质量损失"))]
    )
    file = forms.FileField(label=_("xlsx 文件"))
