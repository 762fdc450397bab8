"""Appointment and filing pages: list, create, detail, edit, transitions, printed form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts import access
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.documents import document_response
from cqo.audit.selectors import audit_trail
from cqo.lib import clock
from cqo.lib.forms import apply_errors
from cqo.policy.selectors import governing_for_region
from cqo.reference import enums
from cqo.reference.selectors import region_label
from cqo.registry import facts, forms, inputs, printing, selectors, services
from cqo.registry.models import Appointment
from cqo.registry.views import preparation
from cqo.registry.views._common import (
    page_of,
    xlsx_response,
)

# Appointments and filing ------------------------------------------------------------------------


@login_required
def appointment_list(request: AuthedHttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.appointment_list(
        user=request.user,
        status=g.get("status", ""),
        q=g.get("q", "").strip(),
        region=g.get("region", ""),
    ).order_by("-updated_at")
    if g.get("export") == "xlsx":
        return _appointments_xlsx(request, qs)
    return render(
        request,
        "registry/appointment_list.html",
        {
            "page": page_of(request, qs),
            "statuses": Appointment.Status.choices,
            "region_options": forms.region_filter_options(request.user),
            "can_create": request.user.is_clerk,
            # SPEC §12.23: a CQO may start the filing where the pack allows it
            "can_prepare": access.can_prepare_filing(request.user),
        },
    )


def _appointments_xlsx(request: AuthedHttpRequest, qs: QuerySet[Appointment]) -> HttpResponse:
    rows = (_appointment_row(a) for a in qs.iterator(chunk_size=2000))
    return xlsx_response(request, "filings", _appointment_headers(), rows, "appointment")


def _appointment_headers() -> list[str]:
    return [
        _("备案编号"),
        _("状态"),
        _("单位名称"),
        _("统一社会信用代码"),
        _("所属行政区划"),
        _("首席质量官"),
        _("身份证号"),
        _("聘任职务"),
        _("聘任日期"),
        _("聘期截止"),
        _("提交时间"),
        _("备案时间"),
    ]


def _appointment_row(a: Appointment) -> tuple[Any, ...]:
    return (
        a.filing_number,
        a.get_status_display(),
        a.enterprise.name,
        a.enterprise.uscc,
        region_label(a.enterprise.region_id),
        a.person.name,
        a.person.id_number_masked,
        a.post,
        a.start_date.isoformat(),
        a.term_end and a.term_end.isoformat(),
        a.submitted_at and timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M"),
        a.filed_at and timezone.localtime(a.filed_at).strftime("%Y-%m-%d %H:%M"),
    )


@login_required
def appointment_create(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.is_clerk:
        raise PermissionDenied
    form = _new_appointment_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            appt = services.appointment_create(
                actor=request.user, terms=inputs.of(services.AppointmentTerms, form.cleaned_data)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("聘任信息已保存为草稿，请核对后提交备案"))
            return redirect("registry:appointment_detail", public_id=appt.public_id)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("登记首席质量官聘任信息"),
            "intro": _("备案人须已线上注册（或由本企业邀请注册）。请输入其姓名和身份证号。"),
        },
    )


def _new_appointment_form(request: AuthedHttpRequest) -> forms.NewAppointmentForm:
    """The form filled with the governing pack's duties and powers, for the clerk to keep or
    edit (they are printed on the 聘任授权证书)."""
    assert request.user.enterprise is not None  # noqa: S101  (a clerk has one)
    rules = governing_for_region(request.user.enterprise.region, clock.today()).rules
    return forms.NewAppointmentForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "start_date": timezone.localdate(),
            "duties": "\n".join(rules.duties.items) if rules.duties else "",
            "powers": "\n".join(rules.powers.items) if rules.powers else "",
        },
    )


@login_required
def appointment_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    return render(
        request,
        "registry/appointment_detail.html",
        {
            **_filing_summary(appt),
            **selectors.filing_actions(request.user, appt),
            "return_form": forms.ReturnForm(),
            "end_form": forms.EndForm(initial={"ended_on": timezone.localdate()}),
            "renew_form": forms.RenewForm(),
            **preparation.detail_context(request.user, appt),
        },
    )


def _filing_summary(appt: Appointment) -> dict[str, Any]:
    """The filing as its page shows it: its checks, the eligibility verdict with the count of
    each outcome, the review route while it is submitted, and its audit trail. A filing migrated
    from an archive was neither checked nor evaluated here: where it came from instead."""
    if appt.migrated:
        checks: list[Any] = []
        eligibility = None
        statuses: list[str] = []
    else:
        checks = selectors.filing_checks(appt)
        eligibility = selectors.eligibility_view(appt)
        statuses = [r["status"] for r in eligibility["results"]]
    return {
        "a": appt,
        "checks": checks,
        "eligibility": eligibility,
        # the archive file and row it was migrated from, who migrated it and when
        "origin": facts.MIGRATED_FROM("appointment", str(appt.public_id))
        if appt.migrated
        else None,
        "authority_label": region_label(appt.filing_authority_id)
        if appt.filing_authority_id
        else "",
        "verdict_counts": {s: statuses.count(s) for s in ("met", "unmet", "relaxed")},
        "route": selectors.filing_route(appt)
        if appt.status == Appointment.Status.SUBMITTED
        else None,
        "region_label": region_label(appt.enterprise.region_id),
        "departments": [enums.LedDepartment(d).label for d in appt.departments_led],
        "trail": audit_trail(target_type="appointment", target_id=str(appt.public_id))[:100],
    }


@login_required
def appointment_edit(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    if not access.can_manage_filing(request.user, appt):
        raise PermissionDenied
    initial = {f: getattr(appt, f) for f in forms.AppointmentForm.base_fields if hasattr(appt, f)}
    form = forms.AppointmentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "authorisation_scan"}
        if form.cleaned_data.get("authorisation_scan"):  # none chosen: the stored scan stays
            values["authorisation_scan"] = form.cleaned_data["authorisation_scan"]
        try:
            services.appointment_update(
                actor=request.user,
                appointment=appt,
                terms=inputs.of(services.AppointmentTerms, values),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("聘任信息已保存"))
            return redirect("registry:appointment_detail", public_id=appt.public_id)
    return render(
        request, "registry/form.html", {"form": form, "title": _("修改聘任信息"), "object": appt}
    )


def _transition(request: AuthedHttpRequest, public_id: str, action: str) -> HttpResponse:
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    try:
        appt = _apply_transition(request, appt, action)
        messages.success(request, _transition_done(action, appt))
    except ValidationError as exc:
        _transition_errors(request, exc)
    return redirect("registry:appointment_detail", public_id=appt.public_id)


def _apply_transition(request: AuthedHttpRequest, appt: Appointment, action: str) -> Appointment:
    """Call the service of ``action`` with the posted fields; the appointment approval
    returns (it may have gone on to the next review step), else the one given."""
    p, user = request.POST, request.user
    if action == "submit":
        services.filing_submit(actor=user, appointment=appt)
    elif action == "approve":
        appt = services.filing_approve(actor=user, appointment=appt, note=p.get("note", ""))
    elif action == "return":
        services.filing_return(actor=user, appointment=appt, reason=p.get("reason", ""))
    elif action == "end":
        services.appointment_end(
            actor=user,
            appointment=appt,
            ended_on=p.get("ended_on", ""),
            reason=p.get("reason", ""),
            note=p.get("note", ""),
        )
    elif action == "confirm":
        services.appointment_confirm(actor=user, appointment=appt)
    elif action == "renew":
        services.appointment_renew(
            actor=user, appointment=appt, term_end=p.get("term_end", ""), note=p.get("note", "")
        )
    return appt


def _transition_done(action: str, appt: Appointment) -> str:
    """The message of a transition done; an approval still submitted was the county's first
    review, passed on to the city."""
    if action == "approve" and appt.status == Appointment.Status.SUBMITTED:
        return _("县级初审已完成，转设区市市场监管部门备案")
    return {
        "submit": _("已提交备案"),
        "approve": _("已备案"),
        "return": _("已退回修改"),
        "end": _("聘任已终止"),
        "renew": _("已续聘"),
        "confirm": _("已确认聘任；企业现在可以看到您的联系方式"),
    }[action]


def _transition_errors(request: AuthedHttpRequest, exc: ValidationError) -> None:
    """Each refusal as an error message, prefixed with the label of the field it names."""
    labels = {
        "status": _("状态"),
        "reason": _("原因"),
        "ended_on": _("终止日期"),
        "term_end": _("续聘至"),
        "justification": _("书面说明"),
        "person_confirmed_at": _("本人确认"),
    }
    for field, msgs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for m in msgs:
            label = labels.get(field, field)
            messages.error(request, m if field == "__all__" else f"{label}：{m}")


@login_required
@require_POST
def appointment_transition(request: AuthedHttpRequest, public_id: str, action: str) -> HttpResponse:
    if action not in ("submit", "approve", "return", "end", "renew", "confirm"):
        raise PermissionDenied
    return _transition(request, public_id, action)


@login_required
def appointment_authorisation(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    """The 聘任授权证书 with the authorised duties and powers and the pack's norms."""
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    if appt.migrated:  # filed before the platform: the enterprise's paper original is the record
        raise Http404
    response = HttpResponse(printing.render_authorisation(appt), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="authorisation-{str(appt.public_id)[:8]}.pdf"'
    )
    return response


@login_required
def appointment_scan(request: AuthedHttpRequest, public_id: str) -> FileResponse:
    """The signed 聘任授权证书 as the enterprise scanned it, for whoever may read the filing (the
    county reviewing it first): shown in the browser, each opening in the filing's log."""
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    return document_response(
        user=request.user,
        file=appt.authorisation_scan,
        target_type="appointment",
        target_id=str(appt.public_id),
        target_repr=str(appt),
        what=_("聘任授权证书扫描件"),
    )


@login_required
def appointment_pdf(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    """The Annex A 备案登记表 as PDF. Full ID number and mobile only for roles that may see them;
    that view is logged like any other unmasking."""
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    if appt.migrated:  # filed before the platform: the paper filing is the record
        raise Http404
    unmasked = request.GET.get("full") == "1" and access.can_reveal_personal(
        request.user, appt.person, visible=True
    )
    if unmasked:  # the form prints both numbers in full: log both views, as the API does
        for field in ("id_number", "mobile"):
            services.personal_reveal(
                actor=request.user, person=appt.person, field=field, visible=True
            )
    pdf = printing.render_filing_form(
        appt, unmasked=unmasked, contact=access.can_see_contact(request.user, appt.person)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = appt.filing_number or str(appt.public_id)[:8]
    response["Content-Disposition"] = f'inline; filename="filing-{name}.pdf"'
    return response
