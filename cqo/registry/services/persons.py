"""Persons: online registration, invitation, profile changes, unmasked views (SPEC §3, §10)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record, audit_records, diff, snapshot
from cqo.lib import clock, crypto, uploads
from cqo.reference import enums, validators
from cqo.reference.models import Region
from cqo.registry.inputs import PersonDetails, given
from cqo.registry.models import Person, Qualification
from cqo.registry.services._common import (
    PERSON_FIELDS,
    Data,
    Errors,
    account_check,
    model_errors,
    name_ok,
    text,
)

# Persons --------------------------------------------------------------------------------------


Given = Callable[[str], bool]


@dataclass
class Known:
    """What a batch of new persons looked up at once (an archive file's thousands of rows):
    the ID numbers registered (keyed hashes) and the regions by code. Without one, each person
    asks the database."""

    registered: set[str] = field(default_factory=set)
    regions: dict[str, Region] = field(default_factory=dict)
    # ID numbers as typed → what GB 11643 reads in them (those found valid)
    id_facts: dict[str, Any] = field(default_factory=dict)


def _apply_person(
    errors: Errors,
    person: Person,
    data: Data,
    *,
    partial: bool,
    mobile_required: bool = True,
    known: Known | None = None,
) -> None:
    def given(key: str) -> bool:
        return not partial or key in data

    _apply_identity(errors, person, data, given, known)
    _apply_profile(errors, person, data, given, mobile_required=mobile_required, known=known)
    # Gender and birth date come from the ID number: when it is rejected, say so once rather
    # than also reporting the two derived fields as missing.
    derived = ["gender", "birth_date"] if "id_number" in errors.errors else []
    model_errors(
        errors,
        person,
        exclude=[
            "region",
            "user",
            "invited_by",
            "id_number_enc",
            "mobile_enc",
            "photo",
            "id_number_hash",
            "mobile_hash",
            "id_number_masked",
            "mobile_masked",
            *derived,
        ],
    )
    if mobile_required and (not partial or "mobile" in data) and not person.mobile_enc:
        errors.add("mobile", _("手机号码必填"))
    if not person.id_number_enc and "id_number" not in errors.errors:
        errors.add("id_number", _("身份证号必填"))


def _apply_identity(
    errors: Errors, person: Person, data: Data, given: Given, known: Known | None = None
) -> None:
    """The name (GB 18030 ideographs, SPEC §2) and the ID number (GB 11643, unique), with the
    gender and birth date it encodes."""
    if given("name"):
        name = re.sub(r"\s+", " ", text(data, "name"))
        if not name:
            errors.add("name", _("姓名必填"))
        elif not name_ok(name):
            errors.add("name", _("姓名只能包含汉字（含生僻字）、字母、间隔号“·”"))
        person.name = name
    if given("id_number"):
        typed = text(data, "id_number")
        facts = known.id_facts.get(typed) if known is not None else None
        if facts is None:
            facts = errors.run("id_number", validators.validate_id_number, typed)
        if facts:
            person.id_number = facts.number
            if known is not None:
                clash = person.id_number_hash in known.registered
            else:
                # under the "both" suite a row not yet moved carries the other suite's hash
                clash = (
                    Person.objects.filter(id_number_hash__in=crypto.lookup_hashes(facts.number))
                    .exclude(pk=person.pk)
                    .exists()
                )
            if clash:
                errors.add("id_number", _("该身份证号已登记"))
            # What was typed must agree with what the ID number encodes (GB 11643-1999).
            typed_gender = text(data, "gender")
            if typed_gender and typed_gender != facts.gender:
                errors.add("gender", _("性别与身份证号码（第17位）不一致"))
            typed_birth = data.get("birth_date")
            if isinstance(typed_birth, str) and typed_birth:
                try:
                    typed_birth = dt.date.fromisoformat(typed_birth)
                except ValueError:
                    errors.add("birth_date", _("出生日期格式应为 YYYY-MM-DD"))
                    typed_birth = None
            if typed_birth and typed_birth != facts.birth_date:
                errors.add("birth_date", _("出生日期与身份证号码（第7–14位）不一致"))
            person.gender = facts.gender
            person.birth_date = facts.birth_date


def _apply_profile(
    errors: Errors,
    person: Person,
    data: Data,
    given: Given,
    *,
    mobile_required: bool = True,
    known: Known | None = None,
) -> None:
    """Position, title, education, contact data, years in quality work, region and photo."""
    for key in (
        "position",
        "title",
        "title_level",
        "education",
        "major",
        "mailing_address",
        "work_history",
    ):
        if given(key):
            setattr(person, key, text(data, key))
    if not person.title_level:
        person.title_level = enums.QualificationLevel.NONE
    if given("mobile") and (mobile_required or text(data, "mobile")):
        mobile = errors.run("mobile", validators.validate_mobile, text(data, "mobile"))
        if mobile:
            person.mobile = mobile
    if given("email"):
        email = text(data, "email")
        person.email = (
            (errors.run("email", validators.validate_email, email) or "") if email else ""
        )
    if given("quality_years"):
        try:
            years = int(data.get("quality_years") or 0)
            if not 0 <= years <= 60:
                raise ValueError
            person.quality_years = years
        except (TypeError, ValueError):
            errors.add("quality_years", _("质量工作年限应为0–60之间的整数"))
    if person.birth_date and person.quality_years:
        age = (clock.today() - person.birth_date).days // 365
        if person.quality_years > max(age - 16, 0):
            errors.add("quality_years", _("质量工作年限不能超过16岁以后的年数"))
    if given("region"):
        code = text(data, "region")
        if known is not None:
            person.region = known.regions.get(code) if code else None
        else:
            person.region = Region.objects.filter(code=code).first() if code else None
        if code and person.region is None:
            errors.add("region", _("行政区划代码不存在（GB/T 2260）"))
    if given("photo") and data.get("photo") is not None:
        try:
            uploads.check_photo(data["photo"])
        except ValidationError as exc:
            errors.add("photo", exc)
        else:
            person.photo = data["photo"]


def _set_qualifications(
    errors: Errors, person: Person, items: list[Data] | None
) -> list[Qualification]:
    quals = []
    for i, item in enumerate(items or []):
        q = Qualification(
            person=person,
            kind=text(item, "kind"),
            name=text(item, "name"),
            field=text(item, "field"),
            level=text(item, "level"),
            issued_on=item.get("issued_on") or None,
            issuer=text(item, "issuer"),
        )
        try:
            q.full_clean(exclude=["person"])
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                errors.add(f"qualifications.{i}.{field}", msgs[0])
        quals.append(q)
    return quals


def _save_person(
    actor: User | None, person: Person, action: str, changes: dict[str, Any], note: str = ""
) -> None:
    person.save()
    audit_record(
        actor=actor,
        action=action,
        target_type="person",
        target_id=str(person.public_id),
        target_repr=person.name,
        changes=changes,
        note=note,
    )


def _person_new(
    errors: Errors, data: Data, *, mobile_required: bool = True, known: Known | None = None
) -> tuple[Person, list[Qualification]]:
    person = Person()
    _apply_person(errors, person, data, partial=False, mobile_required=mobile_required, known=known)
    quals = _set_qualifications(errors, person, data.get("qualifications"))
    return person, quals


@transaction.atomic
def person_register(*, details: PersonDetails) -> tuple[User, Person]:
    """Online registration (线上注册, shaanxi-2021 §五(一)): an account and a profile, possible
    before any appointment. ``details`` carries the profile plus username and password."""
    data = given(details)
    errors = Errors()
    username = text(data, "username")
    person, quals = _person_new(errors, data)
    if "id_number" in errors.errors and _("该身份证号已登记") in errors.errors["id_number"]:
        errors.errors["id_number"] = [_("该身份证号已登记；如企业已邀请您，请使用邀请链接认领账户")]
    user = User(username=username, role=Role.CQO, display_name=person.name, email=person.email)
    password = str(data.get("password") or "")
    account_check(errors, user, password)
    errors.raise_if_any()
    user.set_password(password)
    user.save()
    person.user = user
    _save_person(user, person, "create", diff({}, snapshot(person, PERSON_FIELDS)))
    for q in quals:
        q.person = person
        q.save()
    return user, person


def _invite_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def person_invite(*, actor: User, details: PersonDetails) -> tuple[Person, str]:
    """The clerk records a person's profile and gets a one-time link the person uses to claim
    the account (SPEC §3: a CQO registers, or is invited by the enterprise clerk)."""
    if actor.role != Role.ENTERPRISE:
        raise PermissionDenied(_("只有企业经办人可以邀请首席质量官"))
    errors = Errors()
    person, quals = _person_new(errors, given(details))
    errors.raise_if_any()
    token = secrets.token_urlsafe(24)
    person.invited_by_id = actor.enterprise_id
    person.invite_token_hash = _invite_digest(token)
    if person.region is None and actor.enterprise is not None:
        person.region = actor.enterprise.region
    _save_person(actor, person, "create", diff({}, snapshot(person, PERSON_FIELDS)))
    for q in quals:
        q.person = person
        q.save()
    return person, token


@transaction.atomic
def person_migrate(*, actor: User, details: PersonDetails, origin_note: str) -> Person:
    """A person from a province's archive of existing records: a profile with no login account
    (the person claims none; a clerk's invitation or the person's own registration is the way to
    one), checked by the same field rules as registration and invitation, recorded in the trail
    under the migrating user with ``origin_note`` (the file and row it came from).

    The region is required and must lie in the actor's scope (a platform admin, or a regulator
    whose subtree holds it). The mobile may be missing: archives often lack it, and a filing
    asks for it before it is submitted (selectors.filings.PROFILE_REQUIRED). The batch form,
    for an archive file's rows, is ``persons_migrate``."""
    made = persons_migrate(
        actor=actor, items=[MigratedPerson(details=details, origin_note=origin_note)]
    )[0]
    if isinstance(made, ValidationError):
        raise made
    return made


@dataclass(frozen=True, kw_only=True)
class MigratedPerson:
    """A person of a province's archive and the file and row it came from."""

    details: PersonDetails
    origin_note: str


@transaction.atomic
def persons_migrate(
    *, actor: User, items: Sequence[MigratedPerson]
) -> list[Person | ValidationError]:
    """``person_migrate`` for a batch of an archive file, each person checked by the same
    rules and with the same messages, the registry asked once for the batch (the ID numbers
    registered, the regions): for each item, in order, the person created or why not. The good
    ones are stored together, each with its own audit entry naming its file and row."""
    if not (actor.is_platform_admin or actor.role == Role.REGULATOR):
        raise PermissionDenied(_("只有市场监管部门和系统管理员可以迁移历史人员数据"))
    datas = []
    known = Known()
    codes: set[str] = set()
    for item in items:
        data = given(item.details)
        for key in ("username", "password", "photo"):
            data.pop(key, None)
        datas.append(data)
        typed = text(data, "id_number")
        with contextlib.suppress(ValidationError):  # reported with the person's other errors
            known.id_facts[typed] = validators.validate_id_number(typed)
        if code := text(data, "region"):
            codes.add(code)
    by_hash = {
        h: crypto.keyed_hash(f.number)
        for f in known.id_facts.values()
        for h in crypto.lookup_hashes(f.number)
    }
    # as the writing suite's hash, whichever suite's hash the row carries (the "both" suite)
    known.registered = {
        by_hash[h]
        for h in Person.objects.filter(id_number_hash__in=by_hash).values_list(
            "id_number_hash", flat=True
        )
    }
    known.regions = Region.objects.in_bulk(codes, field_name="code")
    in_scope: dict[str, bool] = {}
    results: list[Person | ValidationError] = []
    made: list[tuple[Person, list[Qualification], str]] = []
    for item, data in zip(items, datas, strict=True):
        errors = Errors()
        person, quals = _person_new(errors, data, mobile_required=False, known=known)
        if person.region is None:
            if "region" not in errors.errors:
                errors.add("region", _("行政区划代码必填"))
        elif not actor.is_platform_admin:
            code = person.region.code
            if code not in in_scope:
                in_scope[code] = access.region_contains(actor, person.region)
            if not in_scope[code]:
                errors.add("region", _("行政区划不在您的辖区内"))
        if errors.errors:
            results.append(ValidationError(errors.errors))
            continue
        known.registered.add(person.id_number_hash)  # a second row of the batch is a clash
        made.append((person, quals, item.origin_note))
        results.append(person)
    Person.objects.bulk_create([person for person, _q, _n in made], batch_size=1000)
    quals = []
    for person, person_quals, _note in made:
        for q in person_quals:
            q.person = person
            quals.append(q)
    Qualification.objects.bulk_create(quals)
    audit_records(
        actor=actor,
        action="create",
        target_type="person",
        items=[
            (
                str(person.public_id),
                person.name,
                diff({}, snapshot(person, PERSON_FIELDS)),
                note,
            )
            for person, _q, note in made
        ],
    )
    return results


@transaction.atomic
def person_claim(*, token: str, username: str, password: str, id_number: str) -> User:
    person = (
        Person.objects.select_for_update()
        .filter(invite_token_hash=_invite_digest(token or "-"), user__isnull=True)
        .first()
    )
    if person is None:
        raise ValidationError({"token": _("邀请链接无效或已被使用")})
    errors = Errors()
    facts = errors.run("id_number", validators.validate_id_number, id_number)
    if facts and person.id_number_hash not in crypto.lookup_hashes(facts.number):
        errors.add("id_number", _("身份证号与邀请登记的信息不一致"))
    user = User(username=username, role=Role.CQO, display_name=person.name, email=person.email)
    account_check(errors, user, password)
    errors.raise_if_any()
    user.set_password(password)
    user.save()
    person.user = user
    person.invite_token_hash = ""
    person.save(update_fields=["user", "invite_token_hash", "updated_at"])
    audit_record(
        actor=user,
        action="update",
        target_type="person",
        target_id=str(person.public_id),
        target_repr=person.name,
        changes={"user": [None, username]},
        note="invitation claimed",
    )
    return user


@transaction.atomic
def person_update(*, actor: User, person: Person, details: PersonDetails) -> Person:
    if not access.can_edit_person(actor, person):
        raise PermissionDenied(_("无权修改该人员信息"))
    data = given(details)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(locked, PERSON_FIELDS)
    errors = Errors()
    _apply_person(errors, locked, data, partial=True)
    quals = None
    if "qualifications" in data:
        quals = _set_qualifications(
            errors, locked, cast("list[Data] | None", data["qualifications"])
        )
    errors.raise_if_any()
    changes = diff(before, snapshot(locked, PERSON_FIELDS))
    if quals is not None:
        old = [str(q) for q in locked.qualifications.all()]
        new = [str(q) for q in quals]
        if old != new:
            locked.qualifications.all().delete()
            for q in quals:
                q.save()
            changes["qualifications"] = [old, new]
    if changes:
        _save_person(actor, locked, "update", changes)
    return locked


def personal_reveal(*, actor: User, person: Person, field: str, visible: bool) -> str:
    """Return an ID number or mobile unmasked, logging the view (SPEC §10)."""
    if field not in ("id_number", "mobile"):
        raise ValidationError({"field": _("只能查看身份证号或手机号码")})
    # Scope is checked here, not taken on the caller's word: ``visible`` can only narrow it.
    in_scope = Person.objects.filter(access.person_q(actor), pk=person.pk).exists()
    if not access.can_reveal_personal(actor, person, visible=visible and in_scope):
        raise PermissionDenied(_("无权查看完整个人信息"))
    audit_record(
        actor=actor,
        action="unmask",
        target_type="person",
        target_id=str(person.public_id),
        target_repr=person.name,
        note=field,
    )
    return str(getattr(person, field))
