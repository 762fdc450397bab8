"""Demo community (SPEC §9), built through the services: the Shaanxi CQO alliance (610000) with
the demo ``cqo`` as a member and its secretary-general, a peer member ``cqo2``, a pending
application by ``newcqo``; an upcoming salon with registrations and a past forum whose
attendance was counted as 学时 in the hour log; two articles and a question with an accepted
answer; a finished case competition with published results (prov and xian judging) and an open
call.

Past steps pass the day or moment they happened on to the services (``today=``, ``now=``), so
every window and deadline check holds as it would have then.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from cqo.accounts.models import User
from cqo.community import selectors, services
from cqo.community.models import (
    Alliance,
    Answer,
    CaseCompetition,
    Membership,
    Post,
)
from cqo.lib.codes import make_id_number

PEER = "cqo2"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _peer(rng: random.Random) -> User:
    """A second registered CQO (Xi'an Yanta), so the alliance has peers to answer and attend."""
    from cqo.lib import crypto
    from cqo.registry import services as registry
    from cqo.registry.demo import PASSWORD
    from cqo.registry.models import Person

    # a number no demo person holds yet (the demo draws thousands of them)
    id_number = make_id_number("610113", dt.date(1985, 9, 12), "M", rng)
    while Person.objects.filter(id_number_hash=crypto.keyed_hash(id_number)).exists():
        id_number = make_id_number("610113", dt.date(1985, 9, 12), "M", rng)
    user, _person = registry.person_register(
        details=registry.PersonDetails(
            username=PEER,
            password=PASSWORD,
            name="陈晓峰",
            id_number=id_number,
            position="质量部部长",
            title="高级工程师",
            title_level="associate_senior",
            education="bachelor",
            major="质量管理工程",
            mobile="13609183372",
            email="chenxf@example.cn",
            mailing_address="陕西省西安市雁塔区丈八东路11号",
            quality_years=12,
            region="610113",
            work_history="2012年7月—今，西安某电子科技有限公司质量工程师、质量部部长，"
            "组织QC小组活动多次获省级成果奖。",
        )
    )
    return user


CASES = [
    (
        "运用六西格玛DMAIC降低钛带卷表面缺陷率",
        "six_sigma",
        "针对冷轧钛带卷表面划伤、压坑缺陷率偏高（2.8%）的问题，组建跨部门六西格玛团队，按定义、测量、"
        "分析、改进、控制五个阶段推进：测量系统分析确认检测可靠；鱼骨图与多变异分析锁定轧辊表面粗糙度"
        "和张力波动两大关键因子；通过试验设计确定最优工艺窗口。",
        "表面缺陷率由2.8%降至0.6%，年减少质量损失约420万元；形成作业指导书3份、控制计划1份。",
    ),
    (
        "精益生产缩短钛合金棒材交付周期",
        "lean",
        "绘制价值流图识别等待、搬运和返工浪费，推行单元化生产、快速换模和看板拉动，建立日清日结的"
        "现场改善机制。",
        "交付周期由35天缩短到21天，在制品库存下降38%，一次交检合格率提高到99.2%。",
    ),
    (
        "根本原因分析解决真空自耗炉电极焊缝开裂",
        "root_cause",
        "运用5Why和故障树分析，对近两年的12起焊缝开裂事件逐一追溯，确认焊前清洁不彻底和焊接电流"
        "设定偏差为根本原因，修订焊接工艺并引入防错装置。",
        "连续10个月未再发生焊缝开裂，避免单次停炉损失约60万元。",
    ),
]


def _criteria() -> tuple[tuple[str, int], ...]:
    return (
        ("问题识别与目标设定", 20),
        ("原因分析与方法运用", 30),
        ("对策实施", 20),
        ("改进成效", 20),
        ("推广价值", 10),
    )


def _alliance(prov: User, members: tuple[User, User], newcqo: User) -> Alliance:
    """The Shaanxi alliance: two approved members, the first its secretary-general, and one
    pending application."""
    alliance = services.alliance_create(
        actor=prov,
        name="陕西省首席质量官联盟",
        kind="alliance",
        region="610000",
        description="由陕西省市场监督管理局指导成立的首席质量官自治组织，"
        "开展沙龙、论坛、经验分享和质量改进经典案例评比（陕质委办〔2021〕15号 五(三)）。",
    )
    for user in members:
        m = services.membership_apply(
            actor=user, alliance=alliance, statement="希望加入联盟，参与交流分享。"
        )
        services.membership_decide(actor=prov, membership=m, approve=True, note="同意入会")
    officer = Membership.objects.get(alliance=alliance, person__user=members[0])
    services.membership_set_role(
        actor=prov, membership=officer, role="officer", officer_title="秘书长"
    )
    services.membership_apply(
        actor=newcqo, alliance=alliance, statement="新任质量总监，申请加入联盟学习交流。"
    )
    return alliance


def _events(prov: User, alliance: Alliance, members: tuple[User, User], today: dt.date) -> None:
    """A past forum whose attendance counted as 学时 (level-standard §9.4.1.2 b 参与学术交流),
    registered two weeks ahead and marked the day after; an upcoming salon."""
    forum_day = today - dt.timedelta(days=30)
    forum = services.event_create(
        actor=prov,
        alliance=alliance,
        terms=services.EventTerms(
            kind="forum",
            title="2026年陕西省首席质量官质量提升论坛",
            venue="西安市雁塔区科技路1号 陕西省质量大厦报告厅",
            starts_at=_at(forum_day, 9),
            ends_at=_at(forum_day, 16),
            capacity=120,
            counts_hours=True,
            hours=Decimal(4),
            description="主题：质量变革与首席质量官制度创新；标杆企业经验交流。",
        ),
    )
    registered = _at(forum_day - dt.timedelta(days=14), 10)
    regs = [services.registration_create(actor=u, event=forum, now=registered) for u in members]
    services.attendance_record(
        actor=prov,
        event=forum,
        attended=[str(r.public_id) for r in regs],
        now=_at(forum_day + dt.timedelta(days=1), 10),
    )
    salon_day = today + dt.timedelta(days=12)
    salon = services.event_create(
        actor=prov,
        alliance=alliance,
        terms=services.EventTerms(
            kind="salon",
            title="首席质量官沙龙：质量成本管理实践",
            venue="宝鸡市渭滨区高新大道88号 宝鸡恒瑞钛业会议室",
            starts_at=_at(salon_day, 14),
            ends_at=_at(salon_day, 17),
            capacity=30,
            description="围绕预防、鉴定、内部失败和外部失败成本的核算与分析交流经验。",
        ),
    )
    for user in members:
        services.registration_create(actor=user, event=salon)


def _space(alliance: Alliance, cqo: User, peer: User) -> None:
    """The exchange and sharing space: two articles and a question with an accepted answer."""
    for title, body in (
        (
            "首席质量官如何推动质量“一票否决”落地",
            "结合本企业实践，谈谈质量否决权的授权书、否决情形清单和申诉机制的设计。",
        ),
        (
            "质量成本核算的四个常见误区",
            "把质量成本等同于检验费用、忽视外部失败成本、分类口径不统一、只核算不分析。",
        ),
    ):
        services.post_create(actor=cqo, alliance=alliance, kind="article", title=title, body=body)
    question = services.post_create(
        actor=peer,
        alliance=alliance,
        kind="question",
        title="中小企业如何起步开展QC小组活动？",
        body="我们是一家200人左右的电子企业，想从零开始组织QC小组，请教各位经验。",
    )
    answer = services.answer_create(
        actor=cqo,
        post=question,
        body="建议从现场问题型课题入手，先培训组长掌握PDCA和七种工具，选1—2个小课题试点，"
        "成果发布时请管理层参加并给予激励。",
    )
    services.answer_accept(actor=peer, answer=answer)


def _finished_call(prov: User, xian: User, cqo: User, today: dt.date) -> None:
    """A case competition run to its published results: each step on its day of the call."""
    opens = today - dt.timedelta(days=100)
    done = services.competition_create(
        actor=prov,
        terms=services.CompetitionTerms(
            title="2026年度陕西省质量改进经典案例评比",
            region="610000",
            description="面向全省首席质量官征集质量改进经典案例（陕质委办〔2021〕15号 五(三)）。",
            submission_opens=opens,
            submission_closes=opens + dt.timedelta(days=30),
            judging_opens=opens + dt.timedelta(days=35),
            judging_closes=opens + dt.timedelta(days=50),
            awards=2,
            criteria=_criteria(),
            judges=("prov", "xian"),
        ),
    )
    subs = [
        services.submission_create(
            actor=cqo,
            competition=done,
            case=services.CaseTerms(title=t, method=m, case_text=c, results=r),
            today=opens,
        )
        for t, m, c, r in CASES
    ]
    sheets = {
        prov: [(18, 27, 18, 18, 9), (17, 26, 18, 17, 8), (16, 24, 16, 15, 8)],
        xian: [(17, 28, 17, 19, 9), (18, 27, 17, 18, 9), (15, 25, 17, 16, 7)],
    }
    for judge, rows in sheets.items():
        for sub, row in zip(subs, rows, strict=True):
            services.score_submit(
                actor=judge,
                submission=sub,
                points=tuple((i, Decimal(v)) for i, v in enumerate(row, start=1)),
                today=opens + dt.timedelta(days=40),
            )
    services.results_publish(actor=prov, competition=done, today=opens + dt.timedelta(days=52))


def _body_exchange(certifier: User, alliance: Alliance, today: dt.date) -> None:
    """An experience exchange the certification body organises in the alliance (level-standard
    §11 认定主体宜组织开展首席质量官经验交流活动), when the demo certifier is a body's staff."""
    if not selectors.can_organise(certifier, alliance):
        return
    day = today + dt.timedelta(days=20)
    services.event_create(
        actor=certifier,
        alliance=alliance,
        terms=services.EventTerms(
            kind="lecture",
            title="获证首席质量官经验交流讲座",
            venue="西安市莲湖区西大街1号 陕西省质量协会会议室",
            starts_at=_at(day, 9),
            ends_at=_at(day, 12),
            capacity=60,
            description="获证首席质量官介绍质量标杆企业的先进模式（认定主体组织）。",
        ),
    )


def build_community_showcase(rng: random.Random, users: dict[str, User]) -> None:
    prov, xian, cqo, newcqo = users["prov"], users["xian"], users["cqo"], users["newcqo"]
    today = timezone.localdate()
    peer = _peer(rng)
    alliance = _alliance(prov, (cqo, peer), newcqo)
    _events(prov, alliance, (cqo, peer), today)
    if "certifier" in users:
        _body_exchange(users["certifier"], alliance, today)
    _space(alliance, cqo, peer)
    _finished_call(prov, xian, cqo, today)
    # an open call
    services.competition_create(
        actor=prov,
        terms=services.CompetitionTerms(
            title="2027年度陕西省质量改进经典案例征集",
            region="610000",
            description="欢迎运用六西格玛、精益、根本原因分析、QC小组等方法的改进案例。",
            submission_opens=today - dt.timedelta(days=5),
            submission_closes=today + dt.timedelta(days=30),
            judging_opens=today + dt.timedelta(days=40),
            judging_closes=today + dt.timedelta(days=60),
            awards=3,
            criteria=_criteria(),
            judges=("prov", "xian"),
        ),
    )


def community_reset() -> dict[str, int]:
    """Delete the community's rows (study records written for attendance stay in the append-only
    hour log, which the hours reset handles) and the peer demo account."""
    counts = {
        "answers_accepted": Post.objects.exclude(accepted_answer=None).update(accepted_answer=None),
        "competitions": CaseCompetition.objects.all()
        .delete()[1]
        .get("community.CaseCompetition", 0),
        "answers": Answer.objects.all().delete()[1].get("community.Answer", 0),
        "alliances": Alliance.objects.all().delete()[1].get("community.Alliance", 0),
    }
    counts["peer_accounts"] = User.objects.filter(username=PEER).delete()[1].get("accounts.User", 0)
    return counts
