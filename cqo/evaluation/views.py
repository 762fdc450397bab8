"""Pages of the enterprise side (SPEC §7): the CQO evaluation, the CQO-system self-assessment
with improvement tasks, and quality cost and loss. The clerk writes; the serving CQO writes
the self-assessment and quality economics; regulators in scope read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.services import audit_record
from cqo.evaluation import forms, rules, selectors, services
from cqo.evaluation.models import Category, Evaluation, ImprovementTask, QualityLoss
from cqo.lib import clock
from cqo.lib.excel import xlsx_bytes
from cqo.lib.forms import apply_errors
from cqo.registry.models import Enterprise

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _xlsx(request: AuthedHttpRequest, name: str, headers: list[str], rows: Any) -> HttpResponse:
    audit_record(
        actor=request.user,
        action="export",
        target_type=selectors.QUALITY,
        target_id=name,
        note=request.GET.urlencode(),
    )
    response = HttpResponse(xlsx_bytes(headers, rows, sheet=name), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def _year_param(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


SORTS = {
    "costs": {
        "-period": ["-year", "-quarter"],
        "period": ["year", "quarter"],
        "-amount": ["-amount"],
        "amount": ["amount"],
    },
    "losses": {
        "-date": ["-occurred_on"],
        "date": ["occurred_on"],
        "-amount": ["-amount"],
        "amount": ["amount"],
    },
}


def _sorted(request: HttpRequest, qs: Any, table: str) -> Any:
    keys = SORTS[table].get(request.GET.get("sort", ""))
    return qs.order_by(*keys, "pk") if keys else qs


def _errors_by_key(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


# Index and enterprise hub ------------------------------------------------------------------------


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    qs = selectors.enterprise_list(user=user, q=request.GET.get("q", "").strip()[:50])
    if user.role in (Role.ENTERPRISE, Role.CQO) and qs.count() == 1:
        return redirect("evaluation:enterprise", uscc=qs.get().uscc)
    if request.GET.get("export") == "xlsx":
        rows = (
            (
                e.uscc,
                e.name,
                e.region_id,
                (
                    last := selectors.evaluation_list(user=user, enterprise=e)
                    .filter(status="signed_off")
                    .first()
                )
                and last.total,
                last and last.get_decision_display(),
                e.self_assessments.filter(status="completed").count(),
            )
            for e in qs
        )
        headers = [
            _("统一社会信用代码"),
            _("企业名称"),
            _("行政区划"),
            _("最近评价得分"),
            _("最近评价结论"),
            _("已完成自我评估"),
        ]
        return _xlsx(request, "evaluation-enterprises", headers, rows)
    return render(request, "evaluation/index.html", {"page": _page(request, qs)})


@login_required
def enterprise(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    evaluations = selectors.evaluation_list(user=request.user, enterprise=ent)
    assessments = selectors.assessment_list(user=request.user, enterprise=ent)
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
        rows = (
            (
                ev.period_start.isoformat(),
                ev.period_end.isoformat(),
                ev.appointment.person.name,
                ev.form_clause,
                ev.total,
                ev.max_total,
                ev.band,
                ev.get_decision_display(),
                ev.get_status_display(),
            )
            for ev in evaluations
        )
        return _xlsx(request, "cqo-evaluations", headers, rows)
    summary = selectors.cost_summary(ent)
    return render(
        request,
        "evaluation/enterprise.html",
        {
            "ent": ent,
            "evaluations": evaluations,
            "assessments": assessments,
            "years": summary["years"][-3:],
            "can_evaluate": selectors.can_evaluate(request.user, ent),
            "can_write": selectors.can_write(request.user, ent),
        },
    )


# Evaluation --------------------------------------------------------------------------------------


@login_required
def evaluation_new(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    if not selectors.can_evaluate(request.user, ent):
        return HttpResponse(status=403)
    appointments = selectors.evaluable_appointments(ent)
    initial = {"year": clock.today().year - 1, "part": "1"}
    form = forms.EvaluationNewForm(request.POST or None, appointments=appointments, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ev = services.evaluation_create(
                actor=request.user, enterprise=ent, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已生成评价表，请逐项评分并确认预填项目"))
            return redirect("evaluation:evaluation_detail", public_id=ev.public_id)
    found = selectors.evaluation_form(ent, clock.today())
    return render(
        request,
        "evaluation/form.html",
        {
            "form": form,
            "ent": ent,
            "title": _("新建首席质量官评价"),
            "intro": found and found[1].label,
            "back": ent,
        },
    )


def _score_data(post: Any) -> dict[str, Any]:
    pick = lambda prefix: {k[len(prefix) :]: v for k, v in post.items() if k.startswith(prefix)}  # noqa: E731
    return {
        "scores": pick("score_"),
        "maxima": pick("max_"),
        **{k: post.get(k, "") for k in ("decision", "decision_note", "reward_note", "evaluators")},
    }


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


@login_required
def evaluation_detail(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    ev = selectors.evaluation_get(user=request.user, public_id=public_id)
    can = selectors.can_evaluate(request.user, ev.enterprise)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and can:
        try:
            services.evaluation_score(
                actor=request.user, evaluation=ev, data=_score_data(request.POST)
            )
            if request.POST.get("action") == "sign_off":
                services.evaluation_sign_off(actor=request.user, evaluation=ev)
                messages.success(request, _("评价已签发"))
            else:
                messages.success(request, _("已保存"))
            return redirect("evaluation:evaluation_detail", public_id=ev.public_id)
        except ValidationError as exc:
            errors = _errors_by_key(exc)
            ev.refresh_from_db()
    elif request.method == "POST":
        return HttpResponse(status=403)
    return render(
        request,
        "evaluation/evaluation_detail.html",
        {
            "ev": ev,
            "can": can and ev.status == Evaluation.Status.DRAFT,
            "can_end": can
            and ev.status == "signed_off"
            and ev.decision == "dismiss"
            and ev.appointment.status == "filed",
            "errors": errors,
            "post": request.POST if errors else None,
            "rows": _rows(ev, errors, request.POST if errors else None),
            "decisions": Evaluation.Decision.choices,
            "end_form": forms.EndAppointmentForm(initial={"ended_on": clock.today().isoformat()}),
            "trail": selectors.trail(selectors.EVALUATION, ev.public_id),
        },
    )


@login_required
@require_POST
def evaluation_end(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    ev = selectors.evaluation_get(user=request.user, public_id=public_id)
    try:
        services.evaluation_end_appointment(
            actor=request.user,
            evaluation=ev,
            ended_on=request.POST.get("ended_on", ""),
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
    current = getattr(ent, "evaluation_settings", None)
    initial = {
        "pass_mark": current.pass_mark if current else "",
        "bands": "\n".join(f"{b['label']} {b['min']}" for b in (current.bands if current else [])),
    }
    form = forms.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.user, enterprise=ent, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("evaluation:enterprise", uscc=ent.uscc)
    return render(
        request,
        "evaluation/form.html",
        {
            "form": form,
            "ent": ent,
            "title": _("合格分数线与评价等级"),
            "back": ent,
            "intro": _("评价体系未规定合格线和等级，由企业自行设定（SPEC §12.6）"),
        },
    )


# Self-assessment ---------------------------------------------------------------------------------


@login_required
def assessment_new(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    if not selectors.can_write(request.user, ent):
        return HttpResponse(status=403)
    form = forms.AssessmentNewForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            sa = services.assessment_create(
                actor=request.user, enterprise=ent, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("evaluation:assessment_detail", public_id=sa.public_id)
    return render(
        request,
        "evaluation/form.html",
        {
            "form": form,
            "ent": ent,
            "title": _("新建首席质量官制度自我评估"),
            "back": ent,
            "intro": _("评估首席质量官制度建设的成效，判断是否达成预期目标（shenzhen-guide §6.1）"),
        },
    )


def _assessment_data(post: Any) -> dict[str, Any]:
    pick = lambda prefix: {k[len(prefix) :]: v for k, v in post.items() if k.startswith(prefix)}  # noqa: E731
    return {
        "scores": pick("score_"),
        "levels": pick("level_"),
        "notes": pick("note_"),
        "maxima": pick("max_"),
        **{k: post.get(k, "") for k in ("findings", "suggestions", "application")},
    }


def _indicator_rows(sa: Any, errors: dict[str, list[str]], post: Any) -> list[dict[str, Any]]:
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


@login_required
def assessment_detail(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    sa = selectors.assessment_get(user=request.user, public_id=public_id)
    can = selectors.can_write(request.user, sa.enterprise)
    errors: dict[str, list[str]] = {}
    task_form = forms.TaskForm(indicators=sa.indicators)
    if request.method == "POST" and not can:
        return HttpResponse(status=403)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "task":
                task_form = forms.TaskForm(request.POST, indicators=sa.indicators)
                task_form.is_valid()
                services.task_create(actor=request.user, assessment=sa, data=request.POST)
            else:
                services.assessment_score(
                    actor=request.user, assessment=sa, data=_assessment_data(request.POST)
                )
                if action == "complete":
                    services.assessment_complete(actor=request.user, assessment=sa)
            messages.success(request, _("已保存"))
            return redirect("evaluation:assessment_detail", public_id=sa.public_id)
        except ValidationError as exc:
            if action == "task":
                apply_errors(task_form, exc)
            else:
                errors = _errors_by_key(exc)
                sa.refresh_from_db()
    return render(
        request,
        "evaluation/assessment_detail.html",
        {
            "sa": sa,
            "can": can and sa.status == "draft",
            "rows": _indicator_rows(sa, errors, request.POST if errors else None),
            "texts": [
                ("findings", _("评估结论与差距"), sa.findings),
                ("suggestions", _("改进建议"), sa.suggestions),
                ("application", _("评估结果应用"), sa.application),
            ],
            "can_tasks": can and sa.status == "completed",
            "errors": errors,
            "task_form": task_form,
            "tasks": sa.tasks.all(),
            "today": clock.today(),
            "close_form": forms.TaskCloseForm(),
            "trail": selectors.trail(selectors.ASSESSMENT, sa.public_id),
        },
    )


@login_required
@require_POST
def task_action(request: AuthedHttpRequest, public_id: Any, action: str) -> HttpResponse:
    if action not in ("close", "reopen"):
        raise Http404
    task = selectors.task_get(user=request.user, public_id=public_id)
    try:
        if action == "close":
            services.task_close(actor=request.user, task=task, data=request.POST)
        else:
            services.task_reopen(
                actor=request.user, task=task, reason=request.POST.get("reason", "")
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已保存"))
    return redirect("evaluation:assessment_detail", public_id=task.assessment.public_id)


@login_required
def assessment_compare(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    data = selectors.comparison(ent)
    tasks = ImprovementTask.objects.filter(assessment__enterprise=ent).select_related("assessment")
    return render(
        request,
        "evaluation/compare.html",
        {"ent": ent, "c": data, "tasks": _page(request, tasks), "today": clock.today()},
    )


# Quality economics -------------------------------------------------------------------------------


QUALITY_FORMS = {
    "account": (forms.AccountForm, services.account_create),
    "cost": (forms.CostForm, services.cost_set),
    "revenue": (forms.RevenueForm, services.revenue_set),
    "target": (forms.TargetForm, services.target_set),
}


def _quality_forms(ent: Enterprise, post: Any = None, which: str = "") -> dict[str, Any]:
    accounts = selectors.accounts(ent)
    made = {}
    for name, (cls, _fn) in QUALITY_FORMS.items():
        data = post if name == which else None
        kwargs: dict[str, Any] = {"accounts": accounts} if name == "cost" else {}
        made[name] = cls(data, prefix=name, **kwargs)
    made["import"] = forms.ImportForm(prefix="import")
    return made


def _category_labels(ent: Enterprise) -> dict[str, str]:
    src = selectors.economics(ent, clock.today())
    labels = {c: str(label) for c, label in Category.choices}
    if src:
        labels.update({c.code: c.label for c in src.section.categories})
    return labels


def _import(request: AuthedHttpRequest, ent: Enterprise, what: str) -> list[dict[str, Any]]:
    upload = request.FILES.get("import-file") or request.FILES.get("file")
    if upload is None or (upload.size or 0) > 5 * 1024 * 1024:
        return [{"row": "—", "field": _("文件"), "message": _("请选择不超过 5 MB 的 xlsx 文件")}]
    fn = services.losses_import if what == "losses" else services.costs_import
    try:
        n = fn(actor=request.user, enterprise=ent, content=upload.read())
    except services.ImportErrors as exc:
        return exc.report
    except ValidationError as exc:
        return [{"row": "—", "field": _("文件"), "message": m} for m in exc.messages]
    messages.success(request, _("已导入 %(n)s 行") % {"n": n})
    return []


def _plan_data(post: Any) -> dict[str, Any]:
    items = {k[len("plan_") :]: v for k, v in post.items() if k.startswith("plan_")}
    return {"year": post.get("plan-year", ""), "items": items}


def _plan_context(request: HttpRequest, ent: Enterprise, src: Any) -> dict[str, Any]:
    value = request.GET.get("plan_year", "") or request.POST.get("plan-year", "")
    year = int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else clock.today().year
    management = src.section.management if src else None
    plan = selectors.cost_plan(ent, year)
    texts = {i["label"]: i["text"] for i in plan.items} if plan else {}
    rows = [
        (chr(ord("a") + n), label, texts.get(label, ""))
        for n, label in enumerate(management.items if management else [])
    ]
    return {"plan_year": year, "plan_rows": rows}


@login_required
def quality(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    can = selectors.can_write(request.user, ent)
    which = request.POST.get("form", "")
    made = _quality_forms(ent, request.POST, which)
    report: list[dict[str, Any]] = []
    plan_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not can:
            return HttpResponse(status=403)
        if which == "plan":
            try:
                services.plan_set(actor=request.user, enterprise=ent, data=_plan_data(request.POST))
            except ValidationError as exc:
                plan_errors = _errors_by_key(exc)
            else:
                messages.success(request, _("已保存"))
                return redirect(
                    reverse("evaluation:quality", args=[ent.uscc])
                    + f"?plan_year={request.POST.get('plan-year', '')}#plan"
                )
        elif which == "import":
            report = _import(request, ent, request.POST.get("import-what", "costs"))
            if not report:
                return redirect("evaluation:quality", uscc=ent.uscc)
        elif which in QUALITY_FORMS:
            form, fn = made[which], QUALITY_FORMS[which][1]
            if form.is_valid():
                try:
                    fn(actor=request.user, enterprise=ent, data=form.cleaned_data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("已保存"))
                    return redirect("evaluation:quality", uscc=ent.uscc)
    labels = _category_labels(ent)
    year, category = _year_param(request), request.GET.get("category", "")
    category = category if category in Category.values else ""
    entries = _sorted(request, selectors.cost_entries(ent, year=year, category=category), "costs")
    if request.GET.get("export") == "xlsx":
        rows = (
            (e.year, e.quarter, labels[e.account.category], e.account.name, str(e.amount), e.note)
            for e in entries
        )
        return _xlsx(request, "quality-costs", services.COST_HEADERS, rows)
    summary = selectors.cost_summary(ent)
    src = selectors.economics(ent, clock.today())
    return render(
        request,
        "evaluation/quality.html",
        {
            "ent": ent,
            "can": can,
            "forms": made,
            "report": report,
            "which": which,
            "labels": labels,
            "categories": list(labels.items()),
            "summary": summary,
            "chart": selectors.chart_data(summary, labels),
            "period_rows": selectors.period_rows(summary),
            "form_list": [
                ("cost", _("填报质量成本"), made["cost"]),
                ("account", _("设置质量成本科目"), made["account"]),
                ("revenue", _("填报营业收入"), made["revenue"]),
                ("target", _("质量成本目标"), made["target"]),
                ("import", _("从 xlsx 导入"), made["import"]),
            ],
            "page": _page(request, entries),
            "src": src,
            "plan_errors": plan_errors,
            "sorts": [
                ("-period", _("期间由近到远")),
                ("period", _("期间由远到近")),
                ("-amount", _("金额由高到低")),
                ("amount", _("金额由低到高")),
            ],
            **_plan_context(request, ent, src),
        },
    )


@login_required
def losses(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    can = selectors.can_write(request.user, ent)
    src = selectors.economics(ent, clock.today())
    kinds = [(k.code, k.label) for k in src.section.loss_kinds] if src else []
    form = forms.LossForm(request.POST if request.POST.get("form") == "loss" else None, kinds=kinds)
    report: list[dict[str, Any]] = []
    if request.method == "POST":
        if not can:
            return HttpResponse(status=403)
        if request.POST.get("form") == "import":
            report = _import(request, ent, "losses")
            if not report:
                return redirect("evaluation:losses", uscc=ent.uscc)
        elif form.is_valid():
            try:
                services.loss_create(actor=request.user, enterprise=ent, data=form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("evaluation:losses", uscc=ent.uscc)
    g = request.GET
    qs = selectors.losses(
        ent,
        year=_year_param(request),
        kind=g.get("kind", "")[:40],
        effect=g.get("effect", "") if g.get("effect", "") in QualityLoss.Effect.values else "",
    )
    qs = _sorted(request, qs, "losses")
    if g.get("export") == "xlsx":
        rows = (
            (
                x.occurred_on.isoformat(),
                x.kind_label,
                x.get_effect_display(),
                str(x.amount),
                x.description,
            )
            for x in qs
        )
        return _xlsx(request, "quality-losses", services.LOSS_HEADERS, rows)
    return render(
        request,
        "evaluation/losses.html",
        {
            "ent": ent,
            "can": can,
            "form": form,
            "report": report,
            "kinds": kinds,
            "effects": QualityLoss.Effect.choices,
            "page": _page(request, qs),
            "src": src,
            "import_form": forms.ImportForm(),
            "sorts": [
                ("-date", _("日期由近到远")),
                ("date", _("日期由远到近")),
                ("-amount", _("金额由高到低")),
                ("amount", _("金额由低到高")),
            ],
        },
    )


@login_required
@require_POST
def loss_delete(request: AuthedHttpRequest, uscc: str, public_id: Any) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    loss = selectors.losses(ent).filter(public_id=public_id).first()
    if loss is None:
        return HttpResponse(status=404)
    if not selectors.can_write(request.user, ent):
        return HttpResponse(status=403)
    services.loss_delete(actor=request.user, loss=loss)
    messages.success(request, _("已删除"))
    return redirect("evaluation:losses", uscc=ent.uscc)
