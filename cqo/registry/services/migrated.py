"""Appointments filed before the platform and migrated from a province's archive (历史数据迁移):
recorded under their original filing number, filing authority and dates, never as if filed here.

An archive holds tens of thousands of them, so they are written a batch at a time
(``appointments_migrate``); ``appointment_migrate`` is the same for one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import audit_records, diff, snapshot
from cqo.lib import clock, dates
from cqo.lib.bounds import max_length, too_long
from cqo.reference import enums
from cqo.reference.models import Region
from cqo.registry import facts, rules, selectors
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.registry.services._common import APPOINTMENT_FIELDS, Errors
from cqo.registry.services.filings import TermDates, _check_dates


class MigrationConflict(ValidationError):
    """The archive contradicts what is recorded (another chief CQO in office on the same days, a
    filing number taken): reported as a conflict, never resolved by guessing."""


@dataclass(frozen=True, kw_only=True)
class MigratedAppointment:
    """What an archive holds of a filed appointment. ``filing_authority`` is the region of the
    market regulation bureau it was filed with (None: the enterprise's own, by default its
    county's, as the live workflow files it); ``ended_on`` and ``end_reason`` come together.
    What an archive does not record is left empty rather than guessed: the appointing authority
    and selection method (hangzhou-spec 聘用), the form's date, the declarations."""

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
    origin_note: str = ""  # the file and row it came from, for the trail


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


# the dates' names in a message, translated only when one is wrong (checked twice on every row)
_START = gettext_lazy("聘任日期")
_TERM_END = gettext_lazy("聘期截止")
_FILED_ON = gettext_lazy("备案日期")
_ENDED_ON = gettext_lazy("终止日期")


def _range(found: dict[str, str], key: str, kind: dates.DateRange, day: Any, label: Any) -> bool:
    if message := kind.error(day, label):
        found.setdefault(key, message)
        return False
    return True


def migrated_problems(
    terms: MigratedAppointment, *, today: dt.date | None = None
) -> dict[str, str]:
    """What the live workflow's rules find wrong with a migrated appointment, by field (empty:
    nothing), without a query: the post and rank; the start date not further ahead than a new
    appointment may start, the term not ending before it (``appointment_create``); a historic
    filing number the platform can tell from its own; a filing day not in the future nor
    earlier than the live workflow could have filed it, with a bureau whose region holds the
    enterprise; an end with a reason from the list, not before the start nor in the future
    (``appointment_end``)."""
    today = today or clock.today()
    found: dict[str, str] = {}
    post = terms.post.strip()
    if not post:
        found["post"] = _("请填写聘任职务")
    elif message := too_long(Appointment, "post", post):
        found["post"] = message
    if terms.rank not in enums.PositionRank.values:
        found["rank"] = _("职级取值无效")
    start = terms.start_date
    _range(found, "start_date", dates.EVENT, start, _START)
    if terms.term_end is not None:
        _range(found, "term_end", dates.TERM, terms.term_end, _TERM_END)
    # the start and the term as a new appointment's are checked (filings.appointment_create)
    live = Errors()
    _check_dates(live, TermDates(start, terms.term_end))
    for key, messages in live.errors.items():
        found.setdefault(key, messages[0])
    # a platform default, no document's: how far ahead an appointment may start
    ahead = dt.timedelta(days=settings.CQO_START_DATE_MAX_AHEAD_DAYS)
    number = rules.legacy_filing_number_problem(
        terms.filing_number, max_length(Appointment, "filing_number")
    )
    if number:
        found["filing_number"] = number
    if _range(found, "filed_on", dates.EVENT, terms.filed_on, _FILED_ON):
        if terms.filed_on > today:
            found["filed_on"] = _("备案日期不能晚于今天")
        elif terms.filed_on < start - ahead:
            # the live workflow files an appointment once it is recorded, and records one
            # starting at most this far ahead
            found["filed_on"] = _(
                "备案日期不能早于聘任日期 %(days)d 天以上（平台默认，非文件规定）"
            ) % {"days": ahead.days}
    authority = terms.filing_authority
    if authority is not None and not _in_subtree(authority, terms.enterprise.region):
        found["filing_authority"] = _("备案机关的辖区不包含该企业所在地")
    found.update({k: v for k, v in _end_problems(terms, today).items() if k not in found})
    return found


def _end_problems(terms: MigratedAppointment, today: dt.date) -> dict[str, str]:
    found: dict[str, str] = {}
    if terms.ended_on is None:
        if terms.end_reason:
            found["ended_on"] = _("填写了终止原因，请同时填写终止日期")
        elif terms.end_note.strip():
            found["ended_on"] = _("填写了终止说明，请同时填写终止日期")
        return found
    if not terms.end_reason:
        found["end_reason"] = _("请填写终止原因")
    elif terms.end_reason not in enums.EndReason.values:
        found["end_reason"] = _("终止原因取值无效")
    if _range(found, "ended_on", dates.EVENT, terms.ended_on, _ENDED_ON):
        if terms.ended_on < terms.start_date:
            found["ended_on"] = _("终止日期不能早于聘任日期")
        elif terms.ended_on > today:
            found["ended_on"] = _("终止日期不能在未来")
    if message := too_long(Appointment, "end_note", terms.end_note.strip()):
        found["end_note"] = message
    return found


def exit_listed(entries: Sequence[MigratedAppointment], *, today: dt.date) -> frozenset[int]:
    """The persons of the still-running ``entries`` with an exit listing in force (SPEC §12.15,
    shaanxi-2021 §五(三), jiangsu-2020 §七: it ends their active appointments and blocks new
    filings; an ended appointment is history and stays), in one query."""
    running = {e.person.pk for e in entries if e.ended_on is None}
    return facts.EXIT_LISTED(running, today)


def exit_listed_message() -> str:
    return _("该人员已被列入“黑名单”退出名单且仍在有效期内，不能迁移为在任聘任")


def _tenure(terms: MigratedAppointment) -> rules.Tenure:
    return rules.tenure(
        filing_number=terms.filing_number,
        start_date=terms.start_date,
        filed_on=terms.filed_on,
        ended_on=terms.ended_on,
    )


def _check(actor: User, entries: Sequence[MigratedAppointment]) -> None:
    """Every entry as ``appointments_migrate`` takes it, or the first one's problem raised."""
    today = clock.today()
    for terms in entries:
        region = terms.enterprise.region
        if not actor.is_platform_admin and not access.region_contains(actor, region):
            raise ValidationError({"enterprise": _("企业不在您的辖区内")})
        if problems := migrated_problems(terms, today=today):
            raise ValidationError(problems)
    listed = exit_listed(entries, today=today)
    for terms in entries:
        if terms.ended_on is None and terms.person.pk in listed:
            raise ValidationError({"person": exit_listed_message()})
    numbers = [t.filing_number for t in entries]
    if (
        len(set(numbers)) != len(numbers)
        or Appointment.objects.filter(filing_number__in=numbers).exists()
    ):
        raise MigrationConflict({"filing_number": _("备案编号已存在")})
    tenures = selectors.chief_tenures({t.enterprise.pk for t in entries})
    for terms in entries:
        new = _tenure(terms)
        held = tenures[terms.enterprise.pk]
        if (other := rules.overlapping_tenure(new, held)) is not None:
            raise MigrationConflict({"start_date": rules.overlap_message(other)})
        held.append(new)


def _appointment(actor: User, terms: MigratedAppointment) -> Appointment:
    return Appointment(
        enterprise=terms.enterprise,
        person=terms.person,
        status=Appointment.Status.ENDED if terms.ended_on else Appointment.Status.FILED,
        post=terms.post.strip(),
        rank=terms.rank,
        start_date=terms.start_date,
        term_end=terms.term_end,
        # the archive does not say: not claimed (the model's default claims a reporting line)
        reports_to_top=False,
        filing_number=terms.filing_number,
        filing_authority=terms.filing_authority or terms.enterprise.region,
        filed_at=filed_at(terms.filed_on),
        ended_on=terms.ended_on,
        end_reason=terms.end_reason,
        end_note=terms.end_note.strip(),
        migrated=True,
        created_by=actor,
    )


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


@transaction.atomic
def appointments_migrate(
    *, actor: User, entries: Sequence[MigratedAppointment]
) -> list[Appointment]:
    """Filed appointments from a province's archive, written as one batch, each kept with its
    original filing number, authority and dates: filed, or ended when the archive gives its
    end. Each enterprise must lie in the actor's scope (a platform admin, or a regulator whose
    subtree holds its region); each entry must pass ``migrated_problems``; a still-running one
    may not be of a person listed for exit; its number must be new and no other chief CQO of its
    enterprise in office on its days (SPEC §12.17; earlier entries of the batch included), else
    ``MigrationConflict``. The first entry in breach stops the batch: a caller checks each
    first, as the migration does, with the same functions. Each is marked ``migrated``, has no
    reviewer, verdict or snapshot, and its creation is in the trail under the migrating user
    with its ``origin_note`` (the file and row it came from)."""
    if not (actor.is_platform_admin or actor.role == Role.REGULATOR):
        raise PermissionDenied(_("只有市场监管部门和系统管理员可以迁移历史聘任备案"))
    if not entries:
        return []
    _check(actor, entries)
    appts = [_appointment(actor, terms) for terms in entries]
    try:
        # the unique filing number and the one-filed-chief index are the last word on a race
        with transaction.atomic():
            Appointment.objects.bulk_create(appts)
    except IntegrityError as exc:
        raise MigrationConflict(
            {"filing_number": _("迁移期间另有相同的备案编号或在任首席质量官写入，请重新提交")}
        ) from exc
    audit_records(
        actor=actor,
        action="create",
        target_type="appointment",
        items=[
            (str(a.public_id), str(a), _changes(a), terms.origin_note)
            for a, terms in zip(appts, entries, strict=True)
        ],
    )
    return appts


def appointment_migrate(
    *, actor: User, terms: MigratedAppointment, origin_note: str
) -> Appointment:
    """One filed appointment from a province's archive: ``appointments_migrate`` of one."""
    entry = dataclasses.replace(terms, origin_note=origin_note)
    return appointments_migrate(actor=actor, entries=[entry])[0]
