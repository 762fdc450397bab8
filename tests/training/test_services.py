"""Plans, courses, sessions, enrolment, attendance and results through the services: every
rule from the sources at its boundary, every write audited, every rejection naming its field."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cqo.accounts.models import Role
from cqo.audit.models import AuditEntry
from cqo.hours import selectors as hour_selectors
from cqo.hours.models import StudyRecord
from cqo.lib import parse
from cqo.policy.schema.sections import FullHours
from cqo.reference.models import Region
from cqo.test import Personas, make_user
from cqo.training import selectors, services
from cqo.training.models import Course, Enrolment, Session, TrainingPlan
from cqo.training.services import enrolments as enrolment_services
from tests.training.conftest import (
    Jiangsu,
    World,
    course_terms,
    enrol,
    register_person,
    session_terms,
)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def audited(target_type: str, obj: Any, action: str) -> bool:
    return AuditEntry.objects.filter(
        target_type=target_type, target_id=str(obj.public_id), action=action
    ).exists()


# Plans ----------------------------------------------------------------------------------------


def plan_data(**overrides: Any) -> dict[str, Any]:
    """A plan as typed (cqo.lib.parse reads it as the form or the API would)."""
    data = {"year": 2026, "budget": "200000.00", "planned_sessions": 4, "notes": "统一教材"}
    data.update(overrides)
    return {
        "year": parse.integer(data["year"], field="year"),
        "budget": parse.decimal(data["budget"], field="budget"),
        "planned_sessions": parse.integer(data["planned_sessions"], field="planned_sessions"),
        "notes": parse.text(data["notes"]),
    }


def plan_changes(**overrides: Any) -> dict[str, Any]:
    return {k: v for k, v in plan_data(**overrides).items() if k != "year"}


def test_it_keeps_a_yearly_plan_per_regulator_level(personas: Personas) -> None:
    plan = services.plan_create(actor=personas.city, **plan_data())
    assert plan.region_id == "610100"
    assert plan.organisation == "西安市市场监督管理局"
    assert plan.budget == Decimal("200000.00")
    assert audited(selectors.PLAN, plan, "create")
    # one per level and year
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=personas.city, **plan_data())
    assert "year" in errors_of(exc)
    # another level may keep its own for the same year
    services.plan_create(actor=personas.province, **plan_data())


def test_it_keeps_a_certification_bodys_plan_per_organisation(personas: Personas) -> None:
    # level-standard §11 认定主体应制定并及时更新首席质量官课程培训计划
    plan = services.plan_create(actor=personas.certifier, **plan_data())
    assert plan.region_id is None
    assert plan.organisation == "陕西省质量协会"
    updated = services.plan_update(
        actor=personas.certifier, plan=plan, **plan_changes(planned_sessions=6, year=1999)
    )
    assert updated.planned_sessions == 6 and updated.year == 2026  # the year stays
    assert audited(selectors.PLAN, plan, "update")
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=personas.province, plan=plan, **plan_changes())


@pytest.mark.parametrize("who", ["trainer", "cqo", "clerk_a"])
def test_it_refuses_a_plan_from_others(personas: Personas, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=getattr(personas, who), **plan_data())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("year", "abc"),
        ("year", 1999),
        ("year", 2029),
        ("budget", "-1"),
        ("budget", "1.234"),
        ("budget", "NaN"),
        ("budget", ""),
        ("planned_sessions", -1),
        ("planned_sessions", 10_001),
    ],
)
def test_it_names_the_bad_plan_field(personas: Personas, field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=personas.province, **plan_data(**{field: value}))
    assert list(errors_of(exc)) == [field]
    assert not TrainingPlan.objects.exists()


def test_it_counts_delivered_sessions_from_those_held(world: World) -> None:
    p = world.p
    plan = services.plan_create(actor=p.province, **plan_data(planned_sessions=2))
    course = services.course_create(actor=p.province, terms=course_terms(plan=str(plan.public_id)))
    held = services.session_create(actor=p.province, course=course, terms=session_terms())
    services.session_create(
        actor=p.province,
        course=course,
        terms=session_terms(start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 9, 2)),
    )
    assert selectors.plan_get(user=p.province, public_id=plan.public_id).delivered == 0
    services.session_set_status(actor=p.province, session=held, status="held")
    assert selectors.plan_get(user=p.province, public_id=plan.public_id).delivered == 1


def test_it_puts_a_course_only_in_the_organisers_own_plan(personas: Personas) -> None:
    city_plan = services.plan_create(actor=personas.city, **plan_data())
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            actor=personas.province, terms=course_terms(plan=str(city_plan.public_id))
        )
    assert list(errors_of(exc)) == ["plan"]


# Courses --------------------------------------------------------------------------------------


def test_it_creates_a_course_with_its_pass_rule(personas: Personas) -> None:
    course = services.course_create(actor=personas.province, terms=course_terms())
    assert course.tier == "advanced"
    assert course.organiser == personas.province
    assert course.organiser_name == "陕西省市场监督管理局"
    assert course.institution == personas.trainer
    assert course.forms == ["lecture", "case_study"]
    assert course.hours == Decimal("24.0")
    assert course.pass_mark == 60 and course.min_attendance is None
    assert audited(selectors.COURSE, course, "create")


def test_it_takes_only_the_tiers_of_the_governing_pack(personas: Personas) -> None:
    # shaanxi-2021 §五(一) has 高级 and 提升 only; the county guides registration and filing
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=personas.province, terms=course_terms(tier="basic"))
    assert list(errors_of(exc)) == ["tier"]
    assert "“高级”培训" in errors_of(exc)["tier"][0]
    # the form offers only the pack's tiers, by their names, and the refusal names the document
    from cqo.training.forms import CourseForm

    offered = dict(CourseForm(user=personas.province, plans=[]).fields["tier"].choices)
    assert "basic" not in offered and set(offered) == {"", "enhancement", "advanced"}
    hangzhou = make_user("hz-form", Role.REGULATOR, region=Region.objects.get(code="330100"))
    assert list(dict(CourseForm(user=hangzhou, plans=[]).fields["tier"].choices)) == [""]
    # jiangsu-2020 §五 has 基础, organised by the county (常熟市)
    county = make_user("changshu", Role.REGULATOR, region=Region.objects.get(code="320581"))
    course = services.course_create(actor=county, terms=course_terms(tier="basic", region="320581"))
    assert course.tier == "basic"


def test_it_takes_no_tier_where_the_pack_has_none(personas: Personas) -> None:
    # hangzhou-spec has no tiers: only "other"
    hangzhou = make_user("hangzhou", Role.REGULATOR, region=Region.objects.get(code="330100"))
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=hangzhou, terms=course_terms(region="330102"))
    assert list(errors_of(exc)) == ["tier"]
    assert errors_of(exc)["tier"][0].startswith("《杭州市企业首席质量官管理规范》没有该培训层级")
    course = services.course_create(
        actor=hangzhou, terms=course_terms(region="330102", tier="other")
    )
    assert course.tier == ""


@pytest.mark.parametrize(
    ("who", "tier", "region", "ok"),
    [
        ("province", "advanced", "610000", True),
        ("province", "enhancement", "610100", False),  # 提升 is the city's, not the province's
        ("city", "enhancement", "610100", True),
        ("city", "enhancement", "610113", True),  # a county of the city
        ("city", "advanced", "610100", False),  # 高级 is the province's
        ("county_a", "enhancement", "610113", False),  # 提升 is the city's
        ("county_a", "", "610113", True),  # outside the tiers: any level
        ("city", "enhancement", "610300", False),  # another city
        ("county_a", "", "610302", False),  # another county
    ],
)
def test_it_lets_a_regulator_organise_its_tier_in_its_region(
    personas: Personas, who: str, tier: str, region: str, ok: bool
) -> None:
    terms = course_terms(tier=tier, region=region, institution="")
    if ok:
        assert services.course_create(actor=getattr(personas, who), terms=terms).region_id == region
    else:
        with pytest.raises(ValidationError) as exc:
            services.course_create(actor=getattr(personas, who), terms=terms)
        assert set(errors_of(exc)) <= {"tier", "region"}


@pytest.mark.parametrize(
    ("who", "tier", "region", "ok"),
    [
        # jiangsu-2020 §五 county_may_merge: the city may organise its counties' 基础培训
        ("suzhou", "basic", "320581", True),
        ("suzhou", "basic", "320500", True),
        ("changshu", "basic", "320581", True),
        ("changshu", "enhancement", "320581", False),  # 提升 is the city's
        ("nanjing", "advanced", "320000", True),
        ("nanjing", "enhancement", "320500", False),  # the province does not take the city's
        ("nanjing", "basic", "320581", False),  # the merge is into the city, not the province
    ],
)
def test_it_lets_a_city_merge_basic_training_only_where_the_pack_allows(
    personas: Personas, who: str, tier: str, region: str, ok: bool
) -> None:
    codes = {"suzhou": "320500", "changshu": "320581", "nanjing": "320000"}
    actor = make_user(who, Role.REGULATOR, region=Region.objects.get(code=codes[who]))
    terms = course_terms(tier=tier, region=region)
    if ok:
        assert services.course_create(actor=actor, terms=terms).tier == tier
    else:
        with pytest.raises(ValidationError) as exc:
            services.course_create(actor=actor, terms=terms)
        assert list(errors_of(exc)) == ["tier"]


def test_it_refuses_the_county_tier_to_a_city_where_the_pack_has_no_merge(
    personas: Personas, settings: Any
) -> None:
    # shaanxi-2021 has no county tier at all; a pack with a county tier and no merge (jiangsu
    # without county_may_merge) is checked by rules.may_organise_tier's table
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            actor=personas.city, terms=course_terms(tier="basic", region="610113")
        )
    assert list(errors_of(exc)) == ["tier"]


def test_a_certification_body_organises_its_own_training_outside_the_tiers(
    personas: Personas,
) -> None:
    # level-standard §11: the body's own course plan; the tiers are the regulators'
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=personas.certifier, terms=course_terms(tier="advanced"))
    assert list(errors_of(exc)) == ["tier"]
    course = services.course_create(actor=personas.certifier, terms=course_terms(tier=""))
    assert course.organiser == personas.certifier and course.institution == personas.trainer


def test_a_training_institution_runs_a_course_but_cannot_create_one(world: World) -> None:
    # shaanxi-2021 §五(一), jiangsu-2020 §五: the 承办机构 runs the organiser's course
    p = world.p
    with pytest.raises(PermissionDenied):
        services.course_create(actor=p.trainer, terms=course_terms(tier="", institution=""))
    session = services.session_create(actor=p.trainer, course=world.course, terms=session_terms())
    assert session.course == world.course


@pytest.mark.parametrize("who", ["cqo", "clerk_a", "admin", "trainer"])
def test_it_refuses_a_course_from_others(personas: Personas, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.course_create(actor=getattr(personas, who), terms=course_terms())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "题" * 201}, "title"),
        ({"region": "999999"}, "region"),
        ({"region": "abc"}, "region"),
        ({"tier": "expert"}, "tier"),
        ({"forms": []}, "forms"),
        ({"forms": ["lecture", "karaoke"]}, "forms"),
        ({"hours": "0"}, "hours"),
        ({"hours": "500.1"}, "hours"),
        ({"hours": "2.25"}, "hours"),
        ({"hours": "many"}, "hours"),
        ({"method": "vibes"}, "method"),
        ({"pass_mark": None}, "pass_mark"),
        ({"pass_mark": 101}, "pass_mark"),
        ({"pass_mark": -1}, "pass_mark"),
        ({"method": "attendance", "min_attendance": None}, "min_attendance"),
        ({"method": "attendance", "min_attendance": 0}, "min_attendance"),
        ({"method": "attendance", "min_attendance": 101}, "min_attendance"),
        ({"institution": "cqo"}, "institution"),  # not a training institution
        ({"plan": "not-a-plan"}, "plan"),
    ],
)
def test_it_names_the_bad_course_field(
    personas: Personas, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=personas.province, terms=course_terms(**overrides))
    assert list(errors_of(exc)) == [field]
    assert not Course.objects.exists()


# Sessions -------------------------------------------------------------------------------------


def test_it_opens_a_session_for_the_organiser_or_its_institution(world: World) -> None:
    p = world.p
    assert world.session.status == Session.Status.OPEN
    assert audited(selectors.SESSION, world.session, "create")
    services.session_create(actor=p.trainer, course=world.course, terms=session_terms())
    for who in (p.city, p.certifier, p.cqo):
        with pytest.raises(PermissionDenied):
            services.session_create(actor=who, course=world.course, terms=session_terms())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": dt.date(2026, 5, 31)}, "end_date"),
        ({"start_date": "2026-13-01"}, "start_date"),
        ({"start_date": dt.date(1999, 1, 1)}, "start_date"),
        ({"end_date": dt.date(2032, 1, 1)}, "end_date"),
        ({"place": ""}, "place"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 5001}, "capacity"),
        ({"capacity": "ten"}, "capacity"),
    ],
)
def test_it_names_the_bad_session_field(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.session_create(
            actor=world.p.province, course=world.course, terms=session_terms(**overrides)
        )
    assert list(errors_of(exc)) == [field]


def test_it_moves_a_session_through_its_states(world: World) -> None:
    p, s = world.p, world.session
    s = services.session_set_status(actor=p.trainer, session=s, status="closed")
    s = services.session_set_status(actor=p.province, session=s, status="open")
    s = services.session_set_status(actor=p.province, session=s, status="held")
    assert s.status == "held"
    assert audited(selectors.SESSION, s, "transition")
    with pytest.raises(ValidationError) as exc:
        services.session_set_status(actor=p.province, session=s, status="open")
    assert "status" in errors_of(exc)
    with pytest.raises(PermissionDenied):
        services.session_set_status(actor=p.city, session=s, status="closed")


def test_it_marks_a_session_held_only_after_it_ended(world: World) -> None:
    later = services.session_create(
        actor=world.p.province,
        course=world.course,
        terms=session_terms(start_date=dt.date(2026, 6, 14), end_date=dt.date(2026, 6, 16)),
    )
    with pytest.raises(ValidationError) as exc:
        services.session_set_status(actor=world.p.province, session=later, status="held")
    assert "status" in errors_of(exc)


# Enrolment ------------------------------------------------------------------------------------


def test_it_enrols_a_person_found_by_id_number_and_name(world: World) -> None:
    e = world.enrolment
    assert e.person == world.p.person
    assert e.enrolled_by == world.p.province
    assert audited(selectors.ENROLMENT, e, "create")


def test_it_refuses_a_second_enrolment_of_the_same_person(world: World) -> None:
    p = world.p
    with pytest.raises(ValidationError) as exc:
        enrol(p.trainer, world.session, p.person)
    assert "已报名" in errors_of(exc)["id_number"][0]
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=p.cqo, session=world.session, person=p.person)
    assert "已报名" in errors_of(exc)["session"][0]
    assert Enrolment.objects.filter(session=world.session).count() == 1


def test_it_refuses_an_enrolment_over_capacity(world: World) -> None:
    p = world.p
    small = services.session_create(
        actor=p.province, course=world.course, terms=session_terms(capacity=2)
    )
    _, first = register_person("610113", "first", name="张一")
    _, second = register_person("610302", "second", name="张二")
    enrol(p.province, small, first)
    services.enrolment_create(actor=p.cqo, session=small, person=p.person)
    with pytest.raises(ValidationError) as exc:
        enrol(p.province, small, second)
    assert errors_of(exc) == {"session": ["名额已满（共2个名额），不能再报名"]}
    assert small.enrolments.count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"id_number": "", "person_name": "李堃"}, "id_number"),
        ({"id_number": "110101199003077777", "person_name": "李堃"}, "id_number"),  # bad check
        ({"id_number": "PERSON", "person_name": "李堃"}, "id_number"),
    ],
)
def test_it_names_the_bad_enrolment_field(world: World, data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=world.p.province, session=world.session, **data)
    assert list(errors_of(exc)) == [field]


def test_it_refuses_an_unknown_person_or_a_wrong_name(world: World) -> None:
    from cqo.test import new_id_number

    p = world.p
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(
            actor=p.province,
            session=world.session,
            id_number=new_id_number("610113"),
            person_name="李堃",
        )
    unknown = errors_of(exc)["id_number"]
    assert "线上注册" in unknown[0]
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(
            actor=p.province,
            session=world.session,
            id_number=p.person.id_number,
            person_name="李四",
        )
    # no identity oracle: a wrong name reads as an unknown number
    assert errors_of(exc) == {"id_number": unknown}


def test_it_lets_a_cqo_enrol_themself_only_in_an_open_session(world: World) -> None:
    p = world.p
    other = services.session_create(actor=p.province, course=world.course, terms=session_terms())
    services.session_set_status(actor=p.province, session=other, status="closed")
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=p.cqo, session=other, person=p.person)
    assert "session" in errors_of(exc)
    services.session_set_status(actor=p.province, session=other, status="open")
    assert services.enrolment_create(actor=p.cqo, session=other, person=p.person).person_id
    # nobody enrols someone else as if it were themself
    with pytest.raises(PermissionDenied):
        services.enrolment_create(actor=p.trainer, session=other, person=p.person)


def test_it_refuses_a_regulators_course_to_a_person_outside_its_scope(world: World) -> None:
    # a regulator organiser records study hours only for persons in its scope (cqo.hours)
    p = world.p
    county = services.course_create(
        actor=p.county_a, terms=course_terms(tier="", region="610113", institution="")
    )
    session = services.session_create(actor=p.county_a, course=county, terms=session_terms())
    _, outsider = register_person("610302", "outsider", name="赵六")
    with pytest.raises(ValidationError) as exc:
        enrol(p.county_a, session, outsider)
    assert list(errors_of(exc)) == ["id_number"]


def test_it_refuses_enrolment_by_others(world: World) -> None:
    p = world.p
    for who in (p.city, p.certifier, p.clerk_a):
        with pytest.raises(PermissionDenied):
            enrol(who, world.session, p.person)


# Attendance and the study record --------------------------------------------------------------


def test_it_writes_exactly_one_study_record_when_attendance_is_recorded(world: World) -> None:
    p, e = world.p, world.enrolment
    e = services.attendance_mark(actor=p.trainer, enrolment=e, attendance=90)
    records = StudyRecord.objects.filter(person=p.person)
    assert records.count() == 1
    record = records.get()
    assert e.study_record == record
    assert record.ledger_index is not None
    assert record.kind == "offline_training"
    assert record.hours == Decimal("21.6")  # SPEC §12.25: 90% of 24 学时
    assert record.occurred_on == world.session.end_date
    assert record.title == world.course.title
    assert record.source == "session"
    assert record.provider == "陕西省市场监督管理局"
    assert record.created_by == p.province  # in the organiser's name
    assert record.source_ref == f"session:{world.session.public_id}:{p.person.public_id}"
    # marking the same share again (another marker) writes nothing new
    e = services.attendance_mark(actor=p.province, enrolment=e, attendance=90)
    assert StudyRecord.objects.filter(person=p.person).count() == 1
    assert audited(selectors.ENROLMENT, e, "update")


@pytest.mark.parametrize(
    ("first", "then", "hours"),
    [(50, 100, "24"), (100, 50, "12"), (90, 91, "21.8"), (49, 50, "12")],
)
def test_a_changed_attendance_corrects_the_record(
    world: World, first: int, then: int, hours: str
) -> None:
    # SPEC §12.25 and the hour log's rule: nothing is updated, a correction is appended
    p = world.p
    e = services.attendance_mark(actor=p.province, enrolment=world.enrolment, attendance=first)
    original = e.study_record
    e = services.attendance_mark(actor=p.province, enrolment=e, attendance=then)
    assert e.study_record is not None and e.study_record.corrects == original
    assert e.study_record.hours == Decimal(hours)
    assert e.study_record.source == "correction"
    effective = hour_selectors.effective(StudyRecord.objects.filter(person=p.person))
    assert [r.hours for r in effective] == [Decimal(hours)]


@pytest.mark.parametrize(
    ("attendance", "hours"),
    [(1, "0.2"), (49, "11.7"), (50, "12"), (51, "12.2"), (100, "24")],
)
def test_a_session_counts_the_share_attended(world: World, attendance: int, hours: str) -> None:
    # SPEC §12.25: 50% attendance of a 24-学时 course earns 12, not 24 (no pack sets a minimum)
    e = services.attendance_mark(
        actor=world.p.province, enrolment=world.enrolment, attendance=attendance
    )
    assert e.study_record is not None and e.study_record.hours == Decimal(hours)


@pytest.mark.parametrize(
    ("attendance", "hours"), [(49, "11.7"), (50, "24"), (51, "24"), (100, "24")]
)
def test_a_pack_minimum_for_full_hours_counts_them_in_full(
    world: World, attendance: int, hours: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    gov = selectors.governing(world.course.region)
    assert gov.rules.training is not None
    full = FullHours(attendance=50, clause="example §一")
    training = gov.rules.training.model_copy(update={"full_hours": full})
    rules_ = gov.rules.model_copy(update={"training": training})
    fake = dataclasses.replace(gov, rules=rules_)
    monkeypatch.setattr(enrolment_services, "governing", lambda region: fake)
    e = services.attendance_mark(
        actor=world.p.province, enrolment=world.enrolment, attendance=attendance
    )
    assert e.study_record is not None and e.study_record.hours == Decimal(hours)


def test_it_keeps_the_one_record_when_the_link_was_lost(world: World) -> None:
    p = world.p
    e = services.attendance_mark(actor=p.province, enrolment=world.enrolment, attendance=100)
    record = e.study_record
    Enrolment.objects.filter(pk=e.pk).update(study_record=None)
    e.refresh_from_db()
    e = services.attendance_mark(actor=p.province, enrolment=e, attendance=90)
    assert e.study_record == record
    assert StudyRecord.objects.filter(person=p.person).count() == 1


def test_it_writes_online_self_study_for_an_online_course(world: World) -> None:
    p = world.p
    online = services.course_create(
        actor=p.certifier,
        terms=course_terms(title="质量管理在线课程", forms=["online"], tier="", hours="8.5"),
    )
    session = services.session_create(actor=p.trainer, course=online, terms=session_terms())
    e = enrol(p.trainer, session, p.person)
    e = services.attendance_mark(actor=p.trainer, enrolment=e, attendance=100)
    assert e.study_record is not None
    assert e.study_record.kind == "online_self_study"
    assert e.study_record.hours == Decimal("8.5")
    assert e.study_record.created_by == p.certifier  # in the organiser's name
    assert e.study_record.provider == "陕西省质量协会"


def test_it_writes_no_record_for_an_absent_learner(world: World) -> None:
    e = services.attendance_mark(actor=world.p.province, enrolment=world.enrolment, attendance=0)
    assert e.study_record is None and e.passed is False
    assert not StudyRecord.objects.exists()
    e = services.attendance_mark(actor=world.p.province, enrolment=e, attendance=100)
    assert e.study_record is not None
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(actor=world.p.province, enrolment=e, attendance=0)
    assert "attendance" in errors_of(exc)


def test_it_records_attendance_only_after_the_session_ended(world: World) -> None:
    p = world.p
    later = services.session_create(
        actor=p.province,
        course=world.course,
        terms=session_terms(start_date=dt.date(2026, 6, 15), end_date=dt.date(2026, 6, 16)),
    )
    e = enrol(p.province, later, p.person)
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(actor=p.province, enrolment=e, attendance=100)
    assert list(errors_of(exc)) == ["attendance"]
    assert not StudyRecord.objects.exists()


@pytest.mark.parametrize("value", [-1, 101, "abc", None, ""])
def test_it_names_a_bad_attendance(world: World, value: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(
            actor=world.p.province,
            enrolment=world.enrolment,
            attendance=parse.integer(value, field="attendance"),
        )
    assert list(errors_of(exc)) == ["attendance"]


def test_it_lets_only_the_organiser_or_institution_mark(world: World) -> None:
    p = world.p
    for who in (p.city, p.certifier, p.cqo, p.admin):
        with pytest.raises(PermissionDenied):
            services.attendance_mark(actor=who, enrolment=world.enrolment, attendance=100)
        with pytest.raises(PermissionDenied):
            services.result_mark(
                actor=who, enrolment=world.enrolment, score=parse.decimal(90, field="score")
            )


# Results and the pass rule --------------------------------------------------------------------


@pytest.mark.parametrize(("score", "passed"), [("60", True), ("59", False), ("59.9", False)])
def test_it_passes_an_exam_at_the_pass_mark(world: World, score: str, passed: bool) -> None:
    e = services.attendance_mark(actor=world.p.province, enrolment=world.enrolment, attendance=100)
    assert e.passed is None  # not yet assessed
    e = services.result_mark(
        actor=world.p.province, enrolment=e, score=parse.decimal(score, field="score")
    )
    assert e.score == Decimal(score)
    assert e.passed is passed


@pytest.mark.parametrize(("score", "passed"), [("75", True), ("74", False)])
def test_it_passes_an_assignment_at_the_pass_mark(world: World, score: str, passed: bool) -> None:
    p = world.p
    course = services.course_create(
        actor=p.province, terms=course_terms(method="assignment", pass_mark=75, tier="")
    )
    session = services.session_create(actor=p.trainer, course=course, terms=session_terms())
    e = services.attendance_mark(
        actor=p.trainer, enrolment=enrol(p.trainer, session, p.person), attendance=60
    )
    assert (
        services.result_mark(
            actor=p.trainer, enrolment=e, score=parse.decimal(score, field="score")
        ).passed
        is passed
    )


@pytest.mark.parametrize(("attendance", "passed"), [(80, True), (79, False), (100, True)])
def test_it_passes_on_attendance_at_the_minimum_share(
    jiangsu: Jiangsu, attendance: int, passed: bool
) -> None:
    e = services.attendance_mark(
        actor=jiangsu.regulator, enrolment=jiangsu.enrolment, attendance=attendance
    )
    assert e.passed is passed
    with pytest.raises(ValidationError) as exc:
        services.result_mark(
            actor=jiangsu.regulator, enrolment=e, score=parse.decimal(90, field="score")
        )
    assert list(errors_of(exc)) == ["score"]


def test_it_takes_a_score_only_from_someone_who_attended(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.result_mark(
            actor=world.p.province,
            enrolment=world.enrolment,
            score=parse.decimal(90, field="score"),
        )
    assert list(errors_of(exc)) == ["score"]


@pytest.mark.parametrize("value", ["-0.1", "100.1", "60.25", "sixty", None])
def test_it_names_a_bad_score(world: World, value: Any) -> None:
    e = services.attendance_mark(actor=world.p.province, enrolment=world.enrolment, attendance=100)
    with pytest.raises(ValidationError) as exc:
        services.result_mark(
            actor=world.p.province, enrolment=e, score=parse.decimal(value, field="score")
        )
    assert list(errors_of(exc)) == ["score"]


def test_it_serves_persons_of_other_provinces_through_trainers(personas: Personas) -> None:
    # a certification body (and the institution it engages) reports sessions for anyone
    # (cqo.hours can_record)
    trainer = make_user("jstrainer", Role.TRAINER, organisation="江苏省质量培训中心")
    course = services.course_create(
        actor=personas.certifier,
        terms=course_terms(tier="", region="320581", institution="jstrainer"),
    )
    session = services.session_create(actor=trainer, course=course, terms=session_terms())
    e = services.attendance_mark(
        actor=trainer, enrolment=enrol(trainer, session, personas.person), attendance=100
    )
    assert e.study_record is not None and e.study_record.created_by == personas.certifier
    assert Region.objects.get(code="320581").province_code == "320000"
