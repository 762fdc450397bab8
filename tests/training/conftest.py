"""Shared fixtures of the training tests: a frozen clock and a small world built through the
services on the personas of cqo/test.py.

The Shaanxi world: the provincial regulator organises an "advanced" course for the province
(610000) run by the training institution ``trainer`` (承办机构, holding a training
qualification the provincial regulator recorded, valid 2025–2027); a session held 1–3 June 2026,
before the frozen today (15 June 2026); the persona ``cqo`` (registered in Yanta) enrolled by
the organiser.

The Jiangsu world (built on demand): a Suzhou city regulator (320500) organises an
"enhancement" course for 常熟市 (320581), with the trainer as 承办机构 and a CQO registered in
常熟市 enrolled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from cqo.accounts.models import Role, User
from cqo.lib import clock, parse
from cqo.reference.models import Region
from cqo.registry import services as registry
from cqo.registry.models import Person
from cqo.test import PASSWORD, Personas, make_user, new_id_number, person_data
from cqo.training import services
from cqo.training.models import Course, Enrolment, Qualification, Session

TODAY = dt.date(2026, 6, 15)
JIANGSU_COUNTY = "320581"  # 常熟市, 苏州市
JIANGSU_CITY = "320500"


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def course_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "企业首席质量官高级研修班",
        "tier": "advanced",
        "region": "610000",
        "forms": ["lecture", "case_study"],
        "hours": "24",
        "method": "exam",
        "pass_mark": 60,
        "institution": "trainer",
        "description": "质量管理体系、质量安全风险防控与案例剖析",
    }
    data.update(overrides)
    return data


def session_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "start_date": dt.date(2026, 6, 1),
        "end_date": dt.date(2026, 6, 3),
        "place": "西安市雁塔区科技路1号 培训中心",
        "capacity": 30,
    }
    data.update(overrides)
    return data


def course_terms(**overrides: Any) -> services.CourseTerms:
    """``course_data`` read as a form or the API would (cqo.lib.parse)."""
    d = course_data(**overrides)
    return services.CourseTerms(
        title=parse.text(d.get("title")),
        tier=parse.text(d.get("tier")),
        region=parse.text(d.get("region")),
        forms=tuple(d.get("forms") or ()),
        hours=parse.decimal(d.get("hours"), field="hours"),
        method=parse.text(d.get("method")),
        pass_mark=parse.integer(d.get("pass_mark"), field="pass_mark"),
        min_attendance=parse.integer(d.get("min_attendance"), field="min_attendance"),
        plan=parse.text(d.get("plan")),
        institution=parse.text(d.get("institution")),
        description=parse.text(d.get("description")),
    )


def session_terms(**overrides: Any) -> services.SessionTerms:
    d = session_data(**overrides)
    return services.SessionTerms(
        start_date=parse.date(d.get("start_date"), field="start_date"),
        end_date=parse.date(d.get("end_date"), field="end_date"),
        place=parse.text(d.get("place")),
        capacity=parse.integer(d.get("capacity"), field="capacity"),
    )


def qualify(actor: User, institution: User, **overrides: Any) -> Qualification:
    """A training qualification (培训资质) for ``institution``, recorded by the regulator
    ``actor``: valid through the frozen today unless ``overrides`` say otherwise."""
    terms: dict[str, Any] = {
        "institution": institution.username,
        "granted_by": "陕西省市场监督管理局",
        "document": "陕市监函〔2025〕1号",
        "basis": "陕质委办〔2021〕15号 第五条（一）",
        "valid_from": dt.date(2025, 1, 1),
        "valid_until": dt.date(2027, 12, 31),
    }
    terms.update(overrides)
    return services.qualification_create(actor=actor, terms=services.QualificationTerms(**terms))


def enrol(actor: User, session: Session, person: Person) -> Enrolment:
    return services.enrolment_create(
        actor=actor, session=session, id_number=person.id_number, person_name=person.name
    )


def register_person(region: str, username: str, name: str = "王晓明") -> tuple[User, Person]:
    return registry.person_register(
        details=registry.PersonDetails(
            **{
                **person_data(
                    name=name,
                    # 320581 (常熟市) is a code since 1989: a birth date it existed at
                    id_number=new_id_number(region, birth=dt.date(1990, 5, 20)),
                    region=region,
                    mobile="13700137000",
                ),
                "username": username,
                "password": PASSWORD,
            }
        )
    )


@dataclass
class World:
    p: Personas
    course: Course
    session: Session
    enrolment: Enrolment


@pytest.fixture
def world(personas: Personas) -> World:
    p = personas
    qualify(p.province, p.trainer)
    course = services.course_create(actor=p.province, terms=course_terms())
    session = services.session_create(actor=p.province, course=course, terms=session_terms())
    enrolment = enrol(p.province, session, p.person)
    return World(p=p, course=course, session=session, enrolment=enrolment)


@dataclass
class Jiangsu:
    regulator: User
    cqo: User
    person: Person
    course: Course
    session: Session
    enrolment: Enrolment


@pytest.fixture
def jiangsu(personas: Personas) -> Jiangsu:
    regulator = make_user("suzhou", Role.REGULATOR, region=Region.objects.get(code=JIANGSU_CITY))
    cqo, person = register_person(JIANGSU_COUNTY, "cscqo", name="陈思远")
    course = services.course_create(
        actor=regulator,
        terms=course_terms(
            title="首席质量官继续教育提升班",
            tier="enhancement",
            region=JIANGSU_COUNTY,
            method="attendance",
            pass_mark=None,
            min_attendance=80,
        ),
    )
    session = services.session_create(
        actor=regulator, course=course, terms=session_terms(place="常熟市质量技术服务中心")
    )
    return Jiangsu(
        regulator=regulator,
        cqo=cqo,
        person=person,
        course=course,
        session=session,
        enrolment=enrol(regulator, session, person),
    )


def passed_enrolment(world: World, score: str = "85") -> Enrolment:
    """The world's enrolment, attended and passed."""
    e = services.attendance_mark(actor=world.p.province, enrolment=world.enrolment, attendance=100)
    return services.result_mark(
        actor=world.p.province, enrolment=e, score=parse.decimal(score, field="score")
    )
