"""The pack's goals that are not shares by a year, and the path's starting figure:

- shaanxi-2021 §三 "并在食品、药品、特种设备等生产企业中全面推行" — a standing roll-out goal, shown
  with the current coverage of food (GB/T 4754 13, 14, 15), drug (27) producers and
  special-equipment licence holders, of every size;
- jiangsu-2020 §一.2 "到 2021 年，完善县（市、区）基础培训、设区市提升培训和省级高级培训机制并有效
  运行" — whether each tier ran a course in the year at its organising level, per region;
- jiangsu-2020 前言 "培育了近万名首席质量官" — the path to the first target starts there, not at 0.
"""

# ruff: noqa: E501  (the case tables quote the sources' wording, one case per line)

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cqo.accounts.models import Role, User
from cqo.coverage import report, rules, selectors
from cqo.lib import clock
from cqo.reference.models import Region
from cqo.registry import services
from cqo.registry.models import Appointment, Enterprise
from cqo.test import (
    COUNTY_A,
    Personas,
    enterprise_data,
    file_appointment,
    make_user,
    new_uscc,
)
from cqo.training import services as training
from cqo.training.models import Session
from tests.registry.test_api import callers

pytestmark = pytest.mark.django_db

JIANGSU, SUZHOU, CHANGSHU, WUXI = "320000", "320500", "320581", "320200"
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


# Pure rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "merged", "may_merge", "status"),
    [
        (1, 0, False, rules.RUNNING),
        (3, 2, True, rules.RUNNING),
        (0, 1, True, rules.MERGED),
        (0, 1, False, rules.NOT_RUNNING),
        (0, 0, True, rules.NOT_RUNNING),
        (0, 0, False, rules.NOT_RUNNING),
    ],
)
def test_a_tier_runs_with_one_session_or_merged_into_the_city(held, merged, may_merge, status):
    assert rules.tier_status(held, merged, may_merge) == status


@pytest.mark.parametrize(
    ("statuses", "running"),
    [
        ([rules.RUNNING, rules.RUNNING, rules.MERGED], True),
        ([rules.RUNNING, rules.NOT_RUNNING], False),
        ([rules.NOT_RUNNING], False),
        ([], None),
    ],
)
def test_the_mechanism_runs_only_when_every_organiser_ran(statuses, running):
    assert rules.mechanism_running(statuses) is running


@pytest.mark.parametrize(
    ("cqos", "denominator", "share"),
    [
        (10000, 40000, 0.25),
        (10000, 10000, 1.0),
        (10000, 9999, 1.0),  # more CQOs than enterprises: at most 100%
        (10000, 0, 0.0),  # nothing to cover
        (0, 100, 0.0),
    ],
)
def test_the_starting_share_is_the_count_over_the_enterprises(cqos, denominator, share):
    assert rules.start_share(cqos, denominator) == pytest.approx(share)


START = dt.date(2020, 1, 1)
POINTS = [rules.TargetPoint(2021, 0.5), rules.TargetPoint(2023, 0.8)]


@pytest.mark.parametrize(
    ("on", "start_share", "path"),
    [
        (START, 0.25, 0.25),  # the path starts at the starting figure, not 0
        (START, 0.0, 0.0),
        (dt.date(2020, 12, 31), 0.25, 0.25 + 0.25 * 365 / 730),
        (dt.date(2021, 12, 31), 0.25, 0.5),  # the target is reached on 31 December
        (dt.date(2020, 12, 31), 0.9, 0.5),  # a start above the first target asks for the target
        (dt.date(2024, 6, 30), 0.25, 0.8),  # after the last target: the floor
    ],
)
def test_the_path_starts_from_the_starting_figure(on, start_share, path):
    assert rules.path_value(POINTS, on, START, start_share) == pytest.approx(path)


def test_demand_counts_the_starting_figure():
    assert rules.demand(POINTS, 2020, START, 0.25) == pytest.approx(0.25 + 0.25 * 365 / 730)
    assert rules.demand(POINTS, 2020, START) == pytest.approx(0.5 * 365 / 730)


@pytest.mark.parametrize(
    ("clause", "number", "shown"),
    [
        ("jiangsu-2020 §一.2: 到 2021 年", "苏质委办〔2020〕9号", "苏质委办〔2020〕9号 第一条第2项：到 2021 年"),
        ("shaanxi-2021 §三: 全面推行; SPEC §12.9", "陕质委办〔2021〕15号", "陕质委办〔2021〕15号 第三条：全面推行"),
        ("shaanxi-2021 §五(一)(三); SPEC §3", "陕质委办〔2021〕15号", "陕质委办〔2021〕15号 第五条（一）（三）"),
        ("jiangsu-2020 前言: 近万名", "苏质委办〔2020〕9号", "苏质委办〔2020〕9号 前言：近万名"),
        ("SPEC §12.19", "全国默认", "全国默认"),
    ],
)  # fmt: skip
def test_a_clause_is_cited_by_the_document_number_never_the_pack_id(clause, number, shown):
    assert rules.citation(clause, number) == shown


# The shaanxi-2021 roll-out among food, drug and special-equipment producers -----------------


def _enterprise(p: Personas, industry: str, size: str, licence: str = "") -> Enterprise:
    return services.enterprise_create(
        actor=p.province,
        details=services.EnterpriseDetails(
            **enterprise_data(
                uscc=new_uscc(COUNTY_A),
                name=f"示例{industry}{size}{licence[:2]}有限公司",
                region=COUNTY_A,
                industry=industry,
                size=size,
                above_scale=size == "large",
                above_scale_year=2025 if size == "large" else None,
                special_equipment_licence=licence,
            )
        ),
    )


def _rollout(c: selectors.Coverage) -> selectors.Standing:
    return next(s for s in c.standing if s.kind == "rollout")


def test_shaanxi_rollout_counts_food_drug_and_licence_holders_of_every_size(personas: Personas):
    p = personas
    for industry in ("13", "14", "15", "27"):
        _enterprise(p, industry, "micro")
    _enterprise(p, "34", "large", licence="TS2261001-2027")  # special equipment
    _enterprise(p, "34", "large")  # neither
    _enterprise(p, "26", "small")  # chemicals, not drugs
    # the personas' enterprise: industry 34, no licence, moved into food (14)
    appt = file_appointment(p, start_date=dt.date(2026, 1, 5))
    Enterprise.objects.filter(pk=appt.enterprise_id).update(industry_id="14")
    Appointment.objects.filter(pk=appt.pk).update(
        filed_at=timezone.make_aware(dt.datetime(2026, 2, 1, 12))
    )
    got = _rollout(selectors.coverage(p.county_a, COUNTY_A, TODAY, "group"))
    assert (got.numerator, got.denominator) == (1, 6)
    assert got.share == pytest.approx(1 / 6)
    assert got.year is None  # 全面推行: no year, no path, no status
    assert got.divisions == ("13", "14", "15", "27") and got.licence
    assert got.citation.startswith("陕质委办〔2021〕15号 第三条：")
    assert "shaanxi-2021" not in got.citation and "SPEC" not in got.citation
    # shown at every level, on every tab; the province also counts the personas' food
    # enterprise in the other county (宝鸡示例食品)
    assert _rollout(selectors.coverage(p.province, None, TODAY, "region")).denominator == 7


def test_shaanxi_rollout_is_on_the_page_and_in_the_report(personas: Personas, client: Client):
    p = personas
    _enterprise(p, "27", "medium")  # with the personas' food enterprise: two producers
    client.force_login(p.province)
    html = client.get("/coverage/", {"as_of": TODAY.isoformat()}).content.decode()
    assert 'id="goal-rollout"' in html and "在食品、药品、特种设备等生产企业中全面推行" in html
    assert "全面推行（未设年度）" in html and "陕质委办〔2021〕15号 第三条" in html
    r = report.build(p.province, None, TODAY)
    sheet = dict((name, rows) for name, _h, rows in report._standing_sheets(r))["其他工作目标"]
    assert sheet[0][:6] == ["在食品、药品、特种设备等生产企业中全面推行", r.label,
                            "全面推行（未设年度）", 0, 2, report.Pct(0.0)]  # fmt: skip
    assert report.to_xlsx(r)[:2] == b"PK"  # the workbook with the sheet builds
    body = callers(client)(p.province).get("/oversight/coverage/report").json()
    assert [s["kind"] for s in body["standing"]] == ["rollout"]
    assert body["start"] is None  # shaanxi-2021 states no starting figure


# The jiangsu-2020 three training tiers --------------------------------------------------------


def _regulator(name: str, code: str) -> User:
    return make_user(name, Role.REGULATOR, region=Region.objects.get(code=code))


def _held(actor: User, tier: str, region: str, day: dt.date) -> Session:
    course = training.course_create(
        actor=actor,
        terms=training.CourseTerms(
            title=f"首席质量官{tier}培训",
            tier=tier,
            region=region,
            forms=("lecture",),
            hours=Decimal("8"),
            method="attendance",
            pass_mark=None,
            min_attendance=80,
            plan="",
            institution="",
            description="",
        ),
    )
    session = training.session_create(
        actor=actor,
        course=course,
        terms=training.SessionTerms(start_date=day, end_date=day, place="培训中心", capacity=30),
    )
    return training.session_set_status(actor=actor, session=session, status="held")


def _tiers(c: selectors.Coverage) -> selectors.Standing:
    return next(s for s in c.standing if s.kind == "training_tiers")


@pytest.fixture
def jiangsu(personas: Personas) -> dict[str, User]:
    return {
        "province": _regulator("js_province", JIANGSU),
        "suzhou": _regulator("js_suzhou", SUZHOU),
        "changshu": _regulator("js_changshu", CHANGSHU),
    }


def _suzhou_counties() -> list[str]:
    return list(
        Region.objects.filter(city_code=SUZHOU, level="county", flags="").values_list(
            "code", flat=True
        )
    )


def test_jiangsu_tiers_run_per_region_with_merged_counties(jiangsu: dict[str, User]):
    day = dt.date(2026, 3, 2)
    _held(jiangsu["province"], "advanced", JIANGSU, day)
    _held(jiangsu["suzhou"], "enhancement", SUZHOU, day)
    _held(jiangsu["changshu"], "basic", CHANGSHU, day)
    got = _tiers(selectors.coverage(jiangsu["suzhou"], SUZHOU, TODAY, "group"))
    assert got.year == 2021 and got.citation.startswith("苏质委办〔2020〕9号 第一条第2项：")
    by = {(t.tier, t.region): t for t in got.tiers}
    assert by[("advanced", JIANGSU)].status == rules.RUNNING
    assert by[("enhancement", SUZHOU)].status == rules.RUNNING
    assert (by[("basic", CHANGSHU)].held, by[("basic", CHANGSHU)].status) == (1, rules.RUNNING)
    counties = _suzhou_counties()
    assert {t.region for t in got.tiers if t.tier == "basic"} == set(counties)
    assert all(by[("basic", c)].status == rules.NOT_RUNNING for c in counties if c != CHANGSHU)
    assert got.running is False
    summary = {s.tier: (s.running, s.total) for s in got.summary}
    assert summary == {"basic": (1, len(counties)), "enhancement": (1, 1), "advanced": (1, 1)}
    # jiangsu-2020 §五: the city holds basic training for counties that cannot
    _held(jiangsu["suzhou"], "basic", SUZHOU, day)
    got = _tiers(selectors.coverage(jiangsu["suzhou"], SUZHOU, TODAY, "group", live=True))
    by = {(t.tier, t.region): t for t in got.tiers}
    assert all(by[("basic", c)].status == rules.MERGED for c in counties if c != CHANGSHU)
    assert by[("basic", CHANGSHU)].status == rules.RUNNING
    assert got.running is True


@pytest.mark.parametrize(
    ("day", "as_of", "counts"),
    [
        (dt.date(2026, 3, 2), TODAY, True),
        (dt.date(2026, 1, 1), TODAY, True),  # the first day of the year
        (dt.date(2025, 12, 31), TODAY, False),  # last year's session
        (dt.date(2026, 3, 2), dt.date(2026, 3, 1), False),  # after the as-of date
        (dt.date(2026, 3, 2), dt.date(2026, 3, 2), True),
    ],
)
def test_a_session_counts_in_its_own_year_up_to_the_as_of_date(jiangsu, day, as_of, counts):
    _held(jiangsu["province"], "advanced", JIANGSU, day)
    got = _tiers(selectors.coverage(jiangsu["province"], JIANGSU, as_of, "group"))
    advanced = next(t for t in got.tiers if t.tier == "advanced")
    assert (advanced.status == rules.RUNNING) is counts


def test_a_session_not_yet_held_does_not_count(jiangsu: dict[str, User]):
    course_session = _held(jiangsu["province"], "advanced", JIANGSU, dt.date(2026, 3, 2))
    Session.objects.filter(pk=course_session.pk).update(status=Session.Status.CLOSED)
    got = _tiers(selectors.coverage(jiangsu["province"], JIANGSU, TODAY, "group"))
    assert next(t for t in got.tiers if t.tier == "advanced").status == rules.NOT_RUNNING


def test_the_province_sees_every_city_and_county_a_county_its_own_line(jiangsu):
    got = _tiers(selectors.coverage(jiangsu["province"], JIANGSU, TODAY, "group"))
    cities = Region.objects.filter(province_code=JIANGSU, level="city", flags="").count()
    summary = {s.tier: s.total for s in got.summary}
    assert summary["advanced"] == 1 and summary["enhancement"] == cities
    assert summary["basic"] > cities
    mine = _tiers(selectors.coverage(jiangsu["changshu"], CHANGSHU, TODAY, "group"))
    assert [(t.tier, t.region) for t in mine.tiers] == [
        ("basic", CHANGSHU), ("enhancement", SUZHOU), ("advanced", JIANGSU),
    ]  # fmt: skip


def test_shaanxi_has_no_training_tier_goal(personas: Personas):
    got = selectors.coverage(personas.province, None, TODAY, "group")
    assert [s.kind for s in got.standing] == ["rollout"]


def test_jiangsu_tiers_on_the_page_the_pdf_context_and_the_api(jiangsu, client: Client):
    _held(jiangsu["province"], "advanced", JIANGSU, dt.date(2026, 3, 2))
    client.force_login(jiangsu["suzhou"])
    html = client.get("/coverage/", {"as_of": TODAY.isoformat()}).content.decode()
    assert 'id="goal-training-tiers"' in html and "尚未全部运行" in html
    assert "苏质委办〔2020〕9号 第一条第2项" in html and "平台默认" in html
    r = report.build(jiangsu["suzhou"], SUZHOU, TODAY)
    rows = dict((n, rs) for n, _h, rs in report._standing_sheets(r))["其他工作目标"]
    assert ["“高级”培训", 1, "", "已举办"] in [row[2:6] for row in rows]
    body = callers(client)(jiangsu["suzhou"]).get("/oversight/coverage", group_by="group").json()
    tiers = next(s for s in body["standing"] if s["kind"] == "training_tiers")
    assert tiers["running"] is False and tiers["year"] == 2021
    assert {"region": JIANGSU, "label": tiers["tiers"][-1]["label"], "tier": "advanced",
            "level": "province", "held": 1, "status": "running"} == tiers["tiers"][-1]  # fmt: skip


# The jiangsu-2020 starting figure -------------------------------------------------------------


def _jiangsu_enterprises(actor: User, n: int) -> None:
    for i in range(n):
        services.enterprise_create(
            actor=actor,
            details=services.EnterpriseDetails(
                **enterprise_data(
                    uscc=new_uscc(CHANGSHU),
                    name=f"常熟示例{i}有限公司",
                    region=CHANGSHU,
                    above_scale=True,
                    above_scale_year=2025,
                    size="medium",
                )
            ),
        )


def _above_scale(c: selectors.Coverage) -> Any:
    return next(r for r in c.rows if r.metric == "above_scale")


def test_jiangsu_path_starts_from_about_ten_thousand_cqos(jiangsu, monkeypatch):
    _jiangsu_enterprises(jiangsu["province"], 4)
    c = selectors.coverage(jiangsu["province"], JIANGSU, dt.date(2020, 1, 1), "group")
    assert c.start is not None
    assert (c.start.cqos, c.start.approximate, c.start.metric) == (10000, True, "above_scale")
    assert c.start.denominator == 4 and c.start.share == 1.0
    assert c.start.citation.startswith("苏质委办〔2020〕9号 前言：")
    # 10,000 CQOs over 4 enterprises is more than the 2021 target: the path asks the target
    assert _above_scale(c).path == pytest.approx(0.5)
    # with a realistic population the path starts at the starting share
    monkeypatch.setattr(rules, "start_share", lambda cqos, den: 0.2)
    c = selectors.coverage(jiangsu["province"], JIANGSU, dt.date(2020, 1, 1), "group", live=True)
    assert _above_scale(c).path == pytest.approx(0.2)
    msme = next(r for r in c.rows if r.metric == "msme")
    assert msme.path == pytest.approx(0.0)  # the starting figure counts above-scale only
    # a county inherits the province's starting share
    county = selectors.coverage(jiangsu["changshu"], CHANGSHU, dt.date(2020, 1, 1), "group")
    assert _above_scale(county).path == pytest.approx(0.2)


def test_the_start_is_shown_on_the_page_and_in_the_api(jiangsu, client: Client):
    _jiangsu_enterprises(jiangsu["province"], 2)
    client.force_login(jiangsu["province"])
    html = client.get("/coverage/", {"as_of": "2020-06-30"}).content.decode()
    assert 'id="coverage-start"' in html and "10000" in html and "苏质委办〔2020〕9号 前言" in html
    assert "jiangsu-2020" not in html.split('id="coverage-start"')[1].split("</p>")[0]
    body = callers(client)(jiangsu["province"]).get("/oversight/coverage", as_of="2020-06-30")
    start = body.json()["start"]
    assert start["cqos"] == 10000 and start["denominator"] == 2 and start["share"] == 1.0
