"""Pages of quality economics (shenzhen-guide §5.7): quality cost with its accounts, revenue,
targets and management record, quality losses, and their xlsx import and export."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.evaluation import forms, inputs, selectors, services
from cqo.evaluation.models import Category, QualityLoss
from cqo.evaluation.views.common import (
    errors_by_key,
    paged,
    prefixed,
    sorted_by,
    submit,
    xlsx,
    year_param,
)
from cqo.lib import clock
from cqo.registry.models import Enterprise

UPLOAD_MAX = 5 * 1024 * 1024
QUALITY_FORMS: dict[str, tuple[type[forms.TermsForm], Callable[..., object]]] = {
    "account": (forms.AccountForm, services.account_create),
    "cost": (forms.CostForm, services.cost_set),
    "revenue": (forms.RevenueForm, services.revenue_set),
    "target": (forms.TargetForm, services.target_set),
}
Outcome = HttpResponse | dict[str, Any]
LOSS_SORTS = [
    ("-date", gettext_lazy("日期由近到远")),
    ("date", gettext_lazy("日期由远到近")),
    ("-amount", gettext_lazy("金额由高到低")),
    ("amount", gettext_lazy("金额由低到高")),
]


def _quality_forms(ent: Enterprise, post: Any, which: str) -> dict[str, Any]:
    made: dict[str, Any] = {}
    for name, (cls, _write) in QUALITY_FORMS.items():
        data = post if name == which else None
        made[name] = (
            cls(data, prefix=name, enterprise=ent) if name == "cost" else cls(data, prefix=name)
        )
    made["import"] = forms.ImportForm(prefix="import")
    return made


def _import(request: AuthedHttpRequest, ent: Enterprise, what: str) -> list[dict[str, Any]]:
    upload = request.FILES.get("import-file") or request.FILES.get("file")
    if upload is None or (upload.size or 0) > UPLOAD_MAX:
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


def _plan(request: AuthedHttpRequest, ent: Enterprise) -> Outcome:
    post = request.POST
    try:
        terms = inputs.parsed(inputs.read_plan, post.get("plan-year", ""), prefixed(post, "plan_"))
        services.plan_set(actor=request.user, enterprise=ent, terms=terms)
    except ValidationError as exc:
        return {"plan_errors": errors_by_key(exc)}
    messages.success(request, _("已保存"))
    url = reverse("evaluation:quality", args=[ent.uscc])
    return redirect(f"{url}?plan_year={post.get('plan-year', '')}#plan")


def _quality_post(request: AuthedHttpRequest, ent: Enterprise, which: str, made: Any) -> Outcome:
    """One of the page's forms posted: a redirect once saved, else what shows its errors."""
    if which == "plan":
        return _plan(request, ent)
    if which == "import":
        report = _import(request, ent, request.POST.get("import-what", "costs"))
        return {"report": report} if report else redirect("evaluation:quality", uscc=ent.uscc)
    if which in QUALITY_FORMS:
        write = QUALITY_FORMS[which][1]
        saved = submit(
            request,
            made[which],
            lambda terms: write(actor=request.user, enterprise=ent, terms=terms),
        )
        if saved is not None:
            messages.success(request, _("已保存"))
            return redirect("evaluation:quality", uscc=ent.uscc)
    return {}


def _plan_context(request: HttpRequest, ent: Enterprise) -> dict[str, Any]:
    value = request.GET.get("plan_year", "") or request.POST.get("plan-year", "")
    year = int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else clock.today().year
    return {"plan_year": year, "plan_rows": selectors.plan_rows(ent, year)[1]}


def _quality_context(request: HttpRequest, ent: Enterprise, made: Any) -> dict[str, Any]:
    labels = selectors.category_labels(ent)
    summary = selectors.cost_summary(ent)
    return {
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
        "src": selectors.economics(ent, clock.today()),
        "sorts": [
            ("-period", _("期间由近到远")),
            ("period", _("期间由远到近")),
            ("-amount", _("金额由高到低")),
            ("amount", _("金额由低到高")),
        ],
        **_plan_context(request, ent),
    }


def _entries(request: HttpRequest, ent: Enterprise) -> Any:
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    qs = selectors.cost_entries(ent, year=year_param(request), category=category)
    return sorted_by(request, qs, "costs")


@login_required
def quality(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    can = selectors.can_write(request.user, ent)
    which = request.POST.get("form", "")
    made = _quality_forms(ent, request.POST, which)
    outcome: Outcome = {}
    if request.method == "POST" and not can:
        return HttpResponse(status=403)
    if request.method == "POST":
        outcome = _quality_post(request, ent, which, made)
    if isinstance(outcome, HttpResponse):
        return outcome
    entries = _entries(request, ent)
    if request.GET.get("export") == "xlsx":
        rows = selectors.cost_rows(entries, selectors.category_labels(ent))
        return xlsx(request, "quality-costs", services.COST_HEADERS, rows)
    page = {"ent": ent, "can": can, "forms": made, "which": which, "page": paged(request, entries)}
    context = {"report": [], "plan_errors": {}, **_quality_context(request, ent, made), **outcome}
    return render(request, "evaluation/quality.html", {**page, **context})


def _losses(request: HttpRequest, ent: Enterprise) -> Any:
    g = request.GET
    effect = g.get("effect", "")
    qs = selectors.losses(
        ent,
        year=year_param(request),
        kind=g.get("kind", "")[:40],
        effect=effect if effect in QualityLoss.Effect.values else "",
    )
    return sorted_by(request, qs, "losses")


def _loss_post(request: AuthedHttpRequest, ent: Enterprise, form: forms.LossForm) -> Outcome:
    if request.POST.get("form") == "import":
        report = _import(request, ent, "losses")
        return {"report": report} if report else redirect("evaluation:losses", uscc=ent.uscc)
    write = lambda terms: services.loss_create(  # noqa: E731
        actor=request.user, enterprise=ent, terms=terms
    )
    if submit(request, form, write) is not None:
        messages.success(request, _("已保存"))
        return redirect("evaluation:losses", uscc=ent.uscc)
    return {}


@login_required
def losses(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    can = selectors.can_write(request.user, ent)
    kinds = selectors.loss_kinds(ent)
    form = forms.LossForm(request.POST if request.POST.get("form") == "loss" else None, kinds=kinds)
    outcome: Outcome = {}
    if request.method == "POST" and not can:
        return HttpResponse(status=403)
    if request.method == "POST":
        outcome = _loss_post(request, ent, form)
    if isinstance(outcome, HttpResponse):
        return outcome
    qs = _losses(request, ent)
    if request.GET.get("export") == "xlsx":
        return xlsx(request, "quality-losses", services.LOSS_HEADERS, selectors.loss_rows(qs))
    page = {"ent": ent, "can": can, "form": form, "page": paged(request, qs)}
    context = {
        "report": [],
        "kinds": list(kinds.items()),
        "effects": QualityLoss.Effect.choices,
        "src": selectors.economics(ent, clock.today()),
        "import_form": forms.ImportForm(),
        "sorts": LOSS_SORTS,
    }
    return render(request, "evaluation/losses.html", {**page, **context, **outcome})


@login_required
@require_POST
def loss_delete(request: AuthedHttpRequest, uscc: str, public_id: uuid.UUID) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, uscc=uscc)
    loss = selectors.losses(ent).filter(public_id=public_id).first()
    if loss is None:
        return HttpResponse(status=404)
    if not selectors.can_write(request.user, ent):
        return HttpResponse(status=403)
    services.loss_delete(actor=request.user, loss=loss)
    messages.success(request, _("已删除"))
    return redirect("evaluation:losses", uscc=ent.uscc)
