"""Certification pages: the body's application queue and the application with its workflow
actions, the expert's scoring sheet, the CQO's applications and certificates, certificates with
their supervision, the admin's bodies and experts, and the public verification page (the QR
code's target). Short views: access helper, form, one service call, redirect or render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.certification import forms, printing, rules, selectors, services
from cqo.certification.guidance import GUIDANCE
from cqo.certification.models import (
    Appeal,
    Application,
    BodyMember,
    Level,
    LevelCertificate,
    SupervisionAction,
)
from cqo.certification.services._common import spec_for
from cqo.lib import clock
from cqo.lib.errors import rate_limited_page
from cqo.lib.forms import apply_errors
from cqo.lib.lookups import too_many_lookups
from cqo.registry.views._common import xlsx_response

PAGE_SIZE = 25
A = Application.Status


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _q(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:50]


def _choice(request: HttpRequest, key: str, allowed: list[str]) -> str:
    value = request.GET.get(key, "")
    return value if value in allowed else ""


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role in (Role.CQO, Role.ENTERPRISE):
        return redirect("certification:mine")
    if user.is_platform_admin and selectors.staff_body(user) is None:
        return redirect("certification:body_list")
    return redirect("certification:queue")


# The queue ------------------------------------------------------------------------------------


def _queue_filters(request: HttpRequest) -> dict[str, str]:
    return {
        "status": _choice(request, "status", list(A.values)),
        "level": _choice(request, "level", list(Level.values)),
        "q": _q(request),
    }


@login_required
def queue(request: AuthedHttpRequest) -> HttpResponse:
    """认定申请 of the body (its staff), of their panels (experts), of the bodies a regulator
    supervises, or all (admin)."""
    user = request.user
    if user.role not in (Role.CERTIFIER, Role.REGULATOR) and not user.is_platform_admin:
        raise PermissionDenied
    qs = selectors.application_list(user=user, **_queue_filters(request))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            request,
            "level-applications",
            [
                _("申请人"),
                _("所在组织"),
                _("申报等级"),
                _("状态"),
                _("提交时间"),
                _("认定总分"),
                _("认定等级"),
                _("认定主体"),
            ],
            (
                [
                    a.person.name,
                    a.enterprise.name,
                    a.level_applied,
                    a.get_status_display(),
                    a.submitted_at.strftime("%Y-%m-%d") if a.submitted_at else "",
                    str(a.total) if a.total is not None else "",
                    a.awarded_level,
                    a.body.name,
                ]
                for a in qs.iterator()
            ),
            selectors.APPLICATION,
        )
    return render(
        request,
        "certification/queue.html",
        {
            "page": _page(request, qs),
            "statuses": A.choices,
            "levels": Level.choices,
            "tab": "queue",
        },
    )


# The application --------------------------------------------------------------------------------


def _cells(app: Application) -> list[Any]:
    _v, _p, spec = spec_for(app.body)
    return rules.cells(spec)


def _detail(
    request: AuthedHttpRequest, app: Application, status: int = 200, **forms_: Any
) -> HttpResponse:
    user = request.user
    seat = selectors.my_seat(user, app)
    is_staff = selectors.is_staff_of(user, app.body)
    is_applicant = user.role == Role.CQO and app.person.user_id == user.pk
    editable = is_applicant and app.status in (A.DRAFT, A.RETURNED)
    eligibility = app.eligibility if app.eligibility and not editable else services.eligibility(app)
    _v, _p, spec = spec_for(app.body)
    panel = selectors.panel_of(app)
    scores = (app.panel_scores or {}).get("cells", {})
    subtotals = (app.panel_scores or {}).get("subtotals", {})
    experts = app.body.experts.filter(active=True)
    ctx = {
        "app": app,
        "spec": spec,
        "cells": [(c, scores.get(c.code, "")) for c in rules.cells(spec)],
        "primaries": [(p, subtotals.get(p.code, "")) for p in rules.primaries(spec)],
        "eligibility": eligibility,
        "panel": panel,
        "seat": seat,
        "is_staff": is_staff,
        "is_applicant": is_applicant,
        "is_leader": seat is not None and seat.leader,
        "editable": editable,
        "all_sheets_in": bool(panel) and all(s.submitted_at for s in panel),
        "periods": app.work_periods.all(),
        "evidence": app.evidence.all(),
        "appeals": app.appeals.select_related("submitted_by"),
        "certificates": app.certificates.all(),
        "return_form": forms_.get("return_form") or forms.ReturnForm(prefix="ret"),
        "panel_form": forms_.get("panel_form")
        or forms.PanelForm(
            prefix="panel",
            experts=experts,
            initial={
                "experts": [str(m.expert.public_id) for m in panel],
                "leader": next((str(m.expert.public_id) for m in panel if m.leader), ""),
            },
        ),
        "assessment_form": forms_.get("assessment_form") or forms.AssessmentForm(prefix="as"),
        "report_form": forms_.get("report_form")
        or forms.ReportForm(prefix="rep", initial={"report": app.report}),
        "period_form": forms_.get("period_form") or forms.PeriodForm(prefix="per"),
        "evidence_form": forms_.get("evidence_form") or forms.EvidenceForm(prefix="ev"),
        "appeal_form": forms_.get("appeal_form") or forms.AppealForm(prefix="ap"),
        "decide_form": forms_.get("decide_form") or forms.AppealDecideForm(prefix="dec"),
        "errors": forms_.get("errors", []),
        "trail": selectors.trail(selectors.APPLICATION, app.public_id)[:100],
    }
    return render(request, "certification/application_detail.html", ctx, status=status)


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
            app = services.application_create(actor=request.user, data=form.cleaned_data)
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
            services.application_update(actor=request.user, app=app, data=form.cleaned_data)
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
        lambda d: services.period_add(actor=request.user, app=app, data=d),
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
        lambda d: services.evidence_add(actor=request.user, app=app, data=d, upload=d.get("file")),
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
    """Evidence is served only to those who may read the application (never a public URL)."""
    app = _app(request, public_id)
    item = app.evidence.filter(public_id=evidence_id).first()
    if item is None or not item.file:
        raise Http404
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=(item.file.name or "evidence").rsplit("/", 1)[-1],
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
        lambda d: services.assessment_record(actor=request.user, app=app, kind=d["kind"], data=d),
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


@login_required
@require_POST
def appeal_decide(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    appeal = (
        Appeal.objects.filter(public_id=public_id)
        .select_related("application", "action__certificate")
        .first()
    )
    if appeal is None:
        raise Http404
    form = forms.AppealDecideForm(request.POST, prefix="dec")
    if appeal.application is not None:
        app = _app(request, appeal.application.public_id)
        return _post_form(
            request,
            app,
            form,
            "decide_form",
            lambda d: services.appeal_decide(
                actor=request.user,
                appeal=appeal,
                upheld=d["outcome"] == "upheld",
                decision=d["decision"],
            ),
            _("申诉已处理"),
        )
    if appeal.action is None:  # pragma: no cover (the constraint names one subject)
        raise Http404
    cert = selectors.certificate_get(user=request.user, number=appeal.action.certificate.number)
    return _cert_form(
        request,
        cert,
        form,
        "decide_form",
        lambda d: services.appeal_decide(
            actor=request.user,
            appeal=appeal,
            upheld=d["outcome"] == "upheld",
            decision=d["decision"],
        ),
        _("申诉已处理"),
    )


# The scoring sheet -----------------------------------------------------------------------------


def _sheet_context(
    app: Application, seat: Any, values: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    _v, _p, spec = spec_for(app.body)
    parsed, _errs = rules.parse_scores(spec, values, partial=True)
    grading = rules.grade(spec, parsed)
    children = {
        p.code: [c for c in spec.indicators if c.parent == p.code] for p in rules.primaries(spec)
    }
    rows = []
    for top in rules.primaries(spec):
        for cell in children[top.code] or [top]:
            rows.append(
                {
                    "top": top,
                    "cell": cell,
                    "value": values.get(cell.code, ""),
                    "errors": errors.get(cell.code, []),
                    "first": cell is (children[top.code] or [top])[0],
                    "guidance": GUIDANCE.get(cell.code, []),
                    "span": len(children[top.code]) or 1,
                }
            )
    return {
        "app": app,
        "seat": seat,
        "spec": spec,
        "rows": rows,
        "grading": grading,
        "subtotals": [(p, grading.subtotals[p.code]) for p in rules.primaries(spec)],
        "errors": errors,
        "locked": seat.submitted_at is not None,
    }


@login_required
def sheet(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """认定评分表: one expert's scores per Annex A cell, each bounded by its maximum; the
    subtotals, the unmet 表 B.1 minimums and the grade update as the expert types (HTMX)."""
    app = _app(request, public_id)
    seat = selectors.my_seat(request.user, app)
    if seat is None:
        raise PermissionDenied
    values: dict[str, Any] = dict(seat.scores or {})
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = {c.code: request.POST.get(c.code, "").strip() for c in _cells(app)}
        submit = request.POST.get("submit") == "1"
        try:
            services.sheet_save(
                actor=request.user,
                app=app,
                scores=values,
                comments=request.POST.get("comments", ""),
                submit=submit,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"scores": exc.messages}
            status = 422
        else:
            messages.success(request, _("评分表已提交") if submit else _("评分表草稿已保存"))
            return redirect("certification:sheet", public_id=app.public_id)
        seat.comments = request.POST.get("comments", "")
    ctx = _sheet_context(app, seat, values, errors)
    return render(request, "certification/sheet.html", ctx, status=status)


@login_required
@require_POST
def sheet_preview(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The sheet's totals for the values typed so far (HTMX partial; nothing is saved)."""
    app = _app(request, public_id)
    seat = selectors.my_seat(request.user, app)
    if seat is None:
        raise PermissionDenied
    values = {c.code: request.POST.get(c.code, "").strip() for c in _cells(app)}
    _v, _p, spec = spec_for(app.body)
    _parsed, errs = rules.parse_scores(spec, values, partial=True)
    ctx = _sheet_context(app, seat, values, {k: [v] for k, v in errs.items()})
    return render(request, "certification/_sheet_totals.html", ctx)


# Mine -----------------------------------------------------------------------------------------


@login_required
def mine(request: AuthedHttpRequest, recommend_form: Any = None, status: int = 200) -> HttpResponse:
    """我的认定: a CQO's applications, certificates with continuing education, and reminders; an
    enterprise clerk's view of its organisation's applications and certificates."""
    user = request.user
    if user.role not in (Role.CQO, Role.ENTERPRISE):
        raise PermissionDenied
    certs = list(selectors.certificate_list(user=user))
    today = clock.today()
    rows = [
        {
            "cert": c,
            "shown": rules.shown_status(c.status, c.valid_until, today),
            "continuing": services.continuing_years(c)
            if c.status == "valid" and user.role == Role.CQO
            else [],
        }
        for c in certs
    ]
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
            [
                _("证书编号"),
                _("持证人"),
                _("所在组织"),
                _("认定等级"),
                _("认定日期"),
                _("有效期至"),
                _("状态"),
                _("认定主体"),
            ],
            (
                [
                    c.number,
                    c.holder.name,
                    c.enterprise.name,
                    c.level,
                    c.issued_on,
                    c.valid_until,
                    c.get_status_display(),
                    c.body.name,
                ]
                for c in qs.iterator()
            ),
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
    is_staff = selectors.is_staff_of(user, cert.body)
    is_holder = user.role == Role.CQO and cert.holder.user_id == user.pk
    today = clock.today()
    ctx = {
        "cert": cert,
        "c": cert.content,
        "shown": rules.shown_status(cert.status, cert.valid_until, today),
        "intact": services.content_intact(cert),
        "verify_url": printing.verify_url(cert.number),
        "successor_number": selectors.successor_number(cert),
        "is_staff": is_staff,
        "is_holder": is_holder,
        "actions": cert.actions.select_related("decided_by").prefetch_related("appeals"),
        "warnings": cert.warnings.all(),
        "reviews": cert.reviews.all(),
        "review_requests": cert.review_requests.select_related("closed_by"),
        "finding_form": forms_.get("finding_form") or forms.ReviewFindingForm(prefix="fin"),
        "continuing": services.continuing_years(cert),
        "appeals": Appeal.objects.filter(action__certificate=cert).select_related("action"),
        "supervise_form": forms_.get("supervise_form") or forms.SuperviseForm(prefix="sup"),
        "warning_form": forms_.get("warning_form") or forms.WarningForm(prefix="warn"),
        "review_form": forms_.get("review_form")
        or forms.YearlyReviewForm(prefix="rev", initial={"year": today.year}),
        "reissue_form": forms_.get("reissue_form") or forms.ReissueForm(prefix="re"),
        "recommend_form": forms_.get("recommend_form") or forms.RecommendForm(prefix="tal"),
        "appeal_form": forms_.get("appeal_form") or forms.AppealForm(prefix="ap"),
        "decide_form": forms_.get("decide_form") or forms.AppealDecideForm(prefix="dec"),
        "trail": selectors.trail(selectors.CERTIFICATE, cert.public_id)[:100],
        "tab": "certificates",
    }
    return render(request, "certification/certificate_detail.html", ctx, status=status)


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
            actor=request.user, cert=cert, data=d, evidence=d.get("evidence")
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
        lambda d: services.warning_record(actor=request.user, cert=cert, data=d),
        _("警示和退出记录已保存"),
    )


@login_required
@require_POST
def certificate_review(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = _cert(request, number)
    form = forms.YearlyReviewForm(request.POST, prefix="rev")
    return _cert_form(
        request,
        cert,
        form,
        "review_form",
        lambda d: services.yearly_review(actor=request.user, cert=cert, data=d),
        _("年度总结评价已保存"),
    )


@login_required
@require_POST
def review_request_close(request: AuthedHttpRequest, number: str, request_id: Any) -> HttpResponse:
    cert = _cert(request, number)
    pending = get_object_or_404(cert.review_requests, public_id=request_id)
    form = forms.ReviewFindingForm(request.POST, prefix="fin")
    return _cert_form(
        request,
        cert,
        form,
        "finding_form",
        lambda d: services.review_request_close(actor=request.user, request=pending, data=d),
        _("复核结论已保存"),
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
    action = (
        SupervisionAction.objects.filter(public_id=public_id).select_related("certificate").first()
    )
    if action is None:
        raise Http404
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


# Bodies and experts (platform admin) -----------------------------------------------------------


def _require_body_reader(request: AuthedHttpRequest) -> None:
    user = request.user
    if not (
        selectors.is_admin(user) or selectors.staff_body(user) or selectors.is_supervisor(user)
    ):
        raise PermissionDenied


@login_required
def body_list(request: AuthedHttpRequest) -> HttpResponse:
    _require_body_reader(request)
    qs = selectors.body_list(user=request.user).select_related("supervising_region")
    q = _q(request)
    if q:
        qs = qs.filter(name__icontains=q)
    return render(
        request,
        "certification/body_list.html",
        {
            "page": _page(request, qs),
            "can_create": selectors.is_admin(request.user),
            "tab": "bodies",
        },
    )


def _body_initial(body: Any) -> dict[str, Any]:
    values = {f: getattr(body, f) for f in services.bodies.BODY_FIELDS if f != "supervising_region"}
    values["supervising_region"] = body.supervising_region_id
    return values


@login_required
def body_new(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    form = forms.BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("认定主体已登记"))
            return redirect("certification:body_detail", public_id=body.public_id)
    return render(
        request,
        "certification/body_form.html",
        {"form": form, "title": _("登记认定主体")},
        status=422 if form.errors else 200,
    )


def _body_page(
    request: AuthedHttpRequest, body: Any, status: int = 200, **forms_: Any
) -> HttpResponse:
    is_admin = selectors.is_admin(request.user)
    return render(
        request,
        "certification/body_detail.html",
        {
            "body": body,
            "is_admin": is_admin,
            "form": forms_.get("form") or forms.BodyForm(initial=_body_initial(body)),
            "member_form": forms_.get("member_form") or forms.MemberForm(prefix="m"),
            "expert_form": forms_.get("expert_form") or forms.ExpertForm(prefix="x"),
            "members": body.members.select_related("user"),
            "experts": body.experts.select_related("user"),
            "trail": selectors.trail(selectors.BODY, body.public_id)[:50],
            "tab": "bodies",
        },
        status=status,
    )


@login_required
def body_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    if request.method != "POST":
        return _body_page(request, body)
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    form = forms.BodyForm(request.POST)
    if form.is_valid():
        try:
            services.body_update(actor=request.user, body=body, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("认定主体已更新"))
            return redirect("certification:body_detail", public_id=body.public_id)
    return _body_page(request, body, status=422, form=form)


def _body_form(
    request: AuthedHttpRequest, body: Any, form: Any, key: str, call: Any, done: str
) -> HttpResponse:
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("certification:body_detail", public_id=body.public_id)
    return _body_page(request, body, status=422, **{key: form})


@login_required
@require_POST
def member_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    form = forms.MemberForm(request.POST, prefix="m")
    return _body_form(
        request,
        body,
        form,
        "member_form",
        lambda d: services.member_add(actor=request.user, body=body, username=d["username"]),
        _("工作人员账号已绑定"),
    )


@login_required
@require_POST
def member_remove(request: AuthedHttpRequest, public_id: uuid.UUID, member_id: int) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    member = BodyMember.objects.filter(body=body, pk=member_id).first()
    if member is None:
        raise Http404
    services.member_remove(actor=request.user, member=member)
    messages.success(request, _("工作人员账号已解除"))
    return redirect("certification:body_detail", public_id=body.public_id)


@login_required
@require_POST
def expert_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    form = forms.ExpertForm(request.POST, prefix="x")
    return _body_form(
        request,
        body,
        form,
        "expert_form",
        lambda d: services.expert_create(actor=request.user, body=body, data=d),
        _("专家已登记"),
    )


@login_required
@require_POST
def expert_toggle(
    request: AuthedHttpRequest, public_id: uuid.UUID, expert_id: uuid.UUID
) -> HttpResponse:
    body = selectors.body_get(user=request.user, public_id=public_id)
    if not selectors.is_admin(request.user):
        raise PermissionDenied
    expert = body.experts.filter(public_id=expert_id).first()
    if expert is None:
        raise Http404
    data = {f: getattr(expert, f) for f in services.bodies.EXPERT_FIELDS}
    data["active"] = not expert.active
    services.expert_update(actor=request.user, expert=expert, data=data)
    messages.success(request, _("专家在册状态已更新"))
    return redirect("certification:body_detail", public_id=body.public_id)


# Public verification ---------------------------------------------------------------------------


def verify_lookup(request: HttpRequest) -> HttpResponse:
    form = forms.LookupForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("certification:verify", number=form.cleaned_data["number"].strip().upper())
    return render(request, "certification/verify_lookup.html", {"form": form})


def verify(request: HttpRequest, number: str) -> HttpResponse:
    """The facts printed on the certificate and the status, as of now; nothing personal beyond
    the holder's name and organisation, not the score (SPEC §6). Rate-limited per address like
    the API."""
    if too_many_lookups(request):
        return rate_limited_page(request)
    cert = selectors.public_certificate(number)
    return render(
        request,
        "certification/verify.html",
        {
            "cert": cert,
            "c": rules.public_facts(cert.content),
            "public": True,
            "shown": rules.shown_status(cert.status, cert.valid_until, clock.today()),
            "intact": services.content_intact(cert),
            "successor_number": selectors.successor_number(cert),
        },
    )
