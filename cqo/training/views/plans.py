"""Yearly training plans (shaanxi-2021 §五(一); level-standard §11)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.types import AuthedHttpRequest
from cqo.lib.forms import apply_errors
from cqo.reference.selectors import region_label
from cqo.training import forms, selectors, services
from cqo.training.models import TrainingPlan
from cqo.training.views._common import _page, _q

# Plans ----------------------------------------------------------------------------------------


@login_required
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not (selectors.can_plan(user) or user.is_platform_admin):
        raise PermissionDenied
    year = request.GET.get("year", "")
    qs = selectors.plan_list(
        user=user, year=int(year) if year.isdigit() and len(year) == 4 else None, q=_q(request)
    ).order_by("-year", "organisation")
    return render(
        request,
        "training/plan_list.html",
        {"page": _page(request, qs), "can_create": selectors.can_plan(user)},
    )


@login_required
def plan_create(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_plan(request.user):
        raise PermissionDenied
    form = forms.PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            d = form.cleaned_data
            plan = services.plan_create(
                actor=request.user,
                year=d["year"],
                budget=d["budget"],
                planned_sessions=d["planned_sessions"],
                notes=d["notes"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("年度培训计划已保存"))
            return redirect("training:plan_detail", public_id=plan.public_id)
    return _plan_create_page(request, form)


def _plan_create_page(request: AuthedHttpRequest, form: forms.PlanForm) -> HttpResponse:
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("制定年度培训计划"),
            "intro": _(
                "各级市场监管部门统筹安排培训专项经费，制定年度培训计划（陕西 §五(一)）；"
                "认定主体制定并及时更新首席质量官课程培训计划（能力水平认定 §11）。"
            ),
            "cancel": "training:plan_list",
        },
    )


@login_required
def plan_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, public_id=public_id)
    can_edit = selectors.can_edit_plan(request.user, plan)
    form = _plan_edit_form(request, plan)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                d = form.cleaned_data
                services.plan_update(
                    actor=request.user,
                    plan=plan,
                    budget=d["budget"],
                    planned_sessions=d["planned_sessions"],
                    notes=d["notes"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("年度培训计划已更新"))
                return redirect("training:plan_detail", public_id=plan.public_id)
    return _plan_page(request, plan, form, can_edit=can_edit)


def _plan_edit_form(request: AuthedHttpRequest, plan: TrainingPlan) -> forms.PlanForm:
    """The plan's editable fields (the year stays), filled from the request or the plan."""
    return forms.PlanForm(
        request.POST or None,
        editing=True,
        initial={
            "budget": plan.budget,
            "planned_sessions": plan.planned_sessions,
            "notes": plan.notes,
        },
    )


def _plan_page(
    request: AuthedHttpRequest, plan: TrainingPlan, form: forms.PlanForm, *, can_edit: bool
) -> HttpResponse:
    return render(
        request,
        "training/plan_detail.html",
        {
            "plan": plan,
            "region_label": region_label(plan.region_id),
            "courses": selectors.course_list(user=request.user, plan=plan),
            "can_edit": can_edit,
            "form": form,
            "trail": selectors.trail(selectors.PLAN, plan.public_id)[:100],
        },
        status=422 if form.errors else 200,
    )
