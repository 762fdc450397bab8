"""Shared test personas: a province, a city and two county regulators, two enterprise clerks in
different counties, a CQO, a trainer, a certifier and an admin (STYLE.md "Tests").

Shaanxi 610000 ⊃ Xi'an 610100 ⊃ Yanta 610113 (enterprise A) and Baoji 610300 ⊃ Weibin 610302
(enterprise B). Everything is built through the services, so the real invariants hold.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from cqo.accounts.models import Role, User
from cqo.lib.codes import make_id_number, make_uscc
from cqo.registry import services
from cqo.registry.models import Appointment, Enterprise, Person

PASSWORD = "Cqo-test-2026!"

PROVINCE, CITY, COUNTY_A, OTHER_CITY, COUNTY_B = "610000", "610100", "610113", "610300", "610302"


@dataclass
class Personas:
    province: User
    city: User
    county_a: User
    county_b: User
    clerk_a: User
    clerk_b: User
    cqo: User
    trainer: User
    certifier: User
    admin: User
    security: User
    auditor: User
    enterprise_a: Enterprise
    enterprise_b: Enterprise
    person: Person  # the CQO's registered profile

    def all_users(self) -> dict[str, User]:
        return {k: v for k, v in vars(self).items() if isinstance(v, User)}


_rng = random.Random(20261121)


def new_uscc(region: str = COUNTY_A) -> str:
    # not the same code twice in a test (10^8 bodies: a 3,000-row file would repeat one in
    # about one run of twenty)
    while True:
        code = make_uscc(region, _rng)
        if code not in _issued:
            _issued.add(code)
            return code


def new_id_number(
    region: str = COUNTY_A, birth: dt.date = dt.date(1985, 3, 14), gender: str = "M"
) -> str:
    # not the same number twice in a test while others are left (one birth date leaves 500
    # sequence numbers; the root conftest empties _issued before each test)
    for _ in range(1000):
        number = make_id_number(region, birth, gender, _rng)
        if number not in _issued:
            break
    _issued.add(number)
    return number


_issued: set[str] = set()


def make_user(username: str, role: str, **extra: Any) -> User:
    user = User(username=username, role=role, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def enterprise_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "uscc": new_uscc(overrides.get("region", COUNTY_A)),
        "name": "西安示例精密制造有限公司",
        "website": "www.example.cn",
        "employees": 320,
        "industry": "34",
        "size": "medium",
        "nature": "private",
        "listed": False,
        "main_products": "精密轴承、数控机床零部件",
        "registered_address": "陕西省西安市雁塔区科技路1号",
        "region": COUNTY_A,
        "responsible_name": "王建国",
        "responsible_position": "总经理",
        "responsible_landline": "029-88886666",
        "responsible_mobile": "13900001111",
        "above_scale": True,
        "above_scale_year": 2025,
    }
    data.update(overrides)
    return data


def person_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "李堃",
        "id_number": new_id_number(),
        "position": "副总经理",
        "title": "高级工程师",
        "title_level": "associate_senior",
        "education": "bachelor",
        "major": "机械工程",
        "mobile": "13800138000",
        "email": "likun@example.cn",
        "mailing_address": "陕西省西安市雁塔区科技路1号",
        "quality_years": 8,
        "work_history": "2015年3月—今，西安示例精密制造有限公司质量部部长",
        "region": COUNTY_A,
    }
    data.update(overrides)
    return data


def appointment_data(person: Person, **overrides: Any) -> dict[str, Any]:
    data = {
        "id_number": person.id_number,
        "person_name": person.name,
        "post": "副总经理兼首席质量官",
        "rank": "senior_deputy",
        "appointing_authority": "general_manager",
        "selection_method": "internal_selection",
        "reports_to_top": True,
        "departments_led": ["quality_management", "inspection"],
        "duties": "负责企业质量品牌战略、规划和计划的制定与实施",
        "powers": "行使质量安全“一票否决”权",
        "start_date": dt.date(2026, 1, 1),
        "declaration_confirmed": True,
    }
    data.update(overrides)
    return data


def build_personas() -> Personas:
    from cqo.reference.models import Region

    region = {c: Region.objects.get(code=c) for c in (PROVINCE, CITY, COUNTY_A, COUNTY_B)}
    admin = make_user("admin", Role.ADMIN, is_staff=True)
    security = make_user("security", Role.SECURITY, is_staff=True)
    auditor = make_user("auditor", Role.AUDITOR, is_staff=True)
    province = make_user("prov", Role.REGULATOR, region=region[PROVINCE])
    city = make_user("city", Role.REGULATOR, region=region[CITY])
    county_a = make_user("county_a", Role.REGULATOR, region=region[COUNTY_A])
    county_b = make_user("county_b", Role.REGULATOR, region=region[COUNTY_B])
    ent_a = services.enterprise_create(
        actor=province, details=services.EnterpriseDetails(**enterprise_data())
    )
    ent_b = services.enterprise_create(
        actor=province,
        details=services.EnterpriseDetails(
            **enterprise_data(
                uscc=new_uscc(COUNTY_B),
                name="宝鸡示例食品有限公司",
                region=COUNTY_B,
                industry="14",
                size="small",
                above_scale=False,
                above_scale_year=None,
                registered_address="陕西省宝鸡市渭滨区经二路8号",
            )
        ),
    )
    clerk_a = make_user("clerk_a", Role.ENTERPRISE, enterprise=ent_a)
    clerk_b = make_user("clerk_b", Role.ENTERPRISE, enterprise=ent_b)
    cqo_user, person = services.person_register(
        details=services.PersonDetails(**{**person_data(), "username": "cqo", "password": PASSWORD})
    )
    trainer = make_user("trainer", Role.TRAINER, organisation="陕西质量培训中心")
    certifier = make_user("certifier", Role.CERTIFIER, organisation="陕西省质量协会")
    return Personas(
        province=province,
        city=city,
        county_a=county_a,
        county_b=county_b,
        clerk_a=clerk_a,
        clerk_b=clerk_b,
        cqo=cqo_user,
        trainer=trainer,
        certifier=certifier,
        admin=admin,
        security=security,
        auditor=auditor,
        enterprise_a=ent_a,
        enterprise_b=ent_b,
        person=person,
    )


def file_appointment(
    p: Personas,
    person: Person | None = None,
    clerk: User | None = None,
    reviewer: User | None = None,
    **overrides: Any,
) -> Appointment:
    """Draft, submit and approve an appointment through the workflow."""
    person = person or p.person
    clerk = clerk or p.clerk_a
    appt = services.appointment_create(
        actor=clerk, terms=services.AppointmentTerms(**appointment_data(person, **overrides))
    )
    declare(appt)
    services.filing_submit(actor=clerk, appointment=appt)
    reviewer = reviewer or (p.county_a if clerk.enterprise_id == p.enterprise_a.pk else p.county_b)
    return services.filing_approve(actor=reviewer, appointment=appt)


def declare(appt: Appointment) -> Appointment:
    """The person named makes every declaration the governing pack asks for (the level-standard
    §5.1.5 disqualifications on every filing, SPEC §12.11), through the service."""
    from cqo.registry.services.declarations import declarable_codes

    user = appt.person.user
    assert user is not None, "only a person with an account can declare"  # noqa: S101
    return services.appointment_declare(
        actor=user, appointment=appt, codes=tuple(declarable_codes(appt))
    )


def text_at_the_limit(limit: int, lines: int = 1, char: str = "质") -> str:
    """``limit`` characters in ``lines`` lines (newlines count): a text at its field's maximum."""
    width = (limit - (lines - 1)) // lines
    body = "\n".join(char * width for _ in range(lines))
    return body + char * (limit - len(body))


def at_the_limits(p: Personas) -> Appointment:
    """A filed appointment whose every printed text is at its field's maximum (length and
    lines), built through the services: the worst case of the printed forms (bench/pdf.py)."""
    from cqo.lib import bounds
    from cqo.lib.bounds import max_length

    def full(model: type[Any], name: str, lines: int = 1, char: str = "质") -> str:
        return text_at_the_limit(max_length(model, name), lines, char)

    services.enterprise_update(
        actor=p.province,
        enterprise=p.enterprise_a,
        details=services.EnterpriseDetails(
            name=full(Enterprise, "name", char="企"),
            website="http://www." + "w" * (max_length(Enterprise, "website") - 22) + ".example.cn",
            main_products=full(Enterprise, "main_products", bounds.FORM_CELL_LINES),
            registered_address=full(Enterprise, "registered_address", char="址"),
            responsible_name=full(Enterprise, "responsible_name", char="负"),
            responsible_position=full(Enterprise, "responsible_position", char="职"),
            special_equipment_licence=full(Enterprise, "special_equipment_licence", char="T"),
            own_cqo_conditions=full(Enterprise, "own_cqo_conditions"),
        ),
    )
    person = services.person_update(
        actor=p.cqo,
        person=p.person,
        details=services.PersonDetails(
            name=full(Person, "name", char="𠮷"),
            position=full(Person, "position", char="职"),
            title=full(Person, "title", char="称"),
            major=full(Person, "major", char="专"),
            email="a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".cn",
            mailing_address=full(Person, "mailing_address", char="址"),
            work_history=full(Person, "work_history", bounds.PRINTED_LIST_LINES, "历"),
        ),
    )
    return file_appointment(
        p,
        person=person,
        post=full(Appointment, "post", char="岗"),
        assessment_result=full(Appointment, "assessment_result", char="测"),
        duties=full(Appointment, "duties", bounds.PRINTED_LIST_LINES, "责"),
        powers=full(Appointment, "powers", bounds.PRINTED_LIST_LINES, "权"),
        remarks=full(Appointment, "remarks", bounds.FORM_CELL_LINES, "注"),
        justification=full(Appointment, "justification", char="说"),
    )


@pytest.fixture
def personas(db: Any) -> Personas:
    return build_personas()


def at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads of their own, released together, each on its own database
    connection (closed at the end): what each returned or raised, in order. For tests of
    concurrent writers, marked ``django_db(transaction=True)`` so that each commits for real."""
    barrier = threading.Barrier(len(actions), timeout=30)
    outcomes: list[Any] = [None] * len(actions)

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = actions[i]()
        except Exception as exc:  # the outcome, whatever it is, is the caller's to assert
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if any(t.is_alive() for t in threads):
        raise AssertionError("a thread did not finish within 120 s")
    return outcomes
