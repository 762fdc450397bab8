"""Enrolment within capacity, attendance with its study record, results."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import diff
from cqo.hours.models import StudyRecord
from cqo.lib import clock, parse
from cqo.reference import validators
from cqo.registry.models import Person
from cqo.registry.selectors import NO_SUCH_PERSON, person_by_identity
from cqo.training import rules, selectors
from cqo.training.models import (
    Course,
    Enrolment,
    Method,
    Session,
)
from cqo.training.services._common import (
    Errors,
    audit,
    decimal_field,
    governing,
    int_field,
)

# Enrolment ------------------------------------------------------------------------------------


def _find_person(errors: Errors, course: Course, id_number: str, name: str) -> Person | None:
    """By ID number and name, as the clerk finds a person to appoint, among the persons the
    course's organiser may write study records for: an unknown number, a wrong name and a
    person outside that scope read alike (registry.selectors.person_by_identity)."""
    id_number, name = parse.text(id_number), parse.text(name)
    if not id_number:
        errors.add("id_number", _("请填写身份证号"))
        return None
    try:
        facts = validators.validate_id_number(id_number[:18])
    except ValidationError as exc:
        errors.add("id_number", exc)
        return None
    person = person_by_identity(id_number=facts.number, name=name, among=_recordable(course))
    if person is None:
        errors.add("id_number", str(NO_SUCH_PERSON))
    return person


def _recordable(course: Course) -> Q | None:
    """A regulator organiser writes study records only for persons in its scope (cqo.hours
    can_record); trainers and certifiers report sessions for anyone."""
    organiser = course.organiser
    if organiser.role != Role.REGULATOR:
        return None
    return access.person_q(organiser)


def _may_record_for(course: Course, person: Person) -> bool:
    among = _recordable(course)
    return among is None or Person.objects.filter(among, pk=person.pk).exists()


@transaction.atomic
def enrolment_create(
    *,
    actor: User,
    session: Session,
    id_number: str = "",
    person_name: str = "",
    person: Person | None = None,
) -> Enrolment:
    """Enrol a person in a session: the organiser (or its 承办机构) names them by ID number and
    name; a CQO enrols themself (``person``) in an open session. Within capacity, once per
    session."""
    # serialise enrolments of one session, so two last-seat requests cannot both get it
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    course = session.course
    errors = Errors()
    if person is None:
        if not selectors.can_run(actor, course):
            raise PermissionDenied(_("只有课程的组织方或承办机构可以为他人报名"))
        if session.status == Session.Status.HELD:
            raise ValidationError({"session": _("培训班已举办，不能再报名")})
        person = _find_person(errors, course, id_number, person_name)
        field = "id_number"
    else:
        if person.user_id != actor.pk:
            raise PermissionDenied(_("只能为本人报名"))
        if session.status != Session.Status.OPEN:
            raise ValidationError({"session": _("该培训班不在报名期内")})
        field = "session"
    if person is not None and not _may_record_for(course, person):
        errors.add(field, _("该人员不在本课程组织单位的辖区内"))
    errors.raise_if_any()
    assert person is not None  # noqa: S101
    if Enrolment.objects.filter(session=session, person=person).exists():
        raise ValidationError({field: _("%(name)s已报名本期培训") % {"name": person.name}})
    taken = Enrolment.objects.filter(session=session).count()
    if taken >= session.capacity:
        raise ValidationError(
            {"session": _("名额已满（共%(n)d个名额），不能再报名") % {"n": session.capacity}}
        )
    enrolment = Enrolment(session=session, person=person, enrolled_by=actor)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:  # a concurrent duplicate
        raise ValidationError({field: _("%(name)s已报名本期培训") % {"name": person.name}}) from exc
    audit(
        actor,
        selectors.ENROLMENT,
        enrolment,
        "create",
        {"person": [None, person.name], "session": [None, str(session)]},
    )
    return enrolment


def lock_enrolment(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update()
        .select_related("session", "session__course", "session__course__organiser", "person")
        .get(pk=enrolment.pk)
    )


def _refuse_if_certified(enrolment: Enrolment, field: str) -> None:
    if selectors.valid_certificate_for(enrolment) is not None:
        raise ValidationError(
            {field: _("已颁发培训合格证，不能修改考勤或成绩；如有错误请先撤销证书")}
        )


def _earned(enrolment: Enrolment) -> Decimal:
    """SPEC §12.25: the course's 学时 prorated by the attendance recorded, unless the governing
    pack sets a minimum attendance for full 学时 (training.full_hours_attendance)."""
    course = enrolment.session.course
    training = governing(course.region).rules.training
    full = training.full_hours if training is not None else None
    full_at = full.attendance if full is not None else None
    return rules.earned_hours(course.hours, enrolment.attendance or 0, full_at)


def _write_study_record(enrolment: Enrolment, hours: Decimal) -> StudyRecord:
    """The learner's study record for the session, in the organiser's name (SPEC §5, §12.13,
    §12.25: the 学时 attended; occurred on the session's last day). Exactly once: the enrolment
    keeps the record, and the hour log refuses a repeated source reference per reporter. A
    later change of the attendance is a correction of that record (nothing is updated)."""
    from cqo.hours import services as hours_services

    session, person = enrolment.session, enrolment.person
    course = session.course
    ref = f"session:{session.public_id}:{person.public_id}"
    previous = enrolment.study_record
    try:
        return hours_services.record_create(
            actor=course.organiser,
            person=person,
            kind=rules.record_kind(course.forms),
            hours=hours,
            occurred_on=session.end_date,
            title=course.title,
            source="session",
            provider=course.organiser_name,
            source_ref="" if previous is not None else ref,
            corrects=previous,
            note=_("出勤率 %(n)d%%") % {"n": enrolment.attendance or 0},
        )
    except ValidationError as exc:
        existing = StudyRecord.objects.filter(created_by=course.organiser, source_ref=ref).first()
        if previous is None and existing is not None:  # written before, the link was lost
            return existing
        raise ValidationError(
            {"attendance": [_("登记学时失败：%(m)s") % {"m": "；".join(exc.messages)}]}
        ) from exc
    except PermissionDenied as exc:
        raise ValidationError(
            {"attendance": _("课程组织方无权为该人员登记学时：%(m)s") % {"m": str(exc)}}
        ) from exc


def _reassess(enrolment: Enrolment) -> None:
    course = enrolment.session.course
    enrolment.passed = rules.passed(
        method=course.method,
        pass_mark=course.pass_mark,
        min_attendance=course.min_attendance,
        attendance=enrolment.attendance,
        score=enrolment.score,
    )


@transaction.atomic
def attendance_mark(*, actor: User, enrolment: Enrolment, attendance: int | None) -> Enrolment:
    """Record the share of the session attended (0 = absent). The first time it is above 0,
    the learner's study record is written with the 学时 attended (SPEC §12.25); a later change
    that changes those 学时 writes a correction of it."""
    enrolment = lock_enrolment(enrolment)
    session = enrolment.session
    if not selectors.can_run(actor, session.course):
        raise PermissionDenied(_("只有课程的组织方或承办机构可以登记考勤"))
    errors = Errors()
    value = int_field(errors, "attendance", attendance, low=0, high=100)
    errors.raise_if_any()
    assert value is not None  # noqa: S101
    if session.end_date > clock.today():
        raise ValidationError({"attendance": _("培训班结束后才能登记考勤")})
    _refuse_if_certified(enrolment, "attendance")
    if value == 0 and enrolment.study_record_id is not None:
        raise ValidationError(
            {"attendance": _("已据此登记学时，不能改为缺勤；如有错误请在学时记录中更正")}
        )
    before = {"attendance": enrolment.attendance, "passed": enrolment.passed}
    enrolment.attendance = value
    _reassess(enrolment)
    fields = ["attendance", "passed", "updated_at"]
    earned = _earned(enrolment)
    current = enrolment.study_record
    if value > 0 and (current is None or current.hours != earned):
        enrolment.study_record = _write_study_record(enrolment, earned)
        fields.append("study_record")
    enrolment.save(update_fields=fields)
    after = {"attendance": enrolment.attendance, "passed": enrolment.passed}
    changes = diff(before, after)
    if "study_record" in fields and enrolment.study_record is not None:
        changes["study_record"] = [
            str(current.public_id) if current else None,
            str(enrolment.study_record.public_id),
        ]
    if changes:
        audit(actor, selectors.ENROLMENT, enrolment, "update", changes)
    return enrolment


@transaction.atomic
def result_mark(*, actor: User, enrolment: Enrolment, score: Decimal | None) -> Enrolment:
    """The exam or assignment score (0–100, one decimal); passed when it reaches the course's
    pass mark. An attendance-assessed course takes no score."""
    enrolment = lock_enrolment(enrolment)
    course = enrolment.session.course
    if not selectors.can_run(actor, course):
        raise PermissionDenied(_("只有课程的组织方或承办机构可以登记成绩"))
    if course.method == Method.ATTENDANCE:
        raise ValidationError({"score": _("本课程按考勤考核，不登记成绩")})
    errors = Errors()
    value = decimal_field(errors, "score", score, low=Decimal(0), high=Decimal(100), places=1)
    errors.raise_if_any()
    if not enrolment.attendance:
        raise ValidationError({"score": _("请先登记出勤；缺勤者不能登记成绩")})
    _refuse_if_certified(enrolment, "score")
    before: dict[str, Any] = {
        "score": str(enrolment.score) if enrolment.score is not None else None,
        "passed": enrolment.passed,
    }
    enrolment.score = value
    _reassess(enrolment)
    enrolment.save(update_fields=["score", "passed", "updated_at"])
    changes = diff(before, {"score": str(value), "passed": enrolment.passed})
    if changes:
        audit(actor, selectors.ENROLMENT, enrolment, "update", changes)
    return enrolment
