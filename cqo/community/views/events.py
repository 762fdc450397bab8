"""Event pages: the list, publishing one, its detail page with the organiser's registration
list, and registration, attendance and cancellation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.selectors import audit_trail
from cqo.community import forms, selectors, services
from cqo.community.models import Registration
from cqo.community.views import exports
from cqo.community.views._common import _act, _flash, _form_page, _q, _wants_xlsx
from cqo.lib.forms import apply_errors
from cqo.registry.views._common import page_of


@login_required
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.event_list(user=request.user, q=_q(request))
    if _wants_xlsx(request):
        return exports.events(request, qs)
    return render(
        request, "community/events.html", {"page": page_of(request, qs), "q": _q(request)}
    )


@login_required
def event_create(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    if not selectors.can_organise(request.user, alliance):
        raise PermissionDenied
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, alliance=alliance, terms=form.terms())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已发布活动"))
            return redirect("community:event_detail", public_id=event.public_id)
    return _form_page(request, form, _("发布联盟活动"), alliance)


@login_required
def event_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    event = selectors.event_get(user=request.user, public_id=public_id)
    manage = selectors.can_organise(request.user, event.alliance)
    regs = selectors.registrations(event)
    if manage and _wants_xlsx(request):
        return exports.registrations(request, regs)
    return render(
        request,
        "community/event_detail.html",
        {
            "e": event,
            "manage": manage,
            "regs": regs if manage else [],
            "taken": sum(r.state == Registration.State.REGISTERED for r in regs),
            "mine": selectors.registration_of(request.user, event),
            "member": selectors.is_member(request.user, event.alliance),
            "started": selectors.now() >= event.starts_at,
            "reason_form": forms.ReasonForm(),
            "trail": audit_trail(target_type="community_event", target_id=str(event.public_id))
            if manage
            else None,
        },
    )


@login_required
@require_POST
def event_register(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    event = selectors.event_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.registration_create(actor=request.user, event=event),
        _("报名成功"),
    )
    return redirect("community:event_detail", public_id=event.public_id)


@login_required
@require_POST
def registration_cancel(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    reg = selectors.registration_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.registration_cancel(actor=request.user, registration=reg),
        _("已取消报名"),
    )
    return redirect("community:event_detail", public_id=reg.event.public_id)


@login_required
@require_POST
def event_attendance(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    event = selectors.event_get(user=request.user, public_id=public_id)
    try:
        counts = services.attendance_record(
            actor=request.user, event=event, attended=request.POST.getlist("attended")
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            _("已登记出席 %(a)d 人、缺席 %(b)d 人，新存证学时记录 %(h)d 条")
            % {"a": counts["attended"], "b": counts["absent"], "h": counts["hours"]},
        )
    return redirect("community:event_detail", public_id=event.public_id)


@login_required
@require_POST
def event_cancel(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    event = selectors.event_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.event_cancel(
            actor=request.user, event=event, reason=request.POST.get("reason", "")
        ),
        _("活动已取消"),
    )
    return redirect("community:event_detail", public_id=event.public_id)
