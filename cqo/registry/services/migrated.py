"""Appointments filed before the platform and migrated from a province's archive (历史数据迁移):
recorded under their original filing number, filing authority and dates, never as if filed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import diff, snapshot
from cqo.lib import clock, dates
from cqo.lib.bounds import max_length, too_long
from cqo.reference import enums
from cqo.reference.models import Region
from cqo.registry import facts, rules
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.registry.services._common import APPOINTMENT_FIELDS, Errors, model_errors
from cqo.registry.services.filings import _appointment_audit, _check_dates

# What an archive does not record of a filing is left empty rather than guessed: the appointing
# authority and the selection method (hangzhou-spec 聘用), the form's date, the declarations.
NOT_IN_ARCHIVES = ("appointing_authority", "selection_method")


class MigrationConflict(ValidationError):
    """The archive contradicts what is recorded (another chief CQO in office on the same days, a
    filing number taken): reported as a conflict, never resolved by guessing."""


@dataclass(frozen=True, kw_only=True)
class MigratedAppointment:
    """What an archive holds of a filed appointment. ``filing_authority`` is the region of the
    market regulation bureau it was filed with (None: the enterprise's own, by default its
    county's, as the live workflow files it); ``ended_on`` and ``end_reason`` come together."""

    enterprise: Enterprise
    person: Person
    post: str
    rank: str
    start_date: dt.date
    term_end: dt.date | None = None
    filing_number: str
    filed_on: dt.date
    filing_authority: Region | None = None
    ended_on: dt.date | None = None
    end_reason: str = ""
    end_note: str = ""


def filed_at(day: dt.date) -> dt.datetime:
    """The original filing day as the platform stores a filing time: the start of that day in
    the platform's time zone, so every count by local date or year reads the original day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _in_subtree(authority: Region, region: Region) -> bool:
    if authority.level == Region.Level.PROVINCE:
        return region.province_code == authority.code
    if authority.level == Region.Level.CITY:
        return region.city_code == authority.code
    return region.code == authority.code


def _check_filing(errors: Errors, terms: MigratedAppointment, authority: Region) -> None:
    problem = rules.legacy_filing_number_problem(
        terms.filing_number, max_length(Appointment, "filing_number")
    )
    if problem:
        errors.add("filing_number", problem)
    if message := dates.EVENT.error(terms.filed_on, _("备案日期")):
        errors.add("filed_on", message)
    elif terms.filed_on > clock.today():
        errors.add("filed_on", _("备案日期不能晚于今天"))
    else:
        # the live workflow files an appointment once it is recorded, and records one starting
        # at most this far ahead (a platform default, no document's)
        ahead = settings.CQO_START_DATE_MAX_AHEAD_DAYS
        if terms.filed_on < terms.start_date - dt.timedelta(days=ahead):
            errors.add(
                "filed_on",
                _("备案日期不能早于聘任日期 %(days)d 天以上（平台默认，非文件规定）")
                % {"days": ahead},
            )
    if not _in_subtree(authority, terms.enterprise.region):
        errors.add("filing_authority", _("备案机关的辖区不包含该企业所在地"))


def _check_end(errors: Errors, terms: MigratedAppointment) -> None:
    """The end as ``appointment_end`` checks it: a reason from the list, a day on or after the
    start and not in the future, a note within its limit."""
    if terms.ended_on is None:
        if terms.end_reason:
            errors.add("ended_on", _("填写了终止原因，请同时填写终止日期"))
        if terms.end_note:
            errors.add("ended_on", _("填写了终止说明，请同时填写终止日期"))
        return
    if not terms.end_reason:
        errors.add("end_reason", _("请填写终止原因"))
    elif terms.end_reason not in enums.EndReason.values:
        errors.add("end_reason", _("终止原因取值无效"))
    if message := dates.EVENT.error(terms.ended_on, _("终止日期")):
        errors.add("ended_on", message)
    elif terms.ended_on < terms.start_date:
        errors.add("ended_on", _("终止日期不能早于聘任日期"))
    elif terms.ended_on > clock.today():
        errors.add("ended_on", _("终止日期不能在未来"))
    if message := too_long(Appointment, "end_note", terms.end_note):
        errors.add("end_note", message)


def _check_person(errors: Errors, terms: MigratedAppointment) -> None:
    # SPEC §12.15 (shaanxi-2021 §五(三), jiangsu-2020 §七): an exit listing in force ends the
    # person's active appointments and blocks new filings; an ended one is history and stays
    if terms.ended_on is None and any(
        listing.exit for listing in facts.LISTINGS(terms.person.pk, clock.today())
    ):
        errors.add("person", _("该人员已被列入“黑名单”退出名单且仍在有效期内，不能迁移为在任聘任"))


def _overlap(terms: MigratedAppointment) -> None:
    """SPEC §12.17 over the enterprise's history: no other chief CQO in office on a day this
    one is (rules.overlapping_tenure)."""
    new = rules.tenure(
        filing_number=terms.filing_number,
        start_date=terms.start_date,
        filed_on=terms.filed_on,
        ended_on=terms.ended_on,
    )
    others = (
        rules.tenure(
            filing_number=number or "",
            start_date=start,
            filed_on=timezone.localdate(filed) if filed else start,
            ended_on=ended,
        )
        for number, start, filed, ended in Appointment.objects.filter(
            enterprise=terms.enterprise,
            status__in=[Appointment.Status.FILED, Appointment.Status.ENDED],
        )
        .order_by()
        .values_list("filing_number", "start_date", "filed_at", "ended_on")
    )
    other = rules.overlapping_tenure(new, others)
    if other is not None:
        until = other.ended_on.isoformat() if other.ended_on else _("今")
        raise MigrationConflict(
            {
                "start_date": _(
                    "该企业同一时间只能有一名在任首席质量官：与备案编号 %(number)s"
                    "（%(first)s 至 %(until)s 在任）的任职期间重叠，未导入"
                )
                % {"number": other.filing_number, "first": other.first_day, "until": until}
            }
        )


@transaction.atomic
def appointment_migrate(
    *, actor: User, terms: MigratedAppointment, origin_note: str
) -> Appointment:
    """A filed appointment from a province's archive, kept with its original filing number,
    authority and dates: filed, or ended when the archive gives its end. The enterprise must lie
    in the actor's scope (a platform admin, or a regulator whose subtree holds its region); the
    post, rank and dates pass the live workflow's rules; no other chief CQO of the enterprise may
    be in office on the same days (``MigrationConflict``). It is marked ``migrated``, has no
    reviewer, verdict or snapshot, and the trail records it under the migrating user with
    ``origin_note`` (the file and row it came from)."""
    if not (actor.is_platform_admin or actor.role == Role.REGULATOR):
        raise PermissionDenied(_("只有市场监管部门和平台管理员可以迁移历史聘任备案"))
    enterprise = terms.enterprise
    if not actor.is_platform_admin and not access.region_contains(actor, enterprise.region):
        raise ValidationError({"enterprise": _("企业不在您的辖区内")})
    authority = terms.filing_authority or enterprise.region
    ended = terms.ended_on is not None
    appt = Appointment(
        enterprise=enterprise,
        person=terms.person,
        status=Appointment.Status.ENDED if ended else Appointment.Status.FILED,
        post=terms.post.strip(),
        rank=terms.rank,
        start_date=terms.start_date,
        term_end=terms.term_end,
        # the archive does not say: not claimed (the model's default claims a reporting line)
        reports_to_top=False,
        filing_number=terms.filing_number,
        filing_authority=authority,
        filed_at=filed_at(terms.filed_on),
        ended_on=terms.ended_on,
        end_reason=terms.end_reason,
        end_note=terms.end_note.strip(),
        migrated=True,
        created_by=actor,
    )
    errors = Errors()
    if not appt.post:
        errors.add("post", _("请填写聘任职务"))
    if terms.rank not in enums.PositionRank.values:
        errors.add("rank", _("职级取值无效"))
    _check_dates(errors, appt)
    _check_filing(errors, terms, authority)
    _check_end(errors, terms)
    _check_person(errors, terms)
    model_errors(
        errors,
        appt,
        exclude=[
            "enterprise",
            "person",
            "filing_authority",
            "filed_by",
            "created_by",
            "pack_version",
            "status",
            *NOT_IN_ARCHIVES,
        ],
    )
    errors.raise_if_any()
    _overlap(terms)
    try:
        # the unique filing number and the one-filed-chief index are the last word on a race
        with transaction.atomic():
            appt.save()
    except IntegrityError as exc:
        if Appointment.objects.filter(filing_number=terms.filing_number).exists():
            raise MigrationConflict({"filing_number": _("备案编号已存在")}) from exc
        raise MigrationConflict(
            {"start_date": _("该企业已有已备案的在任首席质量官，未导入")}
        ) from exc
    _appointment_audit(actor, appt, "create", _changes(appt), note=origin_note)
    return appt


def _changes(appt: Appointment) -> dict[str, Any]:
    changes: dict[str, Any] = diff({}, snapshot(appt, APPOINTMENT_FIELDS))
    filing = {
        "status": appt.status,
        "filing_number": appt.filing_number,
        "filing_authority": appt.filing_authority_id,
        "filed_at": timezone.localdate(appt.filed_at).isoformat() if appt.filed_at else None,
        "ended_on": appt.ended_on.isoformat() if appt.ended_on else None,
        "end_reason": appt.end_reason,
        "end_note": appt.end_note,
        "migrated": True,
    }
    changes.update(diff({}, filing))
    return changes
