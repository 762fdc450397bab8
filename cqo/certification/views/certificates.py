"""Certificates with their supervision, reviews, reissue and the talent-pool recommendation
(level-standard §9.4, §11)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.certification import exports, forms, hooks, printing, rules, selectors, services
from cqo.certification.models import (
    Level,
    LevelCertificate,
)
from cqo.certification.views._common import _choice, _page, _q
from cqo.certification.views.applications import _app, _post_form
from cqo.lib import clock
from cqo.lib.forms import apply_errors
from cqo.registry.views._common import xlsx_response

# Certificates ---------------------------------------------------------------------------------


@login_required
def certificate_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    status = _choice(request, "status", list(LevelCertificate.Status.values))
    level = _choice(request, "level", list(Level.values))
    qs = selectors.certificate_list(user=user, status=status, level=level, q=_q(request))
    today = clock.today()
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            request,
            "level-certificates",
            exports.certificate_headers(),
            (exports.certificate_row(c) for c in qs.iterator()),
            selectors.CERTIFICATE,
        )
    page = _page(request, qs)
    for c in page:
        c.shown = rules.shown_status(c.status, c.valid_until, today)
    return render(
        request,
        "certification/certificate_list.html",
        {
            "page": page,
            "statuses": LevelCertificate.Status.choices,
            "levels": Level.choices,
            "tab": "certificates",
        },
    )


def _cert_page(
    request: AuthedHttpRequest, cert: LevelCertificate, status: int = 200, **forms_: Any
) -> HttpResponse:
    user = request.user
    today = clock.today()
    ratings, _clause = selectors.review_ratings(cert.body)
    ctx = {
        "cert": cert,
        "c": cert.content,
        "shown": rules.shown_status(cert.status, cert.valid_until, today),
        "intact": selectors.content_intact(cert),
        "sm2_ok": selectors.content_signature_ok(cert),
        "verify_url": printing.verify_url(cert.number),
        "successor_number": selectors.successor_number(cert),
        # a migrated certificate: the archive file and row, who migrated it and when
        "origin": hooks.origin_of(selectors.CERTIFICATE, str(cert.public_id))
        if cert.migrated
        else None,
        "is_staff": selectors.is_staff_of(user, cert.body),
        "is_holder": user.role == Role.CQO and cert.holder.user_id == user.pk,
        "actions": cert.actions.select_related("decided_by").prefetch_related("appeals"),
        "warnings": cert.warnings.all(),
        "reviews": cert.reviews.all(),
        "review_requests": selectors.review_requests_of(cert),
        "listing_notices": cert.listing_notices.all(),
        "continuing": selectors.continuing_years(cert),
        "appeals": selectors.appeals_against_actions(cert),
        **_cert_forms(forms_, today, ratings),
        "trail": selectors.trail(selectors.CERTIFICATE, cert.public_id)[:100],
        "tab": "certificates",
    }
    return render(request, "certification/certificate_detail.html", ctx, status=status)


def _cert_forms(bound: dict[str, Any], today: dt.date, ratings: Any) -> dict[str, Any]:
    """The certificate page's action forms: those of ``bound`` (posted back with their errors),
    the others blank (the yearly review's year: this one; its scale: the body's pack's)."""
    return {
        "finding_form": bound.get("finding_form") or forms.ReviewFindingForm(prefix="fin"),
        "accident_form": bound.get("accident_form") or forms.AccidentReportForm(prefix="acc"),
        "supervise_form": bound.get("supervise_form") or forms.SuperviseForm(prefix="sup"),
        "warning_form": bound.get("warning_form") or forms.WarningForm(prefix="warn"),
        "review_form": bound.get("review_form")
        or forms.YearlyReviewForm(prefix="rev", initial={"year": today.year}, ratings=ratings),
        "reissue_form": bound.get("reissue_form") or forms.ReissueForm(prefix="re"),
        "recommend_form": bound.get("recommend_form") or forms.RecommendForm(prefix="tal"),
        "appeal_form": bound.get("appeal_form") or forms.AppealForm(prefix="ap"),
        "decide_form": bound.get("decide_form") or forms.AppealDecideForm(prefix="dec"),
    }


def _cert_form(
    request: AuthedHttpRequest, cert: LevelCertificate, form: Any, key: str, call: Any, done: str
) -> HttpResponse:
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            number = result.number if isinstance(result, LevelCertificate) else cert.number
            return redirect("certification:certificate_detail", number=number)
    return _cert_page(request, cert, status=422, **{key: form})


def _cert(request: AuthedHttpRequest, number: str) -> LevelCertificate:
    return selectors.certificate_get(user=request.user, number=number)


@login_required
def certificate_detail(request: AuthedHttpRequest, number: str) -> HttpResponse:
    return _cert_page(request, _cert(request, number))


@login_required
def certificate_pdf(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = _cert(request, number)
    if cert.migrated:  # the platform did not issue it: the paper original is the certificate
        raise Http404
    response = HttpResponse(printing.render_certificate(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response


@login_required
@require_POST
def certificate_supervise(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = _cert(request, number)
    form = forms.SuperviseForm(request.POST, request.FILES, prefix="sup")
    return _cert_form(
        request,
        cert,
        form,
        "supervise_form",
        lambda d: services.supervise(
            actor=request.user,
            cert=cert,
            action=d["action"],
            ground=d["ground"],
            reason=d["reason"],
            evidence=d["evidence"],
            evidence_note=d["evidence_note"],
        ),
        _("监督措施已生效，公开查验页面同步显示"),
    )


@login_required
@require_POST
def certificate_warning(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = _cert(request, number)
    form = forms.WarningForm(request.POST, prefix="warn")
    return _cert_form(
        request,
        cert,
        form,
        "warning_form",
        lambda d: services.warning_record(
            actor=request.user, cert=cert, kind=d["kind"], conduct=d["conduct"], reason=d["reason"]
        ),
        _("警示和退出记录已保存"),
    )


@login_required
@require_POST
def certificate_review(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = _cert(request, number)
    ratings, _clause = selectors.review_ratings(cert.body)
    form = forms.YearlyReviewForm(request.POST, prefix="rev", ratings=ratings)
    return _cert_form(
        request,
        cert,
        form,
        "review_form",
        lambda d: services.yearly_review(
            actor=request.user, cert=cert, year=d["year"], summary=d["summary"], rating=d["rating"]
        ),
        _("年度总结评价已保存"),
    )


@login_required
@require_POST
def review_request_close(request: AuthedHttpRequest, number: str, request_id: Any) -> HttpResponse:
    cert = _cert(request, number)
    pending = get_object_or_404(cert.review_requests, public_id=request_id)
    form = forms.ReviewFindingForm(request.POST, request.FILES, prefix="fin")
    return _cert_form(
        request,
        cert,
        form,
        "finding_form",
        lambda _d: services.review_request_close(
            actor=request.user, request=pending, decision=form.decision()
        ),
        _("复核决定已保存"),
    )


@login_required
@require_POST
def accident_report(request: AuthedHttpRequest, number: str) -> HttpResponse:
    """level-standard §11: an accident report the body received opens a review."""
    cert = _cert(request, number)
    form = forms.AccidentReportForm(request.POST, request.FILES, prefix="acc")
    return _cert_form(
        request,
        cert,
        form,
        "accident_form",
        lambda _d: services.accident_report_record(
            actor=request.user, cert=cert, report=form.report()
        ),
        _("事故报告已登记，待复核"),
    )


@login_required
@require_POST
def certificate_reissue(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = _cert(request, number)
    form = forms.ReissueForm(request.POST, prefix="re")
    return _cert_form(
        request,
        cert,
        form,
        "reissue_form",
        lambda d: services.certificate_reissue(
            actor=request.user, cert=cert, reason=d["reason"], enterprise=d.get("enterprise", "")
        ),
        _("证书已换发，原证书编号显示为已被替代"),
    )


@login_required
@require_POST
def certificate_recommend(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = _cert(request, number)
    form = forms.RecommendForm(request.POST, prefix="tal")
    return _cert_form(
        request,
        cert,
        form,
        "recommend_form",
        lambda d: services.talent_recommend(actor=request.user, cert=cert, reason=d["reason"]),
        _("已推荐入选人才库"),
    )


@login_required
@require_POST
def action_appeal(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    action = selectors.action_found(public_id)
    cert = _cert(request, action.certificate.number)
    form = forms.AppealForm(request.POST, prefix="ap")
    return _cert_form(
        request,
        cert,
        form,
        "appeal_form",
        lambda d: services.appeal_submit(actor=request.user, action=action, grounds=d["grounds"]),
        _("申诉已提交"),
    )


@login_required
@require_POST
def appeal_decide(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    appeal = selectors.appeal_found(public_id)
    form = forms.AppealDecideForm(request.POST, prefix="dec")

    def decide(d: dict[str, Any]) -> Any:
        upheld = d["outcome"] == "upheld"
        return services.appeal_decide(
            actor=request.user, appeal=appeal, upheld=upheld, decision=d["decision"]
        )

    if appeal.application is not None:
        app = _app(request, appeal.application.public_id)
        return _post_form(request, app, form, "decide_form", decide, _("申诉已处理"))
    if appeal.action is None:  # pragma: no cover (the constraint names one subject)
        raise Http404
    cert = selectors.certificate_get(user=request.user, number=appeal.action.certificate.number)
    return _cert_form(request, cert, form, "decide_form", decide, _("申诉已处理"))
