"""Pages of the notify app: the outbox for the platform's administrators (status filter,
paging, resend), and a person's own notices with the state of their addresses."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import User
from cqo.accounts.types import AuthedHttpRequest
from cqo.lib.forms import apply_errors
from cqo.notify import rules, selectors, services
from cqo.notify.forms import ContactForm, MobileCodeForm, OptOutForm, QuietHoursForm
from cqo.notify.kinds import Channel
from cqo.notify.models import ContactDetails, OutboxMessage

PAGE_SIZE = 25


@login_required
def outbox(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.may_see_outbox(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in OutboxMessage.Status.values:
        status = ""
    rows = selectors.outbox_list(user=request.user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/outbox.html",
        {"page": page, "status": status, "statuses": OutboxMessage.Status.choices},
    )


@login_required
@require_POST
def outbox_resend(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    if not selectors.may_see_outbox(request.user):
        raise PermissionDenied
    message = get_object_or_404(OutboxMessage, public_id=public_id)
    try:
        services.message_resend(actor=request.user, message=message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已重新排队发送"))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return redirect(back or "notify:outbox")


def _mobile_shown(user: User) -> str:
    contact = selectors.contact_of(user)
    if contact is not None and contact.mobile_masked:
        return contact.mobile_masked  # verified or not: the number the person gave
    address = selectors.address_of(user, Channel.SMS)
    return address.shown if address else ""


def _quiet_initial(contact: ContactDetails | None) -> dict[str, object]:
    if contact is None:
        return {"enabled": True, "start": rules.QUIET_START, "end": rules.QUIET_END}
    return {"enabled": contact.quiet_hours, "start": contact.quiet_start, "end": contact.quiet_end}


@login_required
def my_notices(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    contact = selectors.contact_of(user)
    action = request.POST.get("action") if request.method == "POST" else None
    contact_form = ContactForm(
        request.POST if action == "contact" else None,
        initial={"email": (contact.email if contact else "") or user.email},
        mobile_shown=_mobile_shown(user),
    )
    optout_form = OptOutForm(
        request.POST if action == "optouts" else None, opted_out=selectors.opted_out_kinds(user)
    )
    quiet_form = QuietHoursForm(
        request.POST if action == "quiet" else None, initial=_quiet_initial(contact)
    )
    code_form = MobileCodeForm(request.POST if action == "verify" else None)
    if action == "contact" and contact_form.is_valid():
        data = contact_form.cleaned_data
        try:
            services.contact_set(
                actor=user,
                user=user,
                email=data["email"],
                mobile=data["mobile"] or (contact.mobile if contact else ""),
            )
        except ValidationError as exc:
            apply_errors(contact_form, exc)
        else:
            messages.success(request, _("通知联系方式已保存"))
            return redirect("notify:mine")
    if action == "optouts" and optout_form.is_valid():
        services.optouts_replace(actor=user, user=user, opted_out=optout_form.opted_out())
        messages.success(request, _("通知设置已保存"))
        return redirect("notify:mine")
    if action == "quiet" and quiet_form.is_valid():
        data = quiet_form.cleaned_data
        try:
            services.quiet_hours_set(
                actor=user, user=user, enabled=data["enabled"], start=data["start"], end=data["end"]
            )
        except ValidationError as exc:
            apply_errors(quiet_form, exc)
        else:
            messages.success(request, _("免打扰时段已保存"))
            return redirect("notify:mine")
    if action == "send_code":
        try:
            services.mobile_code_send(actor=user, user=user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request,
                _("验证码已发送到 %(mobile)s")
                % {"mobile": contact.mobile_masked if contact else ""},
            )
        return redirect("notify:mine")
    if action == "verify" and code_form.is_valid():
        try:
            services.mobile_verify(actor=user, user=user, code=code_form.cleaned_data["code"])
        except ValidationError as exc:
            apply_errors(code_form, exc)
        else:
            messages.success(request, _("手机号码已验证，短信通知将发送到该号码"))
            return redirect("notify:mine")
    page = Paginator(selectors.notices_of(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/mine.html",
        {
            "page": page,
            "contact": contact,
            "contact_form": contact_form,
            "optout_form": optout_form,
            "quiet_form": quiet_form,
            "code_form": code_form,
        },
    )
