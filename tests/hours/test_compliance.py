"""Yearly compliance across apps: a certified holder's continuing education (level-standard
§9.4.1.2, answered by cqo.certification), prospective CQOs where the pack binds them
(shaanxi-2021 §五(一)), records from qualified institutions only where the pack says so
(hangzhou-spec 聘用与培训·培训, answered by cqo.training), and the reminders and pages that show
them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from cqo.hours import selectors, services
from cqo.hours.models import StudyRecord
from cqo.lib import clock
from cqo.reference.models import Region
from cqo.test import PASSWORD, Personas, file_appointment
from cqo.training import services as training
from tests.certification.conftest import World, certified
from tests.certification.conftest import world as _certification_world  # noqa: F401  (fixture)
from tests.training.conftest import course_terms, enrol, qualify, session_terms

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    settings.MEDIA_ROOT = str(tmp_path / "media")


def study(p: Personas, hours: str, kind: str = "online_self_study", **kw: Any) -> StudyRecord:
    data: dict[str, Any] = {
        "actor": p.trainer,
        "person": p.person,
        "kind": kind,
        "hours": Decimal(hours),
        "occurred_on": dt.date(2026, 3, 1),
        "title": "质量管理体系在线课程",
        "source": "api",
        "provider": "陕西质量培训中心",
    }
    data.update(kw)
    return services.record_create(**data)


def login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def holder(request: pytest.FixtureRequest) -> World:
    """The certification tests' world: a body, its experts, the CQO recommended."""
    return request.getfixturevalue("_certification_world")


# level-standard §9.4.1.2 -----------------------------------------------------------------------


def test_a_certified_holder_owes_continuing_education_in_every_view(holder: World) -> None:
    p = holder.p
    file_appointment(p)
    certified(holder)  # holds an AAAA certificate from 2026-06-15
    study(p, "30")  # the Shaanxi pack's 30 学时 online, but no training organised
    alone = selectors.compliance_for(p.person, 2026)
    assert alone.pack is not None and alone.pack.met is True
    assert alone.continuing is not None
    assert (alone.continuing.required_hours, alone.continuing.required_activities) == (10, 1)
    assert alone.continuing.clause == "level-standard §9.4.1.2"
    assert alone.met is False
    listed = {r.person: r.compliance for r in selectors.compliance_rows(user=p.county_a, year=2026)}
    assert listed[p.person].continuing is not None and listed[p.person].met is False
    short = selectors.compliance_rows(user=p.county_a, year=2026, short_only=True)
    assert [r.person for r in short] == [p.person]
    # the regulator's page and its export show the certificate's regime
    page = login(p.county_a).get("/hours/", {"year": 2026}).content.decode()
    assert "0 / 1 次" in page
    export = login(p.county_a).get("/hours/", {"year": 2026, "export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0)
    table = rows.to_python()
    assert "认定证书继续教育应修学时" in table[0]
    assert 1 in table[1] or 1.0 in table[1]
    # the CQO's own page
    mine = login(p.cqo).get("/hours/", {"year": 2026}).content.decode()
    assert "能力水平认定证书有效期内继续教育" in mine and "组织培训 0 / 1 次" in mine
    # a training organised meets it
    study(p, "0", kind="organised_training", actor=p.admin, source="activity")
    assert selectors.compliance_for(p.person, 2026).met is True


def test_a_holder_is_reminded_of_the_continuing_education(holder: World) -> None:
    p = holder.p
    file_appointment(p)
    certified(holder)
    study(p, "30")
    made = services.send_reminders(dt.date(2026, 11, 1))
    assert [r.person for r in made] == [p.person]
    assert "能力水平认定证书有效期内继续教育" in made[0].message
    assert "组织培训 0 / 1 次" in made[0].message


def test_without_a_certificate_there_is_no_continuing_regime(personas: Personas) -> None:
    file_appointment(personas)
    c = selectors.compliance_for(personas.person, 2026)
    assert c.continuing is None and len(c.regimes) == 1


# Prospective CQOs (shaanxi-2021 §五(一) "拟任和现任") --------------------------------------------


def test_a_prospective_cqo_is_listed_and_reminded_under_shaanxi(personas: Personas) -> None:
    p = personas  # 李堃 registered in Shaanxi, no filed appointment
    c = selectors.compliance_for(p.person, 2026)
    assert c.serving is False and c.required is True and c.met is False
    rows = selectors.compliance_rows(user=p.county_a, year=2026, prospective=True)
    assert [(r.person, r.enterprise) for r in rows] == [(p.person, "拟任")]
    assert selectors.compliance_rows(user=p.county_b, year=2026, prospective=True) == []
    # the serving CQOs' figures (the oversight page, the assessment report) leave them out
    assert selectors.compliance_rows(user=p.county_a, year=2026) == []
    page = login(p.county_a).get("/hours/", {"year": 2026}).content.decode()
    assert "拟任" in page and p.person.name in page
    made = services.send_reminders(dt.date(2026, 11, 1))
    assert [r.person for r in made] == [p.person]
    study(p, "30")
    assert selectors.compliance_for(p.person, 2026).met is True
    assert (
        selectors.compliance_rows(user=p.county_a, year=2026, short_only=True, prospective=True)
        == []
    )


def test_a_prospective_cqo_is_not_bound_where_the_pack_names_only_serving_ones(
    personas: Personas,
) -> None:
    # hangzhou-spec 聘用与培训·培训 "企业首席质量官应每年参加": no prospective
    p = personas
    p.person.region = Region.objects.get(code="330102")
    p.person.save(update_fields=["region"])
    c = selectors.compliance_for(p.person, 2026)
    assert c.required is False and c.met is None
    assert selectors.compliance_rows(user=None, year=2026, prospective=True) == []


# Qualified institutions (hangzhou-spec) ---------------------------------------------------------


def test_it_marks_the_records_of_qualified_institutions(personas: Personas) -> None:
    p = personas
    reported = study(p, "8")  # the trainer's e-learning, before any qualification
    qualify(p.province, p.trainer, valid_from=dt.date(2026, 4, 1))
    late = study(p, "8", occurred_on=dt.date(2026, 4, 1))
    own = study(p, "8", actor=p.cqo, source="activity", provider="某培训机构")
    course = training.course_create(actor=p.province, terms=course_terms())
    session = training.session_create(actor=p.province, course=course, terms=session_terms())
    e = training.attendance_mark(
        actor=p.province, enrolment=enrol(p.province, session, p.person), attendance=100
    )
    assert e.study_record is not None
    found = training_selectors_qualified([reported.pk, late.pk, own.pk, e.study_record.pk])
    assert found == {late.pk, e.study_record.pk}


def training_selectors_qualified(ids: list[int]) -> set[int]:
    from cqo.hours import facts

    return facts.QUALIFIED_RECORDS(ids, None)


def test_hangzhou_counts_only_training_by_qualified_institutions(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    # hangzhou-spec 聘用与培训·培训: "具备首席质量官培训资质的机构组织的…累计不少于40学时";
    # a self-declared record with a free-text provider does not count
    p = personas
    hangzhou = Region.objects.get(code="330102")
    monkeypatch.setattr(
        selectors, "serving_in", lambda person, year: selectors.Serving(True, None, hangzhou)
    )
    study(p, "30", kind="offline_training", actor=p.cqo, source="activity", provider="某机构")
    c = selectors.compliance_for(p.person, 2026)
    assert c.pack is not None and c.pack.counted_hours == 0 and c.met is False
    qualify(p.province, p.trainer)
    study(p, "40")
    c = selectors.compliance_for(p.person, 2026)
    assert c.pack is not None and c.pack.counted_hours == 40 and c.met is True


def test_the_cqos_page_says_which_records_count_and_why_not(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """已修 0 / 应修 40 beside a 30-学时 record is explained: the record is marked 否 with its
    reason, and the card names what counts."""
    p = personas
    hangzhou = Region.objects.get(code="330102")
    monkeypatch.setattr(
        selectors, "serving_in", lambda person, year: selectors.Serving(True, None, hangzhou)
    )
    own = study(p, "30", kind="offline_training", actor=p.cqo, source="activity", provider="某机构")
    qualify(p.province, p.trainer)
    counted = study(p, "8", kind="offline_training")
    c = selectors.compliance_for(p.person, 2026)
    assert c.pack is not None and dict(c.pack.not_counted) == {
        own.pk: "非具备首席质量官培训资质的机构组织，不计入"
    }
    page = login(p.cqo).get("/hours/", {"year": 2026}).content.decode()
    assert "已修 8 / 应修 40 学时" in page
    assert "仅计具备首席质量官培训资质的机构组织的培训" in page
    assert "1 条记录不计入" in page
    assert "非具备首席质量官培训资质的机构组织，不计入" in page
    assert counted.title in page


# Platform defaults shown as such ---------------------------------------------------------------


def test_the_pages_say_the_reminder_dates_are_a_platform_default(personas: Personas) -> None:
    page = login(personas.cqo).get("/hours/", {"year": 2026}).content.decode()
    assert "11月1日、12月1日" in page and "平台默认设置，非政策文件规定" in page
    page = login(personas.county_a).get("/hours/", {"year": 2026}).content.decode()
    assert "平台默认设置，非政策文件规定" in page


def test_the_institutions_reported_hours_name_the_learner_search_page_and_export(
    personas: Personas,
) -> None:
    p = personas
    for n in range(3):
        study(p, "2", title=f"在线课程{n}")
    client = login(p.trainer)
    page = client.get("/hours/", {"year": 2026}).content.decode()
    assert "<th>学员</th>" in page and f"<td>{p.person.name}</td>" in page
    assert "在线课程2" in page and "共 3 条" in page
    found = client.get("/hours/", {"year": 2026, "q": "课程1"}).content.decode()
    assert "在线课程1" in found and "在线课程2" not in found
    export = client.get("/hours/", {"year": 2026, "q": "课程", "export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0)
    table = rows.to_python()
    assert table[0][0] == "学员" and len(table) == 4 and table[1][0] == p.person.name
