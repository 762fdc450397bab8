"""Migrating study-hour records from a province's archive (issue 23): each row checked as the
live hour log checks a record, the persons found by their ID numbers, batched into the hour log
as migrated entries whose proofs say so and verify offline; conflicts reported, re-runs
changing nothing."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.hours import selectors as hours_selectors
from cqo.hours import services as hours
from cqo.hours.models import Source, StudyRecord
from cqo.imports.legacy import hours as hours_kind
from cqo.imports.legacy import services as legacy
from cqo.imports.legacy.models import LegacyFile
from cqo.ledger import services as ledger
from cqo.ledger.models import LedgerEntry
from cqo.ledger.verify import verify_bundle
from cqo.registry import services as registry
from cqo.registry.models import Person
from cqo.test import COUNTY_B, PASSWORD, Personas, new_id_number, person_data
from tests.imports import legacy_files as files

HEADER = [
    "姓名*",
    "身份证号*",
    "学习日期*",
    "学时类别*",
    "学时*",
    "课程或活动名称*",
    "组织或发布机构",
    "原记录编号",
]
KIND = LegacyFile.Kind.HOURS


@pytest.fixture
def reader_mode() -> str:
    """The migration reads every file in this process: no second run with the sliced reader."""
    return "whole"


def registered(personas: Personas, name: str, region: str) -> Person:
    return registry.person_migrate(
        actor=personas.admin,
        details=registry.PersonDetails(
            **person_data(name=name, id_number=new_id_number(region), region=region)
        ),
        origin_note="测试",
    )


def row(person: Person, **overrides: Any) -> list[Any]:
    values = {
        "name": person.name,
        "id_number": person.id_number,
        "occurred_on": "2019年3月5日",
        "kind": "线下培训",
        "hours": "8",
        "title": "首席质量官高级培训班",
        "provider": "陕西省质量技术培训中心",
        "record_number": "",
    }
    values.update(overrides)
    return list(values.values())


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> Path:
    return files.write_xlsx(path, rows, header, sheet="学时记录")


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    return files.write_csv(path, rows, HEADER, encoding=encoding)


def migrate(
    actor: Any, path: Path, *, dry_run: bool = False, mode: str = LegacyFile.Mode.ALL_OR_NOTHING
) -> LegacyFile:
    return files.migrate(actor, path, kind=KIND, dry_run=dry_run, mode=mode)


report_rows = files.report_rows


def why(lf: LegacyFile) -> str:
    return f"{lf.message} {report_rows(lf)[1:] if lf.error_report else ''}"


def counts(created: int = 0, unchanged: int = 0, conflicts: int = 0, errors: int = 0) -> dict:
    return {"created": created, "unchanged": unchanged, "conflicts": conflicts, "errors": errors}


def migrated() -> list[StudyRecord]:
    return list(StudyRecord.objects.filter(source=Source.MIGRATED).order_by("ledger_index"))


# Reading the file ------------------------------------------------------------------------------


def test_it_migrates_hours_into_the_log_as_migrated_entries(
    personas: Personas, tmp_path: Path
) -> None:
    other = registered(personas, "刘芳", COUNTY_B)
    path = write_xlsx(
        tmp_path / "学时档案.xlsx",
        [
            row(personas.person),
            row(
                other,
                occurred_on="2020.6.1",
                kind="线上自学",
                hours="1.5学时",
                title="质量管理体系在线课程",
                provider="",
                record_number="XS-2020-000381",
            ),
        ],
    )
    log_before = LedgerEntry.objects.count()

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.DONE, why(lf)
    assert lf.counts == counts(created=2)
    first, second = migrated()
    assert (first.person, first.occurred_on, first.kind, first.hours) == (
        personas.person,
        dt.date(2019, 3, 5),
        "offline_training",
        Decimal("8.0"),
    )
    assert (second.person, second.occurred_on, second.hours, second.source_ref) == (
        other,
        dt.date(2020, 6, 1),
        Decimal("1.5"),
        "XS-2020-000381",
    )
    assert first.created_by == personas.province
    assert first.note == "历史数据迁移：学时档案.xlsx 第2行"
    assert second.note == "历史数据迁移：学时档案.xlsx 第3行"
    # one batch in the log: consecutive entries, each saying it was migrated and when studied
    assert LedgerEntry.objects.count() == log_before + 2
    assert second.ledger_index == first.ledger_index + 1
    entry = json.loads(LedgerEntry.objects.get(index=second.ledger_index).entry)
    assert entry["origin"] == "migrated"
    assert entry["studied_on"] == "2020-06-01"
    assert entry["commitment"] == second.commitment
    assert entry["entered_at"] == second.created_at.astimezone(dt.UTC).isoformat(timespec="seconds")


def test_it_reads_csv_in_utf8_and_gb18030_and_older_headers(
    personas: Personas, tmp_path: Path
) -> None:
    for number, encoding in enumerate(("utf-8", "gb18030"), start=1):
        path = write_csv(
            tmp_path / f"学时{encoding}.csv",
            [row(personas.person, record_number=f"R{number}", hours="８")],
            encoding=encoding,
        )
        lf = migrate(personas.province, path)
        assert lf.counts == counts(created=1), why(lf)
    older = ["学员姓名", "证件号码", "培训日期", "学习形式", "学时数", "培训名称", "培训机构"]
    path = write_xlsx(tmp_path / "旧系统导出.xlsx", [row(personas.person)[:7]], header=older)
    lf = migrate(personas.province, path)
    assert lf.counts == counts(created=1), why(lf)
    assert sorted(r.hours for r in migrated()) == [Decimal(8)] * 3


def test_fifteen_digit_id_numbers_find_the_person(personas: Personas, tmp_path: Path) -> None:
    person = registered(personas, "王立", COUNTY_B)
    number = person.id_number
    assert number[6:8] == "19"
    legacy = number[:6] + number[8:17]  # the 15-digit form of GB 11643-1989
    path = write_xlsx(tmp_path / "十五位.xlsx", [row(person, id_number=legacy)])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(created=1), why(lf)
    assert migrated()[0].person == person


def test_it_reports_each_bad_cell_as_the_live_log_would(personas: Personas, tmp_path: Path) -> None:
    p = personas.person
    path = write_xlsx(
        tmp_path / "有错.xlsx",
        [
            row(p, kind="自学"),
            row(p, hours="8.25"),
            row(p, hours="600"),
            row(p, occurred_on="2035-01-01"),
            row(p, occurred_on="1998-05-01"),
            row(p, title=""),
            row(p, title="长" * 201),
            row(p, occurred_on="三月五日"),
            row(p, id_number="610113198006150031"),
        ],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(errors=9), why(lf)
    rules = {int(r[0]): (r[1], r[3]) for r in report_rows(lf)[1:]}
    assert rules[2][0] == "学时类别"
    assert "线上自学、线下培训" in rules[2][1]
    assert rules[3] == ("学时", "学时最多保留 1 位小数：8.25")
    assert rules[4] == ("学时", "学时应在 0 到 500 之间")
    assert rules[5] == ("学习日期", "日期不能在未来")
    assert rules[6] == ("学习日期", "日期不能早于2000年")
    assert rules[7] == ("课程或活动名称", "请填写课程或活动名称")
    assert rules[8][0] == "课程或活动名称"
    assert rules[9][0] == "学习日期"
    assert rules[10][0] == "身份证号"
    assert not migrated()


# Conflicts, never guessed ------------------------------------------------------------------------


def test_hours_of_an_unregistered_person_ask_to_migrate_the_person_first(
    personas: Personas, tmp_path: Path
) -> None:
    stranger = ["路人", new_id_number(), "2019-03-05", "线下培训", "8", "培训班", "", ""]
    path = write_xlsx(tmp_path / "未登记.xlsx", [stranger])

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.FAILED
    assert lf.counts == counts(errors=1)
    assert "请先迁移人员数据" in report_rows(lf)[1][3]


def test_a_name_other_than_the_registered_one_is_a_conflict(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "姓名.xlsx", [row(personas.person, name="李某某")])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(conflicts=1)
    assert report_rows(lf)[1][1] == "姓名"
    assert f"“{personas.person.name}”" in report_rows(lf)[1][3]


def test_a_person_outside_the_scope_is_refused(personas: Personas, tmp_path: Path) -> None:
    other = registered(personas, "江南某", "320102")  # registered in Jiangsu
    path = write_xlsx(tmp_path / "辖区外.xlsx", [row(other)])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(errors=1)
    assert report_rows(lf)[1][3] == "该人员不在您的辖区内，未导入"
    with pytest.raises(PermissionDenied):
        hours.records_migrate(
            actor=personas.province,
            entries=[
                hours.MigratedHours(
                    person=other,
                    kind="lecture",
                    hours=Decimal(2),
                    occurred_on=dt.date(2019, 1, 2),
                    title="讲座",
                )
            ],
        )


def test_running_the_same_file_again_changes_nothing(personas: Personas, tmp_path: Path) -> None:
    p = personas.person
    path = write_xlsx(
        tmp_path / "重复运行.xlsx",
        [row(p), row(p, occurred_on="2019-04-01"), row(p, record_number="N-7", hours="2")],
    )
    assert migrate(personas.province, path).counts == counts(created=3)
    log = LedgerEntry.objects.count()

    again = migrate(personas.province, path)

    assert again.status == LegacyFile.Status.DONE
    assert again.counts == counts(unchanged=3)
    assert len(migrated()) == 3
    assert LedgerEntry.objects.count() == log


def test_a_recorded_number_with_other_content_is_a_conflict_never_overwritten(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas.person
    first = write_xlsx(tmp_path / "第一批.xlsx", [row(p, record_number="N-7", hours="2")])
    assert migrate(personas.province, first).counts == counts(created=1)
    second = write_xlsx(tmp_path / "第二批.xlsx", [row(p, record_number="N-7", hours="4")])

    lf = migrate(personas.province, second)

    assert lf.counts == counts(conflicts=1)
    assert report_rows(lf)[1][1:] == [
        "学时",
        "4",
        "该原记录编号已迁移，学时为“2.0”，与本行“4.0”不一致，未覆盖",
    ]
    assert [r.hours for r in migrated()] == [Decimal("2.0")]


def test_a_record_repeated_in_the_file_is_a_conflict(personas: Personas, tmp_path: Path) -> None:
    p = personas.person
    path = write_xlsx(
        tmp_path / "文件内重复.xlsx",
        [row(p), row(p), row(p, record_number="A1"), row(p, record_number="A1", hours="3")],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, conflicts=2)
    rules = {int(r[0]): r[3] for r in report_rows(lf)[1:]}
    assert rules == {
        3: "文件中学时记录重复（与第2行相同），未导入",
        5: "文件中学时记录重复（与第4行相同），未导入",
    }


def test_rows_are_reported_in_file_order_across_batches(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hours_kind, "BATCH", 3)
    p = personas.person
    rows = [row(p, record_number=f"B{i}", hours=str(i % 5 + 1)) for i in range(10)]
    rows[1][4] = "x"  # row 3
    rows[6][0] = "别人"  # row 8
    rows[8][4] = "-1"  # row 10
    path = write_xlsx(tmp_path / "分批.xlsx", rows)

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=7, conflicts=1, errors=2), why(lf)
    assert [int(r[0]) for r in report_rows(lf)[1:]] == [3, 8, 10]
    assert len(migrated()) == 7
    indexes = [r.ledger_index for r in migrated()]
    assert indexes == list(range(indexes[0], indexes[0] + 7))


# Dry run, all or nothing, good rows ------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_reports_the_counts(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "预检.xlsx", [row(personas.person), row(personas.person, hours="")]
    )
    log = LedgerEntry.objects.count()

    lf = migrate(personas.province, path, dry_run=True, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.status == LegacyFile.Status.CHECKED
    assert lf.counts == counts(created=1, errors=1)
    assert not migrated()
    assert LedgerEntry.objects.count() == log


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "全有全无.xlsx", [row(personas.person), row(personas.person, kind="")]
    )
    log = LedgerEntry.objects.count()

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.FAILED
    assert not migrated()
    assert LedgerEntry.objects.count() == log


# Provenance, proofs, compliance ----------------------------------------------------------------


def test_the_file_has_one_audit_entry_and_each_record_names_its_file_and_row(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "溯源.xlsx", [row(personas.person), row(personas.person, hours="2")]
    )
    lf = migrate(personas.province, path)

    entries = AuditEntry.objects.filter(target_type="legacy_file", target_id=str(lf.public_id))
    assert entries.count() == 1
    assert lf.sha256 in entries.get().note
    assert not AuditEntry.objects.filter(target_type="study_record").exists()
    record = migrated()[1]
    client = Client()
    client.login(username=personas.county_a.username, password=PASSWORD)
    page = client.get(reverse("hours:record_detail", args=[record.public_id])).content.decode()
    assert "历史数据迁移：溯源.xlsx 第3行" in page
    assert "迁移人" in page
    assert "存证序号 / 迁入时间" in page


def test_migrated_hours_verify_offline_and_their_proof_says_they_were_migrated(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "核验.xlsx", [row(personas.person, record_number="XS-1")])
    migrate(personas.province, path)
    record = migrated()[0]

    bundle = hours.proof_bundle(record)
    vkey = ledger.public_vkey()
    assert verify_bundle(bundle, vkey).ok
    opening = bundle["opening"]
    assert opening["fields"]["source"] == "migrated"
    assert opening["fields"]["date"] == "2019-03-05"
    assert hours.commitment(bytes.fromhex(opening["salt"]), opening["fields"]) == record.commitment
    saved = tmp_path / "bundle.json"
    saved.write_text(json.dumps(bundle))
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "cqo.ledger", "verify", str(saved), "--key", vkey],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "origin     migrated from an archive: studied on 2019-03-05" in out.stdout
    client = Client()
    client.login(username=personas.county_a.username, password=PASSWORD)
    pdf = client.get(reverse("hours:record_proof_pdf", args=[record.public_id]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_the_printed_proof_says_the_record_was_migrated(personas: Personas, tmp_path: Path) -> None:
    from cqo.hours import printing

    path = write_xlsx(tmp_path / "证明.xlsx", [row(personas.person, record_number="XS-9")])
    migrate(personas.province, path)
    record = migrated()[0]
    context = printing.proof_context(
        record,
        hours.proof_bundle(record),
        verify_url="https://example.invalid/v",
        printed_at=record.created_at,
    )
    from django.template.loader import render_to_string

    html = render_to_string(printing.TEMPLATE, context)
    assert "由本平台启用前的学时档案迁移而来" in html
    assert "原记录编号：XS-9" in html
    assert "历史数据迁移" in html  # 记录来源


def test_migrated_hours_count_in_the_year_they_were_studied(
    personas: Personas, tmp_path: Path
) -> None:
    p = personas.person
    path = write_xlsx(
        tmp_path / "年度.xlsx",
        [row(p, occurred_on="2019-03-05", hours="8"), row(p, occurred_on="2021-10-01", hours="6")],
    )
    migrate(personas.province, path)

    by_year = {
        year: sum(
            (r.hours for r in StudyRecord.objects.filter(person=p, occurred_on__year=year)),
            Decimal(0),
        )
        for year in (2019, 2021, 2026)
    }
    assert by_year == {2019: Decimal(8), 2021: Decimal(6), 2026: Decimal(0)}
    counted = {
        year: sum((r.hours for r in hours_selectors.records_of(p, year)), Decimal(0))
        for year in (2019, 2021, 2026)
    }
    assert counted == {2019: Decimal(8), 2021: Decimal(6), 2026: Decimal(0)}


def test_the_template_explains_each_column(personas: Personas) -> None:
    data = legacy.legacy_template(kind=KIND)
    book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(data))
    assert book.get_sheet_by_index(0).to_python()[0] == HEADER
    notes = book.get_sheet_by_index(1).to_python()
    assert [n[0] for n in notes[1 : len(HEADER) + 1]] == [h.rstrip("*") for h in HEADER]
