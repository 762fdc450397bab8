"""Coverage (SPEC §8, §12.8–§12.10, §12.12): numbers against an independent computation,
targets and the path, scope, API input, the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cqo.accounts.models import Role
from cqo.coverage import rules, selectors
from cqo.registry import services
from cqo.registry.models import Appointment, Enterprise
from cqo.test import (
    COUNTY_A,
    COUNTY_B,
    PASSWORD,
    Personas,
    appointment_data,
    declare,
    enterprise_data,
    file_appointment,
    make_user,
    new_id_number,
    new_uscc,
    person_data,
)
from tests.registry.test_api import callers, fields

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)
START = dt.date(2024, 1, 1)


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _build(p: Personas) -> None:
    """Two dozen enterprises in two counties, with appointments in every state that matters."""
    sizes = ["large", "medium", "small", "micro"]
    industries = ["34", "14", "27", "13", "39"]
    awards = ["", "", "winner", "nominee", ""]
    # kind of appointment per enterprise index
    kinds = ["filed", "none", "ended_before", "ended_on", "submitted", "filed_after", "filed"]
    for i in range(24):
        county = COUNTY_A if i % 2 == 0 else COUNTY_B
        ent = services.enterprise_create(
            actor=p.province,
            details=services.EnterpriseDetails(
                **enterprise_data(
                    uscc=new_uscc(county),
                    name=f"示例企业{i}有限公司",
                    region=county,
                    size=sizes[i % 4],
                    industry=industries[i % 5],
                    above_scale=i % 3 != 0,
                    above_scale_year=2024 if i % 3 != 0 else None,
                    quality_award=awards[i % 5],
                    quality_award_year=2024 if awards[i % 5] else None,
                    special_equipment_licence="TS2261001-2027" if i % 7 == 0 else "",
                )
            ),
        )
        kind = kinds[i % len(kinds)]
        if kind == "none":
            continue
        clerk = make_user(f"clerk{i}", Role.ENTERPRISE, enterprise=ent)
        _user, person = services.person_register(
            details=services.PersonDetails(
                **{
                    **person_data(id_number=new_id_number(county), region=county),
                    "username": f"cqo{i}",
                    "password": PASSWORD,
                }
            )
        )
        reviewer = p.county_a if county == COUNTY_A else p.county_b
        if kind == "submitted":
            appt = services.appointment_create(
                actor=clerk,
                terms=services.AppointmentTerms(**appointment_data(person, start_date=START)),
            )
            declare(appt)
            services.filing_submit(actor=clerk, appointment=appt)
            continue
        appt = file_appointment(p, person=person, clerk=clerk, reviewer=reviewer, start_date=START)
        filed = AS_OF + dt.timedelta(days=1) if kind == "filed_after" else dt.date(2024, 1, 5)
        Appointment.objects.filter(pk=appt.pk).update(filed_at=_at(filed))
        if kind.startswith("ended"):
            appt.refresh_from_db()
            ended = AS_OF if kind == "ended_on" else AS_OF - dt.timedelta(days=1)
            services.appointment_end(
                actor=clerk, appointment=appt, ended_on=ended, reason="resigned"
            )


def _expected(region: str, metric: str) -> tuple[int, int]:
    """Independent computation, enterprise by enterprise, in Python."""
    num = den = 0
    for e in Enterprise.objects.filter(region_id=region):
        msme = e.size in ("medium", "small", "micro")
        in_group = {
            "above_scale": e.above_scale,
            "msme": msme,
            "key_industry_msme": msme
            and (e.industry_id in ("13", "14", "15", "27") or bool(e.special_equipment_licence)),
            "quality_award": e.quality_award in ("winner", "nominee"),
            "all": True,
        }[metric]
        if not in_group:
            continue
        den += 1
        for a in e.appointments.all():
            filed_on = timezone.localdate(a.filed_at) if a.filed_at else None
            if (
                a.status in ("filed", "ended")
                and filed_on is not None
                and filed_on <= AS_OF
                and a.start_date <= AS_OF
                and (a.ended_on is None or a.ended_on >= AS_OF)
            ):
                num += 1
                break
    return num, den


def test_numbers_match_an_independent_computation(personas: Personas):
    p = personas
    _build(p)
    for county, user in ((COUNTY_A, p.county_a), (COUNTY_B, p.county_b)):
        got = selectors.coverage(user, county, AS_OF, "group")
        for row in got.rows:
            assert (row.numerator, row.denominator) == _expected(county, row.metric), row
        for metric in ("all", "above_scale", "msme"):
            region_rows = selectors.coverage(user, county, AS_OF, "region", metric).rows
            assert [(r.numerator, r.denominator) for r in region_rows] == [
                _expected(county, metric)
            ]
    # the province's children (cities) sum to the counties
    rows = selectors.coverage(p.province, None, AS_OF, "region", "all").rows
    a, b = _expected(COUNTY_A, "all"), _expected(COUNTY_B, "all")
    assert sum(r.numerator for r in rows) == a[0] + b[0]
    assert sum(r.denominator for r in rows) == a[1] + b[1]
    assert {r.drill for r in rows} == {"610100", "610300"}
    # sizes and sections partition the same population
    for group_by in ("size", "section"):
        rows = selectors.coverage(p.province, None, AS_OF, group_by, "all").rows
        assert sum(r.numerator for r in rows) == a[0] + b[0]
    # hand-registered: no list date
    assert all(r.list_as_of is None and r.hand_registered == r.denominator for r in rows)


def test_ended_on_the_as_of_date_counts_and_later_filings_do_not(personas: Personas):
    p = personas
    appt = file_appointment(p, start_date=START)
    Appointment.objects.filter(pk=appt.pk).update(filed_at=_at(dt.date(2024, 1, 5)))
    appt.refresh_from_db()
    services.appointment_end(actor=p.clerk_a, appointment=appt, ended_on=AS_OF, reason="resigned")

    def covered(on: dt.date) -> int:
        return selectors.coverage(p.county_a, COUNTY_A, on, "region", "all").rows[0].numerator

    assert covered(AS_OF) == 1
    assert covered(AS_OF + dt.timedelta(days=1)) == 0
    assert covered(dt.date(2024, 1, 4)) == 0  # before the filing


def test_targets_and_path():
    points = rules.targets_for(
        [
            type("T", (), {"metric": "above_scale", "year": 2023, "share": 0.8, "clause": "x"}),
            type("T", (), {"metric": "above_scale", "year": 2025, "share": 1.0, "clause": "y"}),
            type("T", (), {"metric": "msme", "year": 2023, "share": 0.5, "clause": "z"}),
        ],
        "above_scale",
    )
    start = dt.date(2021, 8, 24)
    assert [p.year for p in points] == [2023, 2025]
    mid = rules.path_value(points, dt.date(2022, 10, 27), start)
    assert mid is not None and 0.35 < mid < 0.45  # about half way to 80 % by end 2023
    assert rules.path_value(points, dt.date(2023, 12, 31), start) == pytest.approx(0.8)
    after = rules.path_value(points, dt.date(2024, 12, 31), start)
    assert after is not None and 0.8 < after < 1.0
    assert rules.path_value(points, dt.date(2027, 1, 1), start) == 1.0  # the floor holds
    assert rules.current_target(points, dt.date(2022, 1, 1)) == points[0]
    assert rules.current_target(points, dt.date(2024, 1, 1)) == points[1]
    assert rules.current_target(points, dt.date(2030, 1, 1)) == points[1]
    assert rules.status(0.5, 0.4) == rules.ON_TRACK
    assert rules.status(0.3, 0.4) == rules.BEHIND
    assert rules.status(None, 0.4) is None and rules.status(0.3, None) is None
    assert rules.share(1, 0) is None


def test_shaanxi_targets_inherited_by_a_county(personas: Personas):
    p = personas
    appt = file_appointment(p, start_date=START)  # enterprise A: above scale
    Appointment.objects.filter(pk=appt.pk).update(filed_at=_at(dt.date(2024, 1, 5)))
    before = selectors.coverage(p.county_a, COUNTY_A, dt.date(2022, 6, 30), "group")
    row = next(r for r in before.rows if r.metric == "above_scale")
    assert (row.target, row.target_year) == (0.8, 2023)
    assert row.path is not None and 0 < row.path < 0.8
    assert row.numerator == 0 and row.status == rules.BEHIND
    after = selectors.coverage(p.county_a, COUNTY_A, dt.date(2026, 3, 1), "group")
    row = next(r for r in after.rows if r.metric == "above_scale")
    assert (row.target, row.target_year, row.path) == (1.0, 2025, 1.0)
    assert row.share == 1.0 and row.status == rules.ON_TRACK
    # the yearly 500 is the province's (shaanxi-2021 §三 每年全省…500 名左右): a county has no
    # target of its own and is told the province's
    assert (after.new_cqos_per_year, after.province_new_cqos_per_year) == (None, 500)
    assert [(n.year, n.new_cqos, n.target) for n in after.new_cqos] == [(2024, 1, None)]
    province = selectors.coverage(p.province, None, dt.date(2026, 3, 1), "group")
    assert (province.new_cqos_per_year, province.province_new_cqos_per_year) == (500, 500)
    assert [(n.year, n.target) for n in province.new_cqos] == [(2024, 500)]


def test_scope(personas: Personas, as_: Any):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    p = personas
    with pytest.raises(Http404):
        selectors.coverage(p.county_b, COUNTY_A, AS_OF, "region")
    with pytest.raises(Http404):
        selectors.coverage(p.city, COUNTY_B, AS_OF, "region")
    with pytest.raises(PermissionDenied):
        selectors.coverage(p.clerk_a, COUNTY_A, AS_OF, "region")
    assert as_(p.county_b).get("/oversight/coverage", region=COUNTY_A).status_code == 404
    assert as_(p.county_b).get("/oversight/coverage", region="999999").status_code == 404
    assert as_(p.clerk_a).get("/oversight/coverage").status_code == 403
    assert as_(None).get("/oversight/coverage").status_code == 401


def test_api(personas: Personas, as_: Any):
    p = personas
    file_appointment(p)
    ok = as_(p.province).get("/oversight/coverage", group_by="group")
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert [r["metric"] for r in body["rows"]] == list(rules.METRICS)
    assert body["rows"][0]["numerator"] == 1 and body["rows"][0]["list_as_of"] is None
    assert fields(as_(p.province).get("/oversight/coverage", group_by="bogus")) == {"group_by"}
    assert fields(as_(p.province).get("/oversight/coverage", as_of="2025-13-01")) == {"as_of"}
    assert fields(as_(p.province).get("/oversight/coverage", region="61")) == {"region"}
    assert fields(as_(p.province).get("/oversight/coverage", metric="x")) == {"metric"}


def test_the_api_answer_is_kept_until_the_next_audited_change(personas: Personas, as_: Any):
    from django.core.cache import cache

    p = personas
    file_appointment(p)
    ask = as_(p.province)
    first = ask.get("/oversight/coverage", group_by="region", metric="all").json()
    # asked again: the same answer, kept in this process in front of the shared cache
    cache.clear()
    assert ask.get("/oversight/coverage", group_by="region", metric="all").json() == first
    # a new enterprise is an audited change: a new key, and the answer counts it
    services.enterprise_create(
        actor=p.province,
        details=services.EnterpriseDetails(
            **enterprise_data(uscc=new_uscc(COUNTY_A), name="新登记企业有限公司")
        ),
    )
    again = ask.get("/oversight/coverage", group_by="region", metric="all").json()

    def total(body: dict[str, Any]) -> int:
        return sum(r["denominator"] for r in body["rows"])

    assert total(again) == total(first) + 1
    # another viewer's scope is never answered from the province's entry
    county = as_(p.county_a).get("/oversight/coverage", group_by="region", metric="all").json()
    assert county["region"] == COUNTY_A and [r["key"] for r in county["rows"]] == [COUNTY_A]


def test_page_renders_and_exports(personas: Personas, client: Client):
    p = personas
    file_appointment(p)
    client.force_login(p.province)
    page = client.get("/coverage/", {"as_of": "2026-06-30"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "echarts.min.js" in html and "coverage-chart-data" in html
    for group_by in ("section", "size", "group"):
        assert client.get("/coverage/", {"group_by": group_by}).status_code == 200
    assert client.get("/coverage/", {"region": COUNTY_B, "as_of": "junk"}).status_code == 200
    assert "年度目标：500" in html and "本地区未设每年新增目标" not in html
    county = client.get("/coverage/", {"region": COUNTY_B}).content.decode()
    assert "本地区未设每年新增目标；全省目标为每年 500 名左右" in county
    assert "年度目标：500" not in county and "陕质委办〔2021〕15号 第三条" in county
    export = client.get("/coverage/", {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(p.county_b)
    assert client.get("/coverage/", {"region": COUNTY_A}).status_code == 404
    client.force_login(p.clerk_a)
    assert client.get("/coverage/").status_code == 403
