"""Alliance pages: the list with the CQO's own panel, setting one up, its detail page, the
member directory, and the membership actions."""

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
from cqo.community.views import exports
from cqo.community.views._common import _act, _form_page, _q, _wants_xlsx
from cqo.lib.forms import apply_errors
from cqo.registry.views._common import page_of


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.alliance_list(user=request.user, q=_q(request))
    if _wants_xlsx(request):
        return exports.alliances(request, qs)
    return render(
        request,
        "community/index.html",
        {
            "page": page_of(request, qs),
            "q": _q(request),
            "can_create": selectors.can_create(request.user),
            "mine": selectors.my_community(request.user),
        },
    )


@login_required
def alliance_create(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_create(request.user):
        raise PermissionDenied
    form = forms.AllianceForm(request.POST or None, initial={"region": request.user.region_id})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            alliance = services.alliance_create(
                actor=request.user,
                name=cd["name"],
                kind=cd["kind"],
                region=cd["region"],
                description=cd["description"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已设立联盟"))
            return redirect("community:alliance_detail", public_id=alliance.public_id)
    return _form_page(request, form, _("设立首席质量官联盟"))


@login_required
def alliance_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    manage = selectors.can_manage(request.user, alliance.region)
    return render(
        request,
        "community/alliance_detail.html",
        {
            "a": alliance,
            "manage": manage,
            "organise": selectors.can_organise(request.user, alliance),
            "mine": selectors.membership_of(request.user, alliance),
            "is_cqo": selectors.person_of(request.user) is not None,
            "space": selectors.can_read_space(request.user, alliance),
            "officers": selectors.officers(alliance),
            "pending": selectors.pending_applications(request.user, alliance),
            "events": selectors.event_list(user=request.user, alliance=alliance)[:10],
            "apply_form": forms.ApplyForm(),
            "trail": audit_trail(
                target_type="community_alliance", target_id=str(alliance.public_id)
            )
            if manage
            else None,
        },
    )


@login_required
@require_POST
def membership_apply(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    form = forms.ApplyForm(request.POST)
    form.is_valid()
    statement = form.cleaned_data.get("statement", "")
    _act(
        request,
        lambda: services.membership_apply(
            actor=request.user, alliance=alliance, statement=statement
        ),
        _("已提交入会申请，等待审核"),
    )
    return redirect("community:alliance_detail", public_id=alliance.public_id)


@login_required
def members(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    state = selectors.member_state(request.GET.get("state", "approved"))
    qs = selectors.member_list(user=request.user, alliance=alliance, q=_q(request), state=state)
    if _wants_xlsx(request):
        return exports.members(request, qs)
    page = page_of(request, qs)
    for m in page:
        m.enterprise_name = selectors.enterprise_name(m.person)
    return render(
        request,
        "community/members.html",
        {
            "a": alliance,
            "page": page,
            "q": _q(request),
            "state": state,
            "manage": selectors.can_manage(request.user, alliance.region),
            "role_form": forms.RoleForm(),
        },
    )


@login_required
@require_POST
def membership_decide(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    m = selectors.membership_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.membership_decide(
            actor=request.user,
            membership=m,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        ),
        _("已审核入会申请"),
    )
    return redirect("community:alliance_detail", public_id=m.alliance.public_id)


@login_required
@require_POST
def membership_role(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    m = selectors.membership_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.membership_set_role(
            actor=request.user,
            membership=m,
            role=request.POST.get("role", ""),
            officer_title=request.POST.get("officer_title", ""),
        ),
        _("已更新会员身份"),
    )
    return redirect("community:members", public_id=m.alliance.public_id)


@login_required
@require_POST
def membership_leave(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    m = selectors.membership_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.membership_leave(actor=request.user, membership=m),
        _("已退出联盟"),
    )
    return redirect("community:alliance_detail", public_id=m.alliance.public_id)
