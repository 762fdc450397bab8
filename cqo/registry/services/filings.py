"""Appointments and their filing workflow, and the filing form data (SPEC §3, §12.11, §12.17)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record, diff, snapshot
from cqo.lib import clock, uploads
from cqo.policy import rules as policy
from cqo.policy.selectors import cite
from cqo.reference import enums, validators
from cqo.reference.models import Region
from cqo.registry import notices, rules, selectors
from cqo.registry.inputs import AppointmentTerms, given
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.registry.services._common import (
    APPOINTMENT_FIELDS,
    Data,
    Errors,
    model_errors,
    text,
    transition_note,
)
from cqo.registry.services.declarations import record_declarations

# Appointments and filing ------------------------------------------------------------------------


Given = Callable[[str], bool]


def _apply_appointment(errors: Errors, appt: Appointment, data: Data, *, partial: bool) -> None:
    def given(key: str) -> bool:
        return not partial or key in data

    _apply_post(appt, data, given)
    _apply_departments_led(errors, appt, data, given)
    _apply_dates(errors, appt, data, given)
    _apply_authorisation_scan(errors, appt, data, given)
    _check_dates(errors, appt)
    model_errors(
        errors,
        appt,
        exclude=[
            "enterprise",
            "person",
            "filing_authority",
            "filed_by",
            "created_by",
            "authorisation_scan",
            "status",
        ],
    )


def _apply_post(appt: Appointment, data: Data, given: Given) -> None:
    """The post's texts and its two yes-or-no answers (reporting line, declaration)."""
    for key in (
        "post",
        "rank",
        "concurrent_role",
        "appointing_authority",
        "selection_method",
        "assessment_result",
        "treatment",
        "duties",
        "powers",
        "remarks",
        "justification",
    ):
        if given(key):
            setattr(appt, key, text(data, key))
    for key in ("reports_to_top", "declaration_confirmed"):
        if given(key):
            setattr(appt, key, bool(data.get(key)))


def _apply_departments_led(errors: Errors, appt: Appointment, data: Data, given: Given) -> None:
    """The departments led, a list or a comma-separated text, kept in the enumeration's order."""
    if not given("departments_led"):
        return
    depts = data.get("departments_led") or []
    if isinstance(depts, str):
        depts = [d for d in depts.split(",") if d]
    bad = [d for d in depts if d not in enums.LedDepartment.values]
    if bad:
        errors.add("departments_led", _("分管部门取值无效：%(v)s") % {"v": ", ".join(bad)})
    appt.departments_led = [d for d in enums.LedDepartment.values if d in depts]


def _apply_dates(errors: Errors, appt: Appointment, data: Data, given: Given) -> None:
    """The dates, as dates or ISO texts; an empty one clears the field."""
    for key in ("start_date", "term_end", "probation_end", "form_date"):
        if given(key):
            value = data.get(key)
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value) if value else None
                except ValueError:
                    errors.add(key, _("日期格式应为 YYYY-MM-DD"))
                    continue
            setattr(appt, key, value or None)


def _apply_authorisation_scan(errors: Errors, appt: Appointment, data: Data, given: Given) -> None:
    """The scanned letter of authorisation, a document upload checked like any other."""
    if given("authorisation_scan") and data.get("authorisation_scan") is not None:
        try:
            uploads.check_document(data["authorisation_scan"])
        except ValidationError as exc:
            errors.add("authorisation_scan", exc)
        else:
            appt.authorisation_scan = data["authorisation_scan"]


@dataclass(frozen=True)
class TermDates:
    """The dates ``_check_dates`` reads, for a caller with no appointment to hand (an archive's
    rows are checked before any is built)."""

    start_date: dt.date | None
    term_end: dt.date | None = None
    probation_end: dt.date | None = None
    form_date: dt.date | None = None


def _check_dates(errors: Errors, appt: Appointment | TermDates) -> None:
    """The term, the probation and the form's date against the start date and today."""
    if appt.start_date:
        ahead = settings.CQO_START_DATE_MAX_AHEAD_DAYS  # a platform default, no document's
        if appt.start_date > clock.today() + dt.timedelta(days=ahead):
            errors.add(
                "start_date",
                _("聘任日期不能晚于今天起 %(days)d 天（平台默认，非文件规定）") % {"days": ahead},
            )
        if appt.term_end and appt.term_end < appt.start_date:
            errors.add("term_end", _("聘期截止不能早于聘任日期"))
        if appt.probation_end and appt.probation_end < appt.start_date:
            errors.add("probation_end", _("试用期截止不能早于聘任日期"))
    if appt.form_date and appt.form_date > clock.today():
        errors.add("form_date", _("填写日期不能在未来"))


def _appointment_audit(
    actor: User, appt: Appointment, action: str, changes: dict[str, Any], note: str = ""
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="appointment",
        target_id=str(appt.public_id),
        target_repr=str(appt),
        changes=changes,
        note=note,
    )


@transaction.atomic
def appointment_create(*, actor: User, terms: AppointmentTerms) -> Appointment:
    """The clerk records an appointment of a registered person, found by ID number and name."""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id is None:
        raise PermissionDenied(_("只有企业经办人可以登记聘任信息"))
    data = given(terms)
    errors = Errors()
    person = None
    facts = errors.run("id_number", validators.validate_id_number, text(data, "id_number"))
    if facts:
        # one answer for an unknown number and a wrong name: the clerk learns nothing of a
        # person it cannot name (selectors.person_by_identity)
        person = selectors.person_by_identity(
            id_number=facts.number, name=text(data, "person_name")
        )
        if person is None:
            errors.add("id_number", str(selectors.NO_SUCH_PERSON))
    appt = Appointment(enterprise_id=actor.enterprise_id, created_by=actor)
    _apply_appointment(errors, appt, data, partial=False)
    errors.raise_if_any()
    assert person is not None  # noqa: S101  (errors raised above otherwise)
    if Appointment.objects.filter(
        enterprise_id=actor.enterprise_id,
        person=person,
        status__in=["draft", "submitted", "returned"],
    ).exists():
        raise ValidationError({"id_number": _("该人员在本企业已有未完成的聘任备案")})
    appt.person = person
    appt.save()
    _appointment_audit(actor, appt, "create", diff({}, snapshot(appt, APPOINTMENT_FIELDS)))
    return appt


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("enterprise", "person")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_update(
    *, actor: User, appointment: Appointment, terms: AppointmentTerms
) -> Appointment:
    if not access.can_manage_filing(actor, appointment):
        raise PermissionDenied(_("无权修改该聘任备案"))
    appt = _lock(appointment)
    if appt.status not in (Appointment.Status.DRAFT, Appointment.Status.RETURNED):
        raise ValidationError({"status": _("只有草稿或退回修改的备案可以修改")})
    return _update_appointment(actor, appt, given(terms))


def _update_appointment(actor: User, appt: Appointment, values: dict[str, Any]) -> Appointment:
    """Apply the given values to an editable appointment, all checked at once; save and audit
    what changed (nothing when nothing did)."""
    before = snapshot(appt, APPOINTMENT_FIELDS)
    errors = Errors()
    _apply_appointment(errors, appt, values, partial=True)
    errors.raise_if_any()
    changes = diff(before, snapshot(appt, APPOINTMENT_FIELDS))
    if changes:
        appt.save()
        _appointment_audit(actor, appt, "update", changes)
    return appt


def _raise_blocking(checks: list[rules.Check], verdict: policy.Verdict, justification: str) -> None:
    # the messages cite the documents as users read them (SPEC §12.24)
    problems = [
        f"{c.label}（{cite(c.clause) or _('平台规则')}）{('：' + c.detail) if c.detail else ''}"
        for c in rules.blocking_failures(checks)
    ]
    problems += [
        _("%(label)s（%(clause)s）：要求%(expected)s，实际%(actual)s")
        % {
            "label": r.label,
            "clause": cite(r.clause) or _("平台规则"),
            "expected": r.expected,
            "actual": r.actual,
        }
        for r in verdict.blocking
    ]
    errors: dict[str, list[str]] = {}
    if problems:
        errors["__all__"] = problems
    if verdict.needing_justification and not justification.strip():
        errors["justification"] = [
            _("以下条件未满足，须填写书面说明：%(list)s")
            % {
                "list": "；".join(
                    _("%(label)s（%(clause)s，要求%(expected)s，实际%(actual)s）")
                    % {
                        "label": r.label,
                        "clause": cite(r.clause) or _("平台规则"),
                        "expected": r.expected,
                        "actual": r.actual,
                    }
                    for r in verdict.needing_justification
                )
            }
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def filing_submit(*, actor: User, appointment: Appointment) -> Appointment:
    if not access.can_manage_filing(actor, appointment):
        raise PermissionDenied(_("无权提交该聘任备案"))
    appt = _lock(appointment)
    if appt.status not in (Appointment.Status.DRAFT, Appointment.Status.RETURNED):
        raise ValidationError({"status": _("只有草稿或退回修改的备案可以提交")})
    if appt.preparation == Appointment.Preparation.ENTERPRISE:
        # SPEC §12.23: the enterprise confirms what the person filled in before submitting it
        raise ValidationError({"preparation": _("请先确认首席质量官本人填写的备案信息")})
    gov, verdict = selectors.eligibility(appt)
    _raise_blocking(selectors.filing_checks(appt), verdict, appt.justification)
    before = appt.status
    before_pack = appt.pack_version
    appt.status = Appointment.Status.SUBMITTED
    appt.submitted_at = timezone.now()
    appt.form_date = appt.form_date or clock.today()
    appt.pack_version = gov.version
    appt.verdict = selectors.verdict_record(gov, verdict, appt)
    appt.review_stage = ""
    appt.save(
        update_fields=[
            "status",
            "submitted_at",
            "form_date",
            "pack_version",
            "verdict",
            "review_stage",
            "updated_at",
        ]
    )
    changes: dict[str, Any] = {"status": [before, appt.status]}
    if before_pack is None or before_pack.pk != gov.version.pk:
        # the trail names the document and the day it applies from (SPEC §12.24)
        label = before_pack.label if before_pack is not None else None
        changes["pack_version"] = [label, gov.version.label]
    _appointment_audit(actor, appt, "transition", changes)
    return appt


def _filing_authority(enterprise: Enterprise, route: selectors.Route, actor: User) -> Region:
    """The authority the filing is recorded with, whoever in the chain approved it: the
    county market regulation bureau of the enterprise's region by default (SPEC §3; for a city
    without counties, e.g. 东莞市, the region itself); the city in a county-then-city chain;
    the competent department's own region (shenzhen-guide §4.7)."""
    if route.step == "department" and actor.region is not None:
        return actor.region
    if route.step == "city" and enterprise.region.city_code:
        return Region.objects.get(code=enterprise.region.city_code)
    return enterprise.region


@transaction.atomic
def filing_approve(*, actor: User, appointment: Appointment, note: str = "") -> Appointment:
    """The filing authority files the appointment. 备案 is record-keeping: a complete and true
    filing is filed; only blocking checks stop it (SPEC §12.11)."""
    note = transition_note(note)
    appt = _lock(appointment)
    route = selectors.filing_route(appt)
    if not route.may_act(actor):
        raise PermissionDenied(_("该备案当前由%(who)s办理") % {"who": route.label})
    if appt.status != Appointment.Status.SUBMITTED:
        raise ValidationError({"status": _("只有待备案的聘任可以备案")})
    gov, verdict = selectors.eligibility(appt)
    _raise_blocking(selectors.filing_checks(appt), verdict, appt.justification)
    if route.authority == "county_then_city" and route.step == "county":
        # the county's check: the filing moves on to the city (each step audited)
        appt.review_stage = "county_checked"
        appt.verdict = selectors.verdict_record(gov, verdict, appt)
        appt.save(update_fields=["review_stage", "verdict", "updated_at"])
        _appointment_audit(
            actor, appt, "transition", {"review_stage": ["", "county_checked"]}, note=note
        )
        return appt
    now = timezone.now()
    appt.status = Appointment.Status.FILED
    appt.filed_at = now
    appt.filed_by = actor
    appt.verdict = selectors.verdict_record(gov, verdict, appt)
    appt.filing_authority = _filing_authority(appt.enterprise, route, actor)
    appt.filing_number = f"{appt.filing_authority_id}{timezone.localdate(now).year}{appt.pk:07d}"
    appt.return_reason = ""
    appt.snapshot = selectors.filing_form_data(appt, frozen=False)
    try:
        # The partial unique index is the last word when two approvals race (SPEC §12.17).
        with transaction.atomic():
            appt.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"__all__": [_("该企业已有已备案的在任首席质量官（SPEC §12.17）")]}
        ) from exc
    _appointment_audit(actor, appt, "transition", {"status": ["submitted", "filed"]}, note=note)
    notices.filing_filed(appt)
    return appt


@transaction.atomic
def filing_return(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    appt = _lock(appointment)
    if not selectors.filing_route(appt).may_act(actor):
        raise PermissionDenied(_("只有辖区备案机关可以退回备案"))
    if appt.status != Appointment.Status.SUBMITTED:
        raise ValidationError({"status": _("只有待备案的聘任可以退回")})
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("退回须写明需要更正的内容（至少4个字）")})
    appt.status = Appointment.Status.RETURNED
    appt.return_reason = reason
    appt.review_stage = ""
    appt.save(update_fields=["status", "return_reason", "review_stage", "updated_at"])
    _appointment_audit(
        actor, appt, "transition", {"status": ["submitted", "returned"]}, note=reason
    )
    notices.filing_returned(appt)
    return appt


@transaction.atomic
def appointment_confirm(
    *, actor: User, appointment: Appointment, declarations: tuple[str, ...] | None = None
) -> Appointment:
    """The person named confirms that the enterprise appointed them (SPEC §12.23); from then on
    the enterprise's clerk sees their contact data (access.can_see_contact). ``declarations``,
    when given, are recorded with it (level-standard §5.1.5; SPEC §12.11)."""
    if not access.is_person_named(actor, appointment):
        raise PermissionDenied(_("只有被聘任的本人可以确认聘任"))
    appt = _lock(appointment)
    if appt.status == Appointment.Status.ENDED:
        raise ValidationError({"status": _("该聘任已终止，无需确认")})
    if appt.person_confirmed_at is not None:
        raise ValidationError(
            {
                "person_confirmed_at": _("您已于%(at)s确认该聘任")
                % {"at": _local(appt.person_confirmed_at)}
            }
        )
    if declarations is not None:
        record_declarations(actor=actor, appt=appt, codes=declarations)
    appt.person_confirmed_at = timezone.now()
    appt.save(update_fields=["person_confirmed_at", "updated_at"])
    _appointment_audit(
        actor,
        appt,
        "transition",
        {"person_confirmed_at": [None, appt.person_confirmed_at.isoformat()]},
        note="本人确认聘任",
    )
    return appt


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def appointment_renew(
    *, actor: User, appointment: Appointment, term_end: dt.date | str, note: str = ""
) -> Appointment:
    """续聘: a filed appointment continues with a later term end."""
    if not access.can_manage_filing(actor, appointment):
        raise PermissionDenied(_("无权办理续聘"))
    note = transition_note(note)
    appt = _lock(appointment)
    if appt.status != Appointment.Status.FILED:
        raise ValidationError({"status": _("只有已备案的在任聘任可以续聘")})
    errors = Errors()
    if isinstance(term_end, str):
        try:
            term_end = dt.date.fromisoformat(term_end)
        except ValueError:
            errors.add("term_end", _("日期格式应为 YYYY-MM-DD"))
    errors.raise_if_any()
    assert isinstance(term_end, dt.date)  # noqa: S101
    floor = max(appt.term_end or appt.start_date, clock.today())
    if term_end <= floor:
        raise ValidationError({"term_end": _("续聘截止日期应晚于原聘期截止日期和今天")})
    before = appt.term_end
    appt.term_end = term_end
    appt.save(update_fields=["term_end", "updated_at"])
    _appointment_audit(
        actor,
        appt,
        "transition",
        {"term_end": [before and before.isoformat(), term_end.isoformat()]},
        note=f"renewed {note}".strip(),
    )
    return appt


@transaction.atomic
def appointment_end(
    *, actor: User, appointment: Appointment, ended_on: dt.date | str, reason: str, note: str = ""
) -> Appointment:
    """解聘 / 离任 / 任期届满 …: the filed appointment ends with date, reason and record."""
    if not (access.can_manage_filing(actor, appointment) or actor.is_platform_admin):
        raise PermissionDenied(_("无权终止该聘任"))
    appt = _lock(appointment)
    if appt.status != Appointment.Status.FILED:
        raise ValidationError({"status": _("只有已备案的在任聘任可以终止")})
    errors = Errors()
    if isinstance(ended_on, str):
        try:
            ended_on = dt.date.fromisoformat(ended_on)
        except ValueError:
            errors.add("ended_on", _("日期格式应为 YYYY-MM-DD"))
    if reason not in enums.EndReason.values:
        errors.add("reason", _("终止原因取值无效"))
    errors.raise_if_any()
    assert isinstance(ended_on, dt.date)  # noqa: S101
    if ended_on < appt.start_date:
        raise ValidationError({"ended_on": _("终止日期不能早于聘任日期")})
    if ended_on > clock.today():
        raise ValidationError({"ended_on": _("终止日期不能在未来")})
    appt.status = Appointment.Status.ENDED
    appt.ended_on = ended_on
    appt.end_reason = reason
    appt.end_note = (note or "").strip()
    appt.save(update_fields=["status", "ended_on", "end_reason", "end_note", "updated_at"])
    _appointment_audit(
        actor,
        appt,
        "transition",
        {"status": ["filed", "ended"], "end_reason": [None, reason]},
        note=appt.end_note,
    )
    return appt


@transaction.atomic
def appointments_end_for_exit(
    *, actor: User, person: Person, ended_on: dt.date, note: str
) -> list[Appointment]:
    """An exit listing (退出, the blacklist) in force ends the person's active appointments,
    each audited (shaanxi-2021 §五(三), jiangsu-2020 §七, SPEC §12.15). The caller (the
    blacklist service) has checked that ``actor`` may issue the listing."""
    if not (actor.role == Role.REGULATOR or actor.is_platform_admin):
        raise PermissionDenied(_("只有市场监管部门可以因列入黑名单终止聘任"))
    ended = []
    active = Appointment.objects.select_for_update().filter(
        person=person, status=Appointment.Status.FILED
    )
    for appt in active:
        appt.status = Appointment.Status.ENDED
        appt.ended_on = max(ended_on, appt.start_date)
        appt.end_reason = enums.EndReason.BLACKLIST_EXIT
        appt.end_note = note
        appt.save(update_fields=["status", "ended_on", "end_reason", "end_note", "updated_at"])
        _appointment_audit(
            actor,
            appt,
            "transition",
            {"status": ["filed", "ended"], "end_reason": [None, appt.end_reason]},
            note=note,
        )
        ended.append(appt)
    return ended
