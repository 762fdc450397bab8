"""Key industries from the pack (SPEC §12.9), targets entered per city/county (SPEC §12.10),
the assessment report (shaanxi-2021 §六(三), jiangsu-2020 §八) and training compliance (SPEC §8):
services, pages, API, scope, no login."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.utils import timezone
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.coverage import report, selectors, services
from cqo.coverage.models import RegionTarget
from cqo.hours import services as hours
from cqo.policy import services as policy_services
from cqo.reference.models import Region
from cqo.reference.selectors import region_label
from cqo.registry import services as registry
from cqo.registry.models import Appointment
from cqo.test import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    OTHER_CITY,
    PASSWORD,
    Personas,
    file_appointment,
    new_id_number,
    person_data,
)
from cqo.training.models import Course, Session, TrainingPlan
from tests.coverage.test_coverage import _at
from tests.registry.test_api import callers, fields

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def _target(p: Personas, region: str = COUNTY_A, share: str = "0.9", **kw: Any) -> RegionTarget:
    actor = kw.pop("actor", p.province)
    data = {"region": region, "metric": "above_scale", "year": 2025, "share": Decimal(share), **kw}
    return services.target_save(actor=actor, entry=services.TargetEntry(**data))


# A. key industries ---------------------------------------------------------------------------


def test_key_industries_come_from_the_governing_pack(personas: Personas):
    p = personas
    # enterprise B (Weibin, division 14 food, small) is key by the national default
    row = selectors.coverage(p.province, COUNTY_B, AS_OF, "group").rows[2]
    assert (row.metric, row.denominator) == ("key_industry_msme", 1)
    plan = selectors.key_plan(None, AS_OF)
    assert plan.base.divisions == ("13", "14", "15", "27") and plan.base.licence
    # a county pack naming other key industries governs its own enterprises only
    text = f"""
[pack]
id = "weibin-test"
name = "渭滨区测试规则"
version = "1"
effective_from = 2024-01-01
regions = ["{COUNTY_B}"]
source = "测试"

[key_industries]
divisions = ["39"]
clause = "weibin-test §1"
"""
    policy_services.pack_install(text=text, actor=p.admin)
    row = selectors.coverage(p.province, COUNTY_B, AS_OF, "group").rows[2]
    assert row.denominator == 0
    prov = selectors.coverage(p.province, None, AS_OF, "region", "key_industry_msme")
    assert sum(r.denominator for r in prov.rows) == 0  # Yanta's enterprise A is large
    live = selectors.coverage(p.province, None, AS_OF, "region", "key_industry_msme", live=True)
    assert [r.denominator for r in prov.rows] == [r.denominator for r in live.rows]


# B. targets ------------------------------------------------------------------------------------


def test_a_superior_region_enters_targets_and_the_county_uses_them(personas: Personas):
    p = personas
    t = _target(p, note="省局下达")
    assert AuditEntry.objects.filter(target_type="region_target", target_id=str(t.public_id))
    row = next(r for r in selectors.coverage(p.county_a, None, AS_OF, "group").rows)
    assert (row.target, row.target_year) == (0.9, 2025)
    other = selectors.coverage(p.county_b, None, AS_OF, "group").rows[0]
    assert (other.target, other.target_year) == (1.0, 2025)  # inherits the province's
    # the city sees each county against its own target
    rows = selectors.coverage(p.city, None, AS_OF, "region", "above_scale").rows
    assert {r.key: r.target for r in rows}[COUNTY_A] == 0.9
    # a county inherits what was entered for its city, when nothing is entered for it
    services.target_save(
        actor=p.province,
        entry=services.TargetEntry(
            region=OTHER_CITY, metric="above_scale", year=2025, share=Decimal("0.7")
        ),
    )
    assert selectors.coverage(p.county_b, None, AS_OF, "group").rows[0].target == 0.7
    # changing it is one row, audited as an update
    _target(p, share="0.95")
    assert RegionTarget.objects.get(region_id=COUNTY_A).share == Decimal("0.9500")
    services.target_delete(actor=p.province, target=RegionTarget.objects.get(region=COUNTY_A))
    assert selectors.coverage(p.county_a, None, AS_OF, "group").rows[0].target == 1.0


def test_it_keeps_the_province_s_target_when_a_city_enters_a_lower_one(
    personas: Personas, client: Client, as_: Any
):
    """The hole: a city overwrote the province's 90 % for one of its counties with 10 %, then
    deleted it. Each level keeps its own target; a city's must ask for more, and it cannot
    remove the province's (SPEC §12.10)."""
    p = personas
    province = _target(p, share="0.9")
    assert (province.set_by_level, province.set_by_region_id) == ("province", "610000")
    with pytest.raises(ValidationError) as exc:
        _target(p, share="0.1", actor=p.city)
    message = exc.value.message_dict["share"][0]
    assert "陕西省（省级）" in message and "90.0%" in message
    refused = as_(p.city).post(
        "/oversight/coverage/targets",
        {"region": COUNTY_A, "metric": "above_scale", "year": 2025, "share": 0.1},
    )
    assert fields(refused) == {"share"}
    assert "陕西省（省级）" in refused.json()["detail"][0]["message"]
    province.refresh_from_db()
    assert province.share == Decimal("0.9000") and RegionTarget.objects.count() == 1
    assert selectors.coverage(p.county_a, None, AS_OF, "group").rows[0].target == 0.9
    # the city cannot delete it: not through the service, the API or the page
    with pytest.raises(PermissionDenied, match="陕西省（省级）"):
        services.target_delete(actor=p.city, target=province)
    api = as_(p.city)
    gone = api.client.delete(
        f"/api/v1/oversight/coverage/targets/{province.public_id}", **api.headers
    )
    assert gone.status_code == 403 and "陕西省（省级）" in gone.json()["detail"][0]["message"]
    client.force_login(p.city)
    page = client.post(f"/coverage/targets/{province.public_id}/delete/", follow=True)
    assert "陕西省（省级）" in page.content.decode()
    assert RegionTarget.objects.filter(pk=province.pk).exists()
    # the page shows who set it, and offers the city no delete button for it
    listing = client.get("/coverage/targets/").content.decode()
    assert "陕西省（省级）" in listing and f"{province.public_id}/delete/" not in listing


def test_a_city_adds_a_stricter_target_beside_the_province_s(personas: Personas):
    p = personas
    province = _target(p, share="0.9")
    city = _target(p, share="0.95", actor=p.city, note="市局加压")
    assert (city.set_by_level, city.set_by_region_id) == ("city", CITY)
    assert city.setter == "西安市（市级）"
    assert RegionTarget.objects.count() == 2 and city.pk != province.pk
    # the stricter counts, in the county's own answer and in the city's drill-down
    assert selectors.coverage(p.county_a, None, AS_OF, "group").rows[0].target == 0.95
    rows = selectors.coverage(p.city, None, AS_OF, "region", "above_scale").rows
    assert {r.key: r.target for r in rows}[COUNTY_A] == 0.95
    # the city changes its own (still stricter), not the province's
    _target(p, share="0.97", actor=p.city)
    assert RegionTarget.objects.get(set_by_level="city").share == Decimal("0.9700")
    assert RegionTarget.objects.get(set_by_level="province").share == Decimal("0.9000")
    # equal is not stricter; the path between targets binds a year without one
    with pytest.raises(ValidationError):
        _target(p, share="0.9", actor=p.city, year=2025)
    with pytest.raises(ValidationError, match=r"90\.0%"):
        _target(p, share="0.85", actor=p.city, year=2026)  # after 2025 its 90 % is a floor
    # removing its own, the county is back on the province's
    services.target_delete(actor=p.city, target=RegionTarget.objects.get(set_by_level="city"))
    assert selectors.coverage(p.county_a, None, AS_OF, "group").rows[0].target == 0.9
    audit = AuditEntry.objects.filter(target_type="region_target").values_list("action", flat=True)
    assert list(audit).count("create") == 2


def test_a_city_s_target_stops_counting_once_the_province_asks_for_more(personas: Personas):
    p = personas
    county = Region.objects.get(code=COUNTY_A)
    _target(p, share="0.8", year=2023)
    _target(p, share="0.9", year=2025)
    _target(p, share="0.9", actor=p.city, year=2024)  # the province's path asks 85 % there

    def lower() -> list[Any]:
        goals = selectors.region_goals(county, AS_OF)
        return [t for t in goals.targets if getattr(t, "rank", 0) > 0]

    assert [(t.year, t.share) for t in lower()] == [(2024, 0.9)]
    # the province raises its own: its path now asks 97.5 % at the end of 2024, above the
    # city's 90 %, which would loosen it and no longer counts
    _target(p, share="0.95", year=2023)
    _target(p, share="1", year=2025)
    assert lower() == []
    assert RegionTarget.objects.filter(set_by_level="city").exists()  # kept, shown, not used


def test_a_city_s_target_must_exceed_the_province_wide_pack(personas: Personas):
    p = personas
    # shaanxi-2021 §三: 规上 80 % in 2023, 100 % in 2025 — nothing above 100 % can be stricter
    with pytest.raises(ValidationError) as exc:
        _target(p, share="0.5", actor=p.city, year=2023)
    message = exc.value.message_dict["share"][0]
    assert "陕质委办〔2021〕15号" in message and "80.0%" in message
    assert _target(p, share="0.85", actor=p.city, year=2023).set_by_level == "city"
    # a province's target for the city binds the city's targets for its counties
    services.target_save(
        actor=p.province,
        entry=services.TargetEntry(region=CITY, metric="msme", year=2025, share=Decimal("0.7")),
    )
    with pytest.raises(ValidationError, match="陕西省（省级）"):
        _target(p, share="0.6", actor=p.city, metric="msme")
    assert _target(p, share="0.75", actor=p.city, metric="msme").share == Decimal("0.7500")


def test_the_platform_admin_sets_targets_as_the_province(personas: Personas):
    p = personas
    city = _target(p, share="0.4", actor=p.city, metric="msme")
    admin = _target(p, share="0.3", actor=p.admin, metric="msme")
    assert (admin.set_by_level, admin.set_by_region_id) == ("province", "610000")
    services.target_delete(actor=p.admin, target=city)  # a higher level removes a lower one's
    assert list(RegionTarget.objects.all()) == [admin]


def test_the_migration_records_who_set_the_existing_targets(personas: Personas):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cqo.coverage.migrations.0004_regiontarget_set_by_existing")
    p = personas
    by_city = _target(p, actor=p.city, metric="msme", share="0.5")
    by_admin = _target(p, actor=p.admin, metric="quality_award", share="0.5")
    by_province = _target(p, metric="msme", share="0.4", year=2024)
    RegionTarget.objects.update(set_by_level="county", set_by_region_id=COUNTY_A)
    migration.record(apps, None)
    found = {t.pk: (t.set_by_level, t.set_by_region_id) for t in RegionTarget.objects.all()}
    assert found == {
        by_city.pk: ("city", CITY),
        by_admin.pk: ("province", "610000"),
        by_province.pk: ("province", "610000"),
    }


def test_targets_are_entered_only_for_regions_below_with_valid_values(personas: Personas):
    p = personas
    with pytest.raises(ValidationError) as exc:
        services.target_save(
            actor=p.county_a,
            entry=services.TargetEntry(
                region=COUNTY_A, metric="above_scale", year=2025, share=Decimal("0.5")
            ),
        )
    assert set(exc.value.message_dict) == {"region"}  # not its own
    with pytest.raises(ValidationError) as exc:
        _target(p, region=COUNTY_B, actor=p.city)  # another city's county
    assert set(exc.value.message_dict) == {"region"}
    with pytest.raises(ValidationError) as exc:
        services.target_save(
            actor=p.province,
            entry=services.TargetEntry(
                region="610000", metric="x", year=1999, share=Decimal("1.5")
            ),
        )
    assert set(exc.value.message_dict) == {"region", "metric", "year", "share"}
    # a city's target must be stricter than the province's (no pack target for 中小微 here)
    assert _target(p, actor=p.city, metric="msme").entered_by == p.city


def test_targets_page_and_api(personas: Personas, client: Client, as_: Any):
    p = personas
    client.force_login(p.province)
    page = client.get("/coverage/targets/")
    assert page.status_code == 200 and COUNTY_A in page.content.decode()
    bad = client.post("/coverage/targets/", {"region": COUNTY_A, "metric": "msme", "share": "x"})
    assert bad.status_code == 422 and "error-share" in bad.content.decode()
    ok = client.post(
        "/coverage/targets/",
        {"region": COUNTY_A, "metric": "msme", "year": "2025", "share": "60"},
    )
    assert ok.status_code == 302
    t = RegionTarget.objects.get()
    assert t.share == Decimal("0.6000")
    client.force_login(p.county_b)
    assert client.post(f"/coverage/targets/{t.public_id}/delete/").status_code == 404
    assert t.region_id not in client.get("/coverage/targets/").content.decode()
    client.force_login(p.province)
    assert client.post(f"/coverage/targets/{t.public_id}/delete/").status_code == 302
    assert not RegionTarget.objects.exists()
    client.logout()
    assert client.get("/coverage/targets/").status_code == 302

    api = as_(p.city)
    made = api.post(
        "/oversight/coverage/targets",
        {"region": COUNTY_A, "metric": "msme", "year": 2026, "share": 0.85},
    )
    assert made.status_code == 200, made.content
    assert made.json()["share"] == 0.85
    assert (made.json()["set_by_level"], made.json()["set_by_region"]) == ("city", CITY)
    assert [t["region"] for t in api.get("/oversight/coverage/targets").json()] == [COUNTY_A]
    assert as_(p.county_b).get("/oversight/coverage/targets").json() == []
    assert fields(
        api.post(
            "/oversight/coverage/targets",
            {"region": COUNTY_B, "metric": "above_scale", "year": 2026, "share": 0.5},
        )
    ) == {"region"}
    assert fields(api.post("/oversight/coverage/targets", {"region": "1"})) >= {"region"}
    tid = made.json()["id"]
    assert (
        as_(p.county_b)
        .client.delete(f"/api/v1/oversight/coverage/targets/{tid}", **as_(p.county_b).headers)
        .status_code
        == 404
    )
    assert (
        api.client.delete(f"/api/v1/oversight/coverage/targets/{tid}", **api.headers).status_code
        == 204
    )
    assert as_(None).get("/oversight/coverage/targets").status_code == 401
    assert as_(p.clerk_a).get("/oversight/coverage/targets").status_code == 403


# C. the report -----------------------------------------------------------------------------------


def _known(p: Personas) -> None:
    """A filing on time, one late, one overdue; a plan of 4 sessions with 1 held; hours."""
    on_time = file_appointment(p, start_date=dt.date(2025, 3, 1))
    Appointment.objects.filter(pk=on_time.pk).update(filed_at=_at(dt.date(2025, 3, 10)))
    hours.record_create(
        actor=p.admin,
        person=on_time.person,
        kind="online_self_study",
        hours=Decimal("30"),
        occurred_on=dt.date(2025, 4, 1),
        title="在线自学",
        source="activity",
    )
    plan = TrainingPlan.objects.create(
        region_id="610000",
        organisation="陕西省市场监督管理局",
        year=2025,
        budget=Decimal("100000"),
        planned_sessions=4,
        created_by=p.province,
    )
    course = Course.objects.create(
        title="首席质量官基础培训",
        tier="basic",
        region_id="610000",
        organiser=p.province,
        organiser_name="陕西省市场监督管理局",
        forms=["offline"],
        hours=Decimal("8"),
        method="attendance",
        plan=plan,
    )
    for status in ("held", "open"):
        Session.objects.create(
            course=course,
            start_date=dt.date(2025, 5, 1),
            end_date=dt.date(2025, 5, 2),
            place="西安",
            capacity=50,
            status=status,
            created_by=p.province,
        )


def test_the_report_on_known_data(personas: Personas):
    p = personas
    _known(p)
    _user, other = registry.person_register(
        details=registry.PersonDetails(
            **{
                **person_data(id_number=new_id_number(COUNTY_B), region=COUNTY_B),
                "username": "cqo-b",
                "password": PASSWORD,
            }
        )
    )
    late = file_appointment(
        p,
        person=other,
        clerk=p.clerk_b,
        reviewer=p.county_b,
        start_date=dt.date(2025, 1, 2),
    )
    Appointment.objects.filter(pk=late.pk).update(filed_at=_at(dt.date(2025, 5, 1)))
    r = report.build(p.province, None, AS_OF)
    assert (r.timeliness.filed, r.timeliness.on_time) == (2, 1)
    assert r.timeliness.share == 0.5
    # the period is the governing pack's [filing] due_days (no document sets one: a platform
    # default, and the report says so), not the setting kept for regions with no pack
    assert (r.timeliness.due_days, r.timeliness.due_is_default) == (30, True)
    with override_settings(CQO_FILING_DUE_DAYS=400):
        assert report.build(p.province, None, AS_OF).timeliness.on_time == 1
    assert (r.planned, r.delivered) == (4, 1) and r.delivery_share == 0.25
    total = r.compliance_total
    assert total is not None and (total.required, total.met) == (2, 1)
    by_tier = {(c.key, c.tier): (c.required, c.met) for c in r.compliance}
    assert by_tier[(CITY, "")] == (1, 1) and by_tier[(OTHER_CITY, "")] == (1, 0)
    assert by_tier[("", "none")] == (2, 1)
    assert [(n.year, n.new_cqos, n.replacements, n.target) for n in r.coverage.new_cqos] == [
        (2025, 1, 0, 500)  # enterprise B is not above scale
    ]
    above = r.coverage.rows[0]
    assert (above.numerator, above.denominator, above.target) == (1, 1, 1.0)
    # a county's report holds only its own
    county = report.build(p.county_b, None, AS_OF)
    assert (county.timeliness.filed, county.timeliness.on_time) == (1, 0)
    assert county.planned == 0
    # xlsx: one sheet per section, the numbers in it
    book = CalamineWorkbook.from_filelike(io.BytesIO(report.to_xlsx(r)))
    # the sixth: the pack's standing goals (shaanxi-2021 §三 全面推行)
    assert book.sheet_names == [
        "覆盖率与目标", "各地区覆盖率", "新增首席质量官", "其他工作目标", "备案及时性",
        "培训计划完成", "学时达标",
    ]  # fmt: skip
    timely = book.get_sheet_by_index(4).to_python()
    assert timely[0][0].startswith("首席质量官制度推进情况考核报告")
    assert timely[2][:3] == [2, 1, 0.5]  # a share is a number (formatted 0.0%), not text
    # the province's report has a table per city; a city's, per county; a county's, none
    cities = book.get_sheet_by_index(1).to_python()
    assert [row[0] for row in cities[2:]] == [region_label(c) for c in (CITY, OTHER_CITY)]
    city_report = report.build(p.city, None, AS_OF)
    assert [x.key for x in city_report.by_region] == sorted(
        x.key for x in city_report.by_region
    ) and {x.key for x in city_report.by_region} >= {COUNTY_A}
    assert report.build(p.county_a, None, AS_OF).by_region == []
    assert "各地区规模以上企业覆盖率" in report_html(city_report)
    pdf = report.to_pdf(r)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def report_html(r: report.Report) -> str:
    from django.template.loader import render_to_string

    return render_to_string(
        "coverage/report_pdf.html", {"r": r, "labels": {}, "tiers": {}, "plans": []}
    )


def test_report_downloads_scope_and_api(personas: Personas, client: Client, as_: Any):
    p = personas
    _known(p)
    client.force_login(p.city)
    pdf = client.get("/coverage/report/", {"format": "pdf", "as_of": "2025-06-30"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = client.get("/coverage/report/", {"format": "xlsx", "region": COUNTY_A})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/coverage/report/", {"region": COUNTY_B}).status_code == 404
    assert client.get("/coverage/report/", {"format": "doc"}).status_code == 404
    page = client.get("/coverage/", {"as_of": "2025-06-30"}).content.decode()
    assert "report-pdf" in page and "training-compliance" in page
    export = client.get("/coverage/", {"export": "training", "as_of": "2025-06-30"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(p.clerk_a)
    assert client.get("/coverage/report/").status_code == 403
    client.logout()
    assert client.get("/coverage/report/").status_code == 302

    body = as_(p.province).get("/oversight/coverage/report", as_of="2025-06-30").json()
    assert body["timeliness"]["filed"] == 1 and body["planned"] == 4
    assert body["compliance"][0] == {
        "key": "",
        "label": "合计",
        "tier": "",
        "required": 1,
        "met": 1,
        "share": 1.0,
    }
    got = as_(p.province).get("/oversight/coverage/report.pdf", region=COUNTY_A)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", target_type="coverage_report").exists()
    assert as_(p.province).get("/oversight/coverage/report.xlsx").status_code == 200
    assert as_(p.county_b).get("/oversight/coverage/report", region=COUNTY_A).status_code == 404
    assert fields(as_(p.province).get("/oversight/coverage/report", as_of="x")) == {"as_of"}
    assert as_(None).get("/oversight/coverage/report.pdf").status_code == 401
    assert as_(p.clerk_a).get("/oversight/coverage/report").status_code == 403


# D. training compliance ------------------------------------------------------------------------


def test_training_compliance_by_region_and_tier_over_the_api(personas: Personas, as_: Any):
    p = personas
    _known(p)
    year = timezone.localdate().year
    body = as_(p.province).get("/oversight/coverage/training", year=2025).json()
    assert body["year"] == 2025
    assert {(r["key"], r["tier"]): r["met"] for r in body["rows"]}[(CITY, "")] == 1
    assert as_(p.province).get("/oversight/coverage/training").json()["year"] == year
    assert fields(as_(p.province).get("/oversight/coverage/training", year=1900)) == {"year"}
    assert as_(p.county_b).get("/oversight/coverage/training", region=COUNTY_A).status_code == 404
    assert as_(None).get("/oversight/coverage/training").status_code == 401
