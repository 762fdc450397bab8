"""Pages of the CQO-system self-assessment and its improvement tasks (shenzhen-guide §6)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.evaluation import forms, inputs, selectors, services
from cqo.evaluation.models import SelfAssessment
from cqo.evaluation.views.common import errors_by_key, paged, prefixed, submit
from cqo.lib import clock


@login_required
def assessment_new(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    if not selectors.can_write(request.user, ent):
        return HttpResponse(status=403)
    form = forms.AssessmentNewForm(request.POST or None, initial={"year": clock.today().year})
    write = lambda terms: services.assessment_create(  # noqa: E731
        actor=request.user, enterprise=ent, terms=terms
    )
    if (sa := submit(request, form, write)) is not None:
        return redirect("evaluation:assessment_detail", public_id=sa.public_id)
    context = {"form": form, "ent": ent, "title": _("新建首席质量官制度自我评估"), "back": ent}
    intro = _("评估首席质量官制度建设的成效，判断是否达成预期目标（shenzhen-guide §6.1）")
    return render(request, "evaluation/form.html", {**context, "intro": intro})


def _indicator_rows(
    sa: SelfAssessment, errors: dict[str, list[str]], post: Any
) -> list[dict[str, Any]]:
    rows = []
    for ind in sa.indicators:
        code = ind["code"]
        found = [
            *errors.get(f"scores.{code}", []),
            *errors.get(f"levels.{code}", []),
            *errors.get(f"maxima.{code}", []),
        ]
        level = ind.get("level")
        row = {
            **ind,
            "value": post.get(f"score_{code}") if post is not None else ind.get("score"),
            "max_value": post.get(f"max_{code}") if post is not None else ind.get("max"),
            "level_value": str(post.get(f"level_{code}", ""))
            if post is not None
            else ("" if level is None else str(level)),
            "level_options": [(str(n), label) for n, label in enumerate(ind["levels"])],
            "level_label": ind["levels"][level] if level is not None else "",
            "error": " ".join(found),
        }
        rows.append(row)
    return rows


def _results(request: AuthedHttpRequest, sa: SelfAssessment) -> None:
    """Save the posted results and, when asked, complete; a ValidationError says why not."""
    post = request.POST
    data: dict[str, object] = {
        k: post.get(k, "") for k in ("findings", "suggestions", "application")
    }
    data.update({k: prefixed(post, f"{k[:-1]}_") for k in ("scores", "levels", "notes")})
    data["maxima"] = prefixed(post, "max_")
    results = inputs.parsed(inputs.read_results, data)
    services.assessment_score(actor=request.user, assessment=sa, results=results)
    if post.get("action") == "complete":
        services.assessment_complete(actor=request.user, assessment=sa)


def _task(request: AuthedHttpRequest, sa: SelfAssessment, form: forms.TaskForm) -> bool:
    write = lambda terms: services.task_create(  # noqa: E731
        actor=request.user, assessment=sa, terms=terms
    )
    return submit(request, form, write) is not None


def _context(sa: SelfAssessment, can: bool) -> dict[str, Any]:
    return {
        "sa": sa,
        "can": can and sa.status == SelfAssessment.Status.DRAFT,
        "texts": [
            ("findings", _("评估结论与差距"), sa.findings),
            ("suggestions", _("改进建议"), sa.suggestions),
            ("application", _("评估结果应用"), sa.application),
        ],
        "can_tasks": can and sa.status == SelfAssessment.Status.COMPLETED,
        "tasks": sa.tasks.all(),
        "trail": selectors.trail(selectors.ASSESSMENT, sa.public_id),
        "today": clock.today(),
        "close_form": forms.TaskCloseForm(),
    }


@login_required
def assessment_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    sa = selectors.assessment_get(user=request.user, public_id=public_id)
    can = selectors.can_write(request.user, sa.enterprise)
    errors: dict[str, list[str]] = {}
    is_task = request.POST.get("action") == "task"
    task_form = forms.TaskForm(request.POST if is_task else None, assessment=sa)
    if request.method == "POST" and not can:
        return HttpResponse(status=403)
    if request.method == "POST" and is_task and _task(request, sa, task_form):
        messages.success(request, _("已保存"))
        return redirect("evaluation:assessment_detail", public_id=sa.public_id)
    if request.method == "POST" and not is_task:
        try:
            _results(request, sa)
            messages.success(request, _("已保存"))
            return redirect("evaluation:assessment_detail", public_id=sa.public_id)
        except ValidationError as exc:
            errors = errors_by_key(exc)
            sa.refresh_from_db()
    rows = _indicator_rows(sa, errors, request.POST if errors else None)
    extra = {"rows": rows, "errors": errors, "task_form": task_form}
    return render(request, "evaluation/assessment_detail.html", {**_context(sa, can), **extra})


@login_required
@require_POST
def task_action(request: AuthedHttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    if action not in ("close", "reopen"):
        raise Http404
    task = selectors.task_get(user=request.user, public_id=public_id)
    try:
        if action == "close":
            closing = inputs.parsed(inputs.read_closing, request.POST)
            services.task_close(actor=request.user, task=task, closing=closing)
        else:
            reason = request.POST.get("reason", "")
            services.task_reopen(actor=request.user, task=task, reason=reason)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已保存"))
    return redirect("evaluation:assessment_detail", public_id=task.assessment.public_id)


@login_required
def assessment_compare(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    tasks = selectors.tasks_of(ent)
    context = {"ent": ent, "c": selectors.comparison(ent), "today": clock.today()}
    return render(request, "evaluation/compare.html", {**context, "tasks": paged(request, tasks)})
