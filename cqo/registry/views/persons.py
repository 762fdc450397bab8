"""Person pages: list, detail, photo, unmasking, registration, invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts import access, region_picker, throttle
from cqo.accounts.types import AuthedHttpRequest
from cqo.lib.forms import apply_errors
from cqo.reference.selectors import region_label
from cqo.registry import forms, inputs, selectors, services
from cqo.registry.models import Person
from cqo.registry.views._common import (
    page_of,
    xlsx_response,
)

# Persons ----------------------------------------------------------------------------------------


@login_required
def person_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.person_list(
        user=request.user, q=request.GET.get("q", "").strip(), region=request.GET.get("region", "")
    ).order_by("name")
    if request.GET.get("export") == "xlsx":
        return _persons_xlsx(request, qs)
    return render(
        request,
        "registry/person_list.html",
        {
            "page": page_of(request, qs),
            "can_invite": request.user.is_clerk,
        },
    )


def _persons_xlsx(request: AuthedHttpRequest, qs: QuerySet[Person]) -> HttpResponse:
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
    return xlsx_response(request, "persons", headers, rows, "person")


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
    form, quals = forms.person_edit_forms(
        request.POST or None, request.FILES or None, person=person, user=request.user
    )
    if request.method == "POST" and form.is_valid() and quals.is_valid():
        details = forms.person_details(form, quals)
        try:
            services.person_update(actor=request.user, person=person, details=details)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("个人信息已保存"))
            return redirect("portal:person_detail", public_id=person.public_id)
    return render(
        request,
        "registry/form.html",
        {"form": form, "formset": quals, "title": _("修改个人信息"), "object": person},
    )


def register(request: HttpRequest) -> HttpResponse:
    """线上注册 (shaanxi-2021 §五(一)): anyone may register as a serving or prospective CQO."""
    form = forms.RegisterForm(request.POST or None, request.FILES or None)
    refused = throttle.registration_refused(request) if request.method == "POST" else None
    if refused is not None:
        form.add_error(None, refused)
        return _register_page(request, form, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            user, _person = services.person_register(
                details=inputs.of(services.PersonDetails, form.cleaned_data)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            throttle.registration_counted(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("注册成功。请将身份证号和姓名告知聘任企业的经办人，由其办理聘任备案。")
            )
            return redirect("home")
    return _register_page(request, form)


def _register_page(
    request: HttpRequest, form: forms.RegisterForm, status: int = 200
) -> HttpResponse:
    # the county picker shows again what was chosen (cqo/accounts/region_picker.py)
    picker = region_picker.picker(
        county=str(form["region"].value() or "")[:6], q=request.POST.get("region_q", "")
    )
    context = {"form": form, "picker": picker, "search_max": region_picker.SEARCH_MAX_LENGTH}
    return render(request, "accounts/register.html", context, status=status)


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
            person, token = services.person_invite(
                actor=request.user, details=inputs.of(services.PersonDetails, form.cleaned_data)
            )
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
