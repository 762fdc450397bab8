"""Fixtures for the policy tests: enterprises, clerks and reviewers outside Shaanxi, and a
fourth province's pack as an admin would write it (SPEC §4: a new province without code)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cqo.accounts.models import Role, User
from cqo.reference.models import Region
from cqo.registry import services
from cqo.registry.models import Enterprise, Person
from cqo.test import (
    Personas,
    enterprise_data,
    make_user,
    new_id_number,
    new_uscc,
    person_data,
)

# A fourth province, 四川 (510000), whose filings the county checks and the city files.
SICHUAN_PACK = """
[pack]
id = "sichuan-test"
name = "四川省企业首席质量官制度（测试）"
version = "2024.1"
effective_from = 2024-01-01
regions = ["510000"]
source = "川质办〔2024〕1号（测试用）"

[[conditions]]
code = "quality_years"
label = "从事质量管理工作4年以上"
clause = "sichuan-test §二(一)"
severity = "justify"
test = { kind = "quality_years_min", years = 4 }

[[conditions]]
code = "education"
label = "具有本科及以上学历"
clause = "sichuan-test §二(二)"
severity = "advisory"
test = { kind = "education_min", level = "bachelor" }

[[conditions]]
code = "disqualifications"
label = "有下列情形之一的，不得担任首席质量官"
clause = "sichuan-test §二(四)"
severity = "blocking"
group = "conduct"
test = { kind = "no_disqualification" }

[[relaxations]]
code = "backbone"
label = "技术骨干可适当放宽"
clause = "sichuan-test §二(三)"
conditions = ["quality_years"]
requires = "justification"

[filing]
authority = "county_then_city"
clause = "sichuan-test §四"
"""


@dataclass
class Elsewhere:
    sichuan: Enterprise
    sichuan_clerk: User
    wuhou: User  # county regulator 武侯区 510107
    chengdu: User  # city regulator 成都市 510100
    shenzhen: Enterprise  # manufacturing (division 34, section C) in 南山区 440305
    shenzhen_clerk: User
    nanshan: User  # county regulator 南山区
    sz_industry: User  # 深圳市工业和信息化局 (department industry_it)
    sz_transport: User  # 深圳市交通运输局 (department transport)
    hangzhou: Enterprise  # 西湖区 330106
    hangzhou_clerk: User
    xihu: User
    newcomer: Person  # 2 years of quality work, 大专, no title


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def elsewhere(personas: Personas) -> Elsewhere:
    admin = personas.admin

    def enterprise(region: str, name: str, **extra: object) -> Enterprise:
        return services.enterprise_create(
            actor=admin,
            details=services.EnterpriseDetails(
                **enterprise_data(uscc=new_uscc(region), name=name, region=region, **extra)
            ),
        )

    sichuan = enterprise("510107", "成都示例电子有限公司")
    shenzhen = enterprise("440305", "深圳示例精密制造有限公司")
    hangzhou = enterprise("330106", "杭州示例机械有限公司")
    _user, newcomer = services.person_register(
        details=services.PersonDetails(
            **{
                **person_data(
                    name="周新",
                    id_number=new_id_number("610113"),
                    education="junior_college",
                    title_level="none",
                    title="",
                    quality_years=2,
                    mobile="13700137000",
                ),
                "username": "zhouxin",
                "password": "Cqo-test-2026!",
            }
        )
    )
    return Elsewhere(
        sichuan=sichuan,
        sichuan_clerk=make_user("clerk_sc", Role.ENTERPRISE, enterprise=sichuan),
        wuhou=make_user("wuhou", Role.REGULATOR, region=_region("510107")),
        chengdu=make_user("chengdu", Role.REGULATOR, region=_region("510100")),
        shenzhen=shenzhen,
        shenzhen_clerk=make_user("clerk_sz", Role.ENTERPRISE, enterprise=shenzhen),
        nanshan=make_user("nanshan", Role.REGULATOR, region=_region("440305")),
        sz_industry=make_user(
            "sz_it", Role.DEPARTMENT, region=_region("440300"), department="industry_it"
        ),
        sz_transport=make_user(
            "sz_jt", Role.DEPARTMENT, region=_region("440300"), department="transport"
        ),
        hangzhou=hangzhou,
        hangzhou_clerk=make_user("clerk_hz", Role.ENTERPRISE, enterprise=hangzhou),
        xihu=make_user("xihu", Role.REGULATOR, region=_region("330106")),
        newcomer=newcomer,
    )
