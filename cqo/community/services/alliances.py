"""Alliances and homes, and their membership: applications, decisions, officers, leaving."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.community import selectors
from cqo.community.models import Alliance, Membership
from cqo.community.services._common import _audit, _clean, _person, _region, _text
from cqo.lib import bounds
from cqo.lib.errors import Errors
from cqo.reference.models import Region


@transaction.atomic
def alliance_create(
    *,
    actor: User,
    name: str,
    region: str,
    kind: str = Alliance.Kind.ALLIANCE,
    description: str = "",
) -> Alliance:
    """A regulator sets up an alliance or home for its region (by code) or one below
    (shaanxi-2021 §五(三) 推动建立"首席质量官联盟""首席质量官之家")."""
    errors = Errors()
    name = _text(errors, name, "name", _("名称"), Alliance)
    kind = _clean(kind) or Alliance.Kind.ALLIANCE
    if kind not in Alliance.Kind.values:
        errors.add("kind", _("类型取值无效"))
    place = _region(errors, region)
    description = _text(errors, description, "description", _("简介"), Alliance, required=False)
    if place is not None and not selectors.can_manage(actor, place):
        raise PermissionDenied(_("只能为本辖区或下级行政区划设立联盟"))
    if place is not None and Alliance.objects.filter(region=place, name=name).exists():
        errors.add("name", _("该行政区划已有同名联盟"))
    errors.raise_if_any()
    place = cast(Region, place)  # a missing region raised above
    alliance = Alliance.objects.create(
        name=name, kind=kind, region=place, description=description, created_by=actor
    )
    _audit(
        actor,
        alliance,
        "community_alliance",
        "create",
        {"name": [None, name], "region": [None, alliance.region_id], "kind": [None, kind]},
    )
    return alliance


@transaction.atomic
def membership_apply(*, actor: User, alliance: Alliance, statement: str = "") -> Membership:
    """A CQO applies to join an alliance they can see; the managing regulator approves."""
    person = _person(actor)
    if not Alliance.objects.filter(selectors.alliance_q(actor), pk=alliance.pk).exists():
        raise PermissionDenied(_("只能申请加入所在地区的联盟"))
    statement = _clean(statement)
    if message := bounds.too_long(Membership, "statement", statement):
        raise ValidationError({"statement": message})
    membership = Membership(alliance=alliance, person=person, statement=statement)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationError({"alliance": _("已申请或已是该联盟会员")}) from exc
    _audit(actor, membership, "community_membership", "create", {"state": [None, "pending"]})
    return membership


def _lock_membership(membership: Membership) -> Membership:
    return (
        Membership.objects.select_related("alliance__region", "person")
        .select_for_update(of=("self",))
        .get(pk=membership.pk)
    )


@transaction.atomic
def membership_decide(
    *, actor: User, membership: Membership, approve: bool, note: str = ""
) -> Membership:
    if not selectors.can_manage(actor, membership.alliance.region):
        raise PermissionDenied(_("入会申请由联盟所在地区或上级市场监管部门审核"))
    membership = _lock_membership(membership)
    if membership.state != Membership.State.PENDING:
        raise ValidationError({"state": _("只有待审核的申请可以审核")})
    note = _clean(note)
    if message := bounds.too_long(Membership, "decision_note", note):
        raise ValidationError({"note": message})
    if not approve and len(note) < 2:
        raise ValidationError({"note": _("不予通过须写明理由（至少2个字）")})
    before = membership.state
    membership.state = Membership.State.APPROVED if approve else Membership.State.REJECTED
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.decision_note = note
    membership.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _audit(
        actor,
        membership,
        "community_membership",
        "transition",
        {"state": [before, membership.state]},
        note=note,
    )
    return membership


@transaction.atomic
def membership_set_role(
    *, actor: User, membership: Membership, role: str, officer_title: str = ""
) -> Membership:
    """The managing regulator names the alliance's officers (who moderate its space)."""
    if not selectors.can_manage(actor, membership.alliance.region):
        raise PermissionDenied(_("联盟负责人由联盟所在地区或上级市场监管部门指定"))
    membership = _lock_membership(membership)
    if membership.state != Membership.State.APPROVED:
        raise ValidationError({"state": _("只有已入会的会员可以担任负责人")})
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("身份取值无效")})
    officer_title = _clean(officer_title)
    if role == Membership.Role.OFFICER and not officer_title:
        raise ValidationError({"officer_title": _("请填写负责人职务，如理事长、秘书长")})
    if message := bounds.too_long(Membership, "officer_title", officer_title):
        raise ValidationError({"officer_title": message})
    if role == Membership.Role.MEMBER:
        officer_title = ""
    before = [membership.role, membership.officer_title]
    membership.role, membership.officer_title = role, officer_title
    membership.save(update_fields=["role", "officer_title"])
    _audit(
        actor,
        membership,
        "community_membership",
        "update",
        {"role": [before[0], role], "officer_title": [before[1], officer_title]},
    )
    return membership


@transaction.atomic
def membership_leave(*, actor: User, membership: Membership) -> Membership:
    membership = _lock_membership(membership)
    if membership.person.user_id != actor.pk:
        raise PermissionDenied(_("只能退出自己的会员资格"))
    if membership.state not in (Membership.State.PENDING, Membership.State.APPROVED):
        raise ValidationError({"state": _("该会员资格已结束")})
    before = membership.state
    membership.state = Membership.State.LEFT
    membership.role, membership.officer_title = Membership.Role.MEMBER, ""
    membership.save(update_fields=["state", "role", "officer_title"])
    _audit(actor, membership, "community_membership", "transition", {"state": [before, "left"]})
    return membership
