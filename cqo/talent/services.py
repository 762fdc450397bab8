"""Recommending CQOs to the provincial talent pool and deciding on them (SPEC §8;
shaanxi-2021 §五(一); level-standard §11 "认定主体可推荐符合认定资格的首席质量官入选…人才库")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import audit_record
from cqo.lib import bounds
from cqo.registry.models import Person
from cqo.talent import selectors
from cqo.talent.models import TalentEntry


def _audit(
    actor: User,
    entry: TalentEntry,
    action: str,
    changes: dict[str, list[str | None]],
    note: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="talent_entry",
        target_id=str(entry.public_id),
        target_repr=str(entry),
        changes=changes,
        note=note,
    )


@transaction.atomic
def recommend(*, actor: User, person: Person, reason: str) -> TalentEntry:
    kind = selectors.recommender_kind(actor, person)
    if kind is None:
        raise PermissionDenied(_("只有认定机构、辖区市场监管部门或所在企业可以推荐"))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("请写明推荐理由（至少4个字）")})
    if message := bounds.too_long(TalentEntry, "reason", reason):
        raise ValidationError({"reason": message})
    province = selectors.province_of(person)
    if province is None:
        raise ValidationError({"person": _("该人员没有所在地区，无法确定所属省级人才库")})
    entry = TalentEntry(
        person=person,
        province=province,
        recommender_kind=kind,
        recommended_by=actor,
        reason=reason,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"person": _("该人员已被推荐或已在%(p)s人才库中") % {"p": province.name}}
        ) from exc
    _audit(
        actor,
        entry,
        "create",
        {"state": [None, entry.state], "recommender_kind": [None, kind]},
        note=reason,
    )
    return entry


@transaction.atomic
def decide(*, actor: User, entry: TalentEntry, admit: bool, note: str = "") -> TalentEntry:
    if not selectors.can_decide(actor, entry):
        raise PermissionDenied(_("人才库入库由省级市场监管部门决定"))
    entry = TalentEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.state != TalentEntry.State.RECOMMENDED:
        raise ValidationError({"state": _("只有已推荐、尚未决定的记录可以决定")})
    note = (note or "").strip()
    if not admit and len(note) < 4:
        raise ValidationError({"note": _("不予入库须写明理由（至少4个字）")})
    if message := bounds.too_long(TalentEntry, "decision_note", note):
        raise ValidationError({"note": message})
    before = entry.state
    entry.state = TalentEntry.State.ADMITTED if admit else TalentEntry.State.DECLINED
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.decision_note = note
    entry.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _audit(actor, entry, "transition", {"state": [before, entry.state]}, note=note)
    return entry
