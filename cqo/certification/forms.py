"""Forms of the certification pages. They render the fields and carry the errors; the services
validate (the same rules for the API)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import User
from cqo.certification.models import (
    Appeal,
    Application,
    CertificationBody,
    Evidence,
    Expert,
    Level,
    LevelCertificate,
    Recommendation,
    ReviewRequest,
    SupervisionAction,
    WarningRecord,
    WorkPeriod,
    YearlyReview,
)
from cqo.certification.models import CertificationBody as Body
from cqo.certification.services import (
    AccidentReport,
    ApplicationTerms,
    BodyTerms,
    ExpertTerms,
    ReviewDecision,
)
from cqo.certification.services._common import TEXT_MAX
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.lib.forms import BootstrapForm
from cqo.reference.models import Region
from cqo.registry.models import Enterprise

DATE = forms.DateInput(attrs={"type": "date"})
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class BodyForm(BootstrapForm):
    code = forms.CharField(
        label=_("机构代码"),
        max_length=max_length(Body, "code"),
        help_text=_("2～8位大写字母或数字，印在证书编号中"),
    )
    name = forms.CharField(label=_("机构名称"), max_length=max_length(Body, "name"))
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=max_length(Body, "uscc"))
    legal_representative = forms.CharField(
        label=_("法定代表人"), max_length=max_length(Body, "legal_representative")
    )
    kind = forms.ChoiceField(label=_("机构类别"), choices=CertificationBody.Kind.choices)
    authorising_body = forms.CharField(
        label=_("授权或委托单位"), max_length=max_length(Body, "authorising_body"), required=False
    )
    authorising_document = forms.CharField(
        label=_("授权或委托文件"),
        max_length=max_length(Body, "authorising_document"),
        required=False,
    )
    supervising_authority = forms.CharField(
        label=_("主管（监督）部门"), max_length=max_length(Body, "supervising_authority")
    )
    supervising_region = forms.CharField(
        label=_("主管部门所在行政区划代码"),
        max_length=max_length(Region, "code"),
        help_text=_("该行政区划的市场监管部门可查阅本机构的认定记录（§7）"),
    )
    premises = forms.CharField(label=_("办公场所"), max_length=max_length(Body, "premises"))
    resources = forms.CharField(
        label=_("设备及其他资源"), widget=TEXTAREA, max_length=max_length(Body, "resources")
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def terms(self) -> BodyTerms:
        d = self.cleaned_data
        return BodyTerms(
            code=d["code"],
            name=d["name"],
            uscc=d["uscc"],
            legal_representative=d["legal_representative"],
            kind=d["kind"],
            authorising_body=d["authorising_body"],
            authorising_document=d["authorising_document"],
            supervising_authority=d["supervising_authority"],
            supervising_region=d["supervising_region"],
            premises=d["premises"],
            resources=d["resources"],
            active=d["active"],
        )


class MemberForm(BootstrapForm):
    username = forms.CharField(
        label=_("认定机构账号（用户名）"), max_length=max_length(User, "username")
    )


class ExpertForm(BootstrapForm):
    name = forms.CharField(label=_("姓名"), max_length=max_length(Expert, "name"))
    title = forms.CharField(label=_("职称"), max_length=max_length(Expert, "title"), required=False)
    speciality = forms.CharField(
        label=_("专业领域"), max_length=max_length(Expert, "speciality"), required=False
    )
    employer = forms.CharField(
        label=_("工作单位"), max_length=max_length(Expert, "employer"), required=False
    )
    username = forms.CharField(
        label=_("登录账号（可选）"),
        max_length=max_length(User, "username"),
        required=False,
        help_text=_("角色为认定机构、尚未绑定的账号；绑定后专家可在线评分"),
    )
    active = forms.BooleanField(label=_("在册"), required=False, initial=True)

    def terms(self) -> ExpertTerms:
        d = self.cleaned_data
        return ExpertTerms(
            name=d["name"],
            title=d["title"],
            speciality=d["speciality"],
            employer=d["employer"],
            active=d["active"],
        )


class ApplicationForm(BootstrapForm):
    body = forms.ChoiceField(label=_("认定主体"))
    enterprise = forms.CharField(
        label=_("所在组织统一社会信用代码"), max_length=max_length(Enterprise, "uscc")
    )
    level_applied = forms.ChoiceField(label=_("申报等级"), choices=Level.choices)
    education_training = forms.CharField(
        label=_("教育和培训履历"),
        widget=TEXTAREA,
        max_length=max_length(Application, "education_training"),
    )
    work_summary = forms.CharField(
        label=_("工作经历"), widget=TEXTAREA, max_length=max_length(Application, "work_summary")
    )
    quality_experience = forms.CharField(
        label=_("质量专业经历"),
        widget=TEXTAREA,
        max_length=max_length(Application, "quality_experience"),
    )
    performance = forms.CharField(
        label=_("工作绩效"), widget=TEXTAREA, max_length=max_length(Application, "performance")
    )
    recommendation = forms.CharField(
        label=_("所在组织推荐意见"),
        widget=TEXTAREA,
        max_length=max_length(Application, "recommendation"),
    )
    recommender = forms.CharField(
        label=_("推荐人（单位负责人）"), max_length=max_length(Application, "recommender")
    )
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
    declaration_note = forms.CharField(
        label=_("声明说明"),
        widget=TEXTAREA,
        required=False,
        max_length=max_length(Application, "declaration_note"),
    )

    def __init__(self, *args: Any, bodies: Any = (), editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [(b.code, b.name) for b in bodies]  # type: ignore[attr-defined]
        if editing:
            del self.fields["body"]

    def terms(self) -> ApplicationTerms:
        d = self.cleaned_data
        return ApplicationTerms(
            enterprise=d["enterprise"],
            level_applied=d["level_applied"],
            education_training=d["education_training"],
            work_summary=d["work_summary"],
            quality_experience=d["quality_experience"],
            performance=d["performance"],
            recommendation=d["recommendation"],
            recommender=d["recommender"],
            declares_technical=d["declares_technical"],
            declares_qms=d["declares_qms"],
            declares_no_disqualification=d["declares_no_disqualification"],
            declaration_note=d["declaration_note"],
        )


class PeriodForm(BootstrapForm):
    organisation = forms.CharField(
        label=_("工作单位"), max_length=max_length(WorkPeriod, "organisation")
    )
    post = forms.CharField(label=_("岗位/职务"), max_length=max_length(WorkPeriod, "post"))
    kind = forms.ChoiceField(label=_("岗位类别"), choices=WorkPeriod.Kind.choices)
    start = forms.DateField(label=_("起始日期"), widget=DATE, validators=[dates.LIFETIME])
    end = forms.DateField(
        label=_("截止日期"),
        widget=DATE,
        required=False,
        help_text=_("至今可不填"),
        validators=[dates.LIFETIME],
    )


class EvidenceForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("材料类别"), choices=Evidence.Kind.choices)
    title = forms.CharField(label=_("材料名称"), max_length=max_length(Evidence, "title"))
    file = forms.FileField(label=_("文件（PDF/JPG/PNG，≤20 MB）"))


class ReturnForm(BootstrapForm):
    items = forms.CharField(
        label=_("需补充完善的材料"),
        widget=TEXTAREA,
        max_length=max_length(Application, "return_items"),
    )


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
    on = forms.DateField(label=_("日期"), widget=DATE, validators=[dates.EVENT])
    notes = forms.CharField(
        label=_("记录"), widget=TEXTAREA, max_length=max_length(Application, "interview_notes")
    )


class ReportForm(BootstrapForm):
    report = forms.CharField(
        label=_("认定报告"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=max_length(Application, "report"),
    )


class SuperviseForm(BootstrapForm):
    action = forms.ChoiceField(label=_("措施"), choices=SupervisionAction.Action.choices)
    ground = forms.ChoiceField(
        label=_("事由"), choices=[c for c in SupervisionAction.Ground.choices if c[0] != "appeal"]
    )
    reason = forms.CharField(label=_("情况说明"), widget=TEXTAREA, max_length=TEXT_MAX)
    evidence = forms.FileField(label=_("证据材料"), required=False)
    evidence_note = forms.CharField(label=_("证据说明"), required=False, max_length=TEXT_MAX)


class WarningForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("类别"), choices=WarningRecord.Kind.choices)
    conduct = forms.ChoiceField(label=_("情形"), choices=WarningRecord.Conduct.choices)
    reason = forms.CharField(
        label=_("情况说明"), widget=TEXTAREA, max_length=max_length(WarningRecord, "reason")
    )


class AppealForm(BootstrapForm):
    grounds = forms.CharField(
        label=_("申诉理由"), widget=TEXTAREA, max_length=max_length(Appeal, "grounds")
    )


class AppealDecideForm(BootstrapForm):
    outcome = forms.ChoiceField(
        label=_("处理结果"), choices=[c for c in Appeal.Status.choices if c[0] != "pending"]
    )
    decision = forms.CharField(
        label=_("处理意见"), widget=TEXTAREA, max_length=max_length(Appeal, "decision")
    )


class YearlyReviewForm(BootstrapForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    # the choices are the body's standard's (selectors.review_ratings), set by the view
    rating = forms.ChoiceField(label=_("评价"), choices=YearlyReview.Rating.choices)

    def __init__(self, *args: Any, ratings: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if ratings:
            cast(forms.ChoiceField, self.fields["rating"]).choices = ratings

    summary = forms.CharField(
        label=_("履职情况和工作成效"),
        widget=TEXTAREA,
        max_length=max_length(YearlyReview, "summary"),
    )


class ReviewFindingForm(BootstrapForm):
    """level-standard §11 应暂停或中止: the review closes only with one of these decisions."""

    outcome = forms.ChoiceField(
        label=_("复核决定"),
        choices=[("", "—")]
        + [c for c in ReviewRequest.Outcome.choices if c[0] != ReviewRequest.Outcome.RECORDED],
    )
    finding = forms.CharField(
        label=_("复核结论"), widget=TEXTAREA, max_length=max_length(ReviewRequest, "finding")
    )
    evidence = forms.FileField(
        label=_("证据材料"),
        required=False,
        help_text=_("认定不负有关联责任的，须上传证据材料；PDF、JPG 或 PNG"),
    )
    withdraw = forms.BooleanField(label=_("暂停或中止后收回证书（必要时）"), required=False)

    def decision(self) -> ReviewDecision:
        d = self.cleaned_data
        return ReviewDecision(
            outcome=d["outcome"],
            finding=d["finding"],
            evidence=d["evidence"],
            withdraw=d["withdraw"],
        )


class AccidentReportForm(BootstrapForm):
    """An accident report the body received directly (level-standard §11)."""

    accident = forms.CharField(
        label=_("事故情况"), widget=TEXTAREA, max_length=max_length(ReviewRequest, "reason")
    )
    accident_date = forms.DateField(label=_("事故发生日期"), widget=DATE, validators=[dates.EVENT])
    reported_by = forms.CharField(
        label=_("报告单位或报告人"), max_length=max_length(ReviewRequest, "reported_by")
    )
    evidence = forms.FileField(label=_("事故报告材料"), required=False)

    def report(self) -> AccidentReport:
        d = self.cleaned_data
        return AccidentReport(
            accident=d["accident"],
            accident_date=d["accident_date"],
            reported_by=d["reported_by"],
            evidence=d["evidence"],
        )


class ReissueForm(BootstrapForm):
    reason = forms.CharField(label=_("换发原因"), widget=TEXTAREA, max_length=TEXT_MAX)
    enterprise = forms.CharField(
        label=_("新所在组织统一社会信用代码（变更单位时填写）"),
        max_length=max_length(Enterprise, "uscc"),
        required=False,
    )


class RecommendForm(BootstrapForm):
    reason = forms.CharField(label=_("推荐理由"), widget=TEXTAREA, max_length=TEXT_MAX)


class OrganisationRecommendationForm(BootstrapForm):
    """所在组织的推荐意见 (level-standard §9.1 b), given by the enterprise's clerk."""

    id_number = forms.CharField(label=_("被推荐人身份证号"), max_length=18)
    person_name = forms.CharField(label=_("被推荐人姓名"), max_length=50)
    opinion = forms.CharField(
        label=_("推荐意见"), widget=TEXTAREA, max_length=max_length(Recommendation, "opinion")
    )
    recommender = forms.CharField(
        label=_("推荐人（单位负责人）"), max_length=max_length(Recommendation, "recommender")
    )


class LookupForm(BootstrapForm):
    number = forms.CharField(label=_("证书编号"), max_length=max_length(LevelCertificate, "number"))
