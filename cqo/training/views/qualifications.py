"""Training institutions' qualifications (培训资质): the list, a regulator's record and its
revocation (shaanxi-2021 §五(一); jiangsu-2020 §五; hangzhou-spec 聘用与培训·培训)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.lib import clock
from cqo.lib.forms import apply_errors
from cqo.training import forms, selectors, services
from cqo.training.views._common import _page, _q

INTRO = gettext_lazy(
    "承办机构应具备相关培训资质：陕质委办〔2021〕15号 第五条（一）“由具备相关资质的承办机构颁发培训"
    "合格证”；苏质委办〔2020〕9号 第五条“具备相关培训资质的承办机构”；杭州市《企业首席质量官管理"
    "规范》聘用与培训“具备首席质量官培训资质的机构组织的……培训”。资质由市场监管部门登记，"
    "颁证和计入学时时按当日是否在有效期内判断。"
)


def _may_view(request: AuthedHttpRequest) -> bool:
    user = request.user
    return user.is_platform_admin or user.role in (Role.REGULATOR, Role.TRAINER)


@login_required
def qualification_list(request: AuthedHttpRequest) -> HttpResponse:
    if not _may_view(request):
        raise PermissionDenied
    current = request.GET.get("current") == "1"
    qs = selectors.qualification_list(
        user=request.user, q=_q(request), current_on=clock.today() if current else None
    )
    return render(
        request,
        "training/qualification_list.html",
        {
            "page": _page(request, qs),
            "today": clock.today(),
            "current": current,
            "can_create": selectors.can_manage_qualifications(request.user),
            "intro": INTRO,
        },
    )


@login_required
def qualification_create(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_manage_qualifications(request.user):
        raise PermissionDenied
    form = forms.QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            q = services.qualification_create(actor=request.user, terms=form.terms())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("培训资质已登记"))
            return redirect("training:qualification_detail", public_id=q.public_id)
    context = {
        "form": form,
        "title": _("登记培训机构的培训资质"),
        "intro": INTRO,
        "cancel": "training:qualification_list",
    }
    return render(request, "training/form.html", context, status=422 if form.errors else 200)


@login_required
def qualification_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    q = selectors.qualification_get(user=request.user, public_id=public_id)
    can_revoke = selectors.can_revoke_qualification(request.user, q)
    form = forms.RevokeQualificationForm(request.POST or None, prefix="r")
    if request.method == "POST":
        if not can_revoke:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.qualification_revoke(
                    actor=request.user, qualification=q, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("培训资质已撤销"))
                return redirect("training:qualification_detail", public_id=q.public_id)
    context = {
        "q": q,
        "valid_today": q.revoked_at is None and q.valid_from <= clock.today() <= q.valid_until,
        "can_revoke": can_revoke,
        "form": form,
        "trail": selectors.trail(selectors.QUALIFICATION, q.public_id)[:100],
    }
    return render(
        request, "training/qualification_detail.html", context, status=422 if form.errors else 200
    )
