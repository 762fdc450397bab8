"""Pages that gather several apps: each role's home (工作台), the regulators' 指导督促 page and a
person's whole record. They sit at the top of the layer order so that no app below needs another
app's pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts import services as account_services
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.selectors import audit_trail
from cqo.blacklist import selectors as blacklist
from cqo.hours import rules as hour_rules
from cqo.hours import selectors as hours
from cqo.imports.legacy.selectors import legacy_origin, legacy_origins
from cqo.lib import clock
from cqo.portal.compliance import compliance_report
from cqo.portal.homes import home_context
from cqo.reference.selectors import region_label
from cqo.registry import forms as registry_forms
from cqo.registry import selectors as registry
from cqo.registry.models import Enterprise
from cqo.registry.views._common import page_of, xlsx_response
from cqo.talent.selectors import recommender_kind

# Home -------------------------------------------------------------------------------------------


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """The role's work queue (cqo.portal.homes)."""
    return render(request, "portal/home.html", home_context(request.user))


@login_required
def oversight(request: AuthedHttpRequest) -> HttpResponse:
    """指导督促 (shaanxi-2021 §五(三), jiangsu-2020 §七)."""
    if not (request.user.is_regulator or request.user.is_platform_admin):
        raise PermissionDenied
    queue = registry.oversight_queue(user=request.user)
    without = _without(request, queue["without_cqo"])
    if request.GET.get("export") == "xlsx":
        return _without_xlsx(request, without)
    year = clock.today().year
    rows = hours.compliance_rows(user=request.user, year=year)
    return render(
        request,
        "portal/oversight.html",
        {
            # SPEC §8 training compliance: serving CQOs meeting their pack's yearly 学时
            "hours_year": year,
            "hours_total": len(rows),
            "hours_met": sum(1 for r in rows if r.compliance.met),
            "hours_short": sum(1 for r in rows if r.compliance.met is False),
            "without": page_of(request, without),
            "q": request.GET.get("q", "").strip()[:50],
            "submitted": queue["submitted"][:50],
            "returned": queue["returned"][:50],
            "overdue": queue["overdue"][:50],
            # the governing pack's overdue period; a platform default, and the page says so
            "due": registry.filing_due(request.user.region, clock.today()),
            "due_days": registry.filing_due(request.user.region, clock.today()).days,
            "reminder_form": registry_forms.ReminderForm(),
        },
    )


def _without(request: AuthedHttpRequest, qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """The enterprises without a filed CQO, narrowed by name or USCC and to above-scale ones."""
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper()))
    if request.GET.get("above") == "1":
        qs = qs.filter(above_scale=True)
    return qs.select_related("region", "industry").order_by("-above_scale", "name")


def _without_xlsx(request: AuthedHttpRequest, qs: QuerySet[Enterprise]) -> HttpResponse:
    headers = [
        _("统一社会信用代码"),
        _("单位名称"),
        _("所属行政区划"),
        _("行业"),
        _("规模以上"),
        _("情况"),
    ]
    rows = (
        (
            e.uscc,
            e.name,
            region_label(e.region_id),
            e.industry.name if e.industry else "",
            e.above_scale,
            _("办理中") if getattr(e, "cqo_status", "") == "pending" else _("未登记"),
        )
        for e in qs.iterator(chunk_size=2000)
    )
    return xlsx_response(request, "without-cqo", headers, rows, "enterprise")


# A person's whole record ---------------------------------------------------------------------


@login_required
def person_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    person = registry.person_get(user=request.user, public_id=public_id)
    compliance = hours.compliance_for(person, clock.today().year)
    appointments = list(
        registry.appointment_list(user=request.user)
        .filter(person=person)
        .select_related("enterprise")
        .order_by("-start_date", "-pk")
    )
    # the appointments migrated from a province's archive: file and row (who, when) of each
    origins = legacy_origins(
        target_type="appointment", target_ids=[str(a.public_id) for a in appointments if a.migrated]
    )
    return render(
        request,
        "portal/person_detail.html",
        {
            "person": person,
            # warning and exit listings the viewer may see (shaanxi-2021 §五(三))
            "listings": blacklist.listing_list(user=request.user).filter(person=person)[:20],
            "can_list": blacklist.can_issue(request.user, person),
            "can_recommend": recommender_kind(request.user, person) is not None,
            # SPEC §5: the person's study hours this year, shown to whoever sees the person
            "compliance": compliance,
            "status": hour_rules.status_label(compliance),
            "records": hours.record_list(user=request.user, person=person)[:20],
            "region_label": region_label(person.region_id),
            "appointments": [(a, origins.get(str(a.public_id))) for a in appointments],
            "trail": audit_trail(target_type="person", target_id=str(person.public_id))[:50],
            # a person migrated from a province's archive: its file and row (who, when)
            "origin": legacy_origin(target_type="person", target_id=str(person.public_id)),
            "can_edit": access.can_edit_person(request.user, person),
            "can_reveal": access.can_reveal_personal(request.user, person, visible=True),
            "contact_visible": access.can_see_contact(request.user, person),
        },
    )


# 安全合规 ---------------------------------------------------------------------------------------


@login_required
def compliance(request: AuthedHttpRequest) -> HttpResponse:
    """The security administrator's 安全合规 page (cqo.portal.compliance): each level-3 and 密评
    control with its state now. Reading it notes the keys in use in the key register first, so
    a key put in since is listed with its age from now."""
    if not access.can_see_compliance(request.user):
        raise PermissionDenied
    account_services.keys_register()
    return render(request, "portal/compliance.html", {"report": compliance_report()})
