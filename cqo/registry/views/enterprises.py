"""Enterprise pages: list, detail, create, edit, reminders, clerk accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts import access
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.selectors import audit_trail
from cqo.lib.forms import apply_errors
from cqo.reference import enums
from cqo.reference.selectors import region_label
from cqo.registry import forms, inputs, selectors, services
from cqo.registry.models import Enterprise, Reminder
from cqo.registry.views._common import (
    SORTS,
    cqo_status_label,
    page_of,
    xlsx_response,
)

# Enterprises ------------------------------------------------------------------------------------


@login_required
def enterprise_list(request: AuthedHttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.enterprise_list(
        user=request.user,
        q=g.get("q", "").strip(),
        region=g.get("region", ""),
        industry=g.get("industry", ""),
        size=g.get("size", ""),
        cqo_status=g.get("cqo_status", ""),
    ).order_by(SORTS.get(g.get("sort", ""), "name"))
    if g.get("export") == "xlsx":
        return _enterprises_xlsx(request, qs)
    return render(
        request,
        "registry/enterprise_list.html",
        {
            "page": page_of(request, qs),
            "sizes": enums.EnterpriseSize.choices,
            "region_options": forms.region_filter_options(request.user),
            "industry_options": forms.industry_filter_options(),
            "can_create": request.user.is_regulator or request.user.is_platform_admin,
        },
    )


def _enterprises_xlsx(request: AuthedHttpRequest, qs: QuerySet[Enterprise]) -> HttpResponse:
    headers = [
        _("统一社会信用代码"),
        _("单位名称"),
        _("所属行政区划"),
        _("行业大类"),
        _("企业规模"),
        _("规模以上企业"),
        _("员工总数"),
        _("首席质量官"),
    ]
    rows = (
        (
            e.uscc,
            e.name,
            region_label(e.region_id),
            f"{e.industry_id} {e.industry.name}",
            e.get_size_display(),
            e.above_scale,
            e.employees,
            cqo_status_label(e.cqo_status),  # type: ignore[attr-defined]  # annotation
        )
        for e in qs.iterator(chunk_size=2000)
    )
    return xlsx_response(request, "enterprises", headers, rows, "enterprise")


@login_required
def enterprise_detail(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "ent": ent,
            "region_label": region_label(ent.region_id),
            "appointments": selectors.appointment_list(user=request.user).filter(enterprise=ent),
            "reminders": selectors.reminders_for(user=request.user).filter(enterprise=ent)[:20],
            "trail": audit_trail(target_type="enterprise", target_id=ent.uscc)[:50],
            "can_edit": access.can_edit_enterprise(request.user, ent),
            "can_remind": request.user.is_regulator,
            "clerks": ent.clerks.all()
            if request.user.is_regulator or request.user.is_platform_admin
            else [],
            "reminder_form": forms.ReminderForm(),
            "clerk_form": forms.ClerkForm(),
        },
    )


@login_required
def enterprise_create(request: AuthedHttpRequest) -> HttpResponse:
    if not (request.user.is_regulator or request.user.is_platform_admin):
        raise PermissionDenied
    form = forms.EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ent = services.enterprise_create(
                actor=request.user,
                details=inputs.of(services.EnterpriseDetails, form.cleaned_data),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("企业已登记"))
            return redirect("registry:enterprise_detail", uscc=ent.uscc)
    return render(request, "registry/form.html", {"form": form, "title": _("登记企业")})


@login_required
def enterprise_edit(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    if not access.can_edit_enterprise(request.user, ent):
        raise PermissionDenied
    initial = {f: getattr(ent, f) for f in forms.EnterpriseForm.base_fields if hasattr(ent, f)}
    initial.update(
        region=ent.region_id,
        industry=ent.industry_id,
        responsible_mobile=ent.responsible_mobile,
        group_parent=ent.group_parent.uscc if ent.group_parent else "",
    )
    form = forms.EnterpriseForm(
        request.POST or None, initial=initial, user=request.user, around=ent.region
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                actor=request.user,
                enterprise=ent,
                details=inputs.of(services.EnterpriseDetails, form.cleaned_data),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("企业信息已保存"))
            return redirect("registry:enterprise_detail", uscc=ent.uscc)
    return render(
        request, "registry/form.html", {"form": form, "title": _("修改企业信息"), "object": ent}
    )


@login_required
@require_POST
def enterprise_remind(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    form = forms.ReminderForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        services.reminder_send(
            actor=request.user, enterprise=ent, message=form.cleaned_data["message"]
        )
        messages.success(request, _("督促通知已发送"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    # Back to the list the reminder was sent from, but never to another site.
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("registry:enterprise_detail", kwargs={"uscc": ent.uscc})
    return redirect(next_url)


@login_required
def enterprise_clerk(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    form = forms.ClerkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clerk_create(
                actor=request.user,
                enterprise=ent,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("经办人账户已开设"))
            return redirect("registry:enterprise_detail", uscc=ent.uscc)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("开设企业经办人账户"), "object": ent},
    )


@login_required
@require_POST
def reminder_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reminder = get_object_or_404(Reminder, pk=pk, enterprise_id=request.user.enterprise_id)
    services.reminder_mark_read(actor=request.user, reminder=reminder)
    return redirect("home")
