"""Courses and the sessions opened under them (SPEC §5)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.lib import clock
from cqo.lib.forms import apply_errors
from cqo.reference.selectors import region_label
from cqo.registry.forms import region_filter_options
from cqo.training import forms, selectors, services
from cqo.training.models import Tier
from cqo.training.views._common import _page, _q

# Courses --------------------------------------------------------------------------------------


@login_required
def course_list(request: AuthedHttpRequest) -> HttpResponse:
    g = request.GET
    tier = g.get("tier", "") if g.get("tier", "") in [*Tier.values, "other"] else ""
    qs = selectors.course_list(
        user=request.user, q=_q(request), tier=tier, region=g.get("region", "").strip()[:6]
    )
    return render(
        request,
        "training/course_list.html",
        {
            "page": _page(request, qs),
            "tiers": [*Tier.choices, ("other", _("其他"))],
            "region_options": region_filter_options(request.user),
            "can_create": selectors.can_organise(request.user),
        },
    )


def _own_plans(user: Any) -> Any:
    if not selectors.can_plan(user):
        return []
    return [p for p in selectors.plan_list(user=user) if selectors.can_edit_plan(user, p)]


@login_required
def course_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_organise(user):
        raise PermissionDenied
    initial = {"region": user.region_id or "", "forms": ["lecture"], "method": "exam"}
    form = forms.CourseForm(
        request.POST or None, initial=initial, user=user, plans=_own_plans(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=user, terms=form.terms())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("课程已创建，请添加培训班"))
            return redirect("training:course_detail", public_id=course.public_id)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("开设培训课程"),
            "intro": _(
                "各层级培训由该层级的市场监管部门组织（陕质委办〔2021〕15号 第五条（一）、"
                "苏质委办〔2020〕9号 第五条；江苏县级组织有困难的，"
                "基础培训可合并到设区市一级实施），"
                "认定主体组织本机构的课程培训（不分层级）；培训机构作为组织方指定的承办机构承办，"
                "不自行开设课程。采取集中授课、案例剖析、分组交流、现场观摩等多种形式，"
                "做好培训和学习效果评估。"
            ),
            "cancel": "training:course_list",
        },
    )


@login_required
def course_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _course_page(request, selectors.course_get(user=request.user, public_id=public_id))


def _course_page(
    request: AuthedHttpRequest, course: Any, session_form: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    gov = selectors.governing(course.region)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "region_label": region_label(course.region_id),
            "tier_name": selectors.tier_name(gov, course.tier),
            "sessions": selectors.session_list(user=user, course=course).order_by("-start_date"),
            "can_run": selectors.can_run(user, course),
            "session_form": session_form or forms.SessionForm(prefix="s"),
            "issuers": gov.rules.training,
            # shaanxi-2021 §五(一): whether the 承办机构 holds a training qualification today
            "institution_qualified": selectors.qualified_on(course.institution_id, clock.today()),
            "trail": selectors.trail(selectors.COURSE, course.public_id)[:100],
        },
        status=status,
    )


@login_required
@require_POST
def session_create(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    course = selectors.course_get(user=request.user, public_id=public_id)
    if not selectors.can_run(request.user, course):
        raise PermissionDenied
    form = forms.SessionForm(request.POST, prefix="s")
    if form.is_valid():
        try:
            session = services.session_create(actor=request.user, course=course, terms=form.terms())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("培训班已创建，现可报名"))
            return redirect("training:session_detail", public_id=session.public_id)
    return _course_page(request, course, session_form=form, status=422)
