"""Training pages: plans, courses, sessions with their enrolment lists, attendance and result
marking, certificates (detail, PDF, revocation), "my training" for a CQO, and the public
verification of a certificate (no login). Short views: access helper, form, one service call,
redirect or render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.lib.errors import rate_limited_page
from cqo.lib.forms import apply_errors
from cqo.lib.lookups import too_many_lookups
from cqo.reference.selectors import region_label
from cqo.registry.forms import region_filter_options
from cqo.registry.views._common import xlsx_response
from cqo.training import forms, printing, rules, selectors, services
from cqo.training.models import Session, Tier, TrainingCertificate

PAGE_SIZE = 25


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _q(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:50]


# Plans ----------------------------------------------------------------------------------------


@login_required
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not (selectors.can_plan(user) or user.is_platform_admin):
        raise PermissionDenied
    year = request.GET.get("year", "")
    qs = selectors.plan_list(
        user=user, year=int(year) if year.isdigit() and len(year) == 4 else None, q=_q(request)
    ).order_by("-year", "organisation")
    return render(
        request,
        "training/plan_list.html",
        {"page": _page(request, qs), "can_create": selectors.can_plan(user)},
    )


@login_required
def plan_create(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_plan(request.user):
        raise PermissionDenied
    form = forms.PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("年度培训计划已保存"))
            return redirect("training:plan_detail", public_id=plan.public_id)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("制定年度培训计划"),
            "intro": _(
                "各级市场监管部门统筹安排培训专项经费，制定年度培训计划（陕西 §五(一)）；"
                "认定主体制定并及时更新首席质量官课程培训计划（能力水平认定 §11）。"
            ),
            "cancel": "training:plan_list",
        },
    )


@login_required
def plan_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, public_id=public_id)
    can_edit = selectors.can_edit_plan(request.user, plan)
    form = forms.PlanForm(
        request.POST or None,
        editing=True,
        initial={
            "budget": plan.budget,
            "planned_sessions": plan.planned_sessions,
            "notes": plan.notes,
        },
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.plan_update(actor=request.user, plan=plan, data=form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("年度培训计划已更新"))
                return redirect("training:plan_detail", public_id=plan.public_id)
    return render(
        request,
        "training/plan_detail.html",
        {
            "plan": plan,
            "region_label": region_label(plan.region_id),
            "courses": selectors.course_list(user=request.user, plan=plan),
            "can_edit": can_edit,
            "form": form,
            "trail": selectors.trail(selectors.PLAN, plan.public_id)[:100],
        },
        status=422 if form.errors else 200,
    )


# Courses --------------------------------------------------------------------------------------


@login_required
def course_list(request: AuthedHttpRequest) -> HttpResponse:
    g = request.GET
    tier = g.get("tier", "") if g.get("tier", "") in [*Tier.values, "other"] else ""
    qs = selectors.course_list(
        user=request.user, q=_q(request), tier=tier, region=g.get("region", "").strip()[:6]
    )
    return render(
        request,
        "training/course_list.html",
        {
            "page": _page(request, qs),
            "tiers": [*Tier.choices, ("other", _("其他"))],
            "region_options": region_filter_options(request.user),
            "can_create": selectors.can_organise(request.user),
        },
    )


def _own_plans(user: Any) -> Any:
    if not selectors.can_plan(user):
        return []
    return [p for p in selectors.plan_list(user=user) if selectors.can_edit_plan(user, p)]


@login_required
def course_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_organise(user):
        raise PermissionDenied
    initial = {"region": user.region_id or "", "forms": ["lecture"], "method": "exam"}
    form = forms.CourseForm(
        request.POST or None, initial=initial, user=user, plans=_own_plans(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("课程已创建，请添加培训班"))
            return redirect("training:course_detail", public_id=course.public_id)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("开设培训课程"),
            "intro": _(
                "按政策包规定的培训层级开设课程，采取集中授课、案例剖析、分组交流、现场观摩等"
                "多种形式，做好培训和学习效果评估（陕西 §五(一)、江苏 §五）。"
            ),
            "cancel": "training:course_list",
        },
    )


@login_required
def course_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _course_page(request, selectors.course_get(user=request.user, public_id=public_id))


def _course_page(
    request: AuthedHttpRequest, course: Any, session_form: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    gov = services.governing(course.region)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "region_label": region_label(course.region_id),
            "tier_name": services.tier_name(gov, course.tier),
            "sessions": selectors.session_list(user=user, course=course).order_by("-start_date"),
            "can_run": selectors.can_run(user, course),
            "session_form": session_form or forms.SessionForm(prefix="s"),
            "issuers": gov.rules.training,
            "trail": selectors.trail(selectors.COURSE, course.public_id)[:100],
        },
        status=status,
    )


@login_required
@require_POST
def session_create(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    course = selectors.course_get(user=request.user, public_id=public_id)
    if not selectors.can_run(request.user, course):
        raise PermissionDenied
    form = forms.SessionForm(request.POST, prefix="s")
    if form.is_valid():
        try:
            session = services.session_create(
                actor=request.user, course=course, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("培训班已创建，现可报名"))
            return redirect("training:session_detail", public_id=session.public_id)
    return _course_page(request, course, session_form=form, status=422)


# Sessions -------------------------------------------------------------------------------------


@login_required
def session_list(request: AuthedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Session.Status.values else ""
    qs = selectors.session_list(user=request.user, status=status, q=_q(request))
    return render(
        request,
        "training/session_list.html",
        {
            "page": _page(request, qs.order_by("-start_date", "-pk")),
            "statuses": Session.Status.choices,
        },
    )


ENROLMENT_HEADERS = [
    "姓名",
    "身份证号",
    "报名时间",
    "出勤率（%）",
    "成绩",
    "考核结果",
    "学时存证序号",
    "证书编号",
]


def _export(request: AuthedHttpRequest, session: Session, enrolments: Any) -> HttpResponse:
    def result(e: Any) -> str:
        return {True: _("合格"), False: _("不合格")}.get(e.passed, _("待评定"))

    rows = (
        (
            e.person.name,
            e.person.id_number_masked,
            timezone.localtime(e.enrolled_at).strftime("%Y-%m-%d %H:%M"),
            e.attendance,
            str(e.score) if e.score is not None else "",
            result(e),
            e.study_record.ledger_index if e.study_record else "",
            e.valid_certificates[0].number if e.valid_certificates else "",
        )
        for e in enrolments
    )
    return xlsx_response(
        request, "enrolments", [_(h) for h in ENROLMENT_HEADERS], rows, selectors.ENROLMENT
    )


def _roster(user: Any, session: Session, q: str = "") -> Any:
    valid = TrainingCertificate.objects.filter(status=TrainingCertificate.Status.VALID)
    return selectors.enrolment_list(user=user, session=session, q=q).prefetch_related(
        Prefetch("certificates", queryset=valid, to_attr="valid_certificates")
    )


@login_required
def session_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = selectors.session_get(user=request.user, public_id=public_id)
    if request.GET.get("export") == "xlsx":
        if not selectors.can_see_roster(request.user, session.course):
            raise PermissionDenied
        return _export(request, session, _roster(request.user, session, _q(request)))
    return _session_page(request, session)


def _session_page(
    request: AuthedHttpRequest, session: Session, status: int = 200, **bound: Any
) -> HttpResponse:
    user = request.user
    course = session.course
    roster = selectors.can_see_roster(user, course)
    enrolments = _roster(user, session, _q(request))
    mine = selectors.enrolment_list(user=user, session=session).filter(person__user=user).first()
    ctx = {
        "session": session,
        "course": course,
        "roster": roster,
        "page": _page(request, enrolments) if roster else None,
        "taken": session.enrolments.count(),
        "mine": mine,
        "can_run": selectors.can_run(user, course),
        "can_issue": services.issuer_kind_for(user, course)[0] is not None,
        "can_join": mine is None and selectors.can_self_enrol(user, session),
        "enrol_form": bound.get("enrol_form") or forms.EnrolForm(prefix="e"),
        "status_form": bound.get("status_form")
        or forms.StatusForm(prefix="st", initial={"status": session.status}),
        "join_errors": bound.get("join_errors") or [],
        "issue_errors": bound.get("issue_errors") or [],
        "trail": selectors.session_trail(session)[:100] if roster else [],
    }
    return render(request, "training/session_detail.html", ctx, status=status)


@login_required
@require_POST
def session_status(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = selectors.session_get(user=request.user, public_id=public_id)
    if not selectors.can_run(request.user, session.course):
        raise PermissionDenied
    form = forms.StatusForm(request.POST, prefix="st")
    if form.is_valid():
        try:
            services.session_set_status(
                actor=request.user, session=session, status=form.cleaned_data["status"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("培训班状态已更新"))
            return redirect("training:session_detail", public_id=session.public_id)
    return _session_page(request, session, status=422, status_form=form)


@login_required
@require_POST
def session_enrol(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The organiser enrols a person found by ID number and name."""
    session = selectors.session_get(user=request.user, public_id=public_id)
    if not selectors.can_run(request.user, session.course):
        raise PermissionDenied
    form = forms.EnrolForm(request.POST, prefix="e")
    if form.is_valid():
        try:
            enrolment = services.enrolment_create(
                actor=request.user, session=session, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s 已报名") % {"name": enrolment.person.name})
            return redirect("training:session_detail", public_id=session.public_id)
    return _session_page(request, session, status=422, enrol_form=form)


@login_required
@require_POST
def session_join(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A CQO enrols themself in an open session."""
    session = selectors.session_get(user=request.user, public_id=public_id)
    person = selectors.own_person(request.user)
    if person is None:
        raise PermissionDenied
    try:
        services.enrolment_create(actor=request.user, session=session, person=person)
    except ValidationError as exc:
        return _session_page(request, session, status=422, join_errors=exc.messages)
    messages.success(request, _("报名成功"))
    return redirect("training:session_detail", public_id=session.public_id)


def _mark(request: AuthedHttpRequest, public_id: uuid.UUID, kind: str) -> HttpResponse:
    session = selectors.session_get(user=request.user, public_id=public_id)
    if not selectors.can_run(request.user, session.course):
        raise PermissionDenied
    enrolments = list(selectors.enrolment_list(user=request.user, session=session))
    form = forms.MarkForm(request.POST or None, enrolments=enrolments, kind=kind)
    if request.method == "POST" and form.is_valid():
        saved = 0
        for enrolment, name, value in form.changed_rows():
            try:
                if kind == "attendance":
                    services.attendance_mark(
                        actor=request.user, enrolment=enrolment, attendance=value
                    )
                else:
                    services.result_mark(actor=request.user, enrolment=enrolment, score=value)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(name, message)
            else:
                saved += 1
        if not form.errors:
            messages.success(request, _("已保存 %(n)d 条") % {"n": saved})
            return redirect("training:session_detail", public_id=session.public_id)
    return render(
        request,
        "training/mark.html",
        {"session": session, "course": session.course, "form": form, "kind": kind},
        status=422 if form.errors else 200,
    )


@login_required
def session_attendance(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _mark(request, public_id, "attendance")


@login_required
def session_results(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _mark(request, public_id, "score")


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
    can_revoke = cert.status == TrainingCertificate.Status.VALID and services.can_revoke(
        request.user, cert
    )
    return render(
        request,
        "training/certificate_detail.html",
        {
            "cert": cert,
            "c": cert.content,
            "intact": services.content_intact(cert),
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
    response = HttpResponse(printing.render_certificate(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response


@login_required
@require_POST
def certificate_revoke(request: AuthedHttpRequest, number: str) -> HttpResponse:
    cert = selectors.certificate_get(user=request.user, number=number)
    if not services.can_revoke(request.user, cert):
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


def verify(request: HttpRequest, number: str) -> HttpResponse:
    """The facts printed on the certificate and its status; never an ID number or the
    assessment result. Rate-limited per address like the API."""
    if too_many_lookups(request):
        return rate_limited_page(request)
    cert = selectors.public_certificate(number)
    return render(
        request,
        "training/verify.html",
        {
            "cert": cert,
            "c": rules.public_facts(cert.content),
            "public": True,
            "intact": services.content_intact(cert),
        },
    )
