"""Case-competition pages: the calls, opening one, a call with its cases and provisional
standings, submitting and scoring a case, publishing; and the public case library (no login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.documents import document_response
from cqo.audit.selectors import audit_trail
from cqo.community import forms, rules, selectors, services
from cqo.community.models import CaseCompetition, Submission
from cqo.community.views import exports
from cqo.community.views._common import _act, _form_page, _q, _wants_xlsx
from cqo.lib.forms import apply_errors
from cqo.registry.views._common import page_of

PHASES = {
    rules.PHASE_UPCOMING: _("未开始"),
    rules.PHASE_SUBMISSION: _("申报中"),
    rules.PHASE_WAITING: _("待评审"),
    rules.PHASE_JUDGING: _("评审中"),
    rules.PHASE_CLOSED: _("评审结束，待发布"),
    rules.PHASE_PUBLISHED: _("结果已发布"),
}


@login_required
def competition_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.competition_list(user=request.user, q=_q(request))
    if _wants_xlsx(request):
        return exports.competitions(request, qs)
    page = page_of(request, qs)
    for c in page:
        c.phase = selectors.competition_phase(c)
        c.phase_label = PHASES[c.phase]
    return render(
        request,
        "community/competitions.html",
        {"page": page, "q": _q(request), "can_create": selectors.can_create(request.user)},
    )


@login_required
def competition_create(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_create(request.user):
        raise PermissionDenied
    form = forms.CompetitionForm(request.POST or None, initial={"region": request.user.region_id})
    if request.method == "POST" and form.is_valid():
        try:
            comp = services.competition_create(actor=request.user, terms=form.terms())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已发布案例征集"))
            return redirect("community:competition_detail", public_id=comp.public_id)
    return _form_page(request, form, _("发起质量改进经典案例评比"))


@login_required
def competition_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    comp = selectors.competition_get(user=request.user, public_id=public_id)
    subs = selectors.submission_list(user=request.user, competition=comp, q=_q(request))
    if _wants_xlsx(request) and selectors.sees_all_cases(request.user, comp):
        return exports.ranking(request, subs)
    return render(request, "community/competition_detail.html", _detail(request, comp, subs))


def _detail(
    request: AuthedHttpRequest, comp: CaseCompetition, subs: QuerySet[Submission]
) -> dict[str, object]:
    user = request.user
    manage = selectors.can_manage(user, comp.region)
    phase = selectors.competition_phase(comp)
    standing, missing = selectors.provisional_standings(user, comp)
    by_key = {p.key: p for p in standing}
    page = page_of(request, subs)
    for s in page:
        s.standing = by_key.get(str(s.public_id))
    return {
        "c": comp,
        "phase": phase,
        "phase_label": PHASES[phase],
        "manage": manage,
        "judge": selectors.judge_of(user, comp),
        "page": page,
        "q": _q(request),
        "missing": missing,
        "can_submit": selectors.can_submit(user, phase),
        "cannot_submit": selectors.cannot_submit_reason(user, phase),
        "can_publish": selectors.can_publish(user, comp, phase),
        "trail": audit_trail(target_type="community_competition", target_id=str(comp.public_id))
        if manage
        else None,
    }


@login_required
def submission_create(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    comp = selectors.competition_get(user=request.user, public_id=public_id)
    if request.user.role != Role.CQO:
        raise PermissionDenied
    enterprises = selectors.filed_enterprises(selectors.person_of(request.user))
    if not enterprises.exists():  # refused before anything is typed, not after
        messages.error(
            request, selectors.cannot_submit_reason(request.user, rules.PHASE_SUBMISSION)
        )
        return redirect("community:competition_detail", public_id=comp.public_id)
    form = forms.SubmissionForm(
        request.POST or None,
        request.FILES or None,
        enterprises=[(e.uscc, e.name) for e in enterprises],
    )
    if request.method == "POST" and form.is_valid():
        try:
            sub = services.submission_create(
                actor=request.user, competition=comp, case=form.case(), files=form.attachments()
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
    judge = selectors.judge_of(request.user, sub.competition)
    return render(
        request,
        "community/submission_detail.html",
        {
            "s": sub,
            "c": sub.competition,
            "criteria": selectors.criteria_sheet(judge, sub),
            "judge": judge,
            "conflicted": judge is not None and selectors.is_conflicted(judge, sub),
            "can_score": selectors.can_score(judge, sub),
            "scores": selectors.score_sheets(request.user, sub),
            "can_withdraw": selectors.can_withdraw(request.user, sub),
            "trail": audit_trail(target_type="community_submission", target_id=str(sub.public_id))
            if selectors.sees_case_trail(request.user, sub)
            else None,
        },
    )


@login_required
@require_POST
def submission_score(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    sub = selectors.submission_get(user=request.user, public_id=public_id)
    sheet = forms.score_sheet(request.POST.dict())
    _act(
        request,
        lambda: services.score_submit(actor=request.user, submission=sub, points=sheet),
        _("已保存评分"),
    )
    return redirect("community:submission_detail", public_id=sub.public_id)


@login_required
@require_POST
def submission_withdraw(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    sub = selectors.submission_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.submission_withdraw(actor=request.user, submission=sub),
        _("已撤回案例"),
    )
    return redirect("community:submission_detail", public_id=sub.public_id)


@login_required
def attachment_download(request: AuthedHttpRequest, public_id: str) -> FileResponse:
    att = selectors.attachment_get(user=request.user, public_id=public_id)
    return document_response(
        user=request.user,
        file=att.file,
        target_type="community_submission",
        target_id=str(att.submission.public_id),
        target_repr=str(att.submission),
        what=_("案例附件：%(name)s") % {"name": att.name},
        filename=att.name,
    )


@login_required
@require_POST
def competition_publish(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    comp = selectors.competition_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.results_publish(actor=request.user, competition=comp),
        _("已发布评比结果"),
    )
    return redirect("community:competition_detail", public_id=comp.public_id)


# The public case library (no login) -----------------------------------------------------------


def library(request: HttpRequest) -> HttpResponse:
    method = selectors.case_method(request.GET.get("method", ""))
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
