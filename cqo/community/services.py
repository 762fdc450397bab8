"""Writing the community (SPEC §9): each change one function under a transaction that checks
permission and state, validates (every rejection a ValidationError keyed by field, nothing
saved), saves and records the audit entry.

Attendance that counts as continuing education writes the person's study record through
cqo.hours.services.record_create (never the hours tables directly): kind 学术交流 for salons,
forums and site visits, 培训讲座 for lectures (level-standard §9.4.1.2 a/b), source
``activity``, source reference ``event:<event>:<person>`` (unique per reporter, so a second
marking cannot count twice) and an attendance statement as evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record
from cqo.community import rules, selectors
from cqo.community.models import (
    Alliance,
    Answer,
    Attachment,
    CaseCompetition,
    Criterion,
    Event,
    Judge,
    Membership,
    Post,
    Registration,
    Score,
    Submission,
)
from cqo.lib import bounds, clock, uploads
from cqo.lib.errors import Errors, text
from cqo.reference.models import Region
from cqo.registry.models import Appointment, Enterprise, Person

Data = Mapping[str, Any]
MAX_CAPACITY = 100_000
MAX_CRITERIA = 20
MAX_JUDGES = 30


def now() -> dt.datetime:
    """The community's clock for event times (one seam, so the demo and tests can move it)."""
    return timezone.now()


def _audit(actor: Any, obj: Any, kind: str, action: str, changes: dict, note: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type=kind,
        target_id=str(obj.public_id),
        target_repr=str(obj),
        changes=changes,
        note=note,
    )


def _person(actor: User) -> Person:
    person = selectors.person_of(actor)
    if person is None:
        raise PermissionDenied(_("只有已注册的首席质量官可以进行此操作"))
    return person


def _long_text(
    errors: Errors, data: Data, key: str, label: str, model: type[Any], *, required: bool
) -> str:
    """``data[key]`` within the limit of ``model.key``; required or not."""
    value = text(data, key)
    if required and not value:
        errors.add(key, _("请填写%(label)s") % {"label": label})
    elif message := bounds.too_long(model, key, value):
        errors.add(key, message)
    return value


def _short_text(errors: Errors, data: Data, key: str, label: str, model: type[Any]) -> str:
    return _long_text(errors, data, key, label, model, required=True)


def _region(errors: Errors, code: Any) -> Region | None:
    region = Region.objects.filter(code=str(code or "")[:6]).first()
    if region is None:
        errors.add("region", _("请选择有效的行政区划代码"))
    return region


def _reason(value: str, field: str = "reason") -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) < 2:
        raise ValidationError({field: _("请写明原因（至少2个字）")})
    if message := bounds.too_long(Post, "hidden_reason", value):
        raise ValidationError({field: message})
    return value


# Alliances and membership ---------------------------------------------------------------------


@transaction.atomic
def alliance_create(*, actor: User, data: Data) -> Alliance:
    """A regulator sets up an alliance or home for its region or one below (shaanxi-2021
    §五(三) 推动建立"首席质量官联盟""首席质量官之家")."""
    errors = Errors()
    name = _short_text(errors, data, "name", _("名称"), Alliance)
    kind = text(data, "kind") or Alliance.Kind.ALLIANCE
    if kind not in Alliance.Kind.values:
        errors.add("kind", _("类型取值无效"))
    region = _region(errors, data.get("region"))
    description = _long_text(errors, data, "description", _("简介"), Alliance, required=False)
    if region is not None and not selectors.can_manage(actor, region):
        raise PermissionDenied(_("只能为本辖区或下级行政区划设立联盟"))
    if region is not None and Alliance.objects.filter(region=region, name=name).exists():
        errors.add("name", _("该行政区划已有同名联盟"))
    errors.raise_if_any()
    region = cast(Region, region)  # a missing region raised above
    alliance = Alliance.objects.create(
        name=name, kind=kind, region=region, description=description, created_by=actor
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
    statement = (statement or "").replace("\x00", "").strip()
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
    note = (note or "").replace("\x00", "").strip()
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
    officer_title = (officer_title or "").replace("\x00", "").strip()
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


# Events ---------------------------------------------------------------------------------------


def _aware(errors: Errors, data: Data, key: str, label: str) -> dt.datetime | None:
    value = data.get(key)
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value or ""))
        except ValueError:
            errors.add(key, _("%(label)s格式应为 YYYY-MM-DD HH:MM") % {"label": label})
            return None
    if moment.year < 2000 or moment.year > 2100:
        errors.add(key, _("%(label)s应在2000年至2100年之间") % {"label": label})
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@transaction.atomic
def event_create(*, actor: User, alliance: Alliance, data: Data) -> Event:
    """A salon, forum, site visit or lecture of the alliance (shaanxi-2021 §五(三) 沙龙;
    jiangsu-2020 §七 质量论坛、经验分享; shenzhen-guide §6.4 论坛)."""
    if not selectors.can_manage(actor, alliance.region):
        raise PermissionDenied(_("联盟活动由联盟所在地区或上级市场监管部门发布"))
    errors = Errors()
    kind = text(data, "kind")
    if kind not in Event.Kind.values:
        errors.add("kind", _("请选择活动形式"))
    title = _short_text(errors, data, "title", _("活动名称"), Event)
    venue = _short_text(errors, data, "venue", _("地点"), Event)
    description = _long_text(errors, data, "description", _("活动内容"), Event, required=False)
    starts = _aware(errors, data, "starts_at", _("活动开始时间"))
    ends = _aware(errors, data, "ends_at", _("活动结束时间"))
    if starts and ends and ends < starts:
        errors.add("ends_at", _("结束时间不能早于开始时间"))
    try:
        capacity = int(data.get("capacity") or 0)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= MAX_CAPACITY:
        errors.add("capacity", _("名额应为 1 到 %(n)d 之间的整数") % {"n": MAX_CAPACITY})
    counts = bool(data.get("counts_hours"))
    try:
        hours = Decimal(str(data.get("hours") or 0)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        hours = Decimal(-1)
    if not hours.is_finite() or hours < 0 or hours > 100:
        errors.add("hours", _("学时应在 0 到 100 之间，最多一位小数"))
    elif counts and hours == 0:
        errors.add("hours", _("出席计入学时的活动须写明学时"))
    errors.raise_if_any()
    starts, ends = cast(dt.datetime, starts), cast(dt.datetime, ends)
    event = Event.objects.create(
        alliance=alliance,
        kind=kind,
        title=title,
        venue=venue,
        description=description,
        starts_at=starts,
        ends_at=ends,
        capacity=capacity,
        counts_hours=counts,
        hours=hours if counts else Decimal(0),
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
            "capacity": [None, capacity],
            "counts_hours": [None, counts],
            "hours": [None, str(event.hours)],
        },
    )
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: Event, reason: str) -> Event:
    if not selectors.can_manage(actor, event.alliance.region):
        raise PermissionDenied(_("联盟活动由联盟所在地区或上级市场监管部门管理"))
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
def registration_create(*, actor: User, event: Event) -> Registration:
    """A member registers before the event starts, while places remain."""
    person = _person(actor)
    event = Event.objects.select_for_update().select_related("alliance").get(pk=event.pk)
    if not selectors.is_member(actor, event.alliance):
        raise PermissionDenied(_("只有该联盟的会员可以报名"))
    if event.state != Event.State.SCHEDULED:
        raise ValidationError({"event": _("活动已取消")})
    if now() >= event.starts_at:
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
def registration_cancel(*, actor: User, registration: Registration) -> Registration:
    reg = (
        Registration.objects.select_for_update()
        .select_related("event", "person")
        .get(pk=registration.pk)
    )
    if reg.person.user_id != actor.pk:
        raise PermissionDenied(_("只能取消自己的报名"))
    if reg.state != Registration.State.REGISTERED:
        raise ValidationError({"registration": _("报名已取消")})
    if now() >= reg.event.starts_at:
        raise ValidationError({"registration": _("活动已开始，不能取消报名")})
    reg.state = Registration.State.CANCELLED
    reg.save(update_fields=["state"])
    _audit(
        actor, reg, "community_registration", "transition", {"state": ["registered", "cancelled"]}
    )
    return reg


def record_kind(event_kind: str) -> str:
    """level-standard §9.4.1.2: a) 参加培训讲座 → lecture; b) 参与学术交流 → salons, forums and
    site visits are exchanges among peers."""
    from cqo.hours.models import Kind

    return Kind.LECTURE if event_kind == Event.Kind.LECTURE else Kind.ACADEMIC_EXCHANGE


def _evidence(event: Event, person: Person, actor: User) -> ContentFile:
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


def _write_hours(actor: User, event: Event, reg: Registration) -> Any:
    from cqo.hours import services as hours
    from cqo.hours.models import StudyRecord

    ref = f"event:{event.public_id}:{reg.person.public_id}"
    existing = StudyRecord.objects.filter(created_by=actor, source_ref=ref).first()
    if existing is not None:
        return existing
    try:
        return hours.record_create(
            actor=actor,
            person=reg.person,
            kind=record_kind(event.kind),
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


@transaction.atomic
def attendance_record(*, actor: User, event: Event, attended: Iterable[str]) -> dict[str, int]:
    """The organiser marks who attended once the event has started; when the event counts as
    continuing education each attendee gets one study record in the hour log. A record once
    written stays (the hour log is append-only): an attendee cannot be unmarked afterwards."""
    if not selectors.can_manage(actor, event.alliance.region):
        raise PermissionDenied(_("出席情况由联盟所在地区或上级市场监管部门登记"))
    event = Event.objects.select_for_update().select_related("alliance").get(pk=event.pk)
    if event.state != Event.State.SCHEDULED:
        raise ValidationError({"attendance": _("活动已取消")})
    if now() < event.starts_at:
        raise ValidationError({"attendance": _("活动开始后才能登记出席")})
    wanted = {str(x) for x in attended}
    regs = list(
        event.registrations.filter(state=Registration.State.REGISTERED).select_related("person")
    )
    known = {str(r.public_id) for r in regs}
    unknown = wanted - known
    if unknown:
        raise ValidationError({"attendance": _("名单中有不属于本活动报名的人员")})
    counts = {"attended": 0, "absent": 0, "hours": 0}
    for reg in regs:
        present = str(reg.public_id) in wanted
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
            counts["hours"] += 1
        if changed or len(fields) > 1:
            reg.save(update_fields=fields)
            _audit(
                actor,
                reg,
                "community_registration",
                "update",
                {"attended": [None if not changed else not present, present]},
            )
        counts["attended" if present else "absent"] += 1
    return counts


# Exchange and sharing space -------------------------------------------------------------------


@transaction.atomic
def post_create(*, actor: User, alliance: Alliance, data: Data) -> Post:
    """Members share articles and experience and ask questions (shaanxi-2021 §五(三)
    交流分享信息平台; jiangsu-2020 §七 经验分享)."""
    person = _person(actor)
    if not selectors.is_member(actor, alliance):
        raise PermissionDenied(_("只有该联盟的会员可以发布"))
    errors = Errors()
    kind = text(data, "kind")
    if kind not in Post.Kind.values:
        errors.add("kind", _("请选择类型"))
    title = _short_text(errors, data, "title", _("标题"), Post)
    body = _long_text(errors, data, "body", _("正文"), Post, required=True)
    errors.raise_if_any()
    post = Post.objects.create(alliance=alliance, kind=kind, title=title, body=body, author=person)
    _audit(actor, post, "community_post", "create", {"kind": [None, kind], "title": [None, title]})
    return post


@transaction.atomic
def answer_create(*, actor: User, post: Post, body: str) -> Answer:
    person = _person(actor)
    if not selectors.is_member(actor, post.alliance):
        raise PermissionDenied(_("只有该联盟的会员可以回答"))
    if post.kind != Post.Kind.QUESTION:
        raise ValidationError({"post": _("只有问答可以回答")})
    if post.hidden:
        raise ValidationError({"post": _("该问题已被隐藏")})
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": _("请填写回答")})
    if message := bounds.too_long(Answer, "body", body):
        raise ValidationError({"body": message})
    answer = Answer.objects.create(post=post, author=person, body=body)
    _audit(actor, answer, "community_answer", "create", {"post": [None, str(post.public_id)]})
    return answer


@transaction.atomic
def answer_accept(*, actor: User, answer: Answer) -> Post:
    """The asker (or an officer) accepts one answer; accepting another replaces it."""
    post = (
        Post.objects.select_for_update()
        .select_related("alliance__region", "author")
        .get(pk=answer.post_id)
    )
    if not (post.author.user_id == actor.pk or selectors.can_moderate(actor, post.alliance)):
        raise PermissionDenied(_("只有提问人或联盟负责人可以采纳回答"))
    if answer.hidden:
        raise ValidationError({"answer": _("已隐藏的回答不能采纳")})
    before = str(post.accepted_answer.public_id) if post.accepted_answer else None
    post.accepted_answer = answer
    post.save(update_fields=["accepted_answer"])
    _audit(
        actor,
        post,
        "community_post",
        "update",
        {"accepted_answer": [before, str(answer.public_id)]},
    )
    return post


@transaction.atomic
def moderate(*, actor: User, target: Post | Answer, hide: bool, reason: str) -> Post | Answer:
    """Officers of the alliance (and its managing regulators) hide or show again a post or an
    answer, with a reason, audited."""
    alliance = target.alliance if isinstance(target, Post) else target.post.alliance
    if not selectors.can_moderate(actor, alliance):
        raise PermissionDenied(_("只有联盟负责人可以管理交流内容"))
    reason = _reason(reason)
    model = type(target)
    obj = model.objects.select_for_update().get(pk=target.pk)
    if obj.hidden == hide:
        raise ValidationError({"hidden": _("内容已是隐藏状态") if hide else _("内容未被隐藏")})
    obj.hidden = hide
    obj.hidden_reason = reason if hide else ""
    obj.save(update_fields=["hidden", "hidden_reason"])
    if hide and isinstance(obj, Answer):
        Post.objects.filter(accepted_answer=obj).update(accepted_answer=None)
    kind = "community_post" if isinstance(obj, Post) else "community_answer"
    _audit(actor, obj, kind, "transition", {"hidden": [not hide, hide]}, note=reason)
    return obj


# Case competition -----------------------------------------------------------------------------


def _date(errors: Errors, data: Data, key: str, label: str) -> dt.date | None:
    value = data.get(key)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value or ""))
        except ValueError:
            errors.add(key, _("%(label)s格式应为 YYYY-MM-DD") % {"label": label})
            return None
    if not 2000 <= day.year <= 2100:
        errors.add(key, _("%(label)s应在2000年至2100年之间") % {"label": label})
        return None
    return day


def parse_criteria(raw: Any) -> list[tuple[str, int]]:
    """Criteria as a list of {name, max_points} or lines "名称：满分" (the page's textarea)."""
    items: list[tuple[str, Any]] = []
    if isinstance(raw, str):
        for line in raw.splitlines():
            line = line.strip()
            if not line:
                continue
            for sep in ("：", ":", "|", "，", ","):
                if sep in line:
                    name, _sep, points = line.rpartition(sep)
                    items.append((name.strip(), points.strip()))
                    break
            else:
                items.append((line, ""))
    elif isinstance(raw, Sequence):
        for item in raw:
            if isinstance(item, Mapping):
                items.append((str(item.get("name") or "").strip(), item.get("max_points")))
            else:
                items.append(("", None))
    errors = []
    out: list[tuple[str, int]] = []
    for name, points in items:
        try:
            value = int(str(points))
        except (TypeError, ValueError):
            value = 0
        if not name or bounds.too_long(Criterion, "name", name) or not 1 <= value <= 100:
            errors.append(name or "?")
            continue
        out.append((name, value))
    if errors:
        raise ValidationError(
            {
                "criteria": _("评分项应写成“名称：满分”，满分为 1 到 100 的整数：%(bad)s")
                % {"bad": "、".join(errors)}
            }
        )
    if not out:
        raise ValidationError({"criteria": _("请至少设置一个评分项")})
    if len(out) > MAX_CRITERIA:
        raise ValidationError({"criteria": _("评分项不超过%(n)d个") % {"n": MAX_CRITERIA}})
    if len({n for n, _p in out}) != len(out):
        raise ValidationError({"criteria": _("评分项名称不能重复")})
    return out


def judge_candidates(region: Region) -> Any:
    """Who may judge: regulators of the region's tree, certification bodies (their experts)
    and registered CQOs (a peer judge; conflicts are checked per case)."""
    from django.db.models import Q

    return User.objects.filter(is_active=True).filter(
        Q(role=Role.REGULATOR, region__province_code=region.province_code)
        | Q(role=Role.CERTIFIER)
        | Q(role=Role.CQO, person__isnull=False)
    )


@transaction.atomic
def competition_create(*, actor: User, data: Data) -> CaseCompetition:
    """A regulator opens a call (征集) with its windows, criteria and judges (shaanxi-2021
    §五(三) 开展质量改进经典案例评比; shenzhen-guide §6.4 典型案例遴选)."""
    errors = Errors()
    title = _short_text(errors, data, "title", _("评比名称"), CaseCompetition)
    region = _region(errors, data.get("region"))
    description = _long_text(
        errors, data, "description", _("征集说明"), CaseCompetition, required=False
    )
    days = {
        key: _date(errors, data, key, label)
        for key, label in (
            ("submission_opens", _("申报开始")),
            ("submission_closes", _("申报截止")),
            ("judging_opens", _("评审开始")),
            ("judging_closes", _("评审截止")),
        )
    }
    for key, message in rules.window_errors(*days.values()).items():
        errors.add(key, message)
    try:
        awards = int(data.get("awards") or 0)
    except (TypeError, ValueError):
        awards = 0
    if not 1 <= awards <= 100:
        errors.add("awards", _("入选案例数应为 1 到 100 之间的整数"))
    criteria = errors.run("criteria", parse_criteria, data.get("criteria"))
    if region is not None and not selectors.can_manage(actor, region):
        raise PermissionDenied(_("只能为本辖区或下级行政区划组织评比"))
    judge_names = data.get("judges") or []
    if isinstance(judge_names, str):
        judge_names = judge_names.split()
    names = [str(getattr(j, "username", j)) for j in judge_names]
    judges: list[User] = []
    if region is not None:
        found = {u.username: u for u in judge_candidates(region).filter(username__in=names)}
        missing = [n for n in names if n not in found]
        if missing:
            errors.add("judges", _("不能担任评委的账号：%(names)s") % {"names": "、".join(missing)})
        judges = [found[n] for n in dict.fromkeys(names) if n in found]
    if not names:
        errors.add("judges", _("请至少指定一名评委"))
    elif len(names) > MAX_JUDGES:
        errors.add("judges", _("评委不超过%(n)d名") % {"n": MAX_JUDGES})
    errors.raise_if_any()
    region = cast(Region, region)
    comp = CaseCompetition.objects.create(
        title=title,
        region=region,
        description=description,
        awards=awards,
        created_by=actor,
        **days,
    )
    for i, (name, points) in enumerate(criteria, start=1):
        Criterion.objects.create(competition=comp, position=i, name=name, max_points=points)
    for user in judges:
        Judge.objects.create(competition=comp, user=user)
    _audit(
        actor,
        comp,
        "community_competition",
        "create",
        {
            "region": [None, comp.region_id],
            **{k: [None, v.isoformat() if v else None] for k, v in days.items()},
            "criteria": [None, [f"{n}:{p}" for n, p in criteria]],
            "judges": [None, [u.username for u in judges]],
            "awards": [None, awards],
        },
    )
    return comp


def competition_phase(comp: CaseCompetition) -> str:
    return rules.phase(
        today=clock.today(),
        submission_opens=comp.submission_opens,
        submission_closes=comp.submission_closes,
        judging_opens=comp.judging_opens,
        judging_closes=comp.judging_closes,
        published=comp.published_at is not None,
    )


def _submitter_enterprise(person: Person, uscc: str) -> Enterprise | None:
    """The enterprise the case is from: one the person has a filed appointment at."""
    qs = Enterprise.objects.filter(
        appointments__person=person, appointments__status=Appointment.Status.FILED
    ).distinct()
    if uscc:
        qs = qs.filter(uscc=uscc)
    return qs.order_by("name").first()


@transaction.atomic
def submission_create(
    *, actor: User, competition: CaseCompetition, data: Data, files: Sequence[Any] = ()
) -> Submission:
    """A CQO submits a case during the submission window, from an enterprise they serve."""
    person = _person(actor)
    if not CaseCompetition.objects.filter(
        selectors.competition_q(actor), pk=competition.pk
    ).exists():
        raise PermissionDenied(_("只能参加所在地区的评比"))
    if competition_phase(competition) != rules.PHASE_SUBMISSION:
        raise ValidationError({"competition": _("不在申报期内")})
    errors = Errors()
    title = _short_text(errors, data, "title", _("案例名称"), Submission)
    method = text(data, "method")
    if method not in Submission.Method.values:
        errors.add("method", _("请选择改进方法"))
    case_text = _long_text(errors, data, "case_text", _("案例内容"), Submission, required=True)
    results = _long_text(errors, data, "results", _("改进成效"), Submission, required=True)
    enterprise = _submitter_enterprise(person, text(data, "enterprise"))
    if enterprise is None:
        errors.add("enterprise", _("须以已备案聘任的企业申报案例"))
    if len(files) > rules.MAX_ATTACHMENTS:
        errors.add("attachments", _("附件不超过%(n)d个") % {"n": rules.MAX_ATTACHMENTS})
    for f in files:
        name = str(getattr(f, "name", "") or "")[-200:]
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        problem = rules.attachment_error(name, int(getattr(f, "size", 0) or 0), head)
        if problem:
            errors.add("attachments", problem)
            continue
        # type by content throughout, Office files' archives, image dimensions
        try:
            uploads.check_attachment(f)
        except ValidationError as exc:
            errors.add(
                "attachments",
                _("附件 %(name)s：%(problem)s") % {"name": name, "problem": exc.messages[0]},
            )
    if Submission.objects.filter(competition=competition, person=person, title=title).exists():
        errors.add("title", _("您已申报过同名案例"))
    errors.raise_if_any()
    enterprise = cast(Enterprise, enterprise)
    sub = Submission.objects.create(
        competition=competition,
        person=person,
        enterprise=enterprise,
        title=title,
        method=method,
        case_text=case_text,
        results=results,
    )
    for f in files:
        name = str(f.name)[-200:]
        Attachment.objects.create(submission=sub, file=f, name=name, size=f.size)
    _audit(
        actor,
        sub,
        "community_submission",
        "create",
        {
            "competition": [None, str(competition.public_id)],
            "method": [None, method],
            "attachments": [None, [str(f.name)[-200:] for f in files]],
        },
    )
    return sub


@transaction.atomic
def submission_withdraw(*, actor: User, submission: Submission) -> Submission:
    sub = (
        Submission.objects.select_for_update()
        .select_related("person", "competition")
        .get(pk=submission.pk)
    )
    if sub.person.user_id != actor.pk:
        raise PermissionDenied(_("只能撤回自己申报的案例"))
    if sub.state != Submission.State.SUBMITTED:
        raise ValidationError({"state": _("案例已撤回")})
    if competition_phase(sub.competition) != rules.PHASE_SUBMISSION:
        raise ValidationError({"state": _("申报期结束后不能撤回")})
    sub.state = Submission.State.WITHDRAWN
    sub.save(update_fields=["state"])
    _audit(actor, sub, "community_submission", "transition", {"state": ["submitted", "withdrawn"]})
    return sub


def judge_identity(user: User) -> rules.JudgeIdentity:
    person = Person.objects.filter(user=user).first()
    enterprises: set[int] = set()
    if person is not None:
        enterprises |= set(
            Appointment.objects.filter(person=person)
            .exclude(status=Appointment.Status.DRAFT)
            .values_list("enterprise_id", flat=True)
        )
    if user.enterprise_id is not None:
        enterprises.add(user.enterprise_id)
    return rules.JudgeIdentity(person.pk if person else None, frozenset(enterprises))


def is_conflicted(judge: Judge, submission: Submission) -> bool:
    return rules.conflicted(
        judge_identity(judge.user),
        person_id=submission.person_id,
        enterprise_id=submission.enterprise_id,
    )


@transaction.atomic
def score_submit(*, actor: User, submission: Submission, points: Mapping[str, Any]) -> list[Score]:
    """A judge scores every criterion of a case during the judging window, each 0 … the
    criterion's maximum; a new sheet replaces the judge's earlier one until publication."""
    comp = CaseCompetition.objects.select_for_update().get(pk=submission.competition_id)
    judge = selectors.judge_of(actor, comp)
    if judge is None:
        raise PermissionDenied(_("只有本次评比的评委可以评分"))
    if is_conflicted(judge, submission):
        raise PermissionDenied(_("评委不能评审本人或本企业的案例"))
    if submission.state != Submission.State.SUBMITTED:
        raise ValidationError({"submission": _("案例已撤回")})
    if competition_phase(comp) != rules.PHASE_JUDGING:
        raise ValidationError({"competition": _("不在评审期内")})
    errors = Errors()
    values: dict[int, Decimal] = {}
    criteria = list(comp.criteria.order_by("position"))
    for c in criteria:
        key = f"c{c.position}"
        raw = points.get(key, points.get(str(c.position)))
        if raw is None or str(raw).strip() == "":
            errors.add(key, _("请为“%(name)s”打分") % {"name": c.name})
            continue
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            errors.add(key, _("分值应为数字"))
            continue
        problem = rules.points_error(value, c.max_points)
        if problem:
            errors.add(key, f"{c.name}：{problem}")
        else:
            values[c.pk] = value
    errors.raise_if_any()
    saved = []
    for c in criteria:
        score, _made = Score.objects.update_or_create(
            submission=submission, judge=judge, criterion=c, defaults={"points": values[c.pk]}
        )
        saved.append(score)
    _audit(
        actor,
        submission,
        "community_submission",
        "update",
        {"scores": [None, [f"{c.name}:{values[c.pk]}" for c in criteria]]},
        note=f"judge {actor.get_username()}",
    )
    return saved


def standings(comp: CaseCompetition) -> tuple[list[rules.Placed], list[str]]:
    """The ranking from the scores so far, and what is missing for publication."""
    criteria = list(comp.criteria.all())
    judges = list(comp.judges.select_related("user"))
    subs = list(comp.submissions.filter(state=Submission.State.SUBMITTED).select_related("person"))
    sheet: dict[tuple[int, int], list[Decimal]] = {}
    for s in Score.objects.filter(submission__in=subs):
        sheet.setdefault((s.submission_id, s.judge_id), []).append(s.points)
    entries, missing = [], []
    for sub in subs:
        totals = []
        for judge in judges:
            if is_conflicted(judge, sub):
                continue
            got = sheet.get((sub.pk, judge.pk), [])
            if len(got) < len(criteria):
                missing.append(
                    _("%(judge)s 尚未评审“%(case)s”") % {"judge": judge.user, "case": sub.title}
                )
                continue
            totals.append(sum(got, Decimal(0)))
        score = rules.case_score(totals)
        if score is None:
            missing.append(_("“%(case)s”没有可评审的评委") % {"case": sub.title})
            continue
        entries.append(rules.Entry(str(sub.public_id), sub.submitted_at, score))
    return rules.rank(entries, awards=comp.awards), missing


@transaction.atomic
def results_publish(*, actor: User, competition: CaseCompetition) -> CaseCompetition:
    """Once judging has opened and every eligible judge has scored every case, the organiser
    publishes: scores, ranks and awards are fixed and the awarded cases enter the library."""
    comp = (
        CaseCompetition.objects.select_for_update().select_related("region").get(pk=competition.pk)
    )
    if not selectors.can_manage(actor, comp.region):
        raise PermissionDenied(_("评比结果由组织评比的市场监管部门发布"))
    if comp.published_at is not None:
        raise ValidationError({"competition": _("结果已发布")})
    if competition_phase(comp) not in (rules.PHASE_JUDGING, rules.PHASE_CLOSED):
        raise ValidationError({"competition": _("评审开始后才能发布结果")})
    placed, missing = standings(comp)
    if missing:
        raise ValidationError({"scores": missing[:20]})
    if not placed:
        raise ValidationError({"competition": _("没有参评案例，无法发布结果")})
    by_key = {p.key: p for p in placed}
    for sub in comp.submissions.filter(state=Submission.State.SUBMITTED):
        p = by_key[str(sub.public_id)]
        sub.score, sub.rank, sub.awarded = p.score, p.rank, p.awarded
        sub.save(update_fields=["score", "rank", "awarded"])
    comp.published_at = timezone.now()
    comp.save(update_fields=["published_at"])
    _audit(
        actor,
        comp,
        "community_competition",
        "transition",
        {
            "published_at": [None, comp.published_at.isoformat()],
            "ranking": [None, [f"{p.rank}:{p.key}:{p.score}" for p in placed]],
        },
    )
    return comp
