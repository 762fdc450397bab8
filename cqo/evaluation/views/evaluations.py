"""Pages of the enterprise side's index, its hub, and the evaluation of its CQO (SPEC §7)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.evaluation import forms, inputs, printing, rules, selectors, services
from cqo.evaluation.models import DECISIONS, Evaluation
from cqo.evaluation.views.common import errors_by_key, paged, prefixed, submit, xlsx
from cqo.lib import clock


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    qs = selectors.enterprise_list(user=user, q=request.GET.get("q", "").strip()[:50])
    if user.role in (Role.ENTERPRISE, Role.CQO) and qs.count() == 1:
        return redirect("evaluation:enterprise", uscc=qs.get().uscc)
    if request.GET.get("export") == "xlsx":
        headers = [
            _("统一社会信用代码"),
            _("企业名称"),
            _("行政区划"),
            _("最近评价得分"),
            _("最近评价结论"),
            _("已完成自我评估"),
        ]
        rows = selectors.enterprise_rows(user=user, enterprises=qs)
        return xlsx(request, "evaluation-enterprises", headers, rows)
    return render(request, "evaluation/index.html", {"page": paged(request, qs)})


@login_required
def enterprise(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    evaluations = selectors.evaluation_list(user=request.user, enterprise=ent)
    if request.GET.get("export") == "evaluations":
        headers = [
            _("考核期起"),
            _("考核期止"),
            _("首席质量官"),
            _("评价表"),
            _("得分"),
            _("满分"),
            _("评价等级"),
            _("评价结论"),
            _("状态"),
        ]
        return xlsx(request, "cqo-evaluations", headers, selectors.evaluation_rows(evaluations))
    context = {
        "ent": ent,
        "evaluations": evaluations,
        "assessments": selectors.assessment_list(user=request.user, enterprise=ent),
        "years": selectors.cost_summary(ent)["years"][-3:],
        "can_evaluate": selectors.can_evaluate(request.user, ent),
        "can_write": selectors.can_write(request.user, ent),
    }
    return render(request, "evaluation/enterprise.html", context)


@login_required
def evaluation_new(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    if not selectors.can_evaluate(request.user, ent):
        return HttpResponse(status=403)
    appointments = selectors.evaluable_appointments(ent)
    initial = {"year": selectors.default_year(appointments.first(), clock.today()), "part": "1"}
    form = forms.EvaluationNewForm(request.POST or None, appointments=appointments, initial=initial)
    ev = submit(
        request,
        form,
        lambda period: services.evaluation_create(
            actor=request.user, enterprise=ent, period=period
        ),
    )
    if ev is not None:
        messages.success(request, _("已生成评价表，请逐项评分并确认预填项目"))
        return redirect("evaluation:evaluation_detail", public_id=ev.public_id)
    found = selectors.evaluation_form(ent, clock.today())
    title = _("新建首席质量官评价")
    context = {"form": form, "ent": ent, "title": title, "intro": found and found[1].label}
    return render(request, "evaluation/form.html", {**context, "back": ent})


def _rows(ev: Evaluation, errors: dict[str, list[str]], post: Any) -> list[dict[str, Any]]:
    """The items for the table: the posted value after an error, else the saved score, else
    the platform's suggestion."""
    subtotals = rules.section_totals(ev.items)
    rows = []
    for item in ev.items:
        code = item["code"]
        value = item.get("score")
        if value is None and item.get("prefill"):
            value = item["prefill"]["value"]
        max_value = item.get("max")
        if post is not None:
            value = post.get(f"score_{code}", value)
            max_value = post.get(f"max_{code}", max_value)
        found = errors.get(f"scores.{code}") or errors.get(f"maxima.{code}") or []
        rows.append(
            {
                **item,
                "value": value,
                "max_value": max_value,
                "error": " ".join(found),
                "subtotal": subtotals.get(code),
            }
        )
    return rows


def _score(request: AuthedHttpRequest, ev: Evaluation) -> None:
    """Save the posted scores and, when asked, sign off; a ValidationError says why not."""
    post = request.POST
    texts = ("decision", "decision_note", "reward_note", "evaluators")
    data: dict[str, object] = {k: post.get(k, "") for k in texts}
    data.update(scores=prefixed(post, "score_"), maxima=prefixed(post, "max_"))
    scores = inputs.parsed(inputs.read_scores, data)
    services.evaluation_score(actor=request.user, evaluation=ev, scores=scores)
    if post.get("action") == "sign_off":
        services.evaluation_sign_off(actor=request.user, evaluation=ev)
        messages.success(request, _("评价已签发"))
    else:
        messages.success(request, _("已保存"))


@login_required
def evaluation_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    ev = selectors.evaluation_get(user=request.user, public_id=public_id)
    can = selectors.can_evaluate(request.user, ev.enterprise)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and not can:
        return HttpResponse(status=403)
    if request.method == "POST":
        try:
            _score(request, ev)
            return redirect("evaluation:evaluation_detail", public_id=ev.public_id)
        except ValidationError as exc:
            errors = errors_by_key(exc)
            ev.refresh_from_db()
    post = request.POST if errors else None
    return render(request, "evaluation/evaluation_detail.html", _context(request, ev, errors, post))


def _context(
    request: AuthedHttpRequest, ev: Evaluation, errors: dict[str, list[str]], post: Any
) -> dict[str, Any]:
    can = selectors.can_evaluate(request.user, ev.enterprise)
    return {
        "ev": ev,
        "can": can and ev.status == Evaluation.Status.DRAFT,
        "can_end": selectors.can_end_appointment(request.user, ev),
        "errors": errors,
        "post": post,
        "rows": _rows(ev, errors, post),
        "unprinted": any(not i.get("printed", True) for i in ev.items),
        "decisions": [(d.value, d.label) for d in DECISIONS],
        "end_form": forms.EndAppointmentForm(initial={"ended_on": clock.today().isoformat()}),
        "trail": selectors.trail(selectors.EVALUATION, ev.public_id),
    }


@login_required
@require_POST
def evaluation_end(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    ev = selectors.evaluation_get(user=request.user, public_id=public_id)
    try:
        ended_on = inputs.parsed(inputs.parse_date, "ended_on", request.POST.get("ended_on", ""))
        assert ended_on is not None  # noqa: S101
        services.evaluation_end_appointment(
            actor=request.user,
            evaluation=ev,
            ended_on=ended_on,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已依据评价结论终止聘任"))
    return redirect("evaluation:evaluation_detail", public_id=ev.public_id)


@login_required
def settings_edit(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    if not selectors.can_evaluate(request.user, ent):
        return HttpResponse(status=403)
    form = forms.SettingsForm(request.POST or None, initial=selectors.settings_initial(ent))
    write = lambda terms: services.settings_update(  # noqa: E731
        actor=request.user, enterprise=ent, terms=terms
    )
    if submit(request, form, write) is not None:
        messages.success(request, _("已保存"))
        return redirect("evaluation:enterprise", uscc=ent.uscc)
    context = {"form": form, "ent": ent, "title": _("合格分数线与评价等级"), "back": ent}
    intro = _("评价体系未规定合格线和等级，由企业自行设定（SPEC §12.6）")
    return render(request, "evaluation/form.html", {**context, "intro": intro})


@login_required
def evaluation_pdf(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The evaluation printed as its form (hangzhou-spec 表A.1), for whoever may read it."""
    ev = selectors.evaluation_get(user=request.user, public_id=public_id)
    response = HttpResponse(printing.render_evaluation_form(ev), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-{str(ev.public_id)[:8]}.pdf"'
    return response
