"""Pages of the warning and exit listings: list and export, issue, detail with revocation, end
date and appeals, the scoped evidence downloads, and the public notice (no login)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.documents import document_response
from cqo.audit.services import audit_record
from cqo.blacklist import forms, selectors, services
from cqo.blacklist.models import Appeal, Listing
from cqo.lib import clock
from cqo.lib.excel import xlsx_bytes
from cqo.lib.forms import apply_errors
from cqo.reference.selectors import region_label
from cqo.registry import selectors as registry_selectors
from cqo.registry.forms import region_filter_options
from cqo.registry.models import Person

PAGE_SIZE = 25


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _may_issue(user: Any) -> bool:
    return user.is_platform_admin or user.role == Role.REGULATOR


# List and export ------------------------------------------------------------------------------


def _export(request: AuthedHttpRequest, qs: Any) -> HttpResponse:
    today = clock.today()
    rows = (_export_row(item, today) for item in qs.iterator(chunk_size=2000))
    audit_record(
        actor=request.user,
        action="export",
        target_type=selectors.LISTING,
        target_id="*",
        note=request.GET.urlencode(),
    )
    response = HttpResponse(
        xlsx_bytes(_export_headers(), rows, sheet="blacklist"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="blacklist-{stamp}.xlsx"'
    return response


def _export_headers() -> list[str]:
    return [
        _("姓名"),
        _("身份证号"),
        _("类别"),
        _("状态"),
        _("列入原因"),
        _("事故情况"),
        _("发布机关"),
        _("发布机关辖区"),
        _("起始日期"),
        _("截止日期"),
        _("公开公示"),
        _("撤销时间"),
        _("撤销原因"),
        _("事故发生日期"),
    ]


def _export_row(item: Listing, today: dt.date) -> tuple[Any, ...]:
    """One listing as its export row, its state as of ``today``."""
    return (
        item.person.name,
        item.person.id_number_masked,
        item.get_kind_display(),
        str(Listing.State(item.state_on(today)).label),
        item.reason,
        item.accident,
        item.authority_name,
        region_label(item.region_id),
        item.start_date.isoformat(),
        item.end_date and item.end_date.isoformat(),
        item.public,
        item.revoked_at and timezone.localtime(item.revoked_at).strftime("%Y-%m-%d %H:%M"),
        item.revoke_reason,
        item.accident_date and item.accident_date.isoformat(),
    )


@login_required
def listing_list(request: AuthedHttpRequest) -> HttpResponse:
    g = request.GET
    kind = g.get("kind", "") if g.get("kind", "") in Listing.Kind.values else ""
    state = g.get("state", "") if g.get("state", "") in Listing.State.values else ""
    qs = selectors.listing_list(
        user=request.user,
        kind=kind,
        state=state,
        appeal=g.get("appeal", "") if g.get("appeal", "") in Appeal.Status.values else "",
        q=g.get("q", "").strip()[:50],
        region=g.get("region", "").strip()[:6],
    ).order_by("-start_date", "-pk")
    if g.get("export") == "xlsx":
        return _export(request, qs)
    return render(
        request,
        "blacklist/listing_list.html",
        {
            "page": _page(request, qs),
            "kinds": Listing.Kind.choices,
            "states": Listing.State.choices,
            "region_options": region_filter_options(request.user),
            "can_create": _may_issue(request.user),
        },
    )


# Issue ----------------------------------------------------------------------------------------


@login_required
def listing_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not _may_issue(user):
        raise PermissionDenied
    person = _known_person(request)
    form = _listing_form(request, person)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(actor=user, terms=form.terms(), person=person)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已列入名单"))
            return redirect("blacklist:listing_detail", public_id=listing.public_id)
    return _listing_create_page(request, form, person)


def _known_person(request: AuthedHttpRequest) -> Person | None:
    """The person the listing is issued against when the page was opened from theirs
    (``?person=``), within the issuer's scope; None for a person typed into the form."""
    if not request.GET.get("person"):
        return None
    return registry_selectors.person_get(user=request.user, public_id=request.GET["person"])


def _listing_form(request: AuthedHttpRequest, person: Person | None) -> forms.ListingForm:
    user = request.user
    return forms.ListingForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "start_date": clock.today(),
            "authority_name": services.default_authority(user.region),
        },
        known_person=person is not None,
        admin=user.is_platform_admin,
    )


def _listing_create_page(
    request: AuthedHttpRequest, form: forms.ListingForm, person: Person | None
) -> HttpResponse:
    return render(
        request,
        "blacklist/form.html",
        {
            "form": form,
            "person": person,
            "title": _("列入警示或退出名单"),
            "intro": _(
                "列入依据：因责任心不强、履职不到位，造成重大质量安全事故（陕质委办〔2021〕15号"
                " 第五条（三）；苏质委办〔2020〕9号 第七条）。警示和退出均须写明事故情况、"
                "事故发生日期并上传证据材料。"
            ),
        },
    )


# Detail and its actions -----------------------------------------------------------------------


def _detail(
    request: AuthedHttpRequest, listing: Listing, status: int = 200, **bound: Any
) -> HttpResponse:
    user = request.user
    ended, ended_elsewhere = selectors.ended_appointments(user=user, listing=listing)
    appeals = list(selectors.appeal_list(user=user, listing=listing))
    pending = next((a for a in appeals if a.status == Appeal.Status.PENDING), None)
    can_manage = selectors.can_manage(user, listing)
    revoked = listing.revoked_at is not None
    ctx = {
        "listing": listing,
        "state": listing.state,
        "region_label": region_label(listing.region_id),
        "person_visible": registry_selectors.person_visible(user=user, person=listing.person),
        "ended": ended,
        "ended_elsewhere": ended_elsewhere,
        "appeals": appeals,
        "pending": pending,
        "can_manage": can_manage and not revoked,
        "can_appeal": selectors.can_appeal(user, listing) and not revoked and pending is None,
        "can_decide": can_manage and pending is not None,
        "trail": selectors.listing_trail(user=user, listing=listing)[:100],
        "revoke_form": bound.get("revoke_form") or forms.RevokeForm(prefix="revoke"),
        "end_form": bound.get("end_form")
        or forms.EndDateForm(prefix="end", initial={"end_date": listing.end_date}),
        "appeal_form": bound.get("appeal_form") or forms.AppealForm(prefix="appeal"),
        "decide_form": bound.get("decide_form") or forms.DecideForm(prefix="decide"),
    }
    return render(request, "blacklist/listing_detail.html", ctx, status=status)


@login_required
def listing_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _detail(request, selectors.listing_get(user=request.user, public_id=public_id))


@login_required
def listing_evidence(request: AuthedHttpRequest, public_id: uuid.UUID) -> FileResponse:
    """Evidence is served only inside the listing's scope, never from a public media URL."""
    listing = selectors.listing_get(user=request.user, public_id=public_id)
    return document_response(
        user=request.user,
        file=listing.evidence,
        target_type=selectors.LISTING,
        target_id=str(listing.public_id),
        target_repr=str(listing),
        what=_("证据材料"),
    )


@login_required
@require_POST
def listing_revoke(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    listing = selectors.listing_get(user=request.user, public_id=public_id)
    if not selectors.can_manage(request.user, listing):
        raise PermissionDenied
    form = forms.RevokeForm(request.POST, prefix="revoke")
    if form.is_valid():
        try:
            services.listing_revoke(
                actor=request.user, listing=listing, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("名单已撤销"))
            return redirect("blacklist:listing_detail", public_id=listing.public_id)
    return _detail(request, listing, status=422, revoke_form=form)


@login_required
@require_POST
def listing_end_date(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    listing = selectors.listing_get(user=request.user, public_id=public_id)
    if not selectors.can_manage(request.user, listing):
        raise PermissionDenied
    form = forms.EndDateForm(request.POST, prefix="end")
    if form.is_valid():
        try:
            services.listing_set_end_date(
                actor=request.user,
                listing=listing,
                end_date=form.cleaned_data["end_date"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("截止日期已更新"))
            return redirect("blacklist:listing_detail", public_id=listing.public_id)
    return _detail(request, listing, status=422, end_form=form)


@login_required
@require_POST
def appeal_create(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    listing = selectors.listing_get(user=request.user, public_id=public_id)
    if not selectors.can_appeal(request.user, listing):
        raise PermissionDenied
    form = forms.AppealForm(request.POST, request.FILES, prefix="appeal")
    if form.is_valid():
        try:
            services.appeal_create(
                actor=request.user,
                listing=listing,
                grounds=form.cleaned_data["grounds"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("申诉已提交，请等待发布机关决定"))
            return redirect("blacklist:listing_detail", public_id=listing.public_id)
    return _detail(request, listing, status=422, appeal_form=form)


@login_required
@require_POST
def appeal_decide(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, public_id=public_id)
    if not selectors.can_manage(request.user, appeal.listing):
        raise PermissionDenied
    form = forms.DecideForm(request.POST, prefix="decide")
    if form.is_valid():
        try:
            services.appeal_decide(
                actor=request.user,
                appeal=appeal,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("申诉已决定"))
            return redirect("blacklist:listing_detail", public_id=appeal.listing.public_id)
    return _detail(request, appeal.listing, status=422, decide_form=form)


@login_required
def appeal_attachment(request: AuthedHttpRequest, public_id: uuid.UUID) -> FileResponse:
    appeal = selectors.appeal_get(user=request.user, public_id=public_id)
    return document_response(
        user=request.user,
        file=appeal.attachment,
        target_type=selectors.APPEAL,
        target_id=str(appeal.public_id),
        target_repr=str(appeal),
        what=_("申诉材料"),
    )


# Public notice --------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    """公示 (SPEC §1 "public"): published listings, without ID numbers or any contact detail."""
    section = "past" if request.GET.get("section") == "past" else "current"
    q = request.GET.get("q", "").strip()[:50]
    page = _page(request, selectors.public_list(section=section, q=q))
    served = selectors.served_at(list(page))
    for item in page:
        item.served_at = served.get(item.pk, "")
    return render(request, "blacklist/public_list.html", {"page": page, "section": section})
