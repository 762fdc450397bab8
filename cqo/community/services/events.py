"""The alliances' events: publishing and cancelling, registration, and attendance.

Attendance that counts as continuing education writes the person's study record through
cqo.hours.services.record_create (never the hours tables directly): kind 学术交流 for salons,
forums and site visits, 培训讲座 for lectures (level-standard §9.4.1.2 a/b), source
``activity``, source reference ``event:<event>:<person>`` (unique per reporter, so a second
marking cannot count twice) and an attendance statement as evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.community import selectors
from cqo.community.models import Alliance, Event, Registration
from cqo.community.services._common import _audit, _clean, _person, _reason, _text
from cqo.community.services._hours import _write_hours
from cqo.lib.errors import Errors

MAX_CAPACITY = 100_000


@dataclass(frozen=True, kw_only=True)
class EventTerms:
    """A salon, forum, site visit or lecture as the organiser states it."""

    kind: str
    title: str
    venue: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    counts_hours: bool = False
    hours: Decimal = Decimal(0)
    description: str = ""


def _moment(errors: Errors, value: dt.datetime, key: str, label: str) -> dt.datetime | None:
    if not 2000 <= value.year <= 2100:
        errors.add(key, _("%(label)s应在2000年至2100年之间") % {"label": label})
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _hours(errors: Errors, terms: EventTerms) -> Decimal:
    try:
        hours = terms.hours.quantize(Decimal("0.1"))
    except InvalidOperation:
        hours = Decimal(-1)
    if not hours.is_finite() or hours < 0 or hours > 100:
        errors.add("hours", _("学时应在 0 到 100 之间，最多一位小数"))
    elif terms.counts_hours and hours == 0:
        errors.add("hours", _("出席计入学时的活动须写明学时"))
    return hours if terms.counts_hours else Decimal(0)


@transaction.atomic
def event_create(*, actor: User, alliance: Alliance, terms: EventTerms) -> Event:
    """A salon, forum, site visit or lecture of the alliance (shaanxi-2021 §五(三) 沙龙;
    jiangsu-2020 §七 质量论坛、经验分享; shenzhen-guide §6.4 论坛), published by whoever may
    organise it (selectors.can_organise: regulators, the alliance's officers, certification
    bodies, level-standard §11 经验交流活动)."""
    if not selectors.can_organise(actor, alliance):
        raise PermissionDenied(
            _("联盟活动由联盟所在地区或上级市场监管部门、联盟负责人或认定主体发布")
        )
    errors = Errors()
    kind = _clean(terms.kind)
    if kind not in Event.Kind.values:
        errors.add("kind", _("请选择活动形式"))
    title = _text(errors, terms.title, "title", _("活动名称"), Event)
    venue = _text(errors, terms.venue, "venue", _("地点"), Event)
    description = _text(
        errors, terms.description, "description", _("活动内容"), Event, required=False
    )
    starts = _moment(errors, terms.starts_at, "starts_at", _("活动开始时间"))
    ends = _moment(errors, terms.ends_at, "ends_at", _("活动结束时间"))
    if starts and ends and ends < starts:
        errors.add("ends_at", _("结束时间不能早于开始时间"))
    if not 1 <= terms.capacity <= MAX_CAPACITY:
        errors.add("capacity", _("名额应为 1 到 %(n)d 之间的整数") % {"n": MAX_CAPACITY})
    hours = _hours(errors, terms)
    errors.raise_if_any()
    starts, ends = cast(dt.datetime, starts), cast(dt.datetime, ends)  # a bad time raised above
    event = Event.objects.create(
        alliance=alliance,
        kind=kind,
        title=title,
        venue=venue,
        description=description,
        starts_at=starts,
        ends_at=ends,
        capacity=terms.capacity,
        counts_hours=terms.counts_hours,
        hours=hours,
        created_by=actor,
    )
    _audit(
        actor,
        event,
        "community_event",
        "create",
        {
            "kind": [None, kind],
            "starts_at": [None, event.starts_at.isoformat()],
            "capacity": [None, terms.capacity],
            "counts_hours": [None, terms.counts_hours],
            "hours": [None, str(event.hours)],
        },
    )
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: Event, reason: str) -> Event:
    if not selectors.can_organise(actor, event.alliance):
        raise PermissionDenied(_("联盟活动由其组织方管理"))
    reason = _reason(reason)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.state == Event.State.CANCELLED:
        raise ValidationError({"state": _("活动已取消")})
    if event.registrations.filter(attended=True).exists():
        raise ValidationError({"state": _("已登记出席的活动不能取消")})
    event.state = Event.State.CANCELLED
    event.save(update_fields=["state"])
    _audit(
        actor, event, "community_event", "transition", {"state": ["scheduled", "cancelled"]}, reason
    )
    return event


@transaction.atomic
def registration_create(
    *, actor: User, event: Event, now: dt.datetime | None = None
) -> Registration:
    """A member registers before the event starts (``now``: the community's clock unless a
    past step is replayed), while places remain."""
    person = _person(actor)
    event = Event.objects.select_for_update().select_related("alliance").get(pk=event.pk)
    if not selectors.is_member(actor, event.alliance):
        raise PermissionDenied(_("只有该联盟的会员可以报名"))
    if event.state != Event.State.SCHEDULED:
        raise ValidationError({"event": _("活动已取消")})
    if (now or selectors.now()) >= event.starts_at:
        raise ValidationError({"event": _("活动已开始，报名已截止")})
    taken = event.registrations.filter(state=Registration.State.REGISTERED).count()
    reg = event.registrations.filter(person=person).first()
    if reg is not None and reg.state == Registration.State.REGISTERED:
        raise ValidationError({"event": _("您已报名该活动")})
    if taken >= event.capacity:
        raise ValidationError({"event": _("名额已满")})
    if reg is None:
        reg = Registration.objects.create(event=event, person=person)
    else:  # re-registering after a cancellation keeps the one row per person
        reg.state = Registration.State.REGISTERED
        reg.save(update_fields=["state"])
    _audit(actor, reg, "community_registration", "create", {"state": [None, "registered"]})
    return reg


@transaction.atomic
def registration_cancel(
    *, actor: User, registration: Registration, now: dt.datetime | None = None
) -> Registration:
    reg = (
        Registration.objects.select_for_update()
        .select_related("event", "person")
        .get(pk=registration.pk)
    )
    if reg.person.user_id != actor.pk:
        raise PermissionDenied(_("只能取消自己的报名"))
    if reg.state != Registration.State.REGISTERED:
        raise ValidationError({"registration": _("报名已取消")})
    if (now or selectors.now()) >= reg.event.starts_at:
        raise ValidationError({"registration": _("活动已开始，不能取消报名")})
    reg.state = Registration.State.CANCELLED
    reg.save(update_fields=["state"])
    _audit(
        actor, reg, "community_registration", "transition", {"state": ["registered", "cancelled"]}
    )
    return reg


@transaction.atomic
def attendance_record(
    *, actor: User, event: Event, attended: Iterable[str], now: dt.datetime | None = None
) -> dict[str, int]:
    """The organiser marks who attended (registrations by public id) once the event has
    started; when the event counts as continuing education each attendee gets one study record
    in the hour log. A record once written stays (the hour log is append-only): an attendee
    cannot be unmarked afterwards."""
    if not selectors.can_organise(actor, event.alliance):
        raise PermissionDenied(_("出席情况由活动组织方登记"))
    event = Event.objects.select_for_update().select_related("alliance").get(pk=event.pk)
    if event.state != Event.State.SCHEDULED:
        raise ValidationError({"attendance": _("活动已取消")})
    if (now or selectors.now()) < event.starts_at:
        raise ValidationError({"attendance": _("活动开始后才能登记出席")})
    wanted = {str(x) for x in attended}
    regs = list(
        event.registrations.filter(state=Registration.State.REGISTERED).select_related("person")
    )
    if wanted - {str(r.public_id) for r in regs}:
        raise ValidationError({"attendance": _("名单中有不属于本活动报名的人员")})
    counts = {"attended": 0, "absent": 0, "hours": 0}
    for reg in regs:
        present = str(reg.public_id) in wanted
        counts["hours"] += _mark(actor, event, reg, present)
        counts["attended" if present else "absent"] += 1
    return counts


def _mark(actor: User, event: Event, reg: Registration, present: bool) -> int:
    """Mark one registration; 1 when it wrote a study record."""
    if reg.study_record_id is not None and not present:
        raise ValidationError(
            {"attendance": _("%(name)s 的学时已存证，不能改为缺席") % {"name": reg.person.name}}
        )
    changed = reg.attended != present
    reg.attended = present
    fields = ["attended"]
    if present and event.counts_hours and reg.study_record_id is None:
        reg.study_record = _write_hours(actor, event, reg)
        fields.append("study_record")
    if changed or len(fields) > 1:
        reg.save(update_fields=fields)
        _audit(
            actor,
            reg,
            "community_registration",
            "update",
            {"attended": [None if not changed else not present, present]},
        )
    return len(fields) - 1
