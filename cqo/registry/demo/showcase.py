"""The named records the README's walkthrough uses: the enterprises of the two clerks, the demo
CQO's filed appointment, the person waiting to be appointed."""

from __future__ import annotations

from dataclasses import dataclass

from cqo.accounts.models import User
from cqo.lib.codes import make_uscc
from cqo.registry import services
from cqo.registry.demo.data import DUTIES, PASSWORD, POWERS
from cqo.registry.demo.generate import _Gen
from cqo.registry.models import Enterprise, Person
from cqo.registry.services.declarations import declarable_codes


@dataclass
class _Showcase:
    clerk_ent: Enterprise
    clerk2_ent: Enterprise
    cqo_person: Person
    appointable: tuple[str, str]


def _showcase(g: _Gen, users: dict[str, User]) -> _Showcase:
    """The records a visitor acts on, through the services: the clerk's enterprise in 610113
    with no CQO yet (and a reminder about it), a person registered there waiting to be
    appointed, and clerk2's enterprise in 610302 whose CQO (the ``cqo`` login) is filed."""
    yanta, weibin = users["yanta"], users["weibin"]
    clerk_ent = _clerk_enterprise(g, yanta)
    clerk2_ent = _clerk2_enterprise(g, weibin)
    g.names.update({clerk_ent.name, clerk2_ent.name})
    _clerks(yanta, clerk_ent, weibin, clerk2_ent)
    clerk2 = User.objects.get(username="clerk2")

    cqo_id, cqo_user, cqo_person = _register_cqo(g)
    _file_cqo(g, cqo_id, cqo_user, clerk2, weibin)

    new_id = _register_appointable(g)
    _self_started(g, yanta)
    services.reminder_send(
        actor=yanta,
        enterprise=clerk_ent,
        message="贵单位尚未备案首席质量官，请于30日内完成聘任并在线备案。",
    )
    return _Showcase(clerk_ent, clerk2_ent, cqo_person, ("赵玥", new_id))


def _clerk_enterprise(g: _Gen, yanta: User) -> Enterprise:
    """The clerk's enterprise in 610113, which has no CQO yet."""
    return services.enterprise_create(
        actor=yanta,
        details=services.EnterpriseDetails(
            uscc=make_uscc("610113", g.rng),
            name="西安华晟精密仪器有限公司",
            industry="40",
            size="medium",
            nature="private",
            employees=420,
            website="www.huasheng-yq.com",
            main_products="流量计、压力变送器、工业自动化仪表",
            region="610113",
            registered_address="陕西省西安市雁塔区锦业路69号",
            responsible_name="陈建华",
            responsible_position="总经理",
            responsible_landline="029-88321766",
            responsible_mobile="13991234567",
            above_scale=True,
            above_scale_year=2019,
        ),
    )


def _clerk2_enterprise(g: _Gen, weibin: User) -> Enterprise:
    """clerk2's enterprise in 610302, whose CQO is filed."""
    return services.enterprise_create(
        actor=weibin,
        details=services.EnterpriseDetails(
            uscc=make_uscc("610302", g.rng),
            name="宝鸡恒瑞钛业股份有限公司",
            industry="32",
            size="large",
            nature="mixed",
            listed=True,
            employees=2380,
            website="www.hengrui-ti.com.cn",
            main_products="钛及钛合金板材、棒材、管材，锆铪材料",
            region="610302",
            registered_address="陕西省宝鸡市渭滨区高新大道88号",
            responsible_name="杨振东",
            responsible_position="董事长",
            responsible_landline="0917-3376688",
            responsible_mobile="13909173366",
            above_scale=True,
            above_scale_year=2012,
            quality_award="winner",
            quality_award_year=2021,
        ),
    )


def _clerks(yanta: User, clerk_ent: Enterprise, weibin: User, clerk2_ent: Enterprise) -> None:
    """The two clerk logins, each created by the regulator of its enterprise's county."""
    for actor, ent, username, label in [
        (yanta, clerk_ent, "clerk", "华晟经办人"),
        (weibin, clerk2_ent, "clerk2", "恒瑞经办人"),
    ]:
        services.clerk_create(
            actor=actor,
            enterprise=ent,
            username=username,
            password=PASSWORD,
            display_name=label,
        )


def _register_cqo(g: _Gen) -> tuple[str, User, Person]:
    """The ``cqo`` login registers itself; returns its ID number, account and person."""
    cqo_id, _birth = g.id_number("M", born=(1970, 1984))
    cqo_user, cqo_person = services.person_register(
        details=services.PersonDetails(
            username="cqo",
            password=PASSWORD,
            name="刘赟",
            id_number=cqo_id,
            position="副总经理",
            title="正高级工程师",
            title_level="senior",
            education="master",
            major="材料科学与工程",
            mobile="13892176543",
            email="liuyun@hengrui-ti.com.cn",
            mailing_address="陕西省宝鸡市渭滨区高新大道88号",
            quality_years=15,
            region="610302",
            work_history="2008年7月—2016年6月，宝鸡恒瑞钛业股份有限公司质量部工程师、部长（期间主持的"
            "钛带卷质量改进项目获全国质量管理小组活动成果一等奖）。\n"
            "2016年7月—今，宝鸡恒瑞钛业股份有限公司副总经理，分管质量管理、质量检验、品牌建设。",
            qualifications=[
                services.QualificationDetails(
                    kind="professional_title",
                    name="正高级工程师",
                    level="senior",
                    field="材料",
                    issuer="陕西省人力资源和社会保障厅",
                )
            ],
        )
    )
    return cqo_id, cqo_user, cqo_person


def _file_cqo(g: _Gen, cqo_id: str, cqo_user: User, clerk2: User, weibin: User) -> None:
    """clerk2 appoints the ``cqo`` person, who confirms, and weibin files the appointment."""
    appt = services.appointment_create(
        actor=clerk2,
        terms=services.AppointmentTerms(
            id_number=cqo_id,
            person_name="刘赟",
            post="副总经理兼首席质量官",
            rank="senior_deputy",
            appointing_authority="general_manager",
            selection_method="internal_selection",
            reports_to_top=True,
            departments_led=["quality_management", "inspection", "brand"],
            duties=DUTIES,
            powers=POWERS,
            start_date=g.past(200, 400),
            declaration_confirmed=True,
            concurrent_role="management_representative",
            treatment="senior_deputy",
        ),
    )
    # the person confirms the appointment that names them (SPEC §12.23) and declares that none
    # of the disqualifications applies (level-standard §5.1.5; SPEC §12.11)
    services.appointment_confirm(
        actor=cqo_user, appointment=appt, declarations=tuple(declarable_codes(appt))
    )
    services.filing_submit(actor=clerk2, appointment=appt)
    services.filing_approve(actor=weibin, appointment=appt, note="材料齐全，予以备案")


def _register_appointable(g: _Gen) -> str:
    """The person registered in 610113 and waiting to be appointed; returns the ID number."""
    new_id, _birth = g.id_number("F", born=(1980, 1992))
    services.person_register(
        details=services.PersonDetails(
            username="newcqo",
            password=PASSWORD,
            name="赵玥",
            id_number=new_id,
            position="质量总监",
            title="高级工程师",
            title_level="associate_senior",
            education="master",
            major="测控技术与仪器",
            mobile="13700295566",
            email="zhaoyue@huasheng-yq.com",
            mailing_address="陕西省西安市雁塔区锦业路69号",
            quality_years=9,
            region="610113",
            work_history="2014年7月—今，西安华晟精密仪器有限公司质量部工程师、质量总监，"
            "牵头通过ISO 9001、ISO 10012测量管理体系认证。",
        )
    )
    return new_id


def _self_started(g: _Gen, yanta: User) -> None:
    """A filing the CQO started (SPEC §12.23; 陕质委办〔2021〕15号 第五条（一）（三）): ``selfcqo``
    filled in the appointment at a Yanta enterprise, declared, and handed it to the enterprise,
    which has yet to confirm it (its clerk account is the regulator's to open)."""
    ent = services.enterprise_create(
        actor=yanta,
        details=services.EnterpriseDetails(
            uscc=make_uscc("610113", g.rng),
            name="西安秦川检测仪器有限公司",
            industry="40",
            size="small",
            nature="private",
            employees=86,
            main_products="材料试验机、硬度计",
            region="610113",
            registered_address="陕西省西安市雁塔区丈八一路10号",
            responsible_name="何立新",
            responsible_position="总经理",
        ),
    )
    g.names.add(ent.name)
    person_id, _birth = g.id_number("M", born=(1978, 1990))
    user, _person = services.person_register(
        details=services.PersonDetails(
            username="selfcqo",
            password=PASSWORD,
            name="孙卓然",
            id_number=person_id,
            position="质量部经理",
            title="工程师",
            title_level="intermediate",
            education="bachelor",
            major="机械工程",
            mobile="13609183377",
            email="sunzr@qinchuan-jc.example.cn",
            mailing_address="陕西省西安市雁塔区丈八一路10号",
            quality_years=6,
            region="610113",
            work_history="2016年7月—今，西安秦川检测仪器有限公司质量部工程师、经理。",
        )
    )
    appt = services.filing_prepare(
        actor=user,
        uscc=ent.uscc,
        terms=services.AppointmentTerms(
            post="质量部经理兼首席质量官",
            rank="department_head",
            appointing_authority="general_manager",
            selection_method="internal_selection",
            reports_to_top=True,
            departments_led=["quality_management", "inspection"],
            duties=DUTIES,
            powers=POWERS,
            start_date=g.past(5, 20),
        ),
    )
    services.appointment_declare(actor=user, appointment=appt, codes=tuple(declarable_codes(appt)))
    services.filing_hand_over(actor=user, appointment=appt)
