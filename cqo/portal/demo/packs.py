"""Demo records that show the policy packs at work (SPEC §4, §12.19, §12.20): Shaanxi's
participating finance department, and a Shenzhen manufacturer whose filing goes to the
industry's competent department (shenzhen-guide §4.7)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.hashers import make_password

from cqo.accounts.models import Role, User
from cqo.lib import clock
from cqo.lib.codes import make_id_number, make_uscc
from cqo.reference.models import Region
from cqo.registry import services
from cqo.registry.demo import PASSWORD
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.registry.services.declarations import declarable_codes


def _user(username: str, role: str, label: str, **extra: Any) -> User:
    user = User(
        username=username,
        role=role,
        password=make_password(PASSWORD),
        display_name=label,
        organisation=label,
        **extra,
    )
    user.full_clean(exclude=["password"])
    user.save()
    return user


def build_policy_showcase(rng: random.Random, admin: User) -> list[tuple[str, str, str]]:
    """Create the showcase and return its demo logins (login, role, scope)."""
    _department_users()
    ent = _shenzhen_enterprise(rng, admin)
    clerk = services.clerk_create(
        actor=admin,
        enterprise=ent,
        username="szclerk",
        password=PASSWORD,
        display_name="深圳示例企业经办人",
    )
    person_user, person = _shenzhen_cqo(rng)
    _submitted_appointment(clerk, person_user, person)
    return [
        ("fin", "行业主管部门", "陕西省财政厅（参与部门，只读全省备案）"),
        ("szclerk", "企业经办人", f"{ent.name}（440305，深圳政策包）"),
        ("szit", "行业主管部门", "深圳市工业和信息化局（待其备案的聘任）"),
        ("nanshan", "市场监管部门", "440305 深圳市南山区（可查看，不办理备案）"),
    ]


def _department_users() -> None:
    """Shaanxi's participating finance department, the Nanshan regulator and Shenzhen's
    competent department for industry."""
    shaanxi = Region.objects.get(code="610000")
    shenzhen = Region.objects.get(code="440300")
    _user("fin", Role.DEPARTMENT, "陕西省财政厅", region=shaanxi, department="finance")
    _user(
        "nanshan", Role.REGULATOR, "南山区市场监督管理局", region=Region.objects.get(code="440305")
    )
    _user(
        "szit", Role.DEPARTMENT, "深圳市工业和信息化局", region=shenzhen, department="industry_it"
    )


def _shenzhen_enterprise(rng: random.Random, admin: User) -> Enterprise:
    """The Shenzhen manufacturer (industry 39) under the Shenzhen pack."""
    return services.enterprise_create(
        actor=admin,
        details=services.EnterpriseDetails(
            uscc=make_uscc("440305", rng),
            name="深圳南山示例光电科技有限公司",
            website="www.nanshan-optics.example.cn",
            employees=460,
            industry="39",
            size="medium",
            nature="private",
            main_products="光电传感器、激光器",
            registered_address="广东省深圳市南山区科技园科苑路15号",
            region="440305",
            responsible_name="林志远",
            responsible_position="总经理",
            responsible_landline="0755-86001234",
            responsible_mobile="13802561234",
            above_scale=True,
            above_scale_year=clock.today().year - 1,
        ),
    )


def _shenzhen_cqo(rng: random.Random) -> tuple[User, Person]:
    """The person the Shenzhen manufacturer appoints, registered with a login of their own."""
    return services.person_register(
        details=services.PersonDetails(
            username="szcqo",
            password=PASSWORD,
            name="郑晓岚",
            id_number=make_id_number("440305", dt.date(1984, 5, 20), "F", rng),
            position="质量管理部总监",
            title="工程师",
            title_level="intermediate",
            education="master",
            major="光学工程",
            mobile="13902569876",
            email="zhengxl@nanshan-optics.example.cn",
            mailing_address="广东省深圳市南山区科技园科苑路15号",
            quality_years=10,
            work_history="2014年7月—今，深圳南山示例光电科技有限公司质量管理部",
            region="440305",
        )
    )


def _submitted_appointment(clerk: User, person_user: User, person: Person) -> None:
    """The clerk appoints the person, who confirms, and submits the filing, which waits for
    the industry's competent department."""
    appt = services.appointment_create(
        actor=clerk,
        terms=services.AppointmentTerms(
            id_number=person.id_number,
            person_name=person.name,
            post="质量安全总监兼首席质量官",
            rank="department_head",
            concurrent_role="quality_safety_director",
            appointing_authority="general_manager",
            selection_method="internal_selection",
            reports_to_top=True,
            departments_led=["quality_management", "inspection"],
            start_date=clock.today() - dt.timedelta(days=10),
            declaration_confirmed=True,
        ),
    )
    # the person confirms the appointment that names them (SPEC §12.23)
    # … and declares that none of the disqualifications applies (SPEC §12.11)
    services.appointment_confirm(
        actor=person_user, appointment=appt, declarations=tuple(declarable_codes(appt))
    )
    services.filing_submit(actor=clerk, appointment=appt)
    assert Appointment.objects.get(pk=appt.pk).status == Appointment.Status.SUBMITTED  # noqa: S101
