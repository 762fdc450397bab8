"""Training certificates (detail, PDF, revocation), "my training" for a CQO, and the public
verification of a certificate (no login)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.lib.bounds import max_length
from cqo.lib.errors import rate_limited_page
from cqo.lib.forms import apply_errors
from cqo.lib.lookups import too_many_lookups
from cqo.training import forms, printing, rules, selectors, services
from cqo.training.models import Session, TrainingCertificate
from cqo.training.views._common import _page, _q
from cqo.training.views.sessions import _session_page

# Certificates ---------------------------------------------------------------------------------


@login_required
@require_POST
def certificate_issue(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    enrolment = selectors.enrolment_get(user=request.user, public_id=public_id)
    try:
        cert = services.certificate_issue(actor=request.user, enrolment=enrolment)
    except ValidationError as exc:
        return _session_page(request, enrolment.session, status=422, issue_errors=exc.messages)
    messages.success(request, _("已颁发培训合格证 %(n)s") % {"n": cert.number})
    return redirect("training:certificate_detail", number=cert.number)


@login_required
def certificate_list(request: AuthedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in TrainingCertificate.Status.values else ""
    qs = selectors.certificate_list(user=request.user, q=_q(request), status=status)
    return render(
        request,
        "training/certificate_list.html",
        {"page": _page(request, qs), "statuses": TrainingCertificate.Status.choices},
    )


def _certificate_page(
    request: AuthedHttpRequest, cert: TrainingCertificate, status: int = 200, form: Any = None
) -> HttpResponse:
    can_revoke = cert.status == TrainingCertificate.Status.VALID and selectors.can_revoke(
        request.user, cert
    )
    return render(
        request,
        "training/certificate_detail.html",
        {
            "cert": cert,
            "c": cert.content,
            "intact": selectors.content_intact(cert),
            "sm2_ok": selectors.content_signature_ok(cert),
            "verify_url": printing.verify_url(cert.number),
            "can_revoke": can_revoke,
            "revoke_form": form or forms.RevokeForm(prefix="r"),
            "trail": selectors.trail(selectors.CERTIFICATE, cert.public_id)[:100],
        },
        status=status,
    )


@login_required
def certificate_detail(request: AuthedHttpRequest, number: str) -> HttpResponse:
    return _certificate_page(request, selectors.certificate_get(user=request.user, number=number))


@login_required
def certificate_pdf(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = selectors.certificate_get(user=request.user, number=number)
    if cert.migrated:  # the platform did not issue it: the paper original is the certificate
        raise Http404
    response = HttpResponse(printing.render_certificate(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response


@login_required
@require_POST
def certificate_revoke(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = selectors.certificate_get(user=request.user, number=number)
    if not selectors.can_revoke(request.user, cert):
        raise PermissionDenied
    form = forms.RevokeForm(request.POST, prefix="r")
    if form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user, cert=cert, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("证书已撤销"))
            return redirect("training:certificate_detail", number=cert.number)
    return _certificate_page(request, cert, status=422, form=form)


# My training ----------------------------------------------------------------------------------


@login_required
def my_training(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role != Role.CQO:
        raise PermissionDenied
    person = selectors.own_person(user)
    open_sessions = (
        selectors.session_list(user=user, status=Session.Status.OPEN)
        .exclude(enrolments__person__user=user)
        .order_by("start_date")[:20]
    )
    return render(
        request,
        "training/my_training.html",
        {
            "person": person,
            "enrolments": selectors.my_enrolments(user=user),
            "certificates": selectors.certificate_list(user=user).order_by("-issued_on"),
            "open_sessions": open_sessions,
        },
    )


# Public verification --------------------------------------------------------------------------


def verify_lookup(request: HttpRequest) -> HttpResponse:
    """查验 (SPEC §1 "public"): a certificate by its number, no login."""
    form = forms.LookupForm(request.GET or None)
    if request.GET and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        return redirect("training:verify", number=number)
    return render(request, "training/verify_lookup.html", {"form": form})


def _not_found(request: HttpRequest, number: str) -> HttpResponse:
    """未查到: the lookup page again with the number as typed, so a slip is easy to mend."""
    kept = number[: max_length(TrainingCertificate, "number")]
    form = forms.LookupForm(initial={"number": kept})
    context = {"form": form, "missed": kept}
    return render(request, "training/verify_lookup.html", context, status=404)


def verify(request: HttpRequest, number: str) -> HttpResponse:
    """The facts printed on the certificate and its status; never an ID number or the
    assessment result. Rate-limited per address like the API."""
    if too_many_lookups(request):
        return rate_limited_page(request)
    try:
        cert = selectors.public_certificate(number)
    except Http404:
        return _not_found(request, number)
    return render(
        request,
        "training/verify.html",
        {
            "cert": cert,
            "c": rules.public_facts(cert.content),
            "public": True,
            "intact": selectors.content_intact(cert),
            "sm2_ok": selectors.content_signature_ok(cert),
        },
    )
