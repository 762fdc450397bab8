"""Sessions: the enrolment list and its export, status, enrolment, attendance and results."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.lib.forms import apply_errors
from cqo.registry.views._common import xlsx_response
from cqo.training import forms, selectors, services
from cqo.training.models import Session
from cqo.training.views._common import _page, _q

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
    return selectors.roster(user=user, session=session, q=q)


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
        "can_issue": selectors.issuer_kind_for(user, course)[0] is not None,
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
                actor=request.user,
                session=session,
                id_number=form.cleaned_data["id_number"],
                person_name=form.cleaned_data["person_name"],
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
