"""The person's part of a filing (pages): their declarations (level-standard §5.1.5; SPEC
§12.11), and a filing a CQO starts where the governing pack allows it (SPEC §12.23), which the
person hands to the enterprise and the enterprise confirms or returns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.accounts.types import AuthedHttpRequest
from cqo.lib.forms import apply_errors
from cqo.policy import rules as policy
from cqo.registry import forms, inputs, selectors, services
from cqo.registry.models import Appointment

Prep = Appointment.Preparation


def _declaration_choices(appt: Appointment) -> list[tuple[str, str]]:
    conditions = policy.declared_conditions(selectors.governing(appt).rules)
    return [(c.code, c.label) for c in conditions]


def detail_context(user: User, appt: Appointment) -> dict[str, Any]:
    """What the filing page shows of the person's part: the declaration form for the person,
    the preparation's step and the buttons of whoever holds it."""
    named = access.is_person_named(user, appt)
    choices = _declaration_choices(appt)
    labels = dict(choices)
    return {
        "declared": [labels.get(code, code) for code in appt.declarations or []],
        "declare_form": forms.DeclareForm(
            initial={"declarations": appt.declarations}, choices=choices
        )
        if named and appt.status in (Appointment.Status.DRAFT, Appointment.Status.RETURNED)
        else None,
        "holds_prepared": named and appt.preparation == Prep.PERSON,
        "enterprise_to_confirm": access.can_manage_filing(user, appt)
        and appt.preparation == Prep.ENTERPRISE
        and appt.status == Appointment.Status.DRAFT,
        "return_to_person_form": forms.ReturnToPersonForm(),
    }


@login_required
def filing_prepare(request: AuthedHttpRequest) -> HttpResponse:
    if not access.can_prepare_filing(request.user):
        raise PermissionDenied
    form = forms.PrepareForm(
        request.POST or None, request.FILES or None, initial={"start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            appt = services.filing_prepare(
                actor=request.user,
                uscc=form.cleaned_data["uscc"],
                terms=inputs.of(services.AppointmentTerms, form.cleaned_data),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("备案信息已保存；请作出本人声明，核对后提交企业确认"))
            return redirect("registry:appointment_detail", public_id=appt.public_id)
    intro = _(
        "陕西、江苏等地规定首席质量官本人可以填写聘任信息，由企业确认后提交备案；"
        "深圳等地由企业备案（企业聘任后向行业主管部门报备），在这些地区请由企业经办人登记。"
    )
    ctx = {"form": form, "title": _("本人发起聘任备案"), "intro": intro}
    return render(request, "registry/form.html", ctx)


@login_required
def filing_prepared_edit(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    if not (access.is_person_named(request.user, appt) and appt.preparation == Prep.PERSON):
        raise PermissionDenied
    fields = forms.PreparedEditForm.base_fields
    initial = {f: getattr(appt, f) for f in fields if hasattr(appt, f)}
    form = forms.PreparedEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "authorisation_scan"}
        if form.cleaned_data.get("authorisation_scan"):
            values["authorisation_scan"] = form.cleaned_data["authorisation_scan"]
        terms = inputs.of(services.AppointmentTerms, values)
        try:
            services.filing_prepared_update(actor=request.user, appointment=appt, terms=terms)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("备案信息已保存"))
            return redirect("registry:appointment_detail", public_id=appt.public_id)
    ctx = {"form": form, "title": _("修改本人填写的备案信息"), "object": appt}
    return render(request, "registry/form.html", ctx)


def _report(request: AuthedHttpRequest, exc: ValidationError) -> None:
    for msgs in getattr(exc, "message_dict", {"__all__": exc.messages}).values():
        for m in msgs:
            messages.error(request, m)


@login_required
@require_POST
def filing_declare(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    form = forms.DeclareForm(request.POST, choices=_declaration_choices(appt))
    codes = tuple(form.cleaned_data["declarations"]) if form.is_valid() else ()
    try:
        if request.POST.get("confirm"):  # confirming the appointment as well (SPEC §12.23)
            services.appointment_confirm(actor=request.user, appointment=appt, declarations=codes)
        else:
            services.appointment_declare(actor=request.user, appointment=appt, codes=codes)
        messages.success(request, _("本人声明已保存"))
    except ValidationError as exc:
        _report(request, exc)
    return redirect("registry:appointment_detail", public_id=appt.public_id)


STEPS = {
    "hand-over": _("已提交企业确认；企业现在可以看到备案信息和您的联系方式"),
    "enterprise-confirm": _("已确认首席质量官填写的备案信息，请核对后提交备案"),
    "return-to-person": _("已退回首席质量官本人修改"),
}


@login_required
@require_POST
def filing_preparation_step(request: AuthedHttpRequest, public_id: str, step: str) -> HttpResponse:
    if step not in STEPS:
        raise PermissionDenied
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    user = request.user
    try:
        if step == "hand-over":
            services.filing_hand_over(actor=user, appointment=appt)
        elif step == "enterprise-confirm":
            services.filing_enterprise_confirm(actor=user, appointment=appt)
        else:
            reason = request.POST.get("reason", "")
            services.filing_return_to_person(actor=user, appointment=appt, reason=reason)
            messages.success(request, STEPS[step])
            # the person holds it again: the enterprise no longer sees it
            return redirect("registry:appointment_list")
        messages.success(request, STEPS[step])
    except ValidationError as exc:
        _report(request, exc)
    return redirect("registry:appointment_detail", public_id=appt.public_id)
