"""Talent-pool pages: search CQOs in scope (with export), recommend, and the province decides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.selectors import audit_trail
from cqo.lib.bounds import max_length
from cqo.lib.forms import BootstrapForm, apply_errors
from cqo.reference.selectors import region_label
from cqo.registry import selectors as registry
from cqo.registry.views._common import PAGE_SIZE, xlsx_response
from cqo.talent import index, selectors, services
from cqo.talent.models import TalentEntry


class RecommendForm(BootstrapForm):
    reason = forms.CharField(
        label=gettext_lazy("推荐理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length(TalentEntry, "reason"),
    )


class DecideForm(BootstrapForm):
    note = forms.CharField(
        label=gettext_lazy("决定说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=max_length(TalentEntry, "decision_note"),
    )


def _filters(request: AuthedHttpRequest) -> dict[str, Any]:
    g = request.GET
    years = g.get("min_years", "").strip()
    return {
        "q": g.get("q", "").strip()[:50],
        "region": g.get("region", "").strip()[:6],
        "industry": g.get("industry", "").strip()[:4],
        "min_years": int(years) if years.isdigit() and int(years) <= 60 else None,
        "state": g.get("state", "")
        if g.get("state", "") in ("recommended", "admitted", "declined", "none")
        else "",
        "training": g.get("training", "") if g.get("training", "") in ("yes", "no") else "",
        "level": g.get("level", "") if g.get("level", "") in index.LEVELS else "",
    }


@login_required
def talent_search(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.may_search_pages(request.user):
        raise PermissionDenied
    f = _filters(request)
    qs = selectors.search(user=request.user, **f)
    if request.GET.get("export") == "xlsx":
        return _search_xlsx(request, qs)
    found = cast(Sequence[Any], qs)  # count() and slices, as Paginator reads them
    page: Page[Any] = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    for p in page:  # the place the search filters on (cqo/talent/index/)
        p.place_label = region_label(p.enterprise_region or p.region_id)
        # the 推荐 link only where the recommend page serves the viewer
        p.may_recommend = not p.pool_state and selectors.may_recommend(request.user, p)
    states = dict(TalentEntry.State.choices)
    return render(
        request,
        "talent/search.html",
        {"page": page, "f": f, "states": states, "levels": list(index.LEVELS)},
    )


def _search_xlsx(request: AuthedHttpRequest, qs: selectors.Found) -> HttpResponse:
    states = dict(TalentEntry.State.choices)
    rows = (_search_row(p, states) for p in qs.iterator())
    return xlsx_response(request, "talent-pool", _search_headers(), rows, "talent_pool")


def _search_headers() -> list[str]:
    return [
        _("姓名"),
        _("质量工作年限"),
        _("学历"),
        _("企业"),
        _("行政区划"),
        _("行业"),
        _("培训合格证"),
        _("能力等级"),
        _("人才库状态"),
    ]


def _search_row(p: Any, states: dict[str, Any]) -> tuple[Any, ...]:
    # the annotations of selectors.search
    ann = {k: getattr(p, k) for k in selectors.ANNOTATIONS}
    return (
        p.name,
        p.quality_years,
        p.get_education_display(),
        ann["enterprise_name"] or "",
        region_label(ann["enterprise_region"] or p.region_id),
        ann["enterprise_industry"] or "",
        _("有") if ann["certified_training"] else _("无"),
        ann["certified_level"] or "",
        str(states.get(ann["pool_state"], _("未推荐"))),
    )


@login_required
def recommend(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    person = registry.person_get(user=request.user, public_id=public_id)
    if not selectors.may_recommend(request.user, person):
        raise PermissionDenied
    form = RecommendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.recommend(
                actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已推荐入选人才库"))
            return redirect("talent:entry_detail", public_id=entry.public_id)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("推荐入选人才库"), "object": person},
    )


@login_required
def entry_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, public_id=public_id)
    return render(
        request,
        "talent/entry_detail.html",
        {
            "e": entry,
            "person_link": selectors.may_open_person(request.user, entry.person),
            "can_decide": selectors.can_decide(request.user, entry)
            and entry.state == TalentEntry.State.RECOMMENDED,
            "form": DecideForm(),
            "trail": audit_trail(target_type="talent_entry", target_id=str(entry.public_id)),
        },
    )


@login_required
@require_POST
def entry_decide(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, public_id=public_id)
    form = DecideForm(request.POST)
    form.is_valid()
    try:
        services.decide(
            actor=request.user,
            entry=entry,
            admit=request.POST.get("decision") == "admit",
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        for msgs in exc.message_dict.values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.success(request, _("已作出入库决定"))
    return redirect("talent:entry_detail", public_id=entry.public_id)
