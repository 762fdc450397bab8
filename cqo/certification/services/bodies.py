"""Certification bodies (认定主体, level-standard §7), their staff logins and their experts,
managed by the platform admin."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.audit.services import diff, snapshot
from cqo.certification import selectors
from cqo.certification.models import BodyMember, CertificationBody, Expert
from cqo.certification.models import CertificationBody as Body
from cqo.certification.services._common import (
    Errors,
    audit,
    bounded,
    require_admin,
)
from cqo.lib import parse
from cqo.lib.bounds import max_length
from cqo.policy.models import Pack
from cqo.reference.models import Region
from cqo.reference.validators import validate_uscc

BODY_FIELDS = [
    "code",
    "name",
    "uscc",
    "legal_representative",
    "kind",
    "authorising_body",
    "authorising_document",
    "supervising_authority",
    "supervising_region",
    "premises",
    "resources",
    "pack_slug",
    "active",
]
EXPERT_FIELDS = ["name", "title", "speciality", "employer", "active"]
CODE_RE = re.compile(r"^[A-Z0-9]{2,8}$")


@dataclass(frozen=True, kw_only=True)
class BodyTerms:
    """A certification body as the platform admin registers it (level-standard §7)."""

    code: str
    name: str
    uscc: str
    legal_representative: str
    kind: str
    authorising_body: str = ""
    authorising_document: str = ""
    supervising_authority: str
    supervising_region: str  # GB/T 2260 code
    premises: str
    resources: str
    pack_slug: str = "level-standard"
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class ExpertTerms:
    name: str
    title: str = ""
    speciality: str = ""
    employer: str = ""
    active: bool = True


def _body_kind(errors: Errors, t: BodyTerms) -> dict[str, str]:
    v = {"kind": parse.text(t.kind)}
    if v["kind"] not in CertificationBody.Kind.values:
        errors.add("kind", _("请选择机构类别（§7）"))
    for key in ("authorising_body", "authorising_document"):
        v[key] = bounded(errors, key, getattr(t, key), minimum=0, maximum=max_length(Body, key))
    if v["kind"] in ("authorised", "entrusted"):
        # §7.2 授权委托的专业的第三方机构: who authorised it, by which document
        for key in ("authorising_body", "authorising_document"):
            if not v[key]:
                errors.add(key, _("第三方机构须填写授权或委托单位及文件（§7）"))
    return v


def _body_values(t: BodyTerms, errors: Errors) -> dict[str, Any]:
    v: dict[str, Any] = {"code": parse.code(t.code)}
    if not CODE_RE.fullmatch(v["code"]):
        errors.add("code", _("机构代码为2～8位大写字母或数字"))
    v["name"] = bounded(
        errors, "name", t.name, maximum=max_length(Body, "name"), message=_("请填写机构名称")
    )
    v["uscc"] = errors.run("uscc", validate_uscc, parse.text(t.uscc)) or ""
    v["legal_representative"] = bounded(
        errors,
        "legal_representative",
        t.legal_representative,
        maximum=max_length(Body, "legal_representative"),
    )
    v.update(_body_kind(errors, t))
    v["supervising_authority"] = bounded(
        errors,
        "supervising_authority",
        t.supervising_authority,
        maximum=max_length(Body, "supervising_authority"),
    )
    region = Region.objects.filter(code=parse.text(t.supervising_region)).first()
    if region is None:
        errors.add("supervising_region", _("请选择主管部门所在行政区划"))
    v["supervising_region"] = region
    v["premises"] = bounded(errors, "premises", t.premises, maximum=max_length(Body, "premises"))
    v["resources"] = bounded(
        errors,
        "resources",
        t.resources,
        maximum=max_length(Body, "resources"),
        message=_("请说明开展认定工作的设备及其他资源（§7）"),
    )
    v["pack_slug"] = parse.text(t.pack_slug) or "level-standard"
    if not Pack.objects.filter(slug=v["pack_slug"], kind=Pack.Kind.CERTIFICATION).exists():
        errors.add("pack_slug", _("未安装该认定标准"))
    v["active"] = t.active
    return v


def _save_body(body: CertificationBody, errors: Errors) -> None:
    errors.raise_if_any()
    try:
        with transaction.atomic():
            body.save()
    except IntegrityError as exc:
        raise ValidationError({"code": _("机构代码或统一社会信用代码已被使用")}) from exc


@transaction.atomic
def body_create(*, actor: User, terms: BodyTerms) -> CertificationBody:
    require_admin(actor)
    errors = Errors()
    body = CertificationBody(**_body_values(terms, errors))
    _save_body(body, errors)
    audit(
        actor,
        selectors.BODY,
        body,
        "create",
        {k: [None, v] for k, v in snapshot(body, BODY_FIELDS).items()},
    )
    return body


@transaction.atomic
def body_update(*, actor: User, body: CertificationBody, terms: BodyTerms) -> CertificationBody:
    require_admin(actor)
    body = CertificationBody.objects.select_for_update().get(pk=body.pk)
    before = snapshot(body, BODY_FIELDS)
    errors = Errors()
    for key, value in _body_values(terms, errors).items():
        setattr(body, key, value)
    _save_body(body, errors)
    changes = diff(before, snapshot(body, BODY_FIELDS))
    if changes:
        audit(actor, selectors.BODY, body, "update", changes)
    return body


def _certifier(errors: Errors, username: str) -> User | None:
    user = User.objects.filter(username=username).first()
    if user is None:
        errors.add("username", _("账号不存在"))
        return None
    if user.role != Role.CERTIFIER:
        errors.add("username", _("只能绑定角色为认定机构的账号"))
        return None
    if BodyMember.objects.filter(user=user).exists() or Expert.objects.filter(user=user).exists():
        errors.add("username", _("该账号已绑定认定主体或专家"))
        return None
    return user


@transaction.atomic
def member_add(*, actor: User, body: CertificationBody, username: str) -> BodyMember:
    require_admin(actor)
    errors = Errors()
    user = _certifier(errors, (username or "").strip())
    errors.raise_if_any()
    if user is None:  # pragma: no cover (errors were raised)
        raise ValidationError({"username": _("账号不存在")})
    member = BodyMember.objects.create(body=body, user=user)
    audit(
        actor,
        selectors.BODY,
        body,
        "update",
        {"members": [None, user.username if user else ""]},
        note=_("绑定工作人员账号"),
    )
    return member


@transaction.atomic
def member_remove(*, actor: User, member: BodyMember) -> None:
    require_admin(actor)
    body, username = member.body, member.user.username
    member.delete()
    audit(
        actor,
        selectors.BODY,
        body,
        "update",
        {"members": [username, None]},
        note=_("解除工作人员账号"),
    )


def _expert_values(t: ExpertTerms, errors: Errors) -> dict[str, Any]:
    return {
        "name": bounded(
            errors, "name", t.name, maximum=max_length(Expert, "name"), message=_("请填写专家姓名")
        ),
        "title": bounded(errors, "title", t.title, minimum=0, maximum=max_length(Expert, "title")),
        "speciality": bounded(
            errors, "speciality", t.speciality, minimum=0, maximum=max_length(Expert, "speciality")
        ),
        "employer": bounded(
            errors, "employer", t.employer, minimum=0, maximum=max_length(Expert, "employer")
        ),
        "active": t.active,
    }


@transaction.atomic
def expert_create(
    *, actor: User, body: CertificationBody, terms: ExpertTerms, username: str = ""
) -> Expert:
    """An expert on the body's roster; ``username`` binds a certifier login for online scoring."""
    require_admin(actor)
    errors = Errors()
    values = _expert_values(terms, errors)
    username = parse.text(username)
    user = _certifier(errors, username) if username else None
    errors.raise_if_any()
    expert = Expert.objects.create(body=body, user=user, **values)
    audit(
        actor,
        selectors.EXPERT,
        expert,
        "create",
        {
            **{k: [None, v] for k, v in values.items()},
            "body": [None, body.name],
            "user": [None, username],
        },
    )
    return expert


@transaction.atomic
def expert_update(*, actor: User, expert: Expert, terms: ExpertTerms) -> Expert:
    require_admin(actor)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    before = snapshot(expert, EXPERT_FIELDS)
    errors = Errors()
    values = _expert_values(terms, errors)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(expert, key, value)
    expert.save(update_fields=list(values))
    changes = diff(before, snapshot(expert, EXPERT_FIELDS))
    if changes:
        audit(actor, selectors.EXPERT, expert, "update", changes)
    return expert
