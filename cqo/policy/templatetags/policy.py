"""Labels for the codes a pack uses (issuers, record kinds, tiers, target metrics)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS: dict[str, Any] = {
    # who may issue training certificates
    "organiser": _("培训组织方"),
    "qualified_institution": _("具备相关资质的承办机构"),
    "government_quality_department": _("政府质量管理部门"),
    # study-hour record kinds (SPEC §5)
    "online_self_study": _("线上自学"),
    "offline_training": _("线下培训"),
    "lecture": _("培训讲座"),
    "academic_exchange": _("学术交流"),
    "publication": _("发表专业成果"),
    "organised_training": _("组织质量专业培训"),
    # organising levels
    "province": _("省级"),
    "city": _("设区市"),
    "county": _("县级"),
    # coverage target metrics (SPEC §8)
    "above_scale": _("规模以上企业覆盖率"),
    "msme": _("中小微企业覆盖率"),
    "key_industry_msme": _("重点行业中小微企业覆盖率"),
    "quality_award": _("政府质量奖（含提名奖）企业覆盖率"),
    # training tiers (a training-tiers target names them)
    "basic": _("基础培训"),
    "enhancement": _("提升培训"),
    "advanced": _("高级培训"),
    # condition groups
    "eligibility": _("任职条件"),
    "position": _("岗位设置"),
    "training": _("培训"),
    "conduct": _("职业素养"),
    # the sections of a pack (where each section of the governing rules comes from)
    "conditions": _("任职条件"),
    "relaxations": _("放宽规定"),
    "duties": _("职责"),
    "powers": _("权限"),
    "norms": _("行为规范"),
    "abilities": _("能力要求"),
    "assessment": _("考核"),
    "authorisation": _("聘任授权"),
    "departments": _("参与部门"),
    "targets": _("工作目标"),
    "baseline": _("起点"),
    "new_cqos": _("新增首席质量官"),
    "work_review": _("纳入政府质量工作考核"),
    "key_industries": _("重点行业"),
    "filing": _("备案"),
    "evaluation": _("企业评价"),
    "self_assessment": _("制度自我评估"),
    "quality_economics": _("质量成本与质量损失"),
    "reference_forms": _("参照表格"),
    "certification": _("能力水平认定"),
}


@register.filter
def cite(clause: Any) -> str:
    """A pack clause as users read it: ``{{ row.clause|cite }}`` → 陕质委办〔2021〕15号 第五条（一）
    (SPEC §12.24: the document by its number or title, never a pack id or a SPEC number)."""
    from cqo.policy.selectors import cite as cite_clause

    return cite_clause(str(clause or ""))


@register.filter
def cite_in(text: Any) -> str:
    """Text with clauses in brackets (a relaxation, a note, a frozen record), each cited as
    users read it: ``{{ r.relaxation|cite_in }}``."""
    from cqo.policy.selectors import cite_in as cite_text

    return cite_text(str(text or ""))


@register.filter
def document(label: Any) -> str:
    """A pack version's label, also one frozen into a record before labels named documents
    (``…（level-standard draft.2，2024-01-01 起）``), as users read it (SPEC §12.24)."""
    from cqo.policy.selectors import plain_label

    return plain_label(str(label or ""))


@register.filter
def region_name(code: Any) -> str:
    """A GB/T 2260 code as its name (``610113`` → 陕西省西安市雁塔区): users read names."""
    from cqo.reference.selectors import region_label

    return region_label(str(code or "")) if code else ""


@register.filter
def policy_label(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "、".join(str(LABELS.get(v, v)) for v in value)
    return LABELS.get(value, value)
