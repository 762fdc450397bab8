"""The evaluation printed as a form (hangzhou-spec 附录A 表A.1 企业首席质量官评价体系; the
shenzhen-guide §4.5 contents with the enterprise's own points likewise): 序号, 评价项目,
分项分值, 小项分值 and 得分 as the table prints them, the total, the decision and a place for the
evaluators' signatures and the seal. A draft prints as a blank or partly filled form marked as
not signed off; a signed-off evaluation as it was signed."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cqo.evaluation import rules
from cqo.evaluation.models import Evaluation
from cqo.lib import pdf
from cqo.registry.printing import document_title

TEMPLATE = "evaluation/evaluation_pdf.html"


def evaluation_form_context(ev: Evaluation) -> dict[str, Any]:
    appt = ev.appointment
    signed = ev.status == Evaluation.Status.SIGNED_OFF
    signed_on = timezone.localdate(ev.signed_off_at) if ev.signed_off_at else None
    rows = rules.table_rows(ev.items)
    return {
        "ev": ev,
        "scored": ev.form_kind == Evaluation.FormKind.SCORED,
        "signed": signed,
        "enterprise": ev.enterprise.name,
        "person": appt.person.name,
        "post": appt.post,
        "period": f"{pdf.date_cn(ev.period_start.isoformat())}—"
        f"{pdf.date_cn(ev.period_end.isoformat())}",
        "rows": rows,
        "unprinted": any(not r["printed"] for r in rows),
        "total": ev.total if signed else rules.total(ev.items),
        "max_total": ev.max_total,
        "decision": ev.get_decision_display() if ev.decision else "",
        "document": document_title(ev.pack_version) or ev.form_label,
        "clause": pdf.clause_cn(ev.form_clause),
        "signed_on": pdf.date_cn(signed_on.isoformat()) if signed_on else "",
        # who signed it off on the platform, by name and role (never a login)
        "signer": ev.signed_off_by.label if signed and ev.signed_off_by else "",
    }


def render_evaluation_form(ev: Evaluation) -> bytes:
    """The form as an A4 PDF; every text on it is bounded where it is typed (cqo/lib/bounds)."""
    return pdf.html_to_pdf(render_to_string(TEMPLATE, evaluation_form_context(ev)))
