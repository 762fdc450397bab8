"""The CQO's applications and certificates, and the enterprise's recommendations (§9.1 b)."""

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

from cqo.accounts.models import Role, User
from cqo.accounts.types import AuthedHttpRequest
from cqo.certification import forms, rules, selectors, services
from cqo.lib import clock
from cqo.lib.forms import apply_errors

# Mine -----------------------------------------------------------------------------------------


@login_required
def mine(request: AuthedHttpRequest, recommend_form: Any = None, status: int = 200) -> HttpResponse:
    """我的认定: a CQO's applications, certificates with continuing education, and reminders; an
    enterprise clerk's view of its organisation's applications and certificates."""
    user = request.user
    if user.role not in (Role.CQO, Role.ENTERPRISE):
        raise PermissionDenied
    rows = _certificate_rows(user)
    return render(
        request,
        "certification/mine.html",
        {
            "applications": selectors.application_list(user=user),
            "rows": rows,
            "reminders": selectors.reminders_for(user)[:50],
            "can_apply": user.role == Role.CQO and selectors.own_person(user) is not None,
            "recommendations": selectors.recommendation_list(user=user)[:200],
            "recommend_form": recommend_form
            or (forms.OrganisationRecommendationForm() if user.role == Role.ENTERPRISE else None),
            "tab": "mine",
        },
        status=status,
    )


def _certificate_rows(user: User) -> list[dict[str, Any]]:
    """The viewer's certificates with the status shown today and, for a CQO's valid ones, the
    continuing education of each year."""
    certs = list(selectors.certificate_list(user=user))
    today = clock.today()
    return [
        {
            "cert": c,
            "shown": rules.shown_status(c.status, c.valid_until, today),
            "continuing": selectors.continuing_years(c)
            if c.status == "valid" and user.role == Role.CQO
            else [],
        }
        for c in certs
    ]


@login_required
@require_POST
def recommendation_create(request: AuthedHttpRequest) -> HttpResponse:
    """The clerk recommends a registered person for certification (level-standard §9.1 b)."""
    if request.user.role != Role.ENTERPRISE:
        raise PermissionDenied
    form = forms.OrganisationRecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("推荐意见已出具，被推荐人现可以本单位名义申请认定"))
            return redirect("certification:mine")
    return mine(request, recommend_form=form, status=422)


@login_required
@require_POST
def recommendation_withdraw(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = selectors.recommendation_get(user=request.user, public_id=public_id)
    try:
        services.recommendation_withdraw(actor=request.user, recommendation=found)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("推荐意见已撤回"))
    return redirect("certification:mine")
