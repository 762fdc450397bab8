"""Migrating a province's appointments and their filings (聘任备案) kept before the platform: each
of a registered person at a registered enterprise in scope, kept under its historic filing
number, authority and dates (ended ones with their end and reason), the number the natural key
(unchanged, or a conflict never overwritten), two chief CQOs in office on the same days at one
enterprise a conflict naming the other filing, and the counts (coverage, new CQOs, the yearly
study-hour duty) reading the original dates."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.blacklist import services as blacklist
from cqo.coverage import aggregate
from cqo.coverage import selectors as coverage
from cqo.hours import selectors as hours
from cqo.imports.legacy import services as legacy
from cqo.imports.legacy.appointments import rows as appointment_rows
from cqo.imports.legacy.models import LegacyFile, LegacyOrigin
from cqo.imports.legacy.selectors import legacy_origin
from cqo.lib import clock
from cqo.registry import services as registry
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.test import (
    COUNTY_A,
    COUNTY_B,
    PASSWORD,
    Personas,
    enterprise_data,
    file_appointment,
    new_id_number,
    new_uscc,
    person_data,
)
from tests.imports import legacy_files as files
from tests.registry.test_api import Caller

HEADER = [
    "统一社会信用代码*",
    "单位名称*",
    "姓名*",
    "身份证号*",
    "聘任职务*",
    "职级*",
    "聘任日期*",
    "聘期截止",
    "备案编号*",
    "备案日期*",
    "备案机关",
    "终止日期",
    "终止原因",
    "终止说明",
]
KIND = LegacyFile.Kind.APPOINTMENTS
NUMBER = "雁质备2019-0012"
JIANGSU_COUNTY = "320581"  # 常熟市: outside a Shaanxi regulator's scope


@pytest.fixture
def reader_mode() -> str:
    """The migration reads every file in this process: no second run with the sliced reader."""
    return "whole"


def registered(personas: Personas, name: str, region: str = COUNTY_B) -> Person:
    """A person already migrated, as the file's CQOs must be."""
    return registry.person_migrate(
        actor=personas.admin,
        details=registry.PersonDetails(
            **person_data(name=name, id_number=new_id_number(region), region=region)
        ),
        origin_note="测试",
    )


def with_account(name: str, username: str, region: str = COUNTY_A) -> Person:
    """A person registered online, who can confirm and declare a filing on the platform."""
    _user, person = registry.person_register(
        details=registry.PersonDetails(
            **person_data(name=name, id_number=new_id_number(region), region=region),
            username=username,
            password=PASSWORD,
        )
    )
    return person


def enterprise(personas: Personas, name: str, region: str = COUNTY_A) -> Enterprise:
    return registry.enterprise_create(
        actor=personas.admin,
        details=registry.EnterpriseDetails(
            **enterprise_data(uscc=new_uscc(region), name=name, region=region)
        ),
    )


def row(ent: Enterprise, person: Person, **overrides: Any) -> list[Any]:
    values = {
        "uscc": ent.uscc,
        "enterprise": ent.name,
        "name": person.name,
        "id_number": person.id_number,
        "post": "副总经理兼首席质量官",
        "rank": "高管副职",
        "start_date": "2019年3月1日",
        "term_end": "",
        "filing_number": NUMBER,
        "filed_on": "2019.3.15",
        "authority": "",
        "ended_on": "",
        "end_reason": "",
        "end_note": "",
    }
    values.update(overrides)
    return list(values.values())


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> Path:
    return files.write_xlsx(path, rows, header, sheet="聘任备案")


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    return files.write_csv(path, rows, HEADER, encoding=encoding)


def migrate(
    actor: Any,
    path: Path,
    *,
    dry_run: bool = False,
    mode: str = LegacyFile.Mode.ALL_OR_NOTHING,
) -> LegacyFile:
    return files.migrate(actor, path, kind=KIND, dry_run=dry_run, mode=mode)


report_rows = files.report_rows


def why(lf: LegacyFile) -> str:
    return f"{lf.message} {report_rows(lf)[1:] if lf.error_report else ''}"


def counts(created: int = 0, unchanged: int = 0, conflicts: int = 0, errors: int = 0) -> dict:
    return {"created": created, "unchanged": unchanged, "conflicts": conflicts, "errors": errors}


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


# Reading the file ------------------------------------------------------------------------------


def test_it_migrates_active_and_ended_appointments_of_an_xlsx(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas
    other = registered(p, "刘芳")
    path = write_xlsx(
        tmp_path / "陕西聘任备案.xlsx",
        [
            row(p.enterprise_a, p.person, term_end="2022-02-28"),
            row(
                p.enterprise_b,
                other,
                post="质量总监",
                rank="高管副职（副总经理/副总裁或同职级）",
                start_date="2017/05/08",
                filing_number="bj 质备 2017-03",
                filed_on=42873,  # an Excel serial: 2017-05-18
                authority="宝鸡市质量技术监督局",
                ended_on="20210630",
                end_reason="离任",
                end_note="调往集团总部任职",
            ),
        ],
    )

    lf = migrate(p.province, path)

    assert lf.status == LegacyFile.Status.DONE, why(lf)
    assert lf.counts == counts(created=2)
    active = Appointment.objects.get(filing_number=NUMBER)
    assert (active.enterprise, active.person) == (p.enterprise_a, p.person)
    assert active.status == Appointment.Status.FILED and active.migrated
    assert (active.post, active.rank) == ("副总经理兼首席质量官", "senior_deputy")
    assert (active.start_date, active.term_end) == (dt.date(2019, 3, 1), dt.date(2022, 2, 28))
    assert local_day(active.filed_at) == dt.date(2019, 3, 15)
    assert active.filing_authority_id == COUNTY_A  # the county bureau, as filed by default
    assert active.filed_by is None and active.submitted_at is None
    assert active.created_by == p.province
    assert (active.appointing_authority, active.selection_method) == ("", "")
    assert not active.verdict and not active.snapshot and active.pack_version is None
    ended = Appointment.objects.get(filing_number="BJ质备2017-03")
    assert ended.status == Appointment.Status.ENDED and ended.migrated
    assert (ended.start_date, local_day(ended.filed_at)) == (
        dt.date(2017, 5, 8),
        dt.date(2017, 5, 18),
    )
    assert (ended.ended_on, ended.end_reason) == (dt.date(2021, 6, 30), "resigned")
    assert ended.end_note == "调往集团总部任职"
    assert ended.filing_authority_id == "610300"  # 宝鸡市, the city of the enterprise's county


def test_it_reads_older_headers(personas: Personas, tmp_path: Path) -> None:
    header = [
        "社会信用代码",
        "企业名称",
        "首席质量官姓名",
        "公民身份号码",
        "担任职务",
        "职务级别",
        "任职日期",
        "聘期至",
        "备案号",
        "备案时间",
    ]
    p = personas
    path = write_xlsx(tmp_path / "旧表头.xlsx", [row(p.enterprise_a, p.person)[:10]], header)

    lf = migrate(p.province, path)

    assert lf.counts == counts(created=1), why(lf)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_it_reads_csv_in_utf8_and_gb18030(
    personas: Personas, tmp_path: Path, encoding: str
) -> None:
    p = personas
    path = write_csv(
        tmp_path / "聘任备案.csv",
        [row(p.enterprise_a, p.person, ended_on="2021-06-30", end_reason="任期届满")],
        encoding=encoding,
    )

    lf = migrate(p.province, path)

    assert lf.counts == counts(created=1), why(lf)
    appt = Appointment.objects.get(filing_number=NUMBER)
    assert (appt.status, appt.end_reason) == (Appointment.Status.ENDED, "term_ended")


# Errors ----------------------------------------------------------------------------------------


def test_it_reports_each_bad_cell(personas: Personas, tmp_path: Path) -> None:
    p = personas
    ent, person = p.enterprise_a, p.person
    ahead = (clock.today() + dt.timedelta(days=2)).isoformat()
    path = write_xlsx(
        tmp_path / "错误.xlsx",
        [
            row(ent, person, filing_number="", filed_on=""),
            row(ent, person, filing_number="N-2", uscc="91610113MA6TXXXXX1"),
            row(ent, person, filing_number="N-3", rank="副总经理"),
            row(ent, person, filing_number="N-4", start_date="2011-12-31"),
            row(ent, person, filing_number="N-5", term_end="2019-01-01"),
            row(ent, person, filing_number="61011320190000012"),  # the platform's own shape
            row(ent, person, filing_number="N-7", filed_on=ahead),
            row(ent, person, filing_number="N-8", authority="西安市碑林区市场监督管理局"),
            row(ent, person, filing_number="N-9", ended_on="2019-02-01", end_reason="离任"),
            row(ent, person, filing_number="N-10", ended_on="2020-01-01"),
            row(ent, person, filing_number="N-11", end_reason="离任"),
            row(ent, person, filing_number="N-12", filed_on="2017-01-01"),
            row(ent, person, filing_number="N-13", post=""),
            row(ent, person, filing_number="N-14", post="质" * 101),
            row(
                ent,
                person,
                filing_number="N-15",
                ended_on="2021-06-30",
                end_reason="离任",
                end_note="说" * 2001,
            ),
            row(ent, person, filing_number="N-16", authority="局" * 101),
        ],
    )

    lf = migrate(p.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(errors=16), why(lf)
    cells = {(int(r[0]), r[1]): r[3] for r in report_rows(lf)[1:]}
    assert "请填写备案编号" in cells[(2, "备案编号")]
    assert "请填写备案日期" in cells[(2, "备案日期")]
    assert "统一社会信用代码" in cells[(3, "统一社会信用代码")]
    assert "最高管理者" in cells[(4, "职级")] and "高管副职" in cells[(4, "职级")]
    assert "2012-01-01" in cells[(5, "聘任日期")]
    assert "聘期截止不能早于聘任日期" in cells[(6, "聘期截止")]
    assert "格式" in cells[(7, "备案编号")]
    assert "不能晚于今天" in cells[(8, "备案日期")]
    assert "雁塔区市场监督管理局" in cells[(9, "备案机关")]
    assert "终止日期不能早于聘任日期" in cells[(10, "终止日期")]
    assert "请填写终止原因" in cells[(11, "终止原因")]
    assert "请同时填写终止日期" in cells[(12, "终止日期")]
    assert "不能早于聘任日期" in cells[(13, "备案日期")]
    assert "请填写聘任职务" in cells[(14, "聘任职务")]
    assert "100" in cells[(15, "聘任职务")]
    assert "2000" in cells[(16, "终止说明")]
    assert "100" in cells[(17, "备案机关")]
    assert not Appointment.objects.exists()


def test_an_unknown_end_reason_lists_the_allowed_ones(personas: Personas, tmp_path: Path) -> None:
    p = personas
    path = write_xlsx(
        tmp_path / "原因.xlsx",
        [row(p.enterprise_a, p.person, ended_on="2021-06-30", end_reason="辞职")],
    )

    lf = migrate(p.province, path)

    assert lf.counts == counts(errors=1)
    [_head, line] = report_rows(lf)
    assert line[1:3] == ["终止原因", "辞职"]
    for label in ("解聘", "离任", "任期届满", "考核不合格", "违反诚信要求", "列入黑名单退出"):
        assert label in line[3]
    assert "resigned" not in line[3]
    assert not Appointment.objects.exists()


def test_an_unregistered_person_asks_to_migrate_the_persons_first(
    personas: Personas, tmp_path: Path
) -> None:
    stranger = Person(name="未登记", id_number=new_id_number())
    path = write_xlsx(tmp_path / "未登记.xlsx", [row(personas.enterprise_a, stranger)])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(errors=1)
    [_head, line] = report_rows(lf)
    assert line[1] == "身份证号" and "请先迁移人员数据" in line[3]


def test_an_unregistered_enterprise_asks_to_migrate_the_enterprises_first(
    personas: Personas, tmp_path: Path
) -> None:
    unknown = Enterprise(uscc=new_uscc(COUNTY_A), name="未登记企业有限公司")
    path = write_xlsx(tmp_path / "未登记企业.xlsx", [row(unknown, personas.person)])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(errors=1)
    [_head, line] = report_rows(lf)
    assert line[1] == "统一社会信用代码" and "请先迁移企业数据" in line[3]


def test_an_enterprise_outside_the_scope_is_refused(personas: Personas, tmp_path: Path) -> None:
    suzhou = enterprise(personas, "常熟示例纺织有限公司", JIANGSU_COUNTY)
    path = write_xlsx(tmp_path / "辖区外.xlsx", [row(suzhou, personas.person)])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(errors=1)
    [_head, line] = report_rows(lf)
    assert line[1] == "统一社会信用代码" and "不在您的辖区内" in line[3]
    assert not Appointment.objects.exists()
    # the platform admin migrates it
    assert migrate(personas.admin, tmp_path / "辖区外.xlsx").counts == counts(created=1)


def test_an_active_appointment_of_a_person_listed_for_exit_is_refused(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas
    blacklist.listing_create(
        actor=p.province,
        person=p.person,
        terms=blacklist.ListingTerms(
            kind="exit",
            reason="所在企业发生重大质量安全事故，负有责任",
            accident="压力容器出厂检验缺失，发生爆裂事故",
            accident_date=clock.today() - dt.timedelta(days=30),
            evidence=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", "application/pdf"),
            start_date=clock.today() - dt.timedelta(days=10),
        ),
    )
    path = write_xlsx(
        tmp_path / "黑名单.xlsx",
        [
            row(p.enterprise_a, p.person),
            row(
                p.enterprise_b,
                p.person,
                filing_number="N-2",
                ended_on="2020-12-31",
                end_reason="解聘",
            ),
        ],
    )

    lf = migrate(p.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=1, errors=1), why(lf)
    [_head, line] = report_rows(lf)
    assert line[1] == "身份证号" and "退出名单" in line[3]
    assert Appointment.objects.get().filing_number == "N-2"  # history stays


# Conflicts and re-runs -------------------------------------------------------------------------


def test_names_other_than_the_registered_ones_are_conflicts(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas
    path = write_xlsx(
        tmp_path / "名称.xlsx",
        [row(p.enterprise_a, p.person, enterprise="西安示例精密制造厂", name="王冒名")],
    )

    lf = migrate(p.province, path)

    assert lf.counts == counts(conflicts=1)
    cells = {r[1]: r[3] for r in report_rows(lf)[1:]}
    assert (
        "西安示例精密制造有限公司" in cells["单位名称"]
        and "西安示例精密制造厂" in cells["单位名称"]
    )
    assert "李堃" in cells["姓名"] and "王冒名" in cells["姓名"]
    assert not Appointment.objects.exists()


def test_a_number_repeated_in_the_file_is_a_conflict(personas: Personas, tmp_path: Path) -> None:
    p = personas
    other = registered(p, "刘芳")
    path = write_xlsx(
        tmp_path / "文件内重复.xlsx",
        [
            row(p.enterprise_a, p.person),
            row(p.enterprise_b, other, filing_number="N-2"),
            row(p.enterprise_b, other, filing_number="雁质备 2019-0012"),
        ],
    )

    lf = migrate(p.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, conflicts=1)
    [_head, line] = report_rows(lf)
    assert line[0] == 4.0 and line[1] == "备案编号" and "与第2行相同" in line[3]


def test_running_the_same_file_again_changes_nothing(personas: Personas, tmp_path: Path) -> None:
    p = personas
    other = registered(p, "刘芳")
    path = write_xlsx(
        tmp_path / "重复.xlsx",
        [
            row(p.enterprise_a, p.person, term_end="2022-02-28", authority="西安市市场监督管理局"),
            row(p.enterprise_b, other, filing_number="N-2", ended_on="2021-1-1", end_reason="解聘"),
        ],
    )
    first = migrate(p.province, path)
    before = (Appointment.objects.count(), LegacyOrigin.objects.count())
    trail = AuditEntry.objects.filter(target_type="appointment").count()

    again = migrate(p.province, path)

    assert first.counts == counts(created=2), why(first)
    assert again.counts == counts(unchanged=2), why(again)
    assert (Appointment.objects.count(), LegacyOrigin.objects.count()) == before
    assert AuditEntry.objects.filter(target_type="appointment").count() == trail


def test_a_migrated_filing_renewed_and_ended_on_the_platform_is_unchanged_on_a_rerun(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas
    path = write_xlsx(tmp_path / "后续.xlsx", [row(p.enterprise_a, p.person, term_end="2022-2-28")])
    migrate(p.province, path)
    appt = Appointment.objects.get()
    registry.appointment_renew(
        actor=p.clerk_a, appointment=appt, term_end=clock.today() + dt.timedelta(days=400)
    )
    registry.appointment_end(
        actor=p.clerk_a, appointment=appt, ended_on=clock.today(), reason="resigned"
    )

    again = migrate(p.province, path)

    assert again.counts == counts(unchanged=1), why(again)
    # the archive's row still contradicts what was migrated: reported, not overwritten
    changed = migrate(
        p.province,
        write_xlsx(tmp_path / "改.xlsx", [row(p.enterprise_a, p.person, term_end="2023-2-28")]),
    )
    assert changed.counts == counts(conflicts=1), why(changed)


@pytest.mark.parametrize(
    ("change", "column", "recorded"),
    [
        ({"post": "质量总监"}, "聘任职务", "副总经理兼首席质量官"),
        ({"rank": "最高管理者"}, "职级", "高管副职（副总经理/副总裁或同职级）"),
        ({"start_date": "2019-03-02"}, "聘任日期", "2019-03-01"),
        ({"filed_on": "2019-03-16"}, "备案日期", "2019-03-15"),
        ({"authority": "陕西省市场监督管理局"}, "备案机关", "雁塔区市场监督管理局"),
        ({"ended_on": "2021-06-30", "end_reason": "离任"}, "终止日期", "（空）"),
    ],
)
def test_a_recorded_number_with_other_content_is_a_conflict_never_overwritten(
    personas: Personas, tmp_path: Path, change: dict[str, str], column: str, recorded: str
) -> None:
    p = personas
    migrate(p.province, write_xlsx(tmp_path / "原.xlsx", [row(p.enterprise_a, p.person)]))
    before = Appointment.objects.values().get()

    lf = migrate(
        p.province, write_xlsx(tmp_path / "改.xlsx", [row(p.enterprise_a, p.person, **change)])
    )

    assert lf.counts == counts(conflicts=1), why(lf)
    cells = {r[1]: r[3] for r in report_rows(lf)[1:]}
    assert recorded in cells[column] and "未覆盖" in cells[column]
    assert Appointment.objects.values().get() == before


def test_a_recorded_number_of_another_person_is_a_conflict_naming_them(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas
    other = registered(p, "刘芳", COUNTY_A)
    migrate(p.province, write_xlsx(tmp_path / "原.xlsx", [row(p.enterprise_a, p.person)]))

    lf = migrate(p.province, write_xlsx(tmp_path / "他人.xlsx", [row(p.enterprise_a, other)]))

    assert lf.counts == counts(conflicts=1)
    [_head, line] = report_rows(lf)
    assert line[1] == "备案编号" and "李堃" in line[3] and "未覆盖" in line[3]
    assert Appointment.objects.get().person == p.person


def test_two_chief_cqos_in_office_on_the_same_days_are_a_conflict_naming_the_other_filing(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas
    other = registered(p, "刘芳", COUNTY_A)
    third = registered(p, "王强", COUNTY_A)
    path = write_xlsx(
        tmp_path / "重叠.xlsx",
        [
            row(p.enterprise_a, p.person, ended_on="2021-06-30", end_reason="离任"),
            # in office from 2020-01-10 while the first still was
            row(
                p.enterprise_a,
                other,
                filing_number="雁质备2020-0003",
                start_date="2020-01-01",
                filed_on="2020-01-10",
            ),
            # handed over on the day the first left: no overlap
            row(
                p.enterprise_a,
                third,
                filing_number="雁质备2021-0021",
                start_date="2021-06-30",
                filed_on="2021-06-30",
            ),
        ],
    )

    lf = migrate(p.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, conflicts=1), why(lf)
    [_head, line] = report_rows(lf)
    assert line[0] == 3.0 and line[1] == "聘任日期"
    assert NUMBER in line[3] and "2019-03-15 至 2021-06-30" in line[3]
    assert set(Appointment.objects.values_list("filing_number", flat=True)) == {
        NUMBER,
        "雁质备2021-0021",
    }


def test_an_archive_chief_in_office_while_one_filed_on_the_platform_is_a_conflict(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas
    filed = file_appointment(p, start_date=clock.today())
    other = registered(p, "刘芳", COUNTY_A)
    path = write_xlsx(
        tmp_path / "平台在任.xlsx",
        [
            row(p.enterprise_a, other),  # still in office by the archive
            row(
                p.enterprise_a,
                other,
                filing_number="N-2",
                start_date="2016-01-01",
                filed_on="2016-01-05",
                ended_on="2018-12-31",
                end_reason="任期届满",
            ),
        ],
    )

    lf = migrate(p.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=1, conflicts=1), why(lf)
    [_head, line] = report_rows(lf)
    assert line[0] == 2.0 and filed.filing_number in line[3]
    filed.refresh_from_db()
    assert filed.status == Appointment.Status.FILED


def test_conflicts_are_found_across_batches(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = personas
    monkeypatch.setattr(appointment_rows, "BATCH", 2)
    other = registered(p, "刘芳", COUNTY_A)
    path = write_xlsx(
        tmp_path / "分批.xlsx",
        [
            row(p.enterprise_a, p.person),
            row(p.enterprise_b, other, filing_number="N-2"),
            # the next batch: the first row's number again, and a chief in office beside it
            row(p.enterprise_b, other, filing_number=NUMBER),
            row(p.enterprise_a, other, filing_number="N-4", start_date="2020-01-01"),
            row(p.enterprise_b, p.person, filing_number="N-5", start_date="2015-01-01"),
        ],
    )

    lf = migrate(p.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, conflicts=3), why(lf)
    cells = {int(r[0]): r[3] for r in report_rows(lf)[1:]}
    assert "与第2行相同" in cells[4]
    assert NUMBER in cells[5] and "N-2" in cells[6]
    assert set(Appointment.objects.values_list("filing_number", flat=True)) == {NUMBER, "N-2"}


def test_the_queries_of_a_file_do_not_grow_with_its_rows(
    personas: Personas, tmp_path: Path
) -> None:
    """Every lookup and write is a batch's: a file of many rows costs what one of few does."""
    p = personas

    def archive(name: str, size: int, start: int) -> Path:
        rows = []
        for i in range(start, start + size):
            ent = enterprise(p, f"示例企业{i}有限公司")
            rows.append(
                row(
                    ent,
                    p.person,
                    filing_number=f"N-{i}",
                    ended_on="2020-12-31" if i % 2 else "",
                    end_reason="离任" if i % 2 else "",
                    authority="西安市市场监督管理局" if i % 3 else "",
                )
            )
        return write_xlsx(tmp_path / name, rows)

    small, large = archive("少.xlsx", 4, 0), archive("多.xlsx", 40, 100)
    with CaptureQueriesContext(connection) as few:
        assert migrate(p.province, small).counts == counts(created=4)
    with CaptureQueriesContext(connection) as many:
        assert migrate(p.province, large).counts == counts(created=40)

    def reads(queries: CaptureQueriesContext) -> int:
        # a bulk INSERT is split into statements of a few dozen rows (SQLite's parameter limit)
        return sum(not q["sql"].startswith("INSERT") for q in queries.captured_queries)

    def inserts(queries: CaptureQueriesContext) -> int:
        return sum(q["sql"].startswith("INSERT") for q in queries.captured_queries)

    assert reads(many) == reads(few)
    assert inserts(many) <= inserts(few) + 3  # 40 appointments, entries and origins in bulk


# Dry run, modes, provenance --------------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_reports_the_counts(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas
    path = write_xlsx(
        tmp_path / "试运行.xlsx",
        [
            row(p.enterprise_a, p.person),
            row(p.enterprise_b, p.person, filing_number="N-2", rank="董事"),
        ],
    )

    lf = migrate(p.province, path, dry_run=True, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.status == LegacyFile.Status.CHECKED
    assert lf.counts == counts(created=1, errors=1)
    assert not Appointment.objects.exists()
    assert not LegacyOrigin.objects.exists()
    assert not AuditEntry.objects.filter(target_type="appointment").exists()


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas
    path = write_xlsx(
        tmp_path / "全部.xlsx",
        [
            row(p.enterprise_a, p.person),
            row(p.enterprise_b, p.person, filing_number="N-2", end_reason="辞职"),
        ],
    )

    lf = migrate(p.province, path)

    assert lf.status == LegacyFile.Status.FAILED
    assert lf.counts == counts(errors=1)
    assert not Appointment.objects.exists()
    assert not LegacyOrigin.objects.exists()


def test_good_rows_writes_only_the_good_rows(personas: Personas, tmp_path: Path) -> None:
    p = personas
    other = registered(p, "刘芳")
    path = write_xlsx(
        tmp_path / "部分.xlsx",
        [
            row(p.enterprise_a, p.person),
            row(p.enterprise_b, other, filing_number="N-2", rank="董事"),
            row(p.enterprise_b, other, filing_number="N-3"),
        ],
    )

    lf = migrate(p.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, errors=1)
    assert set(Appointment.objects.values_list("filing_number", flat=True)) == {NUMBER, "N-3"}
    assert sorted(LegacyOrigin.objects.values_list("row", flat=True)) == [2, 4]


def test_each_appointment_keeps_its_file_and_row_and_is_audited_as_migrated(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "来源.xlsx", [row(personas.enterprise_a, personas.person)])

    lf = migrate(personas.province, path)

    appt = Appointment.objects.get()
    found = legacy_origin(target_type="appointment", target_id=str(appt.public_id))
    assert found is not None and (found.file, found.row) == (lf, 2)
    entry = AuditEntry.objects.get(target_type="appointment", target_id=str(appt.public_id))
    assert entry.actor_id == personas.province.pk and entry.action == "create"
    assert entry.note == "历史数据迁移：来源.xlsx 第2行"
    assert entry.changes["filing_number"] == [None, NUMBER]
    assert entry.changes["filed_at"] == [None, "2019-03-15"]
    assert entry.changes["migrated"] == [None, True]
    assert AuditEntry.objects.filter(target_type="legacy_file").count() == 1


# Counting by the original dates ----------------------------------------------------------------


def test_coverage_new_cqos_and_the_yearly_duty_count_the_original_dates(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = personas
    monkeypatch.setattr(aggregate, "SETTLE_SECONDS", 0)
    aggregate.rebuild()  # the maintained aggregate then follows the migration from the trail
    other = registered(p, "刘芳")
    path = write_xlsx(
        tmp_path / "统计.xlsx",
        [
            row(
                p.enterprise_a,  # above-scale
                p.person,
                start_date="2019-03-01",
                filed_on="2019-03-15",
                ended_on="2021-06-30",
                end_reason="离任",
            ),
            row(
                p.enterprise_b,  # not above-scale: no new CQO of the yearly number
                other,
                filing_number="N-2",
                start_date="2020-05-01",
                filed_on="2020-05-20",
            ),
        ],
    )
    assert migrate(p.province, path).counts == counts(created=2)
    today = clock.today()

    def covered(user: Any, county: str, on: dt.date, *, live: bool) -> int:
        answer = coverage.coverage(user, county, on, "region", "all", live=live)
        return answer.rows[0].numerator

    # the packs (hence coverage answers) start in 2020
    for live in (True, False):
        assert covered(p.county_a, COUNTY_A, dt.date(2020, 1, 1), live=live) == 1
        assert covered(p.county_a, COUNTY_A, dt.date(2021, 6, 30), live=live) == 1  # last day
        assert covered(p.county_a, COUNTY_A, dt.date(2021, 7, 1), live=live) == 0
        assert covered(p.county_a, COUNTY_A, today, live=live) == 0
        assert covered(p.county_b, COUNTY_B, dt.date(2020, 5, 19), live=live) == 0  # not filed
        assert covered(p.county_b, COUNTY_B, dt.date(2020, 5, 20), live=live) == 1
        assert covered(p.county_b, COUNTY_B, today, live=live) == 1
        new = coverage.coverage(p.province, None, today, "group", live=live).new_cqos
        assert [(n.year, n.new_cqos) for n in new] == [(2019, 1)]
    assert [(n.year, n.new_cqos) for n in coverage.new_cqos_by_year(p.province, None)] == [
        (2019, 1)
    ]
    # the yearly study-hour duty binds a serving CQO (SPEC §12.7): 2019 to 2021, not after
    assert hours.serving_in(p.person, 2019) == hours.Serving(
        True, dt.date(2019, 3, 1), p.enterprise_a.region
    )
    assert hours.serving_in(p.person, 2021).serving
    assert not hours.serving_in(p.person, 2022).serving
    assert not hours.serving_in(p.person, today.year).serving


# The filing's pages and the normal flow afterwards ---------------------------------------------


def test_the_filing_page_shows_where_it_came_from_and_offers_no_platform_form(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    migrate(
        personas.province,
        write_xlsx(tmp_path / "页面.xlsx", [row(personas.enterprise_a, personas.person)]),
    )
    appt = Appointment.objects.get()
    client.login(username="county_a", password=PASSWORD)

    page = client.get(f"/filings/{appt.public_id}/").content.decode()

    line = page.split('id="legacy-origin">')[1].split("</dd>")[0]
    assert "历史数据迁移" in line and "页面.xlsx" in line and "第2行" in line
    assert personas.province.label in line and personas.province.username not in line
    assert NUMBER in page and "2019-03-15" in page and "雁塔区" in page
    assert "打印备案登记表" not in page and "打印聘任授权证书" not in page
    assert "本人尚未声明" not in page and 'id="checks"' not in page
    assert client.get(f"/filings/{appt.public_id}/form.pdf").status_code == 404
    assert client.get(f"/filings/{appt.public_id}/authorisation.pdf").status_code == 404
    # a filing made on the platform shows none of it
    filed = file_appointment(
        personas, person=with_account("刘芳", "liufang"), clerk=personas.clerk_b
    )
    client.login(username="county_b", password=PASSWORD)
    other = client.get(f"/filings/{filed.public_id}/").content.decode()
    assert "legacy-origin" not in other and "打印备案登记表" in other
    assert client.get(f"/filings/{appt.public_id}/").status_code == 404  # outside its scope


def test_the_api_tells_a_migrated_filing_apart(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    migrate(
        personas.province,
        write_xlsx(tmp_path / "接口.xlsx", [row(personas.enterprise_a, personas.person)]),
    )
    appt = Appointment.objects.get()
    county = Caller(client, personas.county_a)

    detail = county.get(f"/filings/{appt.public_id}")
    listing = county.get("/filings")

    assert detail.status_code == 200, detail.content
    body = detail.json()
    assert body["migrated"] is True and body["filing_number"] == NUMBER
    assert body["appointing_authority"] is None and body["eligibility"] is None
    assert body["checks"] == [] and body["filed_by"] is None
    assert [i["migrated"] for i in listing.json()["items"]] == [True]
    assert county.get(f"/filings/{appt.public_id}/form.pdf").status_code == 404


def test_the_person_page_lists_the_migrated_appointment_with_its_origin(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    p = personas
    path = write_xlsx(
        tmp_path / "履历.xlsx",
        [row(p.enterprise_b, p.person, ended_on="2021-06-30", end_reason="离任")],
    )
    migrate(p.province, path)
    filed = file_appointment(p, start_date=clock.today())
    client.force_login(p.province)

    page = client.get(f"/persons/{p.person.public_id}/").content.decode()

    table = page.split('id="appointments"')[1].split("</table>")[0]
    assert NUMBER in table and "2021-06-30" in table and "离任" in table
    line = table.split('class="legacy-origin ')[1].split("</div>")[0]
    assert "历史数据迁移" in line and "履历.xlsx" in line and "第2行" in line
    assert table.count("legacy-origin") == 1  # the platform filing has none
    assert filed.filing_number in table


def test_a_migrated_active_appointment_ends_and_renews_through_the_normal_flow(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    p = personas
    migrate(p.province, write_xlsx(tmp_path / "终止.xlsx", [row(p.enterprise_a, p.person)]))
    appt = Appointment.objects.get()
    client.force_login(p.clerk_a)
    page = client.get(f"/filings/{appt.public_id}/").content.decode()
    assert "终止聘任" in page and "续聘" in page

    renewed = client.post(
        f"/filings/{appt.public_id}/renew/",
        {"term_end": (clock.today() + dt.timedelta(days=365)).isoformat(), "note": "续聘三年"},
    )
    ended = client.post(
        f"/filings/{appt.public_id}/end/",
        {"ended_on": clock.today().isoformat(), "reason": "resigned", "note": "个人原因离任"},
    )

    assert renewed.status_code == 302 and ended.status_code == 302
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.ENDED and appt.ended_on == clock.today()
    assert appt.migrated and appt.filing_number == NUMBER
    # and the enterprise may now file its next chief CQO on the platform
    nxt = file_appointment(p, person=with_account("刘芳", "liufang"), start_date=clock.today())
    assert nxt.status == Appointment.Status.FILED


# The service -----------------------------------------------------------------------------------


def terms(p: Personas, **overrides: Any) -> registry.MigratedAppointment:
    values: dict[str, Any] = {
        "enterprise": p.enterprise_a,
        "person": p.person,
        "post": "副总经理兼首席质量官",
        "rank": "senior_deputy",
        "start_date": dt.date(2019, 3, 1),
        "filing_number": NUMBER,
        "filed_on": dt.date(2019, 3, 15),
    }
    values.update(overrides)
    return registry.MigratedAppointment(**values)


def test_the_service_refuses_whoever_may_not_migrate(personas: Personas) -> None:
    p = personas
    with pytest.raises(PermissionDenied):
        registry.appointment_migrate(actor=p.clerk_a, terms=terms(p), origin_note="")
    with pytest.raises(ValidationError) as caught:
        registry.appointment_migrate(actor=p.county_b, terms=terms(p), origin_note="")
    assert caught.value.message_dict == {"enterprise": ["企业不在您的辖区内"]}
    assert not Appointment.objects.exists()


def test_the_service_refuses_a_number_already_recorded_as_a_conflict(personas: Personas) -> None:
    p = personas
    registry.appointment_migrate(actor=p.province, terms=terms(p), origin_note="")

    with pytest.raises(registry.MigrationConflict) as caught:
        registry.appointment_migrate(
            actor=p.province,
            terms=terms(p, enterprise=p.enterprise_b, filed_on=dt.date(2019, 4, 1)),
            origin_note="",
        )

    assert caught.value.message_dict == {"filing_number": ["备案编号已存在"]}


def test_the_service_refuses_two_chiefs_of_one_batch_in_office_together(
    personas: Personas,
) -> None:
    p = personas
    second = terms(
        p, person=registered(p, "刘芳"), filing_number="N-2", filed_on=dt.date(2020, 1, 1)
    )

    with pytest.raises(registry.MigrationConflict) as caught:
        registry.appointments_migrate(actor=p.province, entries=[terms(p), second])

    assert NUMBER in caught.value.message_dict["start_date"][0]
    assert not Appointment.objects.exists()


def test_the_service_writes_a_batch_each_audited_with_its_note(personas: Personas) -> None:
    p = personas
    first = terms(p, ended_on=dt.date(2019, 12, 31), end_reason="resigned", origin_note="第2行")
    second = terms(
        p,
        person=registered(p, "刘芳"),
        filing_number="N-2",
        start_date=dt.date(2020, 1, 1),
        filed_on=dt.date(2020, 1, 1),
        origin_note="第3行",
    )

    written = registry.appointments_migrate(actor=p.province, entries=[first, second])

    assert [a.status for a in written] == [Appointment.Status.ENDED, Appointment.Status.FILED]
    notes = dict(
        AuditEntry.objects.filter(target_type="appointment").values_list("target_id", "note")
    )
    assert notes == {str(written[0].public_id): "第2行", str(written[1].public_id): "第3行"}


def test_the_service_refuses_an_authority_whose_region_does_not_hold_the_enterprise(
    personas: Personas,
) -> None:
    from cqo.reference.models import Region

    with pytest.raises(ValidationError) as caught:
        registry.appointment_migrate(
            actor=personas.province,
            terms=terms(personas, filing_authority=Region.objects.get(code=COUNTY_B)),
            origin_note="",
        )

    assert "filing_authority" in caught.value.message_dict


# The template, the page and the command --------------------------------------------------------


def test_the_template_explains_each_column(personas: Personas, client: Client) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(legacy.legacy_template(KIND)))

    assert book.sheet_names == ["聘任备案", "填写说明"]
    sheet = book.get_sheet_by_name("聘任备案").to_python()
    assert sheet[0] == HEADER
    notes = book.get_sheet_by_name("填写说明").to_python()
    reasons = next(line for line in notes if line[0] == "终止原因")
    assert "任期届满" in reasons[2] and "列入黑名单退出" in reasons[2]
    client.force_login(personas.province)
    download = client.get("/imports/legacy/template/appointments.xlsx")
    assert download.status_code == 200
    served = CalamineWorkbook.from_filelike(io.BytesIO(download.content))
    assert served.get_sheet_by_index(0).to_python()[0] == HEADER
    page = client.get("/imports/legacy/").content.decode()
    assert '<option value="appointments"' in page.split('name="kind"')[1].split("</select>")[0]
    assert "/imports/legacy/template/appointments.xlsx" in page


def test_the_template_example_row_passes_its_own_checks(personas: Personas, tmp_path: Path) -> None:
    p = personas
    book = CalamineWorkbook.from_filelike(io.BytesIO(legacy.legacy_template(KIND)))
    example = book.get_sheet_by_name("聘任备案").to_python()[1]
    ent = registry.enterprise_create(
        actor=p.province,
        details=registry.EnterpriseDetails(
            **enterprise_data(uscc=example[0], name=example[1], region=COUNTY_A)
        ),
    )
    person = registered(p, example[2], COUNTY_A)
    values = {**dict(zip(HEADER, example, strict=True)), "身份证号*": person.id_number}
    assert ent.uscc == example[0]

    lf = migrate(p.province, write_xlsx(tmp_path / "示例.xlsx", [list(values.values())]))

    assert lf.counts == counts(created=1), why(lf)


def test_the_command_migrates_a_file(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "命令.xlsx", [row(personas.enterprise_a, personas.person)])
    out = io.StringIO()

    call_command(
        "migrate_legacy",
        "appointments",
        str(path),
        "--user",
        "prov",
        stdout=out,
        stderr=io.StringIO(),
    )

    assert "created 1, unchanged 0, conflicts 0, errors 0" in out.getvalue()
    assert LegacyOrigin.objects.get().target_type == "appointment"
