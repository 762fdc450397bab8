"""Study-hour pages: a person's records and compliance, the regulator's compliance table, an
activity form, a record with its correction chain, and the hour proof (PDF and bundle)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cqo.accounts.models import Role, User
from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.selectors import audit_trail
from cqo.hours import printing, rules, selectors, services
from cqo.hours.models import Kind, Source, StudyRecord
from cqo.lib import clock, dates
from cqo.lib.bounds import max_length
from cqo.lib.forms import BootstrapForm, apply_errors
from cqo.policy.selectors import NoPackInForce
from cqo.reference import validators
from cqo.reference.selectors import region_label
from cqo.registry.models import Person
from cqo.registry.selectors import NO_SUCH_PERSON, person_by_identity, person_visible
from cqo.registry.views._common import PAGE_SIZE, xlsx_response

DATE = forms.DateInput(attrs={"type": "date"})


class RecordForm(BootstrapForm):
    id_number = forms.CharField(
        label=gettext_lazy("身份证号"),
        max_length=validators.ID_NUMBER_MAX_INPUT,
        required=False,
    )
    person_name = forms.CharField(
        label=gettext_lazy("姓名"),
        max_length=max_length(Person, "name"),
        required=False,
    )
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=Kind.choices)
    hours = forms.DecimalField(
        label=gettext_lazy("学时"), min_value=0, max_value=500, decimal_places=1
    )
    occurred_on = forms.DateField(label=gettext_lazy("日期"), widget=DATE, validators=[dates.EVENT])
    title = forms.CharField(
        label=gettext_lazy("课程或活动名称"),
        max_length=max_length(StudyRecord, "title"),
    )
    provider = forms.CharField(
        label=gettext_lazy("组织或发布机构"),
        max_length=max_length(StudyRecord, "provider"),
        required=False,
    )
    evidence = forms.FileField(label=gettext_lazy("证明材料"), required=False)
    note = forms.CharField(
        label=gettext_lazy("说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=max_length(StudyRecord, "note"),
    )


class CorrectForm(BootstrapForm):
    hours = forms.DecimalField(
        label=gettext_lazy("更正后学时"), min_value=0, max_value=500, decimal_places=1
    )
    note = forms.CharField(
        label=gettext_lazy("更正原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=max_length(StudyRecord, "note"),
    )


def _year(request: AuthedHttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    return min(max(year, 2000), clock.today().year)


def _person_for(request: AuthedHttpRequest) -> Person | None:
    return getattr(request.user, "person", None) if request.user.role == Role.CQO else None


@login_required
def hours_index(request: AuthedHttpRequest) -> HttpResponse:
    user, year = request.user, _year(request)
    ctx: dict[str, Any] = {"year": year, "years": range(clock.today().year, 2019, -1)}
    person = _person_for(request)
    if person is not None:
        return _mine(request, person, ctx)
    if user.role in (Role.TRAINER, Role.CERTIFIER):
        return _reported(request, ctx)
    return _overview(request, ctx)


EXCEL_ROWS = 1_048_575  # the rows an xlsx sheet holds below its header


def _reported(request: AuthedHttpRequest, ctx: dict[str, Any]) -> HttpResponse:
    """What an institution reported in the year: by learner, searchable, paged, exportable."""
    q = request.GET.get("q", "").strip()[:50]
    records = selectors.record_list(user=request.user, year=ctx["year"], q=q).order_by(
        "-occurred_on", "-pk"
    )
    if request.GET.get("export") == "xlsx":
        headers = [_("学员"), _("日期"), _("类别"), _("课程或活动名称"), _("学时"), _("存证序号")]
        rows = (
            (r.person.name, r.occurred_on, r.get_kind_display(), r.title, r.hours, r.ledger_index)
            for r in records[:EXCEL_ROWS].iterator(chunk_size=2000)
        )
        return xlsx_response(request, "reported-hours", headers, rows, "study_record")
    ctx.update(page=Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")), q=q)
    ctx.update(records=ctx["page"], show_person=True)
    return render(request, "hours/reported.html", ctx)


def _mine(request: AuthedHttpRequest, person: Person, ctx: dict[str, Any]) -> HttpResponse:
    """A CQO's own year: records, reminders and compliance against the governing pack."""
    ctx["person"] = person
    ctx["records"] = selectors.record_list(user=request.user, person=person, year=ctx["year"])
    ctx["reminders"] = selectors.reminders_for(request.user)
    try:
        ctx["compliance"] = selectors.compliance_for(person, ctx["year"])
    except NoPackInForce as exc:  # a year before any pack: say so beside the year
        ctx["error"] = exc.text()
        return render(request, "hours/mine.html", ctx, status=422)
    ctx["status"] = rules.status_label(ctx["compliance"])
    ctx["records"] = _explained(ctx["records"], ctx["compliance"])
    ctx["explain"] = any(r.not_counted is not None for r in ctx["records"])
    return render(request, "hours/mine.html", ctx)


def _explained(records: Any, compliance: rules.Compliance) -> list[Any]:
    """The year's records, each marked whether it counts toward the pack's minimum and why not
    (``not_counted``; None where no minimum is measured)."""
    regime = compliance.pack
    reasons = dict(regime.not_counted) if regime is not None else {}
    measured = bool(regime and regime.counted_kinds)
    shown = list(records)
    for r in shown:
        if not measured:
            r.not_counted = None
        elif r.superseded:
            r.not_counted = str(_("已被更正，以更正后的记录为准"))
        else:
            r.not_counted = reasons.get(r.pk, "")
    return shown


def _overview(request: AuthedHttpRequest, ctx: dict[str, Any]) -> HttpResponse:
    """The serving CQOs in the viewer's scope against their yearly hours (SPEC §5, §8)."""
    user, g = request.user, request.GET
    try:
        every = selectors.compliance_rows(
            user=user,
            year=ctx["year"],
            region=g.get("region", "").strip()[:6],
            q=g.get("q", "").strip()[:50],
            prospective=True,
        )
    except NoPackInForce as exc:  # a year before any pack: the alert over an empty table
        ctx["error"], every = exc.text(), []
    rows = [r for r in every if r.compliance.met is False] if g.get("short") == "1" else every
    if g.get("export") == "xlsx" and "error" not in ctx:
        return _compliance_xlsx(request, rows)
    ctx.update(
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(g.get("page")),
            "met": sum(1 for r in every if r.compliance.met),
            "short": sum(1 for r in every if r.compliance.met is False),
            "total": len(every),
            "q": g.get("q", ""),
            "region": g.get("region", ""),
            "short_only": g.get("short") == "1",
            "can_record": user.role in (Role.REGULATOR, Role.ENTERPRISE) or user.is_platform_admin,
        }
    )
    return render(request, "hours/compliance.html", ctx, status=422 if "error" in ctx else 200)


def _compliance_xlsx(request: AuthedHttpRequest, rows: list[Any]) -> HttpResponse:
    headers = [
        _("姓名"),
        _("企业"),
        _("行政区划"),
        _("应修学时"),
        _("已修学时"),
        # level-standard §9.4.1.2, for holders of a capability certificate
        _("认定证书继续教育应修学时"),
        _("认定证书继续教育已修学时"),
        _("应组织培训次数"),
        _("已组织培训次数"),
        _("状态"),
    ]
    return xlsx_response(
        request, "study-hours", headers, (_xlsx_row(r) for r in rows), "study_hours"
    )


def _xlsx_row(r: Any) -> tuple[Any, ...]:
    pack, more = r.compliance.pack, r.compliance.continuing
    return (
        r.person.name,
        r.enterprise,
        region_label(r.region_id),
        pack.required_hours if pack else None,
        pack.counted_hours if pack else None,
        more.required_hours if more else None,
        more.counted_hours if more else None,
        more.required_activities if more else None,
        more.counted_activities if more else None,
        rules.status_label(r.compliance),
    )


@login_required
def hours_new(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in (Role.REGULATOR, Role.ENTERPRISE, Role.CQO) and not user.is_platform_admin:
        raise PermissionDenied
    own = _person_for(request)
    form = RecordForm(request.POST or None, request.FILES or None)
    if own is not None:
        del form.fields["id_number"]
        del form.fields["person_name"]
    if request.method == "POST" and form.is_valid():
        try:
            record = _record(user, own, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("学时已登记并存证"))
            return redirect("hours:record_detail", public_id=record.public_id)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("登记学时或继续教育活动"),
            "intro": _(
                "每条记录登记后即进入学时存证日志，不能修改或删除；如有错误，请在记录页面提交更正。"
            ),
        },
    )


def _record(user: User, own: Person | None, data: dict[str, Any]) -> StudyRecord:
    """The activity the form states, for the viewer's own record or a person they name."""
    person = own or _find(user, data.get("id_number", ""), data.get("person_name", ""))
    return services.record_create(
        actor=user,
        person=person,
        kind=data["kind"],
        hours=data["hours"],
        occurred_on=data["occurred_on"],
        title=data["title"],
        source=Source.ACTIVITY,
        provider=data.get("provider") or "",
        evidence=data.get("evidence"),
        note=data.get("note") or "",
    )


def _find(user: User, id_number: str, name: str) -> Person:
    """The person named, among those ``user`` may record for; one answer for every miss
    (registry.selectors.person_by_identity)."""
    try:
        facts = validators.validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    person = person_by_identity(
        id_number=facts.number, name=name, among=services.recordable_q(user, Source.ACTIVITY)
    )
    if person is None:
        raise ValidationError({"id_number": str(NO_SUCH_PERSON)})
    return person


@login_required
def record_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    record = selectors.record_get(user=request.user, public_id=public_id)
    corrected_by = StudyRecord.objects.filter(corrects=record).first()
    return render(
        request,
        "hours/record_detail.html",
        {
            "r": record,
            "migrated": record.source == Source.MIGRATED,
            # a provider who recorded the hours sees the record, not always the person's page
            "person_link": person_visible(user=request.user, person=record.person),
            "corrected_by": corrected_by,
            "can_correct": corrected_by is None
            and services.can_record(request.user, record.person, Source.ACTIVITY)
            and request.user.role != Role.CQO,
            "correct_form": CorrectForm(initial={"hours": record.hours}),
            "trail": audit_trail(target_type="study_record", target_id=str(record.public_id)),
        },
    )


@login_required
@require_POST
def record_correct(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    record = selectors.record_get(user=request.user, public_id=public_id)
    if request.user.role == Role.CQO:
        raise PermissionDenied
    form = CorrectForm(request.POST)
    if form.is_valid():
        try:
            new = _correction_create(request, record, form)
        except ValidationError as exc:
            _flash_errors(request, exc.message_dict.values())
        else:
            messages.success(request, _("已提交更正记录并存证"))
            return redirect("hours:record_detail", public_id=new.public_id)
    else:
        _flash_errors(request, form.errors.values())
    return redirect("hours:record_detail", public_id=record.public_id)


def _correction_create(
    request: AuthedHttpRequest, record: StudyRecord, form: CorrectForm
) -> StudyRecord:
    """The record that corrects ``record``: its fields, with the hours and note of ``form``."""
    return services.record_create(
        actor=request.user,
        person=record.person,
        kind=record.kind,
        hours=form.cleaned_data["hours"],
        occurred_on=record.occurred_on,
        title=record.title,
        provider=record.provider,
        source=Source.CORRECTION,
        corrects=record,
        note=form.cleaned_data["note"],
    )


def _flash_errors(request: AuthedHttpRequest, errors: Iterable[Iterable[Any]]) -> None:
    """Each message of each field as an error message (the page redirects back)."""
    for field_errors in errors:
        for message in field_errors:
            messages.error(request, str(message))


@login_required
def record_bundle(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    record = selectors.record_get(user=request.user, public_id=public_id)
    bundle = services.proof_bundle(record)
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="hour-proof-{record.ledger_index}.json"'
    )
    return response


@login_required
def record_proof_pdf(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    """学时证明 (level-standard §10, Annex C): who, what, when, the hours and the issuer, with
    the proof itself as a QR code (the same proof is the JSON file of ``record_bundle``)."""
    record = selectors.record_get(user=request.user, public_id=public_id)
    bundle = services.proof_bundle(record)
    verify_url = request.build_absolute_uri(reverse("ledger:verify"))
    pdf = printing.render_proof(
        record, bundle, verify_url=verify_url, printed_at=timezone.localtime()
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hour-proof-{record.ledger_index}.pdf"'
    return response


@login_required
@require_POST
def reminder_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reminder = selectors.reminder_get(user=request.user, pk=pk)
    services.reminder_mark_read(actor=request.user, reminder=reminder)
    return redirect("hours:index")
