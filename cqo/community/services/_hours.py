"""Attendance counted as continuing education: one study record per attendee, written through
cqo.hours.services.record_create with an attendance statement as its evidence."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.community import rules
from cqo.community.models import Event, Registration
from cqo.hours import services as hours
from cqo.hours.models import StudyRecord
from cqo.registry.models import Person


def _evidence(event: Event, person: Person, actor: User) -> ContentFile[bytes]:
    lines = [
        "首席质量官联盟活动出席证明",
        f"活动：{event.title}（{event.get_kind_display()}）",
        f"编号：{event.public_id}",
        f"联盟：{event.alliance.name}",
        f"时间：{timezone.localtime(event.starts_at):%Y-%m-%d %H:%M} — "
        f"{timezone.localtime(event.ends_at):%Y-%m-%d %H:%M}",
        f"地点：{event.venue}",
        f"出席人：{person.name}",
        f"学时：{event.hours}",
        f"登记人：{actor.get_username()}",
    ]
    return ContentFile("\n".join(lines).encode(), name=f"event-{event.public_id}.txt")


def _write_hours(actor: User, event: Event, reg: Registration) -> StudyRecord:
    ref = f"event:{event.public_id}:{reg.person.public_id}"
    existing = StudyRecord.objects.filter(created_by=actor, source_ref=ref).first()
    if existing is not None:
        return existing
    try:
        return hours.record_create(
            actor=actor,
            person=reg.person,
            kind=rules.record_kind(event.kind),
            hours=event.hours,
            occurred_on=timezone.localtime(event.ends_at).date(),
            title=event.title,
            source="activity",
            provider=event.alliance.name,
            source_ref=ref,
            evidence=_evidence(event, reg.person, actor),
            note=_("联盟活动出席（%(kind)s）") % {"kind": event.get_kind_display()},
        )
    except PermissionDenied as exc:
        raise ValidationError(
            {
                "attendance": _("无权为 %(name)s 登记学时：%(m)s")
                % {"name": reg.person.name, "m": exc}
            }
        ) from exc
    except ValidationError as exc:
        raise ValidationError(
            {
                "attendance": _("为 %(name)s 登记学时失败：%(m)s")
                % {"name": reg.person.name, "m": "；".join(exc.messages)}
            }
        ) from exc
