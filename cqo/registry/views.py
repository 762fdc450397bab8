"""Registry pages: short views — access helper, form, one service call, redirect or render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.selectors import audit_trail
from cqo.audit.services import audit_record
from cqo.lib.excel import xlsx_bytes
from cqo.lib.forms import apply_errors
from cqo.reference import enums
from cqo.reference.selectors import region_label
from cqo.registry import forms, printing, selectors, services
from cqo.registry.models import Appointment, Reminder

PAGE_SIZE = 25
SORTS = {"name": "name", "-name": "-name", "uscc": "uscc", "region_id": "region_id"}


def cqo_status_label(status: str) -> str:
    return {"filed": _("已备案"), "pending": _("办理中"), "none": _("未登记")}.get(status, status)


def _page(request: HttpRequest, qs: QuerySet[Any]) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _xlsx(
    request: HttpRequest, name: str, headers: list[str], rows: Any, what: str
) -> HttpResponse:
    audit_record(
        actor=request.user,
        action="export",
        target_type=what,
        target_id="*",
        note=request.GET.urlencode(),
    )
    response = HttpResponse(
        xlsx_bytes(headers, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def _data(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items()}


# Home -------------------------------------------------------------------------------------------


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    ctx: dict[str, Any] = {}
    if user.role in (Role.REGULATOR, Role.ADMIN) or user.is_superuser:
        queue = selectors.oversight_queue(user=user)
        ctx["counts"] = {
            "enterprises": selectors.enterprise_list(user=user).count(),
            "without_cqo": queue["without_cqo"].count(),
            "submitted": queue["submitted"].count(),
            "returned": queue["returned"].count(),
            "filed": selectors.appointment_list(user=user, status="filed").count(),
        }
        ctx["submitted"] = queue["submitted"][:10]
    if user.role == Role.ENTERPRISE:
        ctx["enterprise"] = user.enterprise
        ctx["appointments"] = selectors.appointment_list(user=user)[:10]
        ctx["reminders"] = selectors.reminders_for(user=user).filter(read_at__isnull=True)
    if user.role == Role.CQO:
        ctx["person"] = getattr(user, "person", None)
        ctx["appointments"] = selectors.appointment_list(user=user)
    if user.role in (Role.REGULATOR,):
        ctx["scope_label"] = region_label(user.region_id)
    return render(request, "registry/home.html", ctx)


# Enterprises ------------------------------------------------------------------------------------


@login_required
def enterprise_list(request: AuthedHttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.with_cqo_status(
        selectors.enterprise_list(
            user=request.user,
            q=g.get("q", "").strip(),
            region=g.get("region", ""),
            industry=g.get("industry", ""),
            size=g.get("size", ""),
            cqo_status=g.get("cqo_status", ""),
        )
    ).order_by(SORTS.get(g.get("sort", ""), "name"))
    if g.get("export") == "xlsx":
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
        return _xlsx(request, "enterprises", headers, rows, "enterprise")
    return render(
        request,
        "registry/enterprise_list.html",
        {
            "page": _page(request, qs),
            "sizes": enums.EnterpriseSize.choices,
            "region_options": forms.region_filter_options(request.user),
            "can_create": request.user.is_regulator or request.user.is_platform_admin,
        },
    )


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
            ent = services.enterprise_create(actor=request.user, data=_data(form))
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
            services.enterprise_update(actor=request.user, enterprise=ent, data=_data(form))
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
    return redirect(request.POST.get("next") or ent_url(ent.uscc))


def ent_url(uscc: str) -> str:
    from django.urls import reverse

    return reverse("registry:enterprise_detail", kwargs={"uscc": uscc})


@login_required
def enterprise_clerk(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    form = forms.ClerkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clerk_create(actor=request.user, enterprise=ent, data=_data(form))
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


# Persons ----------------------------------------------------------------------------------------


@login_required
def person_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.person_list(
        user=request.user, q=request.GET.get("q", "").strip(), region=request.GET.get("region", "")
    ).order_by("name")
    if request.GET.get("export") == "xlsx":
        headers = [
            _("姓名"),
            _("身份证号"),
            _("性别"),
            _("学历"),
            _("职称"),
            _("手机"),
            _("质量工作年限"),
            _("所在行政区划"),
        ]
        rows = (
            (
                p.name,
                p.id_number_masked,
                p.get_gender_display(),
                p.get_education_display(),
                p.title,
                p.mobile_masked,
                p.quality_years,
                region_label(p.region_id),
            )
            for p in qs.iterator(chunk_size=2000)
        )
        return _xlsx(request, "persons", headers, rows, "person")
    return render(
        request,
        "registry/person_list.html",
        {
            "page": _page(request, qs),
            "can_invite": request.user.is_clerk,
        },
    )


@login_required
def person_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    person = selectors.person_get(user=request.user, public_id=public_id)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "region_label": region_label(person.region_id),
            "appointments": selectors.appointment_list(user=request.user).filter(person=person),
            "trail": audit_trail(target_type="person", target_id=str(person.public_id))[:50],
            "can_edit": access.can_edit_person(request.user, person),
            "can_reveal": access.can_reveal_personal(request.user, person, visible=True),
        },
    )


@login_required
def person_photo(request: AuthedHttpRequest, public_id: str) -> FileResponse:
    """The photo is personal data: served only inside scope, never from a public media URL."""
    person = selectors.person_get(user=request.user, public_id=public_id)
    if not person.photo:
        raise Http404
    return FileResponse(person.photo.open("rb"), content_type="image/jpeg")


@login_required
@require_POST
def person_reveal(request: AuthedHttpRequest, public_id: str, field: str) -> HttpResponse:
    """HTMX: swap a masked value for the full one; the view is logged (SPEC §10)."""
    person = selectors.person_get(user=request.user, public_id=public_id)
    value = services.personal_reveal(actor=request.user, person=person, field=field, visible=True)
    return HttpResponse(f'<span class="font-monospace">{value}</span>')


@login_required
def person_edit(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    person = selectors.person_get(user=request.user, public_id=public_id)
    if not access.can_edit_person(request.user, person):
        raise PermissionDenied
    initial = {
        f: getattr(person, f) for f in forms.PersonEditForm.base_fields if hasattr(person, f)
    }
    initial.update(region=person.region_id or "", mobile=person.mobile)
    form = forms.PersonEditForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        user=request.user,
        around=person.region,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, data=_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("个人信息已保存"))
            return redirect("registry:person_detail", public_id=person.public_id)
    return render(
        request, "registry/form.html", {"form": form, "title": _("修改个人信息"), "object": person}
    )


def register(request: HttpRequest) -> HttpResponse:
    """线上注册 (shaanxi-2021 §五(一)): anyone may register as a serving or prospective CQO."""
    form = forms.RegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, _person = services.person_register(data=_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("注册成功。请将身份证号和姓名告知聘任企业的经办人，由其办理聘任备案。")
            )
            return redirect("home")
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("首席质量官线上注册"), "public": True},
    )


@login_required
def person_invite(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.is_clerk:
        raise PermissionDenied
    form = forms.PersonForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        around=request.user.enterprise.region if request.user.enterprise else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            person, token = services.person_invite(actor=request.user, data=_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            link = request.build_absolute_uri(f"/register/claim/{token}/")
            return render(request, "registry/invited.html", {"person": person, "link": link})
    return render(request, "registry/form.html", {"form": form, "title": _("邀请首席质量官注册")})


def person_claim(request: HttpRequest, token: str) -> HttpResponse:
    form = forms.ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.person_claim(token=token, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("账户已认领"))
            return redirect("home")
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("认领首席质量官账户"), "public": True},
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
        headers = [
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
        rows = (
            (
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
            for a in qs.iterator(chunk_size=2000)
        )
        return _xlsx(request, "filings", headers, rows, "appointment")
    return render(
        request,
        "registry/appointment_list.html",
        {
            "page": _page(request, qs),
            "statuses": Appointment.Status.choices,
            "region_options": forms.region_filter_options(request.user),
            "can_create": request.user.is_clerk,
        },
    )


@login_required
def appointment_create(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.is_clerk:
        raise PermissionDenied
    form = forms.NewAppointmentForm(
        request.POST or None, request.FILES or None, initial={"start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            appt = services.appointment_create(actor=request.user, data=_data(form))
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


@login_required
def appointment_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    user = request.user
    return render(
        request,
        "registry/appointment_detail.html",
        {
            "a": appt,
            "checks": services.filing_checks(appt),
            "region_label": region_label(appt.enterprise.region_id),
            "departments": [enums.LedDepartment(d).label for d in appt.departments_led],
            "trail": audit_trail(target_type="appointment", target_id=str(appt.public_id))[:100],
            "can_manage": access.can_manage_filing(user, appt),
            "can_review": access.can_review_filing(user, appt),
            "can_end": access.can_manage_filing(user, appt) or user.is_platform_admin,
            "return_form": forms.ReturnForm(),
            "end_form": forms.EndForm(initial={"ended_on": timezone.localdate()}),
            "renew_form": forms.RenewForm(),
        },
    )


@login_required
def appointment_edit(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    if not access.can_manage_filing(request.user, appt):
        raise PermissionDenied
    initial = {f: getattr(appt, f) for f in forms.AppointmentForm.base_fields if hasattr(appt, f)}
    form = forms.AppointmentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _data(form)
        if not data.get("authorisation_scan"):
            data.pop("authorisation_scan", None)
        try:
            services.appointment_update(actor=request.user, appointment=appt, data=data)
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
    p, user = request.POST, request.user
    done = {
        "submit": _("已提交备案"),
        "approve": _("已备案"),
        "return": _("已退回修改"),
        "end": _("聘任已终止"),
        "renew": _("已续聘"),
    }
    try:
        if action == "submit":
            services.filing_submit(actor=user, appointment=appt)
        elif action == "approve":
            services.filing_approve(actor=user, appointment=appt, note=p.get("note", ""))
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
        elif action == "renew":
            services.appointment_renew(
                actor=user, appointment=appt, term_end=p.get("term_end", ""), note=p.get("note", "")
            )
        messages.success(request, done[action])
    except ValidationError as exc:
        labels = {
            "status": _("状态"),
            "reason": _("原因"),
            "ended_on": _("终止日期"),
            "term_end": _("续聘至"),
        }
        for field, msgs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            for m in msgs:
                label = labels.get(field, field)
                messages.error(request, m if field == "__all__" else f"{label}：{m}")
    return redirect("registry:appointment_detail", public_id=appt.public_id)


@login_required
@require_POST
def appointment_transition(request: AuthedHttpRequest, public_id: str, action: str) -> HttpResponse:
    if action not in ("submit", "approve", "return", "end", "renew"):
        raise PermissionDenied
    return _transition(request, public_id, action)


@login_required
def appointment_pdf(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    """The Annex A 备案登记表 as PDF. Full ID number and mobile only for roles that may see them;
    that view is logged like any other unmasking."""
    appt = selectors.appointment_get(user=request.user, public_id=public_id)
    unmasked = request.GET.get("full") == "1" and access.can_reveal_personal(
        request.user, appt.person, visible=True
    )
    if unmasked:
        services.personal_reveal(
            actor=request.user, person=appt.person, field="id_number", visible=True
        )
    pdf = printing.render_filing_form(appt, unmasked=unmasked)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = appt.filing_number or str(appt.public_id)[:8]
    response["Content-Disposition"] = f'inline; filename="filing-{name}.pdf"'
    return response


@login_required
def oversight(request: AuthedHttpRequest) -> HttpResponse:
    """指导督促 (shaanxi-2021 §五(三), jiangsu-2020 §七)."""
    if not (request.user.is_regulator or request.user.is_platform_admin):
        raise PermissionDenied
    queue = selectors.oversight_queue(user=request.user)
    return render(
        request,
        "registry/oversight.html",
        {
            "without": _page(request, queue["without_cqo"].order_by("-above_scale", "name")),
            "submitted": queue["submitted"][:50],
            "returned": queue["returned"][:50],
            "overdue": queue["overdue"][:50],
            "due_days": settings.CQO_FILING_DUE_DAYS,
            "reminder_form": forms.ReminderForm(),
        },
    )
