"""Community pages (SPEC §9): alliances and membership, events, the exchange space, the case
competition, and the public case library (no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.selectors import audit_trail
from cqo.community import forms, rules, selectors, services
from cqo.community.models import Post, Registration, Submission
from cqo.lib.forms import apply_errors
from cqo.registry.models import Appointment, Enterprise
from cqo.registry.views._common import page_of, xlsx_response


def _q(request: HttpRequest) -> str:
    return request.GET.get("q", "").replace("\x00", "").strip()[:50]


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for msgs in (exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}).values():
        for m in msgs:
            messages.error(request, m)


def _form_page(request: HttpRequest, form: Any, title: str, obj: Any = None) -> HttpResponse:
    return render(request, "registry/form.html", {"form": form, "title": title, "object": obj})


# Alliances ------------------------------------------------------------------------------------


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.alliance_list(user=request.user, q=_q(request))
    if request.GET.get("export") == "xlsx":
        headers = [_("名称"), _("类型"), _("行政区划"), _("会员数"), _("创建时间")]
        rows = (
            (
                a.name,
                a.get_kind_display(),
                a.region.name,
                a.member_count,  # type: ignore[attr-defined]
                f"{a.created_at:%Y-%m-%d}",
            )
            for a in qs
        )
        return xlsx_response(request, "alliances", headers, rows, "community_alliance")
    return render(
        request,
        "community/index.html",
        {
            "page": page_of(request, qs),
            "q": _q(request),
            "can_create": request.user.is_regulator or request.user.is_platform_admin,
            "mine": selectors.my_community(request.user),
        },
    )


@login_required
def alliance_create(request: AuthedHttpRequest) -> HttpResponse:
    if not (request.user.is_regulator or request.user.is_platform_admin):
        raise PermissionDenied
    form = forms.AllianceForm(request.POST or None, initial={"region": request.user.region_id})
    if request.method == "POST" and form.is_valid():
        try:
            alliance = services.alliance_create(actor=request.user, data=form.cleaned_data)
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
    officers = alliance.memberships.filter(state="approved", role="officer").select_related(
        "person"
    )
    return render(
        request,
        "community/alliance_detail.html",
        {
            "a": alliance,
            "manage": manage,
            "mine": selectors.membership_of(request.user, alliance),
            "is_cqo": selectors.person_of(request.user) is not None,
            "space": selectors.can_read_space(request.user, alliance),
            "officers": officers,
            "pending": alliance.memberships.filter(state="pending").select_related("person")
            if manage
            else [],
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
    try:
        services.membership_apply(
            actor=request.user, alliance=alliance, statement=form.cleaned_data.get("statement", "")
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已提交入会申请，等待审核"))
    return redirect("community:alliance_detail", public_id=alliance.public_id)


@login_required
def members(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    state = request.GET.get("state", "approved")
    state = state if state in ("approved", "pending", "rejected", "left") else "approved"
    qs = selectors.member_list(user=request.user, alliance=alliance, q=_q(request), state=state)
    if request.GET.get("export") == "xlsx":
        headers = [_("姓名"), _("企业"), _("身份"), _("职务"), _("状态"), _("申请时间")]
        rows = (
            (
                m.person.name,
                selectors.enterprise_name(m.person),
                m.get_role_display(),
                m.officer_title,
                m.get_state_display(),
                f"{timezone.localtime(m.applied_at):%Y-%m-%d}",
            )
            for m in qs
        )
        return xlsx_response(request, "alliance-members", headers, rows, "community_membership")
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
    try:
        services.membership_decide(
            actor=request.user,
            membership=m,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已审核入会申请"))
    return redirect("community:alliance_detail", public_id=m.alliance.public_id)


@login_required
@require_POST
def membership_role(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    m = selectors.membership_get(user=request.user, public_id=public_id)
    try:
        services.membership_set_role(
            actor=request.user,
            membership=m,
            role=request.POST.get("role", ""),
            officer_title=request.POST.get("officer_title", ""),
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已更新会员身份"))
    return redirect("community:members", public_id=m.alliance.public_id)


@login_required
@require_POST
def membership_leave(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    m = selectors.membership_get(user=request.user, public_id=public_id)
    try:
        services.membership_leave(actor=request.user, membership=m)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已退出联盟"))
    return redirect("community:alliance_detail", public_id=m.alliance.public_id)


# Events ---------------------------------------------------------------------------------------


@login_required
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.event_list(user=request.user, q=_q(request))
    if request.GET.get("export") == "xlsx":
        headers = [
            _("活动名称"),
            _("活动形式"),
            _("联盟"),
            _("活动开始时间"),
            _("地点"),
            _("名额"),
            _("已报名"),
            _("学时"),
            _("状态"),
        ]
        rows = (
            (
                e.title,
                e.get_kind_display(),
                e.alliance.name,
                f"{timezone.localtime(e.starts_at):%Y-%m-%d %H:%M}",
                e.venue,
                e.capacity,
                e.registered,  # type: ignore[attr-defined]
                str(e.hours) if e.counts_hours else "",
                e.get_state_display(),
            )
            for e in qs
        )
        return xlsx_response(request, "alliance-events", headers, rows, "community_event")
    return render(
        request, "community/events.html", {"page": page_of(request, qs), "q": _q(request)}
    )


@login_required
def event_create(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    if not selectors.can_manage(request.user, alliance.region):
        raise PermissionDenied
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=request.user, alliance=alliance, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已发布活动"))
            return redirect("community:event_detail", public_id=event.public_id)
    return _form_page(request, form, _("发布联盟活动"), alliance)


@login_required
def event_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    event = selectors.event_get(user=request.user, public_id=public_id)
    manage = selectors.can_manage(request.user, event.alliance.region)
    regs = selectors.registrations(event)
    if manage and request.GET.get("export") == "xlsx":
        headers = [_("姓名"), _("企业"), _("报名时间"), _("状态"), _("出席"), _("学时存证序号")]
        rows = (
            (
                r.person.name,
                selectors.enterprise_name(r.person),
                f"{timezone.localtime(r.registered_at):%Y-%m-%d %H:%M}",
                r.get_state_display(),
                "" if r.attended is None else r.attended,
                r.study_record.ledger_index if r.study_record else "",
            )
            for r in regs
        )
        return xlsx_response(
            request, "event-registrations", headers, rows, "community_registration"
        )
    active = [r for r in regs if r.state == Registration.State.REGISTERED]
    started = services.now() >= event.starts_at
    return render(
        request,
        "community/event_detail.html",
        {
            "e": event,
            "manage": manage,
            "regs": regs if manage else [],
            "taken": len(active),
            "mine": selectors.registration_of(request.user, event),
            "member": selectors.is_member(request.user, event.alliance),
            "started": started,
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
    try:
        services.registration_create(actor=request.user, event=event)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("报名成功"))
    return redirect("community:event_detail", public_id=event.public_id)


@login_required
@require_POST
def registration_cancel(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    reg = selectors.registration_get(user=request.user, public_id=public_id)
    try:
        services.registration_cancel(actor=request.user, registration=reg)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已取消报名"))
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
    try:
        services.event_cancel(
            actor=request.user, event=event, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("活动已取消"))
    return redirect("community:event_detail", public_id=event.public_id)


# Exchange space -------------------------------------------------------------------------------


@login_required
def post_list(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Post.Kind.values else ""
    qs = selectors.post_list(user=request.user, alliance=alliance, q=_q(request), kind=kind)
    if request.GET.get("export") == "xlsx":
        headers = [_("标题"), _("类型"), _("作者"), _("发布时间"), _("回答数"), _("已隐藏")]
        rows = (
            (
                p.title,
                p.get_kind_display(),
                p.author.name,
                f"{timezone.localtime(p.created_at):%Y-%m-%d %H:%M}",
                p.answer_count,  # type: ignore[attr-defined]
                p.hidden,
            )
            for p in qs
        )
        return xlsx_response(request, "alliance-posts", headers, rows, "community_post")
    return render(
        request,
        "community/posts.html",
        {
            "a": alliance,
            "page": page_of(request, qs),
            "q": _q(request),
            "kind": kind,
            "kinds": Post.Kind.choices,
            "can_post": selectors.is_member(request.user, alliance),
        },
    )


@login_required
def post_create(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    if not selectors.is_member(request.user, alliance):
        raise PermissionDenied
    form = forms.PostForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                actor=request.user, alliance=alliance, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已发布"))
            return redirect("community:post_detail", public_id=post.public_id)
    return _form_page(request, form, _("发布交流分享"), alliance)


@login_required
def post_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    post = selectors.post_get(user=request.user, public_id=public_id)
    moderator = selectors.can_moderate(request.user, post.alliance)
    return render(
        request,
        "community/post_detail.html",
        {
            "p": post,
            "answers": selectors.answers(user=request.user, post=post),
            "moderator": moderator,
            "can_answer": post.kind == Post.Kind.QUESTION
            and not post.hidden
            and selectors.is_member(request.user, post.alliance),
            "can_accept": moderator or post.author.user_id == request.user.pk,
            "answer_form": forms.AnswerForm(),
            "trail": audit_trail(target_type="community_post", target_id=str(post.public_id))
            if moderator
            else None,
        },
    )


@login_required
@require_POST
def answer_create(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    post = selectors.post_get(user=request.user, public_id=public_id)
    try:
        services.answer_create(actor=request.user, post=post, body=request.POST.get("body", ""))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已回答"))
    return redirect("community:post_detail", public_id=post.public_id)


@login_required
@require_POST
def answer_accept(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    answer = selectors.answer_get(user=request.user, public_id=public_id)
    try:
        services.answer_accept(actor=request.user, answer=answer)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已采纳该回答"))
    return redirect("community:post_detail", public_id=answer.post.public_id)


@login_required
@require_POST
def moderate(request: AuthedHttpRequest, kind: str, public_id: str) -> HttpResponse:
    if kind == "post":
        target: Any = selectors.post_get(user=request.user, public_id=public_id)
        post = target
    else:
        target = selectors.answer_get(user=request.user, public_id=public_id)
        post = target.post
    try:
        services.moderate(
            actor=request.user,
            target=target,
            hide=request.POST.get("action") == "hide",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已更新显示状态"))
    return redirect("community:post_detail", public_id=post.public_id)


# Case competition -----------------------------------------------------------------------------


@login_required
def competition_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.competition_list(user=request.user, q=_q(request))
    if request.GET.get("export") == "xlsx":
        headers = [
            _("评比名称"),
            _("行政区划"),
            _("申报开始"),
            _("申报截止"),
            _("评审开始"),
            _("评审截止"),
            _("参评案例"),
            _("结果发布时间"),
        ]
        rows = (
            (
                c.title,
                c.region.name,
                c.submission_opens,
                c.submission_closes,
                c.judging_opens,
                c.judging_closes,
                c.entries,  # type: ignore[attr-defined]
                f"{timezone.localtime(c.published_at):%Y-%m-%d}" if c.published_at else "",
            )
            for c in qs
        )
        return xlsx_response(request, "case-competitions", headers, rows, "community_competition")
    page = page_of(request, qs)
    for c in page:
        c.phase = services.competition_phase(c)
        c.phase_label = PHASES[c.phase]
    return render(
        request,
        "community/competitions.html",
        {
            "page": page,
            "q": _q(request),
            "can_create": request.user.is_regulator or request.user.is_platform_admin,
        },
    )


@login_required
def competition_create(request: AuthedHttpRequest) -> HttpResponse:
    if not (request.user.is_regulator or request.user.is_platform_admin):
        raise PermissionDenied
    form = forms.CompetitionForm(request.POST or None, initial={"region": request.user.region_id})
    if request.method == "POST" and form.is_valid():
        try:
            comp = services.competition_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已发布案例征集"))
            return redirect("community:competition_detail", public_id=comp.public_id)
    return _form_page(request, form, _("发起质量改进经典案例评比"))


PHASES = {
    rules.PHASE_UPCOMING: _("未开始"),
    rules.PHASE_SUBMISSION: _("申报中"),
    rules.PHASE_WAITING: _("待评审"),
    rules.PHASE_JUDGING: _("评审中"),
    rules.PHASE_CLOSED: _("评审结束，待发布"),
    rules.PHASE_PUBLISHED: _("结果已发布"),
}


@login_required
def competition_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    comp = selectors.competition_get(user=request.user, public_id=public_id)
    manage = selectors.can_manage(request.user, comp.region)
    subs = selectors.submission_list(user=request.user, competition=comp, q=_q(request))
    if request.GET.get("export") == "xlsx" and selectors.sees_all_cases(request.user, comp):
        headers = [
            _("名次"),
            _("案例名称"),
            _("企业"),
            _("首席质量官"),
            _("改进方法"),
            _("得分"),
            _("入选"),
            _("申报时间"),
        ]
        rows = (
            (
                s.rank or "",
                s.title,
                s.enterprise.name,
                s.person.name,
                s.get_method_display(),
                str(s.score) if s.score is not None else "",
                s.awarded if s.rank else "",
                f"{timezone.localtime(s.submitted_at):%Y-%m-%d %H:%M}",
            )
            for s in subs
        )
        return xlsx_response(request, "case-ranking", headers, rows, "community_submission")
    phase = services.competition_phase(comp)
    standing, missing = services.standings(comp) if manage and not comp.published_at else ([], [])
    by_key = {p.key: p for p in standing}
    page = page_of(request, subs)
    for s in page:
        s.standing = by_key.get(str(s.public_id))
    return render(
        request,
        "community/competition_detail.html",
        {
            "c": comp,
            "phase": phase,
            "phase_label": PHASES[phase],
            "manage": manage,
            "judge": selectors.judge_of(request.user, comp),
            "page": page,
            "q": _q(request),
            "missing": missing,
            "can_submit": phase == rules.PHASE_SUBMISSION
            and selectors.person_of(request.user) is not None,
            "can_publish": manage and phase in (rules.PHASE_JUDGING, rules.PHASE_CLOSED),
            "trail": audit_trail(target_type="community_competition", target_id=str(comp.public_id))
            if manage
            else None,
        },
    )


def _enterprise_choices(request: AuthedHttpRequest) -> list[tuple[str, str]]:
    person = selectors.person_of(request.user)
    qs = (
        Enterprise.objects.filter(
            appointments__person=person, appointments__status=Appointment.Status.FILED
        )
        .distinct()
        .order_by("name")
    )
    return [(e.uscc, e.name) for e in qs]


@login_required
def submission_create(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    comp = selectors.competition_get(user=request.user, public_id=public_id)
    if request.user.role != Role.CQO:
        raise PermissionDenied
    form = forms.SubmissionForm(
        request.POST or None, request.FILES or None, enterprises=_enterprise_choices(request)
    )
    if request.method == "POST" and form.is_valid():
        files = [form.cleaned_data[f"attachment_{i}"] for i in (1, 2, 3)]
        try:
            sub = services.submission_create(
                actor=request.user,
                competition=comp,
                data=form.cleaned_data,
                files=[f for f in files if f],
            )
        except ValidationError as exc:
            # the service names the attachments as one field; the form has three
            errors = exc.message_dict
            errors["attachment_1"] = errors.pop("attachments", [])
            apply_errors(form, ValidationError({k: v for k, v in errors.items() if v}))
        else:
            messages.success(request, _("已申报案例"))
            return redirect("community:submission_detail", public_id=sub.public_id)
    return _form_page(request, form, _("申报质量改进案例"), comp)


@login_required
def submission_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    sub = selectors.submission_get(user=request.user, public_id=public_id)
    comp = sub.competition
    judge = selectors.judge_of(request.user, comp)
    criteria = list(comp.criteria.order_by("position"))
    mine = {s.criterion_id: s.points for s in sub.scores.filter(judge=judge)} if judge else {}
    for c in criteria:
        c.mine = mine.get(c.pk)  # type: ignore[attr-defined]
    manage = selectors.can_manage(request.user, comp.region)
    return render(
        request,
        "community/submission_detail.html",
        {
            "s": sub,
            "c": comp,
            "criteria": criteria,
            "judge": judge,
            "conflicted": judge is not None and services.is_conflicted(judge, sub),
            "can_score": judge is not None
            and services.competition_phase(comp) == rules.PHASE_JUDGING
            and sub.state == Submission.State.SUBMITTED,
            "scores": sub.scores.select_related("judge__user", "criterion").order_by(
                "judge_id", "criterion__position"
            )
            if manage
            else [],
            "can_withdraw": sub.person.user_id == request.user.pk
            and sub.state == Submission.State.SUBMITTED
            and services.competition_phase(comp) == rules.PHASE_SUBMISSION,
            "trail": audit_trail(target_type="community_submission", target_id=str(sub.public_id))
            if manage or sub.person.user_id == request.user.pk
            else None,
        },
    )


@login_required
@require_POST
def submission_score(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    sub = selectors.submission_get(user=request.user, public_id=public_id)
    try:
        services.score_submit(actor=request.user, submission=sub, points=request.POST.dict())
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已保存评分"))
    return redirect("community:submission_detail", public_id=sub.public_id)


@login_required
@require_POST
def submission_withdraw(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    sub = selectors.submission_get(user=request.user, public_id=public_id)
    try:
        services.submission_withdraw(actor=request.user, submission=sub)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已撤回案例"))
    return redirect("community:submission_detail", public_id=sub.public_id)


@login_required
def attachment_download(request: AuthedHttpRequest, public_id: str) -> FileResponse:
    att = selectors.attachment_get(user=request.user, public_id=public_id)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


@login_required
@require_POST
def competition_publish(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    comp = selectors.competition_get(user=request.user, public_id=public_id)
    try:
        services.results_publish(actor=request.user, competition=comp)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已发布评比结果"))
    return redirect("community:competition_detail", public_id=comp.public_id)


# The public case library (no login) -----------------------------------------------------------


def library(request: HttpRequest) -> HttpResponse:
    method = request.GET.get("method", "")
    method = method if method in Submission.Method.values else ""
    qs = selectors.library(q=_q(request), method=method)
    return render(
        request,
        "community/library.html",
        {
            "page": page_of(request, qs),
            "q": _q(request),
            "method": method,
            "methods": Submission.Method.choices,
        },
    )


def library_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return render(request, "community/library_detail.html", {"s": selectors.library_get(public_id)})
