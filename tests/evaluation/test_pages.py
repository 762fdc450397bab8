"""Pages: success, invalid input (errors beside their fields), outside the viewer's scope (404),
read-only for the regulator (403 on writes), and no login (redirect)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from cqo.evaluation import inputs, selectors, services
from cqo.evaluation.models import CostEntry, Evaluation, ImprovementTask, QualityLoss
from tests.evaluation.conftest import (
    World,
    complete,
    new_assessment,
    new_evaluation,
    signed,
    xlsx,
)

pytestmark = pytest.mark.django_db


def ent_url(name: str, w: World, uscc: str | None = None) -> str:
    return reverse(f"evaluation:{name}", args=[uscc or w.p.enterprise_a.uscc])


def _loss(w: World) -> QualityLoss:
    return services.loss_create(
        actor=w.p.clerk_a,
        enterprise=w.p.enterprise_a,
        terms=inputs.parsed(
            inputs.read_loss,
            {"occurred_on": "2026-03-01", "kind": "scrap", "effect": "direct", "amount": "100"},
            selectors.loss_kinds(w.p.enterprise_a),
        ),
    )


def get_urls(w: World) -> list[str]:
    ev = new_evaluation(w)
    sa = new_assessment(w)
    return [
        ent_url("enterprise", w),
        ent_url("evaluation_new", w),
        ent_url("settings", w),
        ent_url("assessment_new", w),
        ent_url("assessment_compare", w),
        ent_url("quality", w),
        ent_url("losses", w),
        reverse("evaluation:evaluation_detail", args=[ev.public_id]),
        reverse("evaluation:assessment_detail", args=[sa.public_id]),
    ]


def test_it_shows_every_page_to_the_clerk(world: World, client: Client) -> None:
    client.force_login(world.p.clerk_a)
    for url in get_urls(world):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("evaluation:index")).status_code == 302  # straight to its own


def test_it_hides_every_page_outside_the_scope(world: World, client: Client) -> None:
    urls = get_urls(world)
    client.force_login(world.p.clerk_b)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(world.p.county_b)
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_it_asks_for_a_login(world: World, client: Client) -> None:
    for url in [reverse("evaluation:index"), *get_urls(world)]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_it_lets_the_regulator_read_but_not_write(world: World, client: Client) -> None:
    ev = signed(world)
    client.force_login(world.p.county_a)
    index = client.get(reverse("evaluation:index"))
    assert world.p.enterprise_a.name in index.content.decode()
    detail = client.get(reverse("evaluation:evaluation_detail", args=[ev.public_id]))
    assert detail.status_code == 200 and 'id="btn-sign-off"' not in detail.content.decode()
    assert client.get(ent_url("evaluation_new", world)).status_code == 403
    assert client.post(ent_url("quality", world), {"form": "revenue"}).status_code == 403
    exported = client.get(reverse("evaluation:index"), {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0)
    assert rows.to_python()[1][3] == 100


def test_it_shows_the_cqo_only_signed_off_evaluations(world: World, client: Client) -> None:
    draft = new_evaluation(world, 2026)
    done = signed(world)
    client.force_login(world.p.cqo)
    assert (
        client.get(reverse("evaluation:evaluation_detail", args=[done.public_id])).status_code
        == 200
    )
    assert (
        client.get(reverse("evaluation:evaluation_detail", args=[draft.public_id])).status_code
        == 404
    )
    assert client.get(reverse("evaluation:index")).status_code == 302


def test_it_creates_scores_and_signs_off_an_evaluation(world: World, client: Client) -> None:
    client.force_login(world.p.clerk_a)
    bad = client.post(
        ent_url("evaluation_new", world),
        {"appointment": str(world.appt.public_id), "year": "2030", "part": "1"},
    )
    assert bad.status_code == 200 and 'id="error-year"' in bad.content.decode()
    response = client.post(
        ent_url("evaluation_new", world),
        {"appointment": str(world.appt.public_id), "year": "2025", "part": "1"},
    )
    ev = Evaluation.objects.get()
    assert response["Location"] == reverse("evaluation:evaluation_detail", args=[ev.public_id])
    url = response["Location"]
    body = {f"score_{i['code']}": i["max"] for i in ev.items if not i["section"]}
    kept = {"decision": "renew", "decision_note": "履职尽责，建议续聘", "reward_note": "年度奖励"}
    wrong = client.post(url, {**body, **kept, "score_1.1": "9", "action": "save"})
    assert 'id="error-score-1.1"' in wrong.content.decode()
    # nothing typed is lost on an error: the conclusion, its note and the rewards come back
    page = wrong.content.decode()
    assert '<option value="renew" selected>' in page
    assert "履职尽责，建议续聘</textarea>" in page and "年度奖励</textarea>" in page
    assert "签发后评价表和评价结论不能再修改" in page  # the sign-off asks first
    missing = client.post(url, {**body, "action": "sign_off"})
    assert "请选择评价结论" in missing.content.decode()
    done = client.post(
        url, {**body, "decision": "dismiss", "evaluators": "王建国", "action": "sign_off"}
    )
    assert done.status_code == 302
    ev.refresh_from_db()
    assert ev.status == "signed_off" and ev.total == 100
    page = client.get(url).content.decode()
    assert 'id="btn-end"' in page
    end_url = reverse("evaluation:evaluation_end", args=[ev.public_id])
    client.post(end_url, {"ended_on": "2030-01-01"})
    assert Evaluation.objects.get().appointment.status == "filed"
    client.post(end_url, {"ended_on": "2026-06-01"})
    assert Evaluation.objects.get().appointment.status == "ended"


def test_it_keeps_the_settings(world: World, client: Client) -> None:
    client.force_login(world.p.clerk_a)
    url = ent_url("settings", world)
    bad = client.post(url, {"pass_mark": "x", "bands": "优秀"})
    assert (
        'id="error-pass_mark"' in bad.content.decode()
        and 'id="error-bands"' in bad.content.decode()
    )
    assert client.post(url, {"pass_mark": "60", "bands": "优秀 90"}).status_code == 302
    assert world.p.enterprise_a.evaluation_settings.bands == [{"label": "优秀", "min": 90}]


def test_it_runs_a_self_assessment_on_the_page(world: World, client: Client) -> None:
    client.force_login(world.p.cqo)
    bad = client.post(
        ent_url("assessment_new", world),
        {"year": "2025", "assessor_kind": "third_party", "assessors": "王建国"},
    )
    assert 'id="error-assessor_org"' in bad.content.decode()
    response = client.post(
        ent_url("assessment_new", world),
        {"year": "2025", "assessor_kind": "internal", "assessors": "王建国"},
    )
    url = response["Location"]
    wrong = client.post(url, {"score_5.1": "11", "action": "save"})
    assert 'id="error-5.1"' in wrong.content.decode()
    sa = new_assessment(world, 2024)
    complete(world, sa)
    sa_url = reverse("evaluation:assessment_detail", args=[sa.public_id])
    no_task = client.post(sa_url, {"action": "task", "title": "", "due_date": "x"})
    assert 'id="error-title"' in no_task.content.decode()
    client.post(
        sa_url,
        {
            "action": "task",
            "indicator": "5.3",
            "title": "质量文化月",
            "department": "质量部",
            "owner": "李堃",
            "due_date": "2026-09-30",
        },
    )
    task = ImprovementTask.objects.get()
    close = reverse("evaluation:task_action", args=[task.public_id, "close"])
    client.post(close, {"evidence": ""})
    assert ImprovementTask.objects.get().status == "open"
    client.post(close, {"evidence": "活动已开展并复查有效"})
    assert ImprovementTask.objects.get().status == "closed"
    client.post(
        reverse("evaluation:task_action", args=[task.public_id, "reopen"]), {"reason": "复查无效"}
    )
    assert ImprovementTask.objects.get().status == "open"
    assert (
        client.post(reverse("evaluation:task_action", args=[task.public_id, "other"])).status_code
        == 404
    )
    client.force_login(world.p.clerk_b)
    assert client.post(close, {"evidence": "外企业关闭"}).status_code == 404


def test_it_enters_costs_and_draws_the_chart(world: World, client: Client) -> None:
    client.force_login(world.p.clerk_a)
    url = ent_url("quality", world)
    client.post(
        url, {"form": "account", "account-category": "prevention", "account-name": "质量培训费"}
    )
    account = world.p.enterprise_a.cost_accounts.get()
    bad = client.post(
        url,
        {
            "form": "cost",
            "cost-account": str(account.public_id),
            "cost-year": "2026",
            "cost-quarter": "1",
            "cost-amount": "-5",
        },
    )
    assert 'id="error-cost-amount"' in bad.content.decode()
    client.post(
        url,
        {
            "form": "cost",
            "cost-account": str(account.public_id),
            "cost-year": "2026",
            "cost-quarter": "1",
            "cost-amount": "1234.56",
        },
    )
    client.post(
        url,
        {
            "form": "revenue",
            "revenue-year": "2026",
            "revenue-quarter": "1",
            "revenue-amount": "123456",
        },
    )
    client.post(url, {"form": "target", "target-year": "2026", "target-share_max": "2"})
    page = client.get(url).content.decode()
    assert 'id="cost-chart"' in page and "1234.56" in page and "1.00%" in page
    exported = client.get(url, {"export": "xlsx"})
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(exported.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[1][3] == "质量培训费" and rows[1][4] == "1234.56"


def test_it_reports_every_bad_row_of_an_import(world: World, client: Client) -> None:
    client.force_login(world.p.clerk_a)
    content = xlsx(
        services.COST_HEADERS,
        [[2026, 1, "预防成本", "培训费", 10, ""], [2026, 9, "x", "", "y", ""]],
    )
    response = client.post(
        ent_url("quality", world),
        {
            "form": "import",
            "import-what": "costs",
            "import-file": SimpleUploadedFile("c.xlsx", content),
        },
    )
    page = response.content.decode()
    assert 'id="import-report"' in page and "季度" in page and not CostEntry.objects.exists()
    good = xlsx(services.COST_HEADERS, [[2026, 1, "预防成本", "培训费", 10, ""]])
    client.post(
        ent_url("quality", world),
        {
            "form": "import",
            "import-what": "costs",
            "import-file": SimpleUploadedFile("c.xlsx", good),
        },
    )
    assert CostEntry.objects.get().amount == Decimal(10)


def test_it_records_lists_and_deletes_losses(world: World, client: Client) -> None:
    client.force_login(world.p.clerk_a)
    url = ent_url("losses", world)
    bad = client.post(
        url,
        {
            "form": "loss",
            "occurred_on": "2026-03-01",
            "kind": "nope",
            "effect": "direct",
            "amount": "1",
        },
    )
    assert 'id="error-kind"' in bad.content.decode()
    client.post(
        url,
        {
            "form": "loss",
            "occurred_on": "2026-03-01",
            "kind": "recall",
            "effect": "indirect",
            "amount": "99.5",
        },
    )
    loss = QualityLoss.objects.get()
    assert "99.50" in client.get(url, {"kind": "recall"}).content.decode()
    assert "99.50" not in client.get(url, {"kind": "scrap"}).content.decode()
    exported = client.get(url, {"export": "xlsx"})
    assert (
        CalamineWorkbook.from_filelike(io.BytesIO(exported.content))
        .get_sheet_by_index(0)
        .to_python()[1][1]
        == "召回"
    )
    imported = xlsx(services.LOSS_HEADERS, [["2026-01-05", "废品", "直接损失", 10, ""]])
    client.post(url, {"form": "import", "file": SimpleUploadedFile("l.xlsx", imported)})
    assert QualityLoss.objects.count() == 2
    delete = reverse("evaluation:loss_delete", args=[world.p.enterprise_a.uscc, loss.public_id])
    client.force_login(world.p.county_a)
    assert client.post(delete).status_code == 403
    client.force_login(world.p.clerk_b)
    assert client.post(delete).status_code == 404
    client.force_login(world.p.clerk_a)
    client.post(delete)
    assert QualityLoss.objects.count() == 1
    _loss(world)


def test_it_asks_for_a_login_before_any_write(world: World, client: Client) -> None:
    ev = signed(world, decision="dismiss")
    sa = complete(world, new_assessment(world))
    task = services.task_create(
        actor=world.p.clerk_a,
        assessment=sa,
        terms=inputs.parsed(
            inputs.read_task,
            {"title": "改进", "department": "质量部", "owner": "李堃", "due_date": "2026-09-30"},
            sa,
        ),
    )
    loss = _loss(world)
    posts = [
        reverse("evaluation:evaluation_end", args=[ev.public_id]),
        reverse("evaluation:task_action", args=[task.public_id, "close"]),
        reverse("evaluation:loss_delete", args=[world.p.enterprise_a.uscc, loss.public_id]),
        ent_url("quality", world),
        reverse("evaluation:assessment_detail", args=[sa.public_id]),
    ]
    for url in posts:
        response = client.post(url, {"ended_on": "2026-06-01", "evidence": "已完成并验证"})
        assert response.status_code == 302 and "login" in response["Location"], url
    assert Evaluation.objects.get().appointment.status == "filed"
    assert ImprovementTask.objects.get().status == "open" and QualityLoss.objects.exists()


def test_it_shows_the_quality_pages_to_the_serving_cqo_only(world: World, client: Client) -> None:
    from cqo.registry import services as registry

    client.force_login(world.p.cqo)
    assert client.get(ent_url("quality", world)).status_code == 200
    registry.appointment_end(
        actor=world.p.clerk_a, appointment=world.appt, ended_on="2026-06-01", reason="resigned"
    )
    assert client.get(ent_url("quality", world)).status_code == 404


def test_it_keeps_the_cost_management_plan(world: World, client: Client) -> None:
    client.force_login(world.p.clerk_a)
    url = ent_url("quality", world)
    bad = client.post(url, {"form": "plan", "plan-year": "1999", "plan_a": "x"})
    assert 'id="plan-errors"' in bad.content.decode()
    ok = client.post(url, {"form": "plan", "plan-year": "2026", "plan_b": "质量成本占收入 2% 以内"})
    assert ok.status_code == 302 and ok["Location"].endswith("?plan_year=2026#plan")
    plan = world.p.enterprise_a.cost_plans.get()
    assert plan.items[1]["text"] == "质量成本占收入 2% 以内" and len(plan.items) == 7
    assert "质量成本占收入 2% 以内" in client.get(url, {"plan_year": "2026"}).content.decode()
    client.force_login(world.p.county_a)
    assert client.post(url, {"form": "plan", "plan-year": "2026"}).status_code == 403


def test_it_sorts_and_exports_tables(world: World, client: Client) -> None:
    for amount, day in (("5", "2026-01-02"), ("50", "2026-01-01")):
        services.loss_create(
            actor=world.p.clerk_a,
            enterprise=world.p.enterprise_a,
            terms=inputs.parsed(
                inputs.read_loss,
                {"occurred_on": day, "kind": "scrap", "effect": "direct", "amount": amount},
                selectors.loss_kinds(world.p.enterprise_a),
            ),
        )
    client.force_login(world.p.clerk_a)
    page = client.get(ent_url("losses", world), {"sort": "-amount"}).content.decode()
    assert page.index("50.00") < page.index(">5.00")
    page = client.get(ent_url("losses", world), {"sort": "-date"}).content.decode()
    assert page.index(">5.00") < page.index("50.00")
    signed(world)
    exported = client.get(ent_url("enterprise", world), {"export": "evaluations"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0)
    assert rows.to_python()[1][4] == 100


def test_it_flags_overdue_tasks(world: World, client: Client) -> None:
    sa = complete(world, new_assessment(world))
    services.task_create(
        actor=world.p.clerk_a,
        assessment=sa,
        terms=inputs.parsed(
            inputs.read_task,
            {
                "title": "逾期任务",
                "department": "质量部",
                "owner": "李堃",
                "due_date": "2026-06-01",
            },
            sa,
        ),
    )
    client.force_login(world.p.clerk_a)
    assert "已逾期" in client.get(ent_url("assessment_compare", world)).content.decode()
    detail = client.get(reverse("evaluation:assessment_detail", args=[sa.public_id]))
    assert "已逾期" in detail.content.decode()


def test_it_shows_the_regulator_signed_off_evaluations_only(world: World, client: Client) -> None:
    draft = new_evaluation(world, 2026)
    client.force_login(world.p.county_a)
    assert (
        client.get(reverse("evaluation:evaluation_detail", args=[draft.public_id])).status_code
        == 404
    )
    assert "2026-01-01" not in client.get(ent_url("enterprise", world)).content.decode()
