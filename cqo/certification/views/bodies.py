"""Certification bodies and their experts, managed by the platform admin (level-standard §7)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.certification import forms, selectors, services
from cqo.certification.views._common import _page, _q
from cqo.lib.forms import apply_errors

# Bodies and experts (platform admin) -----------------------------------------------------------


def _require_body_reader(request: AuthedHttpRequest) -> None:
    if not selectors.may_read_bodies(request.user):
        raise PermissionDenied


@login_required
def body_list(request: AuthedHttpRequest) -> HttpResponse:
    _require_body_reader(request)
    qs = selectors.body_list(user=request.user).select_related("supervising_region")
    q = _q(request)
    if q:
        qs = qs.filter(name__icontains=q)
    return render(
        request,
        "certification/body_list.html",
        {
            "page": _page(request, qs),
            "can_create": selectors.is_admin(request.user),
            "tab": "bodies",
        },
    )


def _body_initial(body: Any) -> dict[str, Any]:
    values = {f: getattr(body, f) for f in services.bodies.BODY_FIELDS if f != "supervising_region"}
    values["supervising_region"] = body.supervising_region_id
    return values


@login_required
def body_new(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    form = forms.BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_create(actor=request.user, terms=form.terms())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("认定主体已登记"))
            return redirect("certification:body_detail", public_id=body.public_id)
    return render(
        request,
        "certification/body_form.html",
        {"form": form, "title": _("登记认定主体")},
        status=422 if form.errors else 200,
    )


def _body_page(
    request: AuthedHttpRequest, body: Any, status: int = 200, **forms_: Any
) -> HttpResponse:
    is_admin = selectors.is_admin(request.user)
    return render(
        request,
        "certification/body_detail.html",
        {
            "body": body,
            "is_admin": is_admin,
            "form": forms_.get("form") or forms.BodyForm(initial=_body_initial(body)),
            "member_form": forms_.get("member_form") or forms.MemberForm(prefix="m"),
            "expert_form": forms_.get("expert_form") or forms.ExpertForm(prefix="x"),
            "members": body.members.select_related("user"),
            "experts": body.experts.select_related("user"),
            "trail": selectors.trail(selectors.BODY, body.public_id)[:50],
            "tab": "bodies",
        },
        status=status,
    )


@login_required
def body_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    if request.method != "POST":
        return _body_page(request, body)
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    form = forms.BodyForm(request.POST)
    if form.is_valid():
        try:
            services.body_update(actor=request.user, body=body, terms=form.terms())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("认定主体已更新"))
            return redirect("certification:body_detail", public_id=body.public_id)
    return _body_page(request, body, status=422, form=form)


def _body_form(
    request: AuthedHttpRequest, body: Any, form: Any, key: str, call: Any, done: str
) -> HttpResponse:
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("certification:body_detail", public_id=body.public_id)
    return _body_page(request, body, status=422, **{key: form})


@login_required
@require_POST
def member_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    form = forms.MemberForm(request.POST, prefix="m")
    return _body_form(
        request,
        body,
        form,
        "member_form",
        lambda d: services.member_add(actor=request.user, body=body, username=d["username"]),
        _("工作人员账号已绑定"),
    )


@login_required
@require_POST
def member_remove(request: AuthedHttpRequest, public_id: uuid.UUID, member_id: int) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    member = selectors.member_found(body, member_id)
    services.member_remove(actor=request.user, member=member)
    messages.success(request, _("工作人员账号已解除"))
    return redirect("certification:body_detail", public_id=body.public_id)


@login_required
@require_POST
def expert_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    form = forms.ExpertForm(request.POST, prefix="x")
    return _body_form(
        request,
        body,
        form,
        "expert_form",
        lambda d: services.expert_create(
            actor=request.user, body=body, terms=form.terms(), username=d["username"]
        ),
        _("专家已登记"),
    )


@login_required
@require_POST
def expert_toggle(
    request: AuthedHttpRequest, public_id: uuid.UUID, expert_id: uuid.UUID
) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    expert = body.experts.filter(public_id=expert_id).first()
    if expert is None:
        raise Http404
    terms = services.ExpertTerms(
        name=expert.name,
        title=expert.title,
        speciality=expert.speciality,
        employer=expert.employer,
        active=not expert.active,
    )
    services.expert_update(actor=request.user, expert=expert, terms=terms)
    messages.success(request, _("专家在册状态已更新"))
    return redirect("certification:body_detail", public_id=body.public_id)
