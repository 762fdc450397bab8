"""Writes to the registry: every state change is one function under a transaction that checks
state and scope, validates, saves and records the audit entry (SPEC §3, §10).

Pages, the API, management commands and the demo data all call these functions. Input is a dict
of plain values (codes for related rows); every rejection raises ``ValidationError`` keyed by the
field it concerns, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record, diff, snapshot
from cqo.lib import crypto
from cqo.reference import enums, validators
from cqo.reference.models import Industry, Region
from cqo.reference.selectors import region_label
from cqo.registry import rules
from cqo.registry.models import Appointment, Enterprise, Person, Qualification, Reminder

Data = dict[str, Any]

# Chinese names incl. CJK extensions A–G (GB 18030 rare characters such as 𠮷), the middle dot
# of minority names, and Latin letters for foreign names.
NAME_RE = re.compile(
    r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134fA-Za-z·•.'\- ]{1,50}$"
)

ENTERPRISE_FIELDS = [
    "uscc",
    "name",
    "website",
    "employees",
    "industry",
    "size",
    "nature",
    "listed",
    "main_products",
    "registered_address",
    "region",
    "responsible_name",
    "responsible_position",
    "responsible_landline",
    "responsible_mobile_masked",
    "above_scale",
    "above_scale_year",
    "quality_award",
    "quality_award_year",
    "special_equipment_licence",
    "group_parent",
]
PERSON_FIELDS = [
    "name",
    "id_number_masked",
    "gender",
    "birth_date",
    "position",
    "title",
    "title_level",
    "education",
    "major",
    "mobile_masked",
    "email",
    "mailing_address",
    "quality_years",
    "work_history",
    "region",
    "photo",
]
APPOINTMENT_FIELDS = [
    "post",
    "rank",
    "concurrent_role",
    "appointing_authority",
    "selection_method",
    "assessment_result",
    "probation_end",
    "reports_to_top",
    "departments_led",
    "duties",
    "powers",
    "start_date",
    "term_end",
    "authorisation_scan",
    "form_date",
    "remarks",
    "declaration_confirmed",
]


class _Errors:
    """Collects field errors so one submission reports every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: Any) -> None:
        msgs = message.messages if isinstance(message, ValidationError) else [str(message)]
        self.errors.setdefault(field, []).extend(msgs)

    def run(self, field: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.add(field, exc)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _today() -> dt.date:
    return timezone.localdate()


def _str(data: Data, key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _year(errors: _Errors, field: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("年度应为四位数字"))
        return None
    if not 1949 <= year <= _today().year + 1:
        errors.add(field, _("年度应在1949年至明年之间"))
        return None
    return year


def _model_errors(errors: _Errors, obj: Any, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, msgs in exc.message_dict.items():
            if field not in errors.errors:
                errors.errors[field] = msgs


# Enterprises ----------------------------------------------------------------------------------


def _apply_enterprise(errors: _Errors, ent: Enterprise, data: Data, *, partial: bool) -> None:
    def given(key: str) -> bool:
        return not partial or key in data

    if given("uscc"):
        uscc = errors.run("uscc", validators.validate_uscc, _str(data, "uscc"))
        if uscc:
            clash = Enterprise.objects.filter(uscc=uscc).exclude(pk=ent.pk).exists()
            if clash:
                errors.add("uscc", _("该统一社会信用代码已登记"))
            ent.uscc = uscc
    if given("name"):
        ent.name = _str(data, "name")
        if not ent.name:
            errors.add("name", _("单位名称必填"))
    if given("website"):
        ent.website = (
            errors.run("website", validators.validate_website, _str(data, "website")) or ""
        )
    if given("employees"):
        value = data.get("employees")
        if value in (None, ""):
            ent.employees = None
        else:
            try:
                ent.employees = int(value)
                if ent.employees < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors.add("employees", _("员工总数应为不小于0的整数"))
    if given("industry"):
        code = _str(data, "industry")
        industry = Industry.objects.filter(code=code, level=Industry.Level.DIVISION).first()
        if industry is None:
            errors.add("industry", _("所属行业应为 GB/T 4754-2017 的大类代码（两位数字）"))
        else:
            ent.industry = industry
    if given("region"):
        region = Region.objects.filter(code=_str(data, "region")).first()
        if region is None:
            errors.add("region", _("行政区划代码不存在（GB/T 2260）"))
        elif region.level == Region.Level.PROVINCE or (
            region.level == Region.Level.CITY and region.children.exists()
        ):
            errors.add("region", _("请选择到区县一级的行政区划"))
        else:
            ent.region = region
    for key in (
        "size",
        "nature",
        "main_products",
        "registered_address",
        "responsible_name",
        "responsible_position",
        "quality_award",
        "special_equipment_licence",
    ):
        if given(key):
            setattr(ent, key, _str(data, key))
    for key in ("listed", "above_scale"):
        if given(key):
            setattr(ent, key, bool(data.get(key)))
    if given("responsible_landline"):
        landline = _str(data, "responsible_landline")
        ent.responsible_landline = (
            errors.run("responsible_landline", validators.validate_landline, landline) or ""
            if landline
            else ""
        )
    if given("responsible_mobile"):
        mobile = _str(data, "responsible_mobile")
        checked = (
            errors.run("responsible_mobile", validators.validate_mobile, mobile) if mobile else ""
        )
        ent.responsible_mobile = checked or ""
    if given("above_scale_year"):
        ent.above_scale_year = _year(errors, "above_scale_year", data.get("above_scale_year"))
    if given("quality_award_year"):
        ent.quality_award_year = _year(errors, "quality_award_year", data.get("quality_award_year"))
    if ent.quality_award and not ent.quality_award_year:
        errors.add("quality_award_year", _("填写政府质量奖时须填写获奖年度"))
    if given("group_parent"):
        parent_uscc = _str(data, "group_parent")
        if not parent_uscc:
            ent.group_parent = None
        else:
            parent = Enterprise.objects.filter(uscc=parent_uscc).first()
            if parent is None or parent.pk == ent.pk:
                errors.add("group_parent", _("所属集团应为已登记的其他企业的统一社会信用代码"))
            else:
                ent.group_parent = parent
    _model_errors(errors, ent, exclude=["industry", "region", "responsible_mobile_enc"])


@transaction.atomic
def enterprise_create(*, actor: User, data: Data) -> Enterprise:
    errors = _Errors()
    ent = Enterprise()
    _apply_enterprise(errors, ent, data, partial=False)
    errors.raise_if_any()
    if not access.can_create_enterprise(actor, ent.region):
        raise PermissionDenied(_("只能在本辖区内登记企业"))
    ent.save()
    audit_record(
        actor=actor,
        action="create",
        target_type="enterprise",
        target_id=ent.uscc,
        target_repr=ent.name,
        changes=diff({}, snapshot(ent, ENTERPRISE_FIELDS)),
    )
    return ent


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, data: Data) -> Enterprise:
    if not access.can_edit_enterprise(actor, enterprise):
        raise PermissionDenied(_("无权修改该企业"))
    ent = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = snapshot(ent, ENTERPRISE_FIELDS)
    errors = _Errors()
    _apply_enterprise(errors, ent, data, partial=True)
    errors.raise_if_any()
    if ent.region_id != enterprise.region_id and not access.can_create_enterprise(
        actor, ent.region
    ):
        raise ValidationError({"region": _("只能将企业移入本辖区内的行政区划")})
    changes = diff(before, snapshot(ent, ENTERPRISE_FIELDS))
    if changes:
        ent.save()
        audit_record(
            actor=actor,
            action="update",
            target_type="enterprise",
            target_id=ent.uscc,
            target_repr=ent.name,
            changes=changes,
        )
    return ent


# Persons --------------------------------------------------------------------------------------


def _apply_person(errors: _Errors, person: Person, data: Data, *, partial: bool) -> None:
    def given(key: str) -> bool:
        return not partial or key in data

    if given("name"):
        name = re.sub(r"\s+", " ", _str(data, "name"))
        if not name:
            errors.add("name", _("姓名必填"))
        elif not NAME_RE.match(name):
            errors.add("name", _("姓名只能包含汉字（含生僻字）、字母、间隔号“·”"))
        person.name = name
    if given("id_number"):
        facts = errors.run("id_number", validators.validate_id_number, _str(data, "id_number"))
        if facts:
            person.id_number = facts.number
            clash = Person.objects.filter(id_number_hash=person.id_number_hash).exclude(
                pk=person.pk
            )
            if clash.exists():
                errors.add("id_number", _("该身份证号已登记"))
            # What was typed must agree with what the ID number encodes (GB 11643-1999).
            typed_gender = _str(data, "gender")
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
            setattr(person, key, _str(data, key))
    if not person.title_level:
        person.title_level = enums.QualificationLevel.NONE
    if given("mobile"):
        mobile = errors.run("mobile", validators.validate_mobile, _str(data, "mobile"))
        if mobile:
            person.mobile = mobile
    if given("email"):
        email = _str(data, "email")
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
        age = (_today() - person.birth_date).days // 365
        if person.quality_years > max(age - 16, 0):
            errors.add("quality_years", _("质量工作年限不能超过16岁以后的年数"))
    if given("region"):
        code = _str(data, "region")
        person.region = Region.objects.filter(code=code).first() if code else None
        if code and person.region is None:
            errors.add("region", _("行政区划代码不存在（GB/T 2260）"))
    if given("photo") and data.get("photo") is not None:
        person.photo = data["photo"]
    # Gender and birth date come from the ID number: when it is rejected, say so once rather
    # than also reporting the two derived fields as missing.
    derived = ["gender", "birth_date"] if "id_number" in errors.errors else []
    _model_errors(
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
    if (not partial or "mobile" in data) and not person.mobile_enc:
        errors.add("mobile", _("手机号码必填"))
    if not person.id_number_enc and "id_number" not in errors.errors:
        errors.add("id_number", _("身份证号必填"))


def _set_qualifications(
    errors: _Errors, person: Person, items: list[Data] | None
) -> list[Qualification]:
    quals = []
    for i, item in enumerate(items or []):
        q = Qualification(
            person=person,
            kind=_str(item, "kind"),
            name=_str(item, "name"),
            field=_str(item, "field"),
            level=_str(item, "level"),
            issued_on=item.get("issued_on") or None,
            issuer=_str(item, "issuer"),
        )
        try:
            q.full_clean(exclude=["person"])
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                errors.add(f"qualifications.{i}.{field}", msgs[0])
        quals.append(q)
    return quals


def _save_person(actor: User | None, person: Person, action: str, changes: dict[str, Any]) -> None:
    person.save()
    audit_record(
        actor=actor,
        action=action,
        target_type="person",
        target_id=str(person.public_id),
        target_repr=person.name,
        changes=changes,
    )


def _person_new(errors: _Errors, data: Data) -> tuple[Person, list[Qualification]]:
    person = Person()
    _apply_person(errors, person, data, partial=False)
    quals = _set_qualifications(errors, person, data.get("qualifications"))
    return person, quals


@transaction.atomic
def person_register(*, data: Data) -> tuple[User, Person]:
    """Online registration (线上注册, shaanxi-2021 §五(一)): an account and a profile, possible
    before any appointment. ``data`` carries the profile plus username and password."""
    errors = _Errors()
    username = _str(data, "username")
    if not re.fullmatch(r"[\w.@+-]{3,150}", username):
        errors.add("username", _("用户名为3–150位字母、数字或 @.+-_"))
    elif User.objects.filter(username__iexact=username).exists():
        errors.add("username", _("该用户名已被使用"))
    person, quals = _person_new(errors, data)
    if "id_number" in errors.errors and _("该身份证号已登记") in errors.errors["id_number"]:
        errors.errors["id_number"] = [_("该身份证号已登记；如企业已邀请您，请使用邀请链接认领账户")]
    user = User(username=username, role=Role.CQO, display_name=person.name, email=person.email)
    password = str(data.get("password") or "")
    from django.contrib.auth.password_validation import validate_password

    errors.run("password", validate_password, password, user)
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
def person_invite(*, actor: User, data: Data) -> tuple[Person, str]:
    """The clerk records a person's profile and gets a one-time link the person uses to claim
    the account (SPEC §3, issue "or is invited by the enterprise clerk")."""
    if actor.role != Role.ENTERPRISE:
        raise PermissionDenied(_("只有企业经办人可以邀请首席质量官"))
    errors = _Errors()
    person, quals = _person_new(errors, data)
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
def person_claim(*, token: str, username: str, password: str, id_number: str) -> User:
    person = (
        Person.objects.select_for_update()
        .filter(invite_token_hash=_invite_digest(token or "-"), user__isnull=True)
        .first()
    )
    if person is None:
        raise ValidationError({"token": _("邀请链接无效或已被使用")})
    errors = _Errors()
    facts = errors.run("id_number", validators.validate_id_number, id_number)
    if facts and crypto.keyed_hash(facts.number) != person.id_number_hash:
        errors.add("id_number", _("身份证号与邀请登记的信息不一致"))
    if not re.fullmatch(r"[\w.@+-]{3,150}", username or ""):
        errors.add("username", _("用户名为3–150位字母、数字或 @.+-_"))
    elif User.objects.filter(username__iexact=username).exists():
        errors.add("username", _("该用户名已被使用"))
    user = User(username=username, role=Role.CQO, display_name=person.name, email=person.email)
    from django.contrib.auth.password_validation import validate_password

    errors.run("password", validate_password, password or "", user)
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
def person_update(*, actor: User, person: Person, data: Data) -> Person:
    if not access.can_edit_person(actor, person):
        raise PermissionDenied(_("无权修改该人员信息"))
    locked = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(locked, PERSON_FIELDS)
    errors = _Errors()
    _apply_person(errors, locked, data, partial=True)
    quals = None
    if "qualifications" in data:
        quals = _set_qualifications(errors, locked, data["qualifications"])
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
    return getattr(person, field)


# Appointments and filing ------------------------------------------------------------------------


def _apply_appointment(errors: _Errors, appt: Appointment, data: Data, *, partial: bool) -> None:
    def given(key: str) -> bool:
        return not partial or key in data

    for key in (
        "post",
        "rank",
        "concurrent_role",
        "appointing_authority",
        "selection_method",
        "assessment_result",
        "duties",
        "powers",
        "remarks",
    ):
        if given(key):
            setattr(appt, key, _str(data, key))
    for key in ("reports_to_top", "declaration_confirmed"):
        if given(key):
            setattr(appt, key, bool(data.get(key)))
    if given("departments_led"):
        depts = data.get("departments_led") or []
        if isinstance(depts, str):
            depts = [d for d in depts.split(",") if d]
        bad = [d for d in depts if d not in enums.LedDepartment.values]
        if bad:
            errors.add("departments_led", _("分管部门取值无效：%(v)s") % {"v": ", ".join(bad)})
        appt.departments_led = [d for d in enums.LedDepartment.values if d in depts]
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
    if given("authorisation_scan") and data.get("authorisation_scan") is not None:
        appt.authorisation_scan = data["authorisation_scan"]
    if appt.start_date:
        if appt.start_date > _today() + dt.timedelta(days=366):
            errors.add("start_date", _("聘任日期不能晚于一年以后"))
        if appt.term_end and appt.term_end < appt.start_date:
            errors.add("term_end", _("聘期截止不能早于聘任日期"))
        if appt.probation_end and appt.probation_end < appt.start_date:
            errors.add("probation_end", _("试用期截止不能早于聘任日期"))
    if appt.form_date and appt.form_date > _today():
        errors.add("form_date", _("填写日期不能在未来"))
    _model_errors(
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
def appointment_create(*, actor: User, data: Data) -> Appointment:
    """The clerk records an appointment of a registered person, found by ID number and name."""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id is None:
        raise PermissionDenied(_("只有企业经办人可以登记聘任信息"))
    errors = _Errors()
    person = None
    facts = errors.run("id_number", validators.validate_id_number, _str(data, "id_number"))
    if facts:
        person = Person.objects.filter(id_number_hash=crypto.keyed_hash(facts.number)).first()
        if person is None:
            errors.add("id_number", _("未找到以该身份证号注册的人员，请先请其线上注册或由企业邀请"))
        elif person.name != _str(data, "person_name"):
            errors.add("person_name", _("姓名与该身份证号登记的姓名不一致"))
            person = None
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
def appointment_update(*, actor: User, appointment: Appointment, data: Data) -> Appointment:
    if not access.can_manage_filing(actor, appointment):
        raise PermissionDenied(_("无权修改该聘任备案"))
    appt = _lock(appointment)
    if appt.status not in (Appointment.Status.DRAFT, Appointment.Status.RETURNED):
        raise ValidationError({"status": _("只有草稿或退回修改的备案可以修改")})
    before = snapshot(appt, APPOINTMENT_FIELDS)
    errors = _Errors()
    _apply_appointment(errors, appt, data, partial=True)
    errors.raise_if_any()
    changes = diff(before, snapshot(appt, APPOINTMENT_FIELDS))
    if changes:
        appt.save()
        _appointment_audit(actor, appt, "update", changes)
    return appt


PROFILE_REQUIRED = ["name", "id_number_enc", "gender", "education", "mobile_enc", "position"]


def filing_facts(appt: Appointment) -> rules.FilingFacts:
    person = appt.person
    labels = {f.name: str(f.verbose_name) for f in Person._meta.fields}
    labels.update(
        {
            "id_number_enc": str(labels["id_number_masked"]),
            "mobile_enc": str(labels["mobile_masked"]),
        }
    )
    missing = [labels[f] for f in PROFILE_REQUIRED if not getattr(person, f)]
    others = (
        Appointment.objects.filter(person=person, status=Appointment.Status.FILED)
        .exclude(enterprise=appt.enterprise)
        .values_list("enterprise_id", "enterprise__group_parent_id")
    )
    return rules.FilingFacts(
        enterprise_id=appt.enterprise_id,
        enterprise_group_id=appt.enterprise.group_parent_id,
        rank=appt.rank,
        reports_to_top=appt.reports_to_top,
        declaration_confirmed=appt.declaration_confirmed,
        other_active_at_enterprise=Appointment.objects.filter(
            enterprise=appt.enterprise, status=Appointment.Status.FILED
        )
        .exclude(pk=appt.pk)
        .exists(),
        person_active_elsewhere=list(others),
        profile_missing=missing,
    )


def filing_checks(appt: Appointment) -> list[rules.Check]:
    return rules.filing_checks(filing_facts(appt))


def _raise_blocking(checks: list[rules.Check]) -> None:
    failures = rules.blocking_failures(checks)
    if failures:
        raise ValidationError(
            {
                "__all__": [
                    f"{c.label}（{c.clause}）{('：' + c.detail) if c.detail else ''}"
                    for c in failures
                ]
            }
        )


@transaction.atomic
def filing_submit(*, actor: User, appointment: Appointment) -> Appointment:
    if not access.can_manage_filing(actor, appointment):
        raise PermissionDenied(_("无权提交该聘任备案"))
    appt = _lock(appointment)
    if appt.status not in (Appointment.Status.DRAFT, Appointment.Status.RETURNED):
        raise ValidationError({"status": _("只有草稿或退回修改的备案可以提交")})
    _raise_blocking(filing_checks(appt))
    before = appt.status
    appt.status = Appointment.Status.SUBMITTED
    appt.submitted_at = timezone.now()
    appt.form_date = appt.form_date or _today()
    appt.save(update_fields=["status", "submitted_at", "form_date", "updated_at"])
    _appointment_audit(actor, appt, "transition", {"status": [before, appt.status]})
    return appt


def _filing_authority(enterprise: Enterprise) -> Region:
    # Default filing authority: the county market regulation bureau of the enterprise's region
    # (SPEC §3); for a city without counties (e.g. 东莞市) the region itself.
    return enterprise.region


@transaction.atomic
def filing_approve(*, actor: User, appointment: Appointment, note: str = "") -> Appointment:
    """The filing authority files the appointment. 备案 is record-keeping: a complete and true
    filing is filed; only blocking checks stop it (SPEC §12.11)."""
    if not access.can_review_filing(actor, appointment):
        raise PermissionDenied(_("只有辖区备案机关可以办理备案"))
    appt = _lock(appointment)
    if appt.status != Appointment.Status.SUBMITTED:
        raise ValidationError({"status": _("只有待备案的聘任可以备案")})
    _raise_blocking(filing_checks(appt))
    now = timezone.now()
    appt.status = Appointment.Status.FILED
    appt.filed_at = now
    appt.filed_by = actor
    appt.filing_authority = _filing_authority(appt.enterprise)
    appt.filing_number = f"{appt.filing_authority_id}{timezone.localdate(now).year}{appt.pk:07d}"
    appt.return_reason = ""
    appt.snapshot = filing_form_data(appt, frozen=False)
    try:
        # The partial unique index is the last word when two approvals race (SPEC §12.17).
        with transaction.atomic():
            appt.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"__all__": [_("该企业已有已备案的在任首席质量官（SPEC §12.17）")]}
        ) from exc
    _appointment_audit(actor, appt, "transition", {"status": ["submitted", "filed"]}, note=note)
    return appt


@transaction.atomic
def filing_return(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    if not access.can_review_filing(actor, appointment):
        raise PermissionDenied(_("只有辖区备案机关可以退回备案"))
    appt = _lock(appointment)
    if appt.status != Appointment.Status.SUBMITTED:
        raise ValidationError({"status": _("只有待备案的聘任可以退回")})
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("退回须写明需要更正的内容（至少4个字）")})
    appt.status = Appointment.Status.RETURNED
    appt.return_reason = reason
    appt.save(update_fields=["status", "return_reason", "updated_at"])
    _appointment_audit(
        actor, appt, "transition", {"status": ["submitted", "returned"]}, note=reason
    )
    return appt


@transaction.atomic
def appointment_renew(
    *, actor: User, appointment: Appointment, term_end: dt.date | str, note: str = ""
) -> Appointment:
    """续聘: a filed appointment continues with a later term end."""
    if not access.can_manage_filing(actor, appointment):
        raise PermissionDenied(_("无权办理续聘"))
    appt = _lock(appointment)
    if appt.status != Appointment.Status.FILED:
        raise ValidationError({"status": _("只有已备案的在任聘任可以续聘")})
    errors = _Errors()
    if isinstance(term_end, str):
        try:
            term_end = dt.date.fromisoformat(term_end)
        except ValueError:
            errors.add("term_end", _("日期格式应为 YYYY-MM-DD"))
    errors.raise_if_any()
    assert isinstance(term_end, dt.date)  # noqa: S101
    floor = max(appt.term_end or appt.start_date, _today())
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
    errors = _Errors()
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
    if ended_on > _today():
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
def reminder_send(*, actor: User, enterprise: Enterprise, message: str) -> Reminder:
    """指导督促 (shaanxi-2021 §五(三)): a regulator urges an enterprise in scope."""
    if actor.role != Role.REGULATOR or not access.region_contains(actor, enterprise.region):
        raise PermissionDenied(_("只能督促本辖区企业"))
    message = (message or "").strip()
    if len(message) < 4:
        raise ValidationError({"message": _("督促内容至少4个字")})
    reminder = Reminder.objects.create(enterprise=enterprise, sent_by=actor, message=message)
    audit_record(
        actor=actor,
        action="create",
        target_type="enterprise",
        target_id=enterprise.uscc,
        target_repr=enterprise.name,
        note=f"reminder: {message}",
    )
    return reminder


@transaction.atomic
def reminder_mark_read(*, actor: User, reminder: Reminder) -> None:
    if actor.role != Role.ENTERPRISE or reminder.enterprise_id != actor.enterprise_id:
        raise PermissionDenied
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])


@transaction.atomic
def clerk_create(*, actor: User, enterprise: Enterprise, data: Data) -> User:
    """A regulator (or admin) opens the clerk account that acts for an enterprise in scope."""
    if not (
        actor.is_platform_admin
        or (actor.is_regulator and access.region_contains(actor, enterprise.region))
    ):
        raise PermissionDenied(_("只能为本辖区企业开设经办人账户"))
    errors = _Errors()
    username = _str(data, "username")
    if not re.fullmatch(r"[\w.@+-]{3,150}", username):
        errors.add("username", _("用户名为3–150位字母、数字或 @.+-_"))
    elif User.objects.filter(username__iexact=username).exists():
        errors.add("username", _("该用户名已被使用"))
    user = User(
        username=username,
        role=Role.ENTERPRISE,
        enterprise=enterprise,
        display_name=_str(data, "display_name") or enterprise.name,
    )
    from django.contrib.auth.password_validation import validate_password

    errors.run("password", validate_password, str(data.get("password") or ""), user)
    errors.raise_if_any()
    user.set_password(str(data["password"]))
    user.save()
    audit_record(
        actor=actor,
        action="create",
        target_type="enterprise",
        target_id=enterprise.uscc,
        target_repr=enterprise.name,
        note=f"clerk account {username}",
    )
    return user


# The filing form (shenzhen-guide Annex A 备案登记表) --------------------------------------------


def filing_form_data(appt: Appointment, *, frozen: bool = True) -> Data:
    """Every field of Annex A as plain data. Once filed, the frozen snapshot is returned, so the
    printed form shows what the authority filed even if the records change later. Personal
    numbers stay encrypted inside the snapshot."""
    if frozen and appt.snapshot:
        return appt.snapshot
    ent, person = appt.enterprise, appt.person
    industry = ent.industry
    return {
        "form_date": (appt.form_date or _today()).isoformat(),
        "enterprise": {
            "name": ent.name,
            "uscc": ent.uscc,
            "website": ent.website,
            "employees": ent.employees,
            "industry_section": f"{industry.parent.code} {industry.parent.name}"
            if industry.parent
            else "",
            "industry_division": f"{industry.code} {industry.name}",
            "size": ent.size,
            "nature": ent.nature,
            "listed": ent.listed,
            "main_products": ent.main_products,
            "region": region_label(ent.region_id),
            "responsible_name": ent.responsible_name,
            "responsible_position": ent.responsible_position,
            "responsible_landline": ent.responsible_landline,
            "responsible_mobile_enc": ent.responsible_mobile_enc,
            "responsible_mobile_masked": ent.responsible_mobile_masked,
        },
        "person": {
            "name": person.name,
            "id_number_enc": person.id_number_enc,
            "id_number_masked": person.id_number_masked,
            "gender": person.gender,
            "position": person.position,
            "title": person.title,
            "education": person.education,
            "major": person.major,
            "mobile_enc": person.mobile_enc,
            "mobile_masked": person.mobile_masked,
            "email": person.email,
            "quality_years": person.quality_years,
            "mailing_address": person.mailing_address,
            "work_history": person.work_history,
            "photo": person.photo.name if person.photo else "",
        },
        "appointment": {
            "post": appt.post,
            "rank": appt.rank,
            "start_date": appt.start_date.isoformat(),
            "term_end": appt.term_end.isoformat() if appt.term_end else "",
            "declaration_confirmed": appt.declaration_confirmed,
            "remarks": appt.remarks,
            "filing_number": appt.filing_number or "",
            "filed_at": appt.filed_at.isoformat() if appt.filed_at else "",
        },
    }
