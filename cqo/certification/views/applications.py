"""The application with its workflow actions, from the draft to the certificate (level-standard
§9.1–§9.4), and appeals against the grade."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role, User
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.documents import document_response
from cqo.certification import forms, rules, selectors, services
from cqo.certification.models import (
    Application,
)
from cqo.certification.services._common import spec_for
from cqo.certification.views._common import A
from cqo.lib.forms import apply_errors

# The application --------------------------------------------------------------------------------


def _cells(app: Application) -> list[Any]:
    _v, _p, spec = spec_for(app.body)
    return rules.cells(spec)


def _detail(
    request: AuthedHttpRequest, app: Application, status: int = 200, **forms_: Any
) -> HttpResponse:
    panel = selectors.panel_of(app)
    ctx = {
        "app": app,
        **_standing(request.user, app),
        **_scoring(app),
        "panel": panel,
        "all_sheets_in": bool(panel) and all(s.submitted_at for s in panel),
        "preview": selectors.panel_preview(app, panel) if app.status == "assessing" else None,
        "periods": app.work_periods.all(),
        "evidence": app.evidence.all(),
        "appeals": app.appeals.select_related("submitted_by"),
        "certificates": app.certificates.all(),
        **_detail_forms(app, panel, forms_),
        "errors": forms_.get("errors", []),
        "trail": selectors.trail(selectors.APPLICATION, app.public_id)[:100],
    }
    return render(request, "certification/application_detail.html", ctx, status=status)


def _standing(user: User, app: Application) -> dict[str, Any]:
    """The viewer's part in the application (the body's staff, the applicant, a panel seat)
    and the eligibility shown: worked out afresh while the applicant may still edit."""
    seat = selectors.my_seat(user, app)
    is_applicant = user.role == Role.CQO and app.person.user_id == user.pk
    editable = is_applicant and app.status in (A.DRAFT, A.RETURNED)
    return {
        "eligibility": (
            app.eligibility if app.eligibility and not editable else selectors.eligibility(app)
        ),
        "seat": seat,
        "is_staff": selectors.is_staff_of(user, app.body),
        "is_applicant": is_applicant,
        "is_leader": seat is not None and seat.leader,
        "editable": editable,
    }


def _scoring(app: Application) -> dict[str, Any]:
    """The body's Annex A specification, each cell and primary indicator with the panel's
    score."""
    _v, _p, spec = spec_for(app.body)
    scores = (app.panel_scores or {}).get("cells", {})
    subtotals = (app.panel_scores or {}).get("subtotals", {})
    return {
        "spec": spec,
        "cells": [(c, scores.get(c.code, "")) for c in rules.cells(spec)],
        "primaries": [(p, subtotals.get(p.code, "")) for p in rules.primaries(spec)],
    }


def _detail_forms(app: Application, panel: Any, bound: dict[str, Any]) -> dict[str, Any]:
    """The page's action forms: those of ``bound`` (posted back with their errors), the others
    blank or filled from the application."""
    experts = app.body.experts.filter(active=True)
    return {
        "return_form": bound.get("return_form") or forms.ReturnForm(prefix="ret"),
        "panel_form": bound.get("panel_form")
        or forms.PanelForm(
            prefix="panel",
            experts=experts,
            initial={
                "experts": [str(m.expert.public_id) for m in panel],
                "leader": next((str(m.expert.public_id) for m in panel if m.leader), ""),
            },
        ),
        "assessment_form": bound.get("assessment_form") or forms.AssessmentForm(prefix="as"),
        "report_form": bound.get("report_form")
        or forms.ReportForm(prefix="rep", initial={"report": app.report}),
        "period_form": bound.get("period_form") or forms.PeriodForm(prefix="per"),
        "evidence_form": bound.get("evidence_form") or forms.EvidenceForm(prefix="ev"),
        "appeal_form": bound.get("appeal_form") or forms.AppealForm(prefix="ap"),
        "decide_form": bound.get("decide_form") or forms.AppealDecideForm(prefix="dec"),
    }


def _app(request: AuthedHttpRequest, public_id: uuid.UUID) -> Application:
    return selectors.application_get(user=request.user, public_id=public_id)


@login_required
def application_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _detail(request, _app(request, public_id))


@login_required
def application_new(request: AuthedHttpRequest) -> HttpResponse:
    if request.user.role != Role.CQO or selectors.own_person(request.user) is None:
        raise PermissionDenied
    bodies = selectors.open_bodies()
    form = forms.ApplicationForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_create(
                actor=request.user, body=form.cleaned_data["body"], terms=form.terms()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("申请草稿已保存，请填写工作经历并上传证实性材料后提交"))
            return redirect("certification:application_detail", public_id=app.public_id)
    return render(
        request,
        "certification/application_form.html",
        {"form": form, "title": _("申请能力水平认定")},
        status=422 if form.errors else 200,
    )


@login_required
def application_edit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    if not (request.user.role == Role.CQO and app.person.user_id == request.user.pk):
        raise PermissionDenied
    initial = {f: getattr(app, f) for f in services.applications.FORM_FIELDS}
    initial["enterprise"] = app.enterprise.uscc
    form = forms.ApplicationForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(actor=request.user, app=app, terms=form.terms())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("申请已保存"))
            return redirect("certification:application_detail", public_id=app.public_id)
    return render(
        request,
        "certification/application_form.html",
        {"form": form, "title": _("修改认定申请"), "app": app},
        status=422 if form.errors else 200,
    )


def _post_form(
    request: AuthedHttpRequest, app: Application, form: Any, key: str, call: Any, done: str
) -> HttpResponse:
    """Validate ``form``, call the service with its data, redirect; or show the detail with the
    errors beside the form (422)."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("certification:application_detail", public_id=app.public_id)
    return _detail(request, app, status=422, **{key: form})


def _post_simple(
    request: AuthedHttpRequest, app: Application, call: Any, done: str
) -> HttpResponse:
    try:
        call()
    except ValidationError as exc:
        return _detail(request, app, status=422, errors=exc.messages)
    messages.success(request, done)
    return redirect("certification:application_detail", public_id=app.public_id)


@login_required
@require_POST
def period_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    form = forms.PeriodForm(request.POST, prefix="per")
    return _post_form(
        request,
        app,
        form,
        "period_form",
        lambda d: services.period_add(
            actor=request.user,
            app=app,
            organisation=d["organisation"],
            post=d["post"],
            kind=d["kind"],
            start=d["start"],
            end=d["end"],
        ),
        _("工作经历已添加"),
    )


@login_required
@require_POST
def period_delete(request: AuthedHttpRequest, public_id: uuid.UUID, period_id: int) -> HttpResponse:
    app = _app(request, public_id)
    return _post_simple(
        request,
        app,
        lambda: services.period_delete(actor=request.user, app=app, period_id=period_id),
        _("工作经历已删除"),
    )


@login_required
@require_POST
def evidence_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    form = forms.EvidenceForm(request.POST, request.FILES, prefix="ev")
    return _post_form(
        request,
        app,
        form,
        "evidence_form",
        lambda d: services.evidence_add(
            actor=request.user, app=app, kind=d["kind"], title=d["title"], upload=d["file"]
        ),
        _("材料已上传"),
    )


@login_required
@require_POST
def evidence_delete(
    request: AuthedHttpRequest, public_id: uuid.UUID, evidence_id: uuid.UUID
) -> HttpResponse:
    app = _app(request, public_id)
    return _post_simple(
        request,
        app,
        lambda: services.evidence_delete(actor=request.user, app=app, evidence_id=evidence_id),
        _("材料已删除"),
    )


@login_required
def evidence_file(
    request: AuthedHttpRequest, public_id: uuid.UUID, evidence_id: uuid.UUID
) -> FileResponse:
    """Evidence is served only to those who may read the application (never a public URL),
    shown in the browser where it can be, and each opening is in the application's log."""
    app = _app(request, public_id)
    item = app.evidence.filter(public_id=evidence_id).first()
    if item is None or not item.file:
        raise Http404
    return document_response(
        user=request.user,
        file=item.file,
        target_type=selectors.APPLICATION,
        target_id=str(app.public_id),
        target_repr=str(app),
        what=_("申请材料：%(title)s") % {"title": item.title},
    )


@login_required
@require_POST
def application_submit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    return _post_simple(
        request,
        app,
        lambda: services.application_submit(actor=request.user, app=app),
        _("申请已提交，等待认定主体形式审查"),
    )


@login_required
@require_POST
def application_withdraw(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    return _post_simple(
        request,
        app,
        lambda: services.application_withdraw(actor=request.user, app=app),
        _("申请已撤回"),
    )


@login_required
@require_POST
def review_return(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    form = forms.ReturnForm(request.POST, prefix="ret")
    return _post_form(
        request,
        app,
        form,
        "return_form",
        lambda d: services.review_return(actor=request.user, app=app, items=d["items"]),
        _("已退回申请人补充材料"),
    )


@login_required
@require_POST
def review_accept(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    return _post_simple(
        request,
        app,
        lambda: services.review_accept(actor=request.user, app=app),
        _("形式审查合格，已受理"),
    )


@login_required
@require_POST
def panel_set(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    form = forms.PanelForm(
        request.POST, prefix="panel", experts=app.body.experts.filter(active=True)
    )
    return _post_form(
        request,
        app,
        form,
        "panel_form",
        lambda d: services.panel_set(
            actor=request.user, app=app, experts=d["experts"], leader=d["leader"]
        ),
        _("专家组已确定"),
    )


@login_required
@require_POST
def assessment_record(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    form = forms.AssessmentForm(request.POST, prefix="as")
    return _post_form(
        request,
        app,
        form,
        "assessment_form",
        lambda d: services.assessment_record(
            actor=request.user, app=app, kind=d["kind"], on=d["on"], notes=d["notes"]
        ),
        _("记录已保存"),
    )


@login_required
@require_POST
def report_sign(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    form = forms.ReportForm(request.POST, prefix="rep")
    return _post_form(
        request,
        app,
        form,
        "report_form",
        lambda d: services.report_sign(actor=request.user, app=app, report=d["report"]),
        _("认定报告已签署"),
    )


@login_required
@require_POST
def certificate_issue(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    try:
        cert = services.certificate_issue(actor=request.user, app=app)
    except ValidationError as exc:
        return _detail(request, app, status=422, errors=exc.messages)
    messages.success(request, _("已颁发认定证书 %(n)s") % {"n": cert.number})
    return redirect("certification:certificate_detail", number=cert.number)


@login_required
@require_POST
def application_appeal(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    app = _app(request, public_id)
    form = forms.AppealForm(request.POST, prefix="ap")
    return _post_form(
        request,
        app,
        form,
        "appeal_form",
        lambda d: services.appeal_submit(actor=request.user, app=app, grounds=d["grounds"]),
        _("申诉已提交"),
    )
