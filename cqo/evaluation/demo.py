"""Demo records of the enterprise side, through the services: for clerk2's enterprise (the demo
``cqo`` is its filed CQO) a signed-off evaluation, self-assessments of two years with open and
closed improvement tasks, eight quarters of quality cost with revenue and targets, and some
quality losses."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from cqo.accounts.models import User
from cqo.evaluation import inputs, selectors, services
from cqo.evaluation.models import (
    CostAccount,
    CostEntry,
    CostPlan,
    CostTarget,
    Evaluation,
    EvaluationSettings,
    ImprovementTask,
    QualityLoss,
    Revenue,
    SelfAssessment,
)
from cqo.lib import clock
from cqo.registry.models import Appointment, Enterprise

ACCOUNTS = [
    ("prevention", "质量培训费", "人力资源部", 38000),
    ("prevention", "质量策划与改进费", "质量管理部", 52000),
    ("appraisal", "进货检验费", "质量管理部", 61000),
    ("appraisal", "计量校准费", "计量室", 24000),
    ("internal_failure", "废品损失", "生产部", 83000),
    ("internal_failure", "返工返修费", "生产部", 47000),
    ("external_failure", "索赔及退货损失", "销售部", 56000),
    ("external_failure", "三包服务费", "客户服务部", 31000),
]


def _quarters(today: dt.date, n: int) -> list[tuple[int, int]]:
    """The last ``n`` complete quarters, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3  # the previous quarter
    if quarter == 0:
        year, quarter = year - 1, 4
    out = []
    for _ in range(n):
        out.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out[::-1]


def _evaluation(clerk: User, appt: Appointment, today: dt.date) -> None:
    ent = appt.enterprise
    services.settings_update(
        actor=clerk,
        enterprise=ent,
        terms=inputs.SettingsTerms(
            pass_mark=60,
            bands=tuple(
                inputs.Band(label=label, min=low)
                for label, low in (("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", 0))
            ),
        ),
    )
    # last year's evaluation; if the appointment began this year, the current year's
    year = today.year - 1 if appt.start_date.year < today.year else today.year
    period = inputs.EvaluationPeriod(appointment=appt.public_id, year=year)
    ev = services.evaluation_create(actor=clerk, enterprise=ent, period=period)
    deduct = {"1.3": 1, "2.4": 1, "3.6": 1, "5.2": 2, "5.3": 3, "5.4": 1}
    scores = {}
    for item in ev.items:
        if item["section"]:
            continue
        suggested = item["prefill"]["value"] if item.get("prefill") else item["max"]
        scores[item["code"]] = max(0, suggested - deduct.get(item["code"], 0))
    services.evaluation_score(
        actor=clerk,
        evaluation=ev,
        scores=inputs.EvaluationScores(
            scores=scores,
            decision="renew",
            decision_note="年度履职良好，质量目标全部达成，予以续聘。",
            reward_note="按公司质量奖励制度给予年度质量贡献奖。",
            evaluators="总经理办公会（王立新、陈海涛、孙蕾）",
        ),
    )
    services.evaluation_sign_off(actor=clerk, evaluation=ev)


def _assessments(clerk: User, cqo: User, appt: Appointment, today: dt.date) -> None:
    ent = appt.enterprise
    for year, score, kind in ((today.year - 2, 6, "internal"), (today.year - 1, 8, "third_party")):
        sa = services.assessment_create(
            actor=clerk,
            enterprise=ent,
            terms=inputs.AssessmentTerms(
                year=year,
                assessor_kind=kind,
                assessor_org="陕西省质量协会评价中心" if kind == "third_party" else "",
                assessors="王立新、刘赟、孙蕾",
            ),
        )
        scores: dict[str, int] = {}
        levels: dict[str, int] = {}
        # the guide prints no points (§6.2): the demo enterprise gives each indicator 10
        maxima: dict[str, int] = {}
        for n, ind in enumerate(sa.indicators):
            if not ind["levels"]:
                maxima[ind["code"]] = 10
                scores[ind["code"]] = min(10, score + n % 3 - 1)
            else:
                levels[ind["code"]] = 1 if year == today.year - 2 else 2
        results = inputs.AssessmentResults(
            maxima=maxima,
            scores=scores,
            levels=levels,
            findings="质量组织和质量管理体系运行有效；质量文化建设、质量经济性分析与目标仍有差距。",
            suggestions="建立质量成本核算模型；开展全员质量文化活动；完善客户满意度测评。",
            application="评估结果纳入年度质量目标和部门绩效考核，改进任务由质量管理部跟踪。",
        )
        services.assessment_score(actor=clerk, assessment=sa, results=results)
        sa = services.assessment_complete(actor=clerk, assessment=sa)
        tasks = [
            ("5.7", "建立质量成本核算模型并按季度报告", "财务部", "孙蕾"),
            ("5.3", "开展质量月全员质量文化活动", "质量管理部", "刘赟"),
            ("6.2c", "完善客户满意度测评方法", "销售部", "陈海涛"),
        ]
        for n, (code, title, dept, owner) in enumerate(tasks):
            task = services.task_create(
                actor=clerk,
                assessment=sa,
                terms=inputs.TaskTerms(
                    indicator=code,
                    title=title,
                    target="按评估结论形成改进计划，跟踪措施和有效性（shenzhen-guide §6.3）",
                    department=dept,
                    owner=owner,
                    due_date=dt.date(year + 1, 3 + 3 * n, 30),
                ),
            )
            # the older year's tasks are all closed; last year's: the first one
            if year == today.year - 2 or n == 0:
                services.task_close(
                    actor=cqo,
                    task=task,
                    closing=inputs.TaskClosing(
                        evidence="改进措施已实施，复查有效，记录见质量管理部改进台账。",
                        closed_on=min(today, dt.date(year + 1, 2 + 3 * n, 15)),
                    ),
                )


def _costs(rng: random.Random, clerk: User, appt: Appointment, today: dt.date) -> None:
    ent = appt.enterprise
    for category, name, department, _base in ACCOUNTS:
        services.account_create(
            actor=clerk,
            enterprise=ent,
            terms=inputs.AccountTerms(category=category, name=name, department=department),
        )
    quarters = _quarters(today, 8)
    for n, (year, quarter) in enumerate(quarters):
        # prevention grows, failure falls: the shift §5.7.1.3 aims at
        for category, name, _dept, base in ACCOUNTS:
            trend = 1 + (0.04 * n if category == "prevention" else -0.05 * n)
            trend = trend if category != "appraisal" else 1
            amount = Decimal(base * trend * rng.uniform(0.92, 1.08)).quantize(Decimal("0.01"))
            terms = inputs.CostTerms(
                account=selectors.cost_account_find(ent, name),
                year=year,
                quarter=quarter,
                amount=amount,
            )
            services.cost_set(actor=clerk, enterprise=ent, terms=terms)
        revenue = Decimal(18_500_000 + 400_000 * n + rng.randint(-300_000, 300_000))
        services.revenue_set(
            actor=clerk,
            enterprise=ent,
            terms=inputs.RevenueTerms(year=year, quarter=quarter, amount=revenue),
        )
    for year in sorted({y for y, _q in quarters}):
        services.target_set(
            actor=clerk,
            enterprise=ent,
            terms=inputs.TargetTerms(
                year=year, share_max=Decimal("2.20"), note="质量成本占营业收入比例上限"
            ),
        )
        services.target_set(
            actor=clerk,
            enterprise=ent,
            terms=inputs.TargetTerms(
                year=year, category="external_failure", amount_max=Decimal("330000")
            ),
        )
    services.plan_set(
        actor=clerk,
        enterprise=ent,
        terms=inputs.PlanTerms(
            year=today.year,
            items={
                "a": "总经理要求质量成本占营业收入比例逐年下降，外部失败成本重点压降。",
                "b": "全年质量成本占营业收入不超过 2.2%，外部失败成本不超过 33 万元。",
                "c": "按预防、鉴定、内部失败、外部失败设置 8 个二级科目（见科目表）。",
                "d": "质量管理部归口；财务部核算；生产、销售、客服部门按科目提供数据。",
                "e": "ERP 成本中心按科目归集，每季度末 10 日内汇总至质量管理部。",
                "f": "季度质量成本分析报告提交总经理办公会，纳入部门绩效考核。",
                "g": "下一年度将预防成本占比提高到 25% 以上。",
            },
        ),
    )
    _losses(clerk, ent, quarters)


def _losses(clerk: User, ent: Enterprise, quarters: list[tuple[int, int]]) -> None:
    losses = [
        ("scrap", "direct", "38600.00", "热处理炉温失控导致一批齿轮毛坯报废"),
        ("rework", "direct", "12450.00", "装配尺寸超差返修"),
        ("customer_return", "direct", "56800.00", "客户退回一批表面锈蚀零件"),
        ("complaint_reputation", "indirect", "20000.00", "重点客户投诉，评级下调"),
        ("downtime", "indirect", "9300.00", "检测设备故障停机 6 小时"),
        ("three_guarantees", "direct", "7420.00", "质量三包更换费用"),
    ]
    for n, (kind, effect, loss_amount, text) in enumerate(losses):
        year, quarter = quarters[-1 - n]
        services.loss_create(
            actor=clerk,
            enterprise=ent,
            terms=inputs.LossTerms(
                occurred_on=dt.date(year, quarter * 3 - 1, 10),
                kind=kind,
                effect=effect,
                amount=Decimal(loss_amount),
                description=text,
            ),
        )


def build_evaluation_showcase(rng: random.Random, users: dict[str, User]) -> None:
    clerk, cqo = users["clerk2"], users["cqo"]
    if clerk.enterprise_id is None:
        return
    appt = (
        Appointment.objects.filter(
            enterprise_id=clerk.enterprise_id,
            person__user=cqo,
            status=Appointment.Status.FILED,
        )
        .select_related("enterprise", "person")
        .first()
    )
    if appt is None:
        return
    today = clock.today()
    _evaluation(clerk, appt, today)
    _assessments(clerk, cqo, appt, today)
    _costs(rng, clerk, appt, today)


def evaluation_reset() -> dict[str, int]:
    """Demo reset only: the rows of this app (they protect the registry's appointments, so
    this runs before the registry's reset)."""
    counts = {}
    for model in (
        ImprovementTask,
        SelfAssessment,
        Evaluation,
        EvaluationSettings,
        CostEntry,
        CostAccount,
        CostPlan,
        Revenue,
        CostTarget,
        QualityLoss,
    ):
        counts[model._meta.model_name or ""], _ = model.objects.all().delete()
    return counts
