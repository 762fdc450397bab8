"""Forms of the certification pages. They render the fields and carry the errors; the services
validate (the same rules for the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cqo.certification.models import (
    Appeal,
    CertificationBody,
    Evidence,
    Level,
    SupervisionAction,
    WarningRecord,
    WorkPeriod,
    YearlyReview,
)
from cqo.lib.forms import BootstrapForm

DATE = forms.DateInput(attrs={"type": "date"})
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class BodyForm(BootstrapForm):
    code = forms.CharField(
        label=_("机构代码"), max_length=8, help_text=_("2～8位大写字母或数字，印在证书编号中")
    )
    name = forms.CharField(label=_("机构名称"), max_length=200)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50)
    kind = forms.ChoiceField(label=_("机构类别"), choices=CertificationBody.Kind.choices)
    authorising_body = forms.CharField(label=_("授权或委托单位"), max_length=200, required=False)
    authorising_document = forms.CharField(
        label=_("授权或委托文件"), max_length=200, required=False
    )
    supervising_authority = forms.CharField(label=_("主管（监督）部门"), max_length=200)
    supervising_region = forms.CharField(
        label=_("主管部门所在行政区划代码"),
        max_length=6,
        help_text=_("该行政区划的市场监管部门可查阅本机构的认定记录（§7）"),
    )
    premises = forms.CharField(label=_("办公场所"), max_length=300)
    resources = forms.CharField(label=_("设备及其他资源"), widget=TEXTAREA)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class MemberForm(BootstrapForm):
    username = forms.CharField(label=_("认定机构账号（用户名）"), max_length=150)


class ExpertForm(BootstrapForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    title = forms.CharField(label=_("职称"), max_length=100, required=False)
    speciality = forms.CharField(label=_("专业领域"), max_length=200, required=False)
    employer = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    username = forms.CharField(
        label=_("登录账号（可选）"),
        max_length=150,
        required=False,
        help_text=_("角色为认定机构、尚未绑定的账号；绑定后专家可在线评分"),
    )
    active = forms.BooleanField(label=_("在册"), required=False, initial=True)


class ApplicationForm(BootstrapForm):
    body = forms.ChoiceField(label=_("认定主体"))
    enterprise = forms.CharField(label=_("所在组织统一社会信用代码"), max_length=18)
    level_applied = forms.ChoiceField(label=_("申报等级"), choices=Level.choices)
    education_training = forms.CharField(label=_("教育和培训履历"), widget=TEXTAREA)
    work_summary = forms.CharField(label=_("工作经历"), widget=TEXTAREA)
    quality_experience = forms.CharField(label=_("质量专业经历"), widget=TEXTAREA)
    performance = forms.CharField(label=_("工作绩效"), widget=TEXTAREA)
    recommendation = forms.CharField(label=_("所在组织推荐意见"), widget=TEXTAREA)
    recommender = forms.CharField(label=_("推荐人（单位负责人）"), max_length=50)
    declares_technical = forms.BooleanField(
        label=_("本人从事过技术、生产工作，熟悉计量、认证及标准化工作（§5.1.2）"), required=False
    )
    declares_qms = forms.BooleanField(
        label=_("本人熟悉质量管理体系，具备较强的管理、沟通协调、决策能力（§5.1.3）"),
        required=False,
    )
    declares_no_disqualification = forms.BooleanField(
        label=_("本人无§5.1.5 a)～c)所列不得担任首席质量官的情形"), required=False
    )
    declaration_note = forms.CharField(label=_("声明说明"), widget=TEXTAREA, required=False)

    def __init__(self, *args: Any, bodies: Any = (), editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [(b.code, b.name) for b in bodies]  # type: ignore[attr-defined]
        if editing:
            del self.fields["body"]


class PeriodForm(BootstrapForm):
    organisation = forms.CharField(label=_("工作单位"), max_length=200)
    post = forms.CharField(label=_("岗位/职务"), max_length=100)
    kind = forms.ChoiceField(label=_("岗位类别"), choices=WorkPeriod.Kind.choices)
    start = forms.DateField(label=_("起始日期"), widget=DATE)
    end = forms.DateField(
        label=_("截止日期"), widget=DATE, required=False, help_text=_("至今可不填")
    )


class EvidenceForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("材料类别"), choices=Evidence.Kind.choices)
    title = forms.CharField(label=_("材料名称"), max_length=200)
    file = forms.FileField(label=_("文件（PDF/JPG/PNG，≤20 MB）"))


class ReturnForm(BootstrapForm):
    items = forms.CharField(label=_("需补充完善的材料"), widget=TEXTAREA)


class PanelForm(BootstrapForm):
    experts = forms.MultipleChoiceField(label=_("专家组成员"), widget=forms.CheckboxSelectMultiple)
    leader = forms.ChoiceField(label=_("专家组长"))

    def __init__(self, *args: Any, experts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(e.public_id), f"{e.name} {e.title}".strip()) for e in experts]
        self.fields["experts"].choices = choices  # type: ignore[attr-defined]
        self.fields["leader"].choices = choices  # type: ignore[attr-defined]


class AssessmentForm(BootstrapForm):
    kind = forms.ChoiceField(
        label=_("认定方式"), choices=[("interview", _("面试答辩")), ("site_visit", _("现场验证"))]
    )
    on = forms.DateField(label=_("日期"), widget=DATE)
    notes = forms.CharField(label=_("记录"), widget=TEXTAREA)


class ReportForm(BootstrapForm):
    report = forms.CharField(label=_("认定报告"), widget=forms.Textarea(attrs={"rows": 6}))


class SuperviseForm(BootstrapForm):
    action = forms.ChoiceField(label=_("措施"), choices=SupervisionAction.Action.choices)
    ground = forms.ChoiceField(
        label=_("事由"), choices=[c for c in SupervisionAction.Ground.choices if c[0] != "appeal"]
    )
    reason = forms.CharField(label=_("情况说明"), widget=TEXTAREA)
    evidence = forms.FileField(label=_("证据材料"), required=False)
    evidence_note = forms.CharField(label=_("证据说明"), required=False, max_length=4000)


class WarningForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("类别"), choices=WarningRecord.Kind.choices)
    conduct = forms.ChoiceField(label=_("情形"), choices=WarningRecord.Conduct.choices)
    reason = forms.CharField(label=_("情况说明"), widget=TEXTAREA)


class AppealForm(BootstrapForm):
    grounds = forms.CharField(label=_("申诉理由"), widget=TEXTAREA)


class AppealDecideForm(BootstrapForm):
    outcome = forms.ChoiceField(
        label=_("处理结果"), choices=[c for c in Appeal.Status.choices if c[0] != "pending"]
    )
    decision = forms.CharField(label=_("处理意见"), widget=TEXTAREA)


class YearlyReviewForm(BootstrapForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    rating = forms.ChoiceField(label=_("评价"), choices=YearlyReview.Rating.choices)
    summary = forms.CharField(label=_("履职情况和工作成效"), widget=TEXTAREA)


class ReviewFindingForm(BootstrapForm):
    finding = forms.CharField(label=_("复核结论"), widget=TEXTAREA)


class ReissueForm(BootstrapForm):
    reason = forms.CharField(label=_("换发原因"), widget=TEXTAREA)
    enterprise = forms.CharField(
        label=_("新所在组织统一社会信用代码（变更单位时填写）"), max_length=18, required=False
    )


class RecommendForm(BootstrapForm):
    reason = forms.CharField(label=_("推荐理由"), widget=TEXTAREA)


class OrganisationRecommendationForm(BootstrapForm):
    """所在组织的推荐意见 (level-standard §9.1 b), given by the enterprise's clerk."""

    id_number = forms.CharField(label=_("被推荐人身份证号"), max_length=18)
    person_name = forms.CharField(label=_("被推荐人姓名"), max_length=50)
    opinion = forms.CharField(label=_("推荐意见"), widget=TEXTAREA, max_length=4000)
    recommender = forms.CharField(label=_("推荐人（单位负责人）"), max_length=50)


class LookupForm(BootstrapForm):
    number = forms.CharField(label=_("证书编号"), max_length=40)
