"""The services as a spec: forms from the packs, pre-filled items, score bounds and totals,
sign-off, decisions feeding the filing workflow, the improvement-task lifecycle, quality cost
and loss, and the all-or-nothing xlsx import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cqo.audit.models import AuditEntry
from cqo.evaluation import inputs, selectors, services
from cqo.evaluation.models import (
    CostAccount,
    CostEntry,
    Evaluation,
    ImprovementTask,
    QualityLoss,
    SelfAssessment,
)
from cqo.reference import enums
from cqo.registry.models import Appointment
from tests.evaluation.conftest import (
    World,
    complete,
    full_scores,
    new_assessment,
    new_evaluation,
    signed,
    xlsx,
)

pytestmark = pytest.mark.django_db


def fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# Evaluation --------------------------------------------------------------------------------------


def test_it_uses_the_hangzhou_form_for_reference_in_shaanxi(world: World) -> None:
    ev = new_evaluation(world)
    assert ev.form_kind == "scored" and ev.reference
    assert ev.max_total == 100
    assert (ev.period_start, ev.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    maxima = {i["code"]: i["max"] for i in ev.items}
    assert maxima["1"] == 19 and maxima["1.5"] == 5 and maxima["4.1"] == 2 and maxima["5"] == 20
    assert "hangzhou-spec" in ev.form_clause


def test_it_prefills_what_the_platform_knows(world: World) -> None:
    ev = new_evaluation(world)
    pre = {i["code"]: i["prefill"] for i in ev.items if i.get("prefill")}
    assert set(pre) == {"1.1", "1.2", "1.5", "4.1", "4.2"}
    # the persona: 8 years, 本科, 副高级 title, no training certificate, no hours
    assert pre["1.1"]["value"] == 3 and pre["1.1"]["met"]
    assert pre["1.2"]["value"] == 3
    assert pre["1.5"]["value"] == 5
    assert pre["4.1"]["value"] == 0 and not pre["4.1"]["met"]
    assert pre["4.2"]["value"] == 0
    # suggestions only: nothing is scored until the evaluator confirms
    assert all(i["score"] is None for i in ev.items)


def test_it_rejects_scores_outside_zero_to_max(world: World) -> None:
    ev = new_evaluation(world)
    for bad in (4, -1, "2.5", "x"):
        with pytest.raises(ValidationError) as exc:
            services.evaluation_score(
                actor=world.p.clerk_a,
                evaluation=ev,
                scores=inputs.parsed(inputs.read_scores, {"scores": {"1.1": bad}}),
            )
        assert fields(exc) == {"scores.1.1"}
    services.evaluation_score(
        actor=world.p.clerk_a,
        evaluation=ev,
        scores=inputs.parsed(inputs.read_scores, {"scores": {"1.1": 3}}),
    )
    with pytest.raises(ValidationError) as exc:
        services.evaluation_score(
            actor=world.p.clerk_a,
            evaluation=ev,
            scores=inputs.parsed(inputs.read_scores, {"scores": {"9.9": 1}}),
        )
    assert fields(exc) == {"scores.9.9"}


def test_it_totals_and_bands_at_sign_off(world: World) -> None:
    services.settings_update(
        actor=world.p.clerk_a,
        enterprise=world.p.enterprise_a,
        terms=inputs.parsed(
            inputs.read_settings, {"pass_mark": "60", "bands": "优秀 90\n合格 60\n不合格 0"}
        ),
    )
    ev = signed(world, minus=2)
    assert ev.status == "signed_off" and ev.total == 98 and ev.band == "优秀" and ev.passed
    assert AuditEntry.objects.filter(target_id=str(ev.public_id), action="transition").exists()


def test_it_has_no_default_outcome_without_settings(world: World) -> None:
    ev = signed(world)
    assert ev.total == 100 and ev.band == "" and ev.passed is None


def test_it_refuses_sign_off_until_complete(world: World) -> None:
    ev = new_evaluation(world)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_sign_off(actor=world.p.clerk_a, evaluation=ev)
    assert fields(exc) == {"scores", "evaluators", "decision"}
    scores = full_scores(ev)
    del scores["4.2"]
    services.evaluation_score(
        actor=world.p.clerk_a,
        evaluation=ev,
        scores=inputs.parsed(
            inputs.read_scores, {"scores": scores, "decision": "renew", "evaluators": "王建国"}
        ),
    )
    with pytest.raises(ValidationError) as exc:
        services.evaluation_sign_off(actor=world.p.clerk_a, evaluation=ev)
    assert "4.2" in str(exc.value)
    ev.refresh_from_db()
    assert ev.status == "draft"


def test_it_freezes_a_signed_off_evaluation(world: World) -> None:
    ev = signed(world)
    with pytest.raises(ValidationError):
        services.evaluation_score(
            actor=world.p.clerk_a,
            evaluation=ev,
            scores=inputs.parsed(inputs.read_scores, {"scores": {}}),
        )
    with pytest.raises(ValidationError):
        services.evaluation_sign_off(actor=world.p.clerk_a, evaluation=ev)


def test_it_allows_one_evaluation_per_period_within_the_term(world: World) -> None:
    new_evaluation(world)
    for year, field in ((2025, "year"), (2024, "year"), (2027, "year")):
        with pytest.raises(ValidationError) as exc:
            new_evaluation(world, year)
        assert field in fields(exc)


def test_it_lets_only_the_clerk_evaluate(world: World) -> None:
    for user in (world.p.clerk_b, world.p.cqo, world.p.county_a, world.p.admin):
        with pytest.raises(PermissionDenied):
            services.evaluation_create(
                actor=user,
                enterprise=world.p.enterprise_a,
                period=inputs.parsed(
                    inputs.read_period, {"appointment": str(world.appt.public_id), "year": 2025}
                ),
            )


def test_it_ends_the_appointment_on_a_dismissal(world: World) -> None:
    ev = signed(world, decision="dismiss")
    services.evaluation_end_appointment(
        actor=world.p.clerk_a, evaluation=ev, ended_on=dt.date(2026, 6, 1), note="考核不合格"
    )
    appt = Appointment.objects.get(pk=world.appt.pk)
    assert appt.status == "ended" and appt.end_reason == enums.EndReason.EVALUATION_FAILED
    assert appt.ended_on == dt.date(2026, 6, 1)
    with pytest.raises(ValidationError):  # already ended
        services.evaluation_end_appointment(
            actor=world.p.clerk_a, evaluation=ev, ended_on=dt.date(2026, 6, 1)
        )


def test_it_does_not_end_the_appointment_without_a_dismissal(world: World) -> None:
    ev = signed(world, decision="renew")
    with pytest.raises(ValidationError) as exc:
        services.evaluation_end_appointment(
            actor=world.p.clerk_a, evaluation=ev, ended_on=dt.date(2026, 6, 1)
        )
    assert fields(exc) == {"decision"}
    assert Appointment.objects.get(pk=world.appt.pk).status == "filed"


def test_it_uses_the_shenzhen_contents_with_enterprise_points(world: World) -> None:
    from cqo.registry import services as registry
    from cqo.test import appointment_data, person_data

    sz, clerk = world.shenzhen, world.szclerk
    _u, person = registry.person_register(
        details=registry.PersonDetails(
            **{
                **person_data(region="440305", name="郑晓岚"),
                "username": "szcqo",
                "password": "Cqo-test-2026!",
            }
        )
    )
    appt = registry.appointment_create(
        actor=clerk,
        terms=registry.AppointmentTerms(**appointment_data(person, start_date=dt.date(2025, 1, 1))),
    )
    appt.status = Appointment.Status.FILED
    appt.save(update_fields=["status"])
    ev = services.evaluation_create(
        actor=clerk,
        enterprise=sz,
        period=inputs.parsed(
            inputs.read_period, {"appointment": str(appt.public_id), "year": 2025}
        ),
    )
    assert ev.form_kind == "contents" and not ev.reference and ev.max_total == 0
    assert [i["code"] for i in ev.items] == ["a", "b", "c", "d", "e", "f"]
    with pytest.raises(ValidationError) as exc:
        services.evaluation_score(
            actor=clerk,
            evaluation=ev,
            scores=inputs.parsed(inputs.read_scores, {"scores": {"a": 5}}),
        )
    assert fields(exc) == {"scores.a"}
    maxima = {"a": 20, "b": 20, "c": 15, "d": 15, "e": 15, "f": 15}
    ev = services.evaluation_score(
        actor=clerk,
        evaluation=ev,
        scores=inputs.parsed(
            inputs.read_scores,
            {
                "maxima": maxima,
                "scores": {c: m - 1 for c, m in maxima.items()},
                "decision": "reward",
                "evaluators": "林志远",
            },
        ),
    )
    ev = services.evaluation_sign_off(actor=clerk, evaluation=ev)
    assert (ev.total, ev.max_total, ev.decision) == (94, 100, "reward")


# Self-assessment and improvement tasks -----------------------------------------------------------


def test_it_assesses_with_scores_and_levels(world: World) -> None:
    sa = new_assessment(world)
    assert sa.reference and "shenzhen-guide" in sa.form_clause
    kinds = {i["code"]: (i["max"], len(i["levels"])) for i in sa.indicators}
    # shenzhen-guide §6.2 prints no points: no indicator has built-in points
    assert kinds["5.1"] == (None, 0) and kinds["5.3"] == (None, 4)
    assert all(i["max"] is None for i in sa.indicators)
    with pytest.raises(ValidationError) as exc:
        services.assessment_score(
            actor=world.p.clerk_a,
            assessment=sa,
            results=inputs.parsed(
                inputs.read_results, {"scores": {"5.1": 11}, "levels": {"5.3": 4}}
            ),
        )
    assert fields(exc) == {"scores.5.1", "levels.5.3"}
    with pytest.raises(ValidationError) as exc:
        services.assessment_complete(actor=world.p.clerk_a, assessment=sa)
    assert fields(exc) == {"scores", "findings"}
    sa = complete(world, sa, score=7)
    scored = sum(1 for i in sa.indicators if not i["levels"])
    assert sa.status == "completed" and sa.total == 7 * scored and sa.max_total == 10 * scored


def test_it_lets_the_serving_cqo_assess_but_not_others(world: World) -> None:
    sa = new_assessment(world, actor=world.p.cqo)
    assert sa.created_by == world.p.cqo
    for user in (world.p.clerk_b, world.p.county_a):
        with pytest.raises(PermissionDenied):
            new_assessment(world, 2024, actor=user)


def test_it_runs_the_improvement_task_lifecycle(world: World) -> None:
    sa = new_assessment(world)
    task_data = {
        "indicator": "5.3",
        "title": "开展质量文化月活动",
        "department": "质量部",
        "owner": "李堃",
        "due_date": "2026-09-30",
    }
    with pytest.raises(ValidationError):  # not before the assessment is complete
        services.task_create(
            actor=world.p.clerk_a,
            assessment=sa,
            terms=inputs.parsed(inputs.read_task, task_data, sa),
        )
    sa = complete(world, sa)
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=world.p.clerk_a,
            assessment=sa,
            terms=inputs.parsed(
                inputs.read_task,
                {**task_data, "indicator": "9.9", "owner": "", "due_date": "bad"},
                sa,
            ),
        )
    assert fields(exc) == {"indicator", "owner", "due_date"}
    task = services.task_create(
        actor=world.p.clerk_a, assessment=sa, terms=inputs.parsed(inputs.read_task, task_data, sa)
    )
    assert task.status == "open"
    with pytest.raises(ValidationError) as exc:
        services.task_close(
            actor=world.p.clerk_a,
            task=task,
            closing=inputs.parsed(inputs.read_closing, {"evidence": ""}),
        )
    assert fields(exc) == {"evidence"}
    with pytest.raises(ValidationError) as exc:
        services.task_close(
            actor=world.p.cqo,
            task=task,
            closing=inputs.parsed(
                inputs.read_closing, {"evidence": "活动已开展", "closed_on": "2026-07-01"}
            ),
        )
    assert fields(exc) == {"closed_on"}
    task = services.task_close(
        actor=world.p.cqo,
        task=task,
        closing=inputs.parsed(inputs.read_closing, {"evidence": "活动已开展，满意度提升 3 分"}),
    )
    assert task.status == "closed" and task.closed_on == dt.date(2026, 6, 15)
    with pytest.raises(ValidationError):
        services.task_close(
            actor=world.p.cqo,
            task=task,
            closing=inputs.parsed(inputs.read_closing, {"evidence": "再次关闭"}),
        )
    task = services.task_reopen(actor=world.p.clerk_a, task=task, reason="复查发现未见成效")
    assert task.status == "open" and task.evidence == ""
    assert AuditEntry.objects.filter(target_id=str(task.public_id)).count() == 3


def test_it_compares_years(world: World) -> None:
    complete(world, new_assessment(world, 2024), score=6)
    complete(world, new_assessment(world, 2025), score=8)
    c = selectors.comparison(world.p.enterprise_a)
    assert c["years"] == [2024, 2025]
    row = next(r for r in c["rows"] if r[0] == "5.1")
    assert row[2] == ["6/10", "8/10"]
    assert [t["total"] for t in c["totals"]] == [54, 72]


# Quality economics --------------------------------------------------------------------------------


def _costs(world: World) -> None:
    a = world.p.clerk_a
    ent = world.p.enterprise_a
    accounts = {
        "prevention": "质量培训费",
        "appraisal": "检验试验费",
        "internal_failure": "废品损失",
        "external_failure": "索赔费用",
    }
    amounts = {
        "prevention": "10000.00",
        "appraisal": "20000.00",
        "internal_failure": "30000.00",
        "external_failure": "40000.10",
    }
    for cat, name in accounts.items():
        services.account_create(
            actor=a,
            enterprise=ent,
            terms=inputs.parsed(inputs.read_account, {"category": cat, "name": name}),
        )
        services.cost_set(
            actor=a,
            enterprise=ent,
            terms=inputs.parsed(
                inputs.read_cost,
                {"account": name, "year": "2026", "quarter": "1", "amount": amounts[cat]},
                ent,
            ),
        )
    services.revenue_set(
        actor=a,
        enterprise=ent,
        terms=inputs.parsed(
            inputs.read_revenue, {"year": "2026", "quarter": "1", "amount": "3000000"}
        ),
    )


def test_it_computes_the_ratios_exactly(world: World) -> None:
    _costs(world)
    s = selectors.cost_summary(world.p.enterprise_a)
    q = s["quarters"][0]
    assert str(q.total) == "100000.10"  # exact, and shown to the fen on every database
    assert q.category_share("prevention") == Decimal("10.00")
    assert q.category_share("external_failure") == Decimal("40.00")
    assert q.revenue_share == Decimal("3.33")
    assert q.failure_to_conformance == Decimal("2.33")
    assert s["years"][0].total == Decimal("100000.10")


def test_it_checks_targets(world: World) -> None:
    _costs(world)
    ent = world.p.enterprise_a
    services.target_set(
        actor=world.p.clerk_a,
        enterprise=ent,
        terms=inputs.parsed(inputs.read_target, {"year": "2026", "share_max": "3.5"}),
    )
    services.target_set(
        actor=world.p.clerk_a,
        enterprise=ent,
        terms=inputs.parsed(
            inputs.read_target,
            {"year": "2026", "category": "external_failure", "amount_max": "40000"},
        ),
    )
    checks = {c.category: c.met for c in selectors.cost_summary(ent)["checks"]}
    assert checks == {"": True, "external_failure": False}
    with pytest.raises(ValidationError) as exc:
        services.target_set(
            actor=world.p.clerk_a,
            enterprise=ent,
            terms=inputs.parsed(inputs.read_target, {"year": "2026"}),
        )
    assert fields(exc) == {"amount_max"}


def test_it_replaces_an_amount_and_rejects_bad_ones(world: World) -> None:
    _costs(world)
    ent = world.p.enterprise_a
    services.cost_set(
        actor=world.p.cqo,
        enterprise=ent,
        terms=inputs.parsed(
            inputs.read_cost,
            {"account": "质量培训费", "year": "2026", "quarter": "1", "amount": "12000"},
            ent,
        ),
    )
    assert CostEntry.objects.get(account__name="质量培训费").amount == Decimal("12000")
    for amount in ("-1", "1.005", "abc", "NaN"):
        with pytest.raises(ValidationError) as exc:
            services.cost_set(
                actor=world.p.clerk_a,
                enterprise=ent,
                terms=inputs.parsed(
                    inputs.read_cost,
                    {"account": "质量培训费", "year": "2026", "quarter": "1", "amount": amount},
                    ent,
                ),
            )
        assert fields(exc) == {"amount"}
    with pytest.raises(ValidationError) as exc:
        services.cost_set(
            actor=world.p.clerk_a,
            enterprise=ent,
            terms=inputs.parsed(
                inputs.read_cost,
                {"account": "不存在", "year": "2026", "quarter": "4", "amount": "1"},
                ent,
            ),
        )
    assert fields(exc) == {"account", "quarter"}
    with pytest.raises(PermissionDenied):
        services.cost_set(
            actor=world.p.county_a,
            enterprise=ent,
            terms=inputs.parsed(
                inputs.read_cost,
                {"account": "质量培训费", "year": "2026", "quarter": "1", "amount": "1"},
                ent,
            ),
        )


def test_it_records_losses_of_the_listed_kinds_only(world: World) -> None:
    ent = world.p.enterprise_a
    loss = services.loss_create(
        actor=world.p.clerk_a,
        enterprise=ent,
        terms=inputs.parsed(
            inputs.read_loss,
            {"occurred_on": "2026-03-02", "kind": "recall", "effect": "direct", "amount": "5000"},
            selectors.loss_kinds(ent),
        ),
    )
    assert loss.kind_label == "召回"
    with pytest.raises(ValidationError) as exc:
        services.loss_create(
            actor=world.p.clerk_a,
            enterprise=ent,
            terms=inputs.parsed(
                inputs.read_loss,
                {"occurred_on": "2026-07-02", "kind": "other", "effect": "x", "amount": "1"},
                selectors.loss_kinds(ent),
            ),
        )
    assert fields(exc) == {"occurred_on", "kind", "effect"}


def test_it_imports_costs_all_or_nothing(world: World) -> None:
    ent = world.p.enterprise_a
    head = services.COST_HEADERS
    good = [
        [2026, 1, "预防成本", "质量培训费", 1000.5, ""],
        [2026, 2, "鉴定成本", "检验费", 200, "x"],
    ]
    bad = [*good, [2026, 5, "其他成本", "", "abc", ""], [2031, 1, "预防成本", "质量培训费", 1, ""]]
    with pytest.raises(services.ImportErrors) as exc:
        services.costs_import(actor=world.p.clerk_a, enterprise=ent, content=xlsx(head, bad))
    rows = {(r["row"], r["field"]) for r in exc.value.report}
    assert {(4, "季度"), (4, "成本类别"), (4, "科目"), (4, "金额（元）"), (5, "年度")} <= rows
    assert not CostEntry.objects.exists() and not CostAccount.objects.exists()
    assert (
        services.costs_import(actor=world.p.clerk_a, enterprise=ent, content=xlsx(head, good)) == 2
    )
    assert CostEntry.objects.get(account__name="质量培训费").amount == Decimal("1000.50")


def test_it_rejects_an_unreadable_or_wrong_file(world: World) -> None:
    ent = world.p.enterprise_a
    with pytest.raises(ValidationError) as exc:
        services.losses_import(actor=world.p.clerk_a, enterprise=ent, content=b"not a workbook")
    assert fields(exc) == {"file"}
    with pytest.raises(ValidationError) as exc:
        services.losses_import(
            actor=world.p.clerk_a, enterprise=ent, content=xlsx(["日期"], [["2026-01-01"]])
        )
    assert "缺少列" in str(exc.value)


def test_it_imports_losses(world: World) -> None:
    content = xlsx(
        services.LOSS_HEADERS,
        [
            ["2026-02-03", "客户退货", "直接损失", 3000, "批次退货"],
            ["2026-02-04", "客户投诉和信誉损失", "间接", 800, ""],
        ],
    )
    n = services.losses_import(
        actor=world.p.clerk_a, enterprise=world.p.enterprise_a, content=content
    )
    assert n == 2
    assert set(QualityLoss.objects.values_list("kind", "effect")) == {
        ("customer_return", "direct"),
        ("complaint_reputation", "indirect"),
    }


def test_it_keeps_models_consistent(world: World) -> None:
    assert Evaluation.Decision.values == ["renew", "dismiss", "reward", "reassign", "improve"]
    assert SelfAssessment.AssessorKind.values == ["internal", "third_party"]
    assert ImprovementTask.Status.values == ["open", "closed"]


def test_it_reports_an_over_long_or_out_of_range_loss_as_a_row_error(world: World) -> None:
    content = xlsx(
        services.LOSS_HEADERS,
        [
            ["0001-01-01", "客户退货", "直接损失", 1, ""],
            ["9999-12-31", "客户退货", "直接损失", 1, ""],
            ["2026-02-03", "客户退货", "直接损失", 1, "说" * 301],
        ],
    )
    with pytest.raises(services.ImportErrors) as exc:
        services.losses_import(
            actor=world.p.clerk_a, enterprise=world.p.enterprise_a, content=content
        )
    rows = {(r["row"], r["field"]): r["message"] for r in exc.value.report}
    assert rows == {
        (2, "发生日期"): "发生日期应在 2000-01-01 至 2026-06-15 之间",
        (3, "发生日期"): "发生日期应在 2000-01-01 至 2026-06-15 之间",
        (4, "说明"): "说明不能超过 300 个字符（现有 301 个）",
    }
    assert not QualityLoss.objects.exists()


@pytest.mark.parametrize(
    ("kind", "level", "value"),
    [
        ("vocational", "intermediate", 5),  # 中级质量工程师: a 职业资格 counts (hangzhou-spec)
        ("management", "intermediate", 5),
        ("vocational", "junior", 0),  # below 中级
    ],
)
def test_item_1_5_is_prefilled_from_titles_and_professional_qualifications(
    world: World, kind: str, level: str, value: int
) -> None:
    person = world.appt.person
    person.title_level = "none"
    person.save(update_fields=["title_level"])
    person.qualifications.all().delete()
    person.qualifications.create(kind=kind, level=level, name="质量工程师")
    ev = new_evaluation(world)
    pre = {i["code"]: i["prefill"] for i in ev.items if i.get("prefill")}
    assert pre["1.5"]["value"] == value


def test_the_reference_form_is_the_one_the_rules_name(world: World) -> None:
    """Shaanxi prints no evaluation form: the national default's [reference_forms] (a platform
    default) names hangzhou-spec's; rules naming none leave the enterprise without one."""
    from cqo.policy import schema
    from cqo.policy.selectors import governing_for_region
    from tests.evaluation.conftest import TODAY

    rules = governing_for_region(world.p.enterprise_a.region, TODAY).rules
    assert rules.reference_forms is not None
    assert "平台默认" in rules.reference_forms.clause
    found = selectors._reference(rules, "evaluation", TODAY)
    assert found is not None and found.pack.slug == "hangzhou-spec"
    none = schema.Pack.model_validate(
        {**rules.model_dump(mode="json"), "reference_forms": {"clause": "SPEC §7: 平台默认"}}
    )
    assert selectors._reference(none, "evaluation", TODAY) is None
    # a pack with no such section is no reference
    other = schema.Pack.model_validate(
        {
            **rules.model_dump(mode="json"),
            "reference_forms": {"evaluation": "shenzhen-guide", "clause": "SPEC §7: 平台默认"},
        }
    )
    assert selectors._reference(other, "evaluation", TODAY) is None
