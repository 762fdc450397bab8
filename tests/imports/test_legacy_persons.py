"""Migrating a province's existing register of persons (issue 23): the file checked row by row
with the registry's rules, a dry run, all-or-nothing or good rows, idempotent re-runs, conflicts
reported with both values, provenance per record and one audit entry per file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.imports.legacy import services as legacy
from cqo.imports.legacy.models import LegacyFile, LegacyOrigin
from cqo.imports.legacy.selectors import legacy_origin
from cqo.registry import services as registry
from cqo.registry.models import Person
from cqo.test import COUNTY_A, COUNTY_B, Personas, new_id_number, person_data
from tests.imports import legacy_files as files

HEADER = ["姓名*", "身份证号*", "手机", "学历*", "职务", "职称", "行政区划代码*", "质量工作年限"]


@pytest.fixture
def reader_mode() -> str:
    """The migration reads every file in this process: no second run with the sliced reader."""
    return "whole"


def row(**overrides: Any) -> list[Any]:
    values = {
        "name": "张伟",
        "id_number": new_id_number(COUNTY_A),
        "mobile": "13900139000",
        "education": "本科",
        "position": "质量总监",
        "title": "高级工程师",
        "region": COUNTY_A,
        "quality_years": "12年",
    }
    values.update(overrides)
    return list(values.values())


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> Path:
    return files.write_xlsx(path, rows, header, sheet="人员")


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    return files.write_csv(path, rows, HEADER, encoding=encoding)


def migrate(
    actor: Any,
    path: Path,
    *,
    dry_run: bool = False,
    mode: str = LegacyFile.Mode.ALL_OR_NOTHING,
    kind: str = LegacyFile.Kind.PERSONS,
) -> LegacyFile:
    return files.migrate(actor, path, kind=kind, dry_run=dry_run, mode=mode)


report_rows = files.report_rows


def why(lf: LegacyFile) -> str:
    """The file's outcome for an assertion message: its message and its error report."""
    return f"{lf.message} {report_rows(lf)[1:] if lf.error_report else ''}"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


# Reading the file ------------------------------------------------------------------------------


def test_it_migrates_the_persons_of_an_xlsx(personas: Personas, tmp_path: Path) -> None:
    first, second = new_id_number(COUNTY_A), new_id_number(COUNTY_B)
    path = write_xlsx(
        tmp_path / "陕西人员.xlsx",
        [row(id_number=first), row(name="刘芳", id_number=second, region=COUNTY_B, mobile="")],
    )
    before = Person.objects.count()

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.DONE, why(lf)
    assert lf.counts == {"created": 2, "unchanged": 0, "conflicts": 0, "errors": 0}
    assert lf.rows == 2
    assert Person.objects.count() == before + 2
    zhang = Person.objects.get(name="张伟")
    assert zhang.id_number == first
    assert zhang.user is None
    assert (zhang.education, zhang.region_id, zhang.quality_years) == ("bachelor", COUNTY_A, 12)
    assert (zhang.position, zhang.title, zhang.mobile) == ("质量总监", "高级工程师", "13900139000")
    # an archive without a mobile is taken; the filing asks for it later
    assert Person.objects.get(name="刘芳").mobile == ""


def test_it_refuses_a_file_without_a_required_column(personas: Personas, tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "学历*"]
    path = write_xlsx(tmp_path / "缺列.xlsx", [row()[:3] + row()[4:]], header=header)

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.FAILED
    assert "表头缺少必填列：学历" in lf.message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_reads_csv_in_utf8_and_gb18030(
    personas: Personas, tmp_path: Path, encoding: str
) -> None:
    number = new_id_number(COUNTY_A)
    path = write_csv(tmp_path / "人员.csv", [row(name="欧阳娜娜", id_number=number)], encoding)

    lf = migrate(personas.province, path)

    assert lf.counts["created"] == 1, why(lf)
    assert Person.objects.get(name="欧阳娜娜").id_number == number


def test_it_converts_a_15_digit_id_number(personas: Personas, tmp_path: Path) -> None:
    number = new_id_number(COUNTY_A, dt.date(1988, 8, 9))
    old = number[:6] + number[8:17]  # the 1989 form: two-digit year, no check character
    path = write_xlsx(tmp_path / "旧号码.xlsx", [row(name="陈旧", id_number=old)])

    lf = migrate(personas.province, path)

    assert lf.counts["created"] == 1, why(lf)
    person = Person.objects.get(name="陈旧")
    assert person.id_number == number
    assert person.birth_date == dt.date(1988, 8, 9)
    note = AuditEntry.objects.get(target_type="person", target_id=str(person.public_id)).note
    assert "15位身份证号已按GB 11643-1999转换为18位" in note


def test_it_reads_full_width_digits(personas: Personas, tmp_path: Path) -> None:
    number = new_id_number(COUNTY_A)
    path = write_xlsx(
        tmp_path / "全角.xlsx",
        [
            row(
                name="王全角",
                id_number=full_width(number),
                mobile=full_width("13700137000"),
                region=full_width(COUNTY_A),
                quality_years=full_width("7"),
            )
        ],
    )

    lf = migrate(personas.province, path)

    assert lf.counts["created"] == 1, why(lf)
    person = Person.objects.get(name="王全角")
    assert (person.id_number, person.mobile) == (number, "13700137000")
    assert (person.region_id, person.quality_years) == (COUNTY_A, 7)


def test_it_reads_numbers_stored_as_numbers(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "数字.xlsx",
        [row(name="赵数", mobile=13600136000, region=int(COUNTY_A), quality_years=5)],
    )

    lf = migrate(personas.province, path)

    assert lf.counts["created"] == 1, why(lf)
    person = Person.objects.get(name="赵数")
    assert (person.mobile, person.region_id, person.quality_years) == (
        "13600136000",
        COUNTY_A,
        5,
    )


# Checking with the registry's rules -------------------------------------------------------------


def test_it_checks_rows_with_the_registry_rules(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "错误.xlsx",
        [
            row(name="张3"),  # the registry's name rule
            row(id_number="610113198503141234"),  # check character
            row(education="研究生"),  # not guessed: a master's or a doctorate
            row(mobile="1234"),
            row(region="999999"),
            row(quality_years="很多"),
        ],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == {"created": 0, "unchanged": 0, "conflicts": 0, "errors": 6}
    rules = {r[0]: (r[1], r[3]) for r in report_rows(lf)[1:]}
    assert rules[2] == ("姓名", "姓名只能包含汉字（含生僻字）、字母、间隔号“·”")
    assert rules[3][0] == "身份证号" and "校验位" in rules[3][1]
    assert rules[4][0] == "学历"
    assert rules[5][0] == "手机"
    assert rules[6] == ("行政区划代码", "行政区划代码不存在（GB/T 2260）")
    assert rules[7] == ("质量工作年限", "质量工作年限应为0–60之间的整数")


def test_gender_and_birth_date_when_given_must_agree_with_the_id_number(
    personas: Personas, tmp_path: Path
) -> None:
    number = new_id_number(COUNTY_A, dt.date(1986, 3, 5), gender="F")
    header = [*HEADER, "性别", "出生日期"]
    path = write_xlsx(
        tmp_path / "性别生日.xlsx",
        [
            [*row(name="孙女士", id_number=number), "女", "1986年3月5日"],
            [*row(), "女", ""],  # a man's number
            [*row(), "", "1986.3.5"],  # another birth date
            [*row(), "未知", ""],
        ],
        header=header,
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == {"created": 1, "unchanged": 0, "conflicts": 0, "errors": 3}, why(lf)
    assert Person.objects.get(name="孙女士").gender == "F"
    rules = {r[0]: (r[1], r[3]) for r in report_rows(lf)[1:]}
    assert rules[3] == ("性别", "性别与身份证号码（第17位）不一致")
    assert rules[4] == ("出生日期", "出生日期与身份证号码（第7–14位）不一致")
    assert rules[5] == ("性别", "性别应填写“男”或“女”")


def test_the_error_report_lists_row_column_value_and_rule(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "报告.xlsx",
        [row(), row(id_number="12345"), row(), row(education="私塾")],
    )

    lf = migrate(personas.province, path)

    assert lf.error_report
    rows = report_rows(lf)
    assert rows[0] == ["行号", "列", "值", "违反的规则"]
    assert [r[:3] for r in rows[1:]] == [[3.0, "身份证号", "12345"], [5.0, "学历", "私塾"]]
    assert "18 位" in rows[1][3]
    assert rows[2][3] == "学历应填写：高中及以下、大专、本科、硕士或博士"


# Dry run, all-or-nothing, good rows ------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_reports_the_counts(
    personas: Personas, tmp_path: Path
) -> None:
    registered = personas.person
    path = write_xlsx(
        tmp_path / "试运行.xlsx",
        [row(), row(name=registered.name, id_number=registered.id_number), row(), row(mobile="1")],
    )
    persons, entries = Person.objects.count(), AuditEntry.objects.filter(target_type="person")

    lf = migrate(personas.province, path, dry_run=True, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.status == LegacyFile.Status.CHECKED
    assert lf.counts == {"created": 2, "unchanged": 1, "conflicts": 0, "errors": 1}
    assert "仅检查，未写入" in lf.message
    assert Person.objects.count() == persons
    assert not LegacyOrigin.objects.exists()
    assert entries.count() == 1  # the persona's own registration only
    assert [r[0] for r in report_rows(lf)[1:]] == [5.0]


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "全部.xlsx", [row(), row(), row(education="")])
    persons = Person.objects.count()

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.FAILED
    assert lf.counts == {"created": 0, "unchanged": 0, "conflicts": 0, "errors": 1}
    assert "全部未导入" in lf.message
    assert Person.objects.count() == persons
    assert not LegacyOrigin.objects.exists()


def test_good_rows_writes_only_the_good_rows(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "部分.xlsx", [row(name="甲某"), row(education=""), row(name="丙某")]
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.status == LegacyFile.Status.DONE
    assert lf.counts == {"created": 2, "unchanged": 0, "conflicts": 0, "errors": 1}
    assert set(Person.objects.filter(name__in=["甲某", "丙某"]).values_list("name", flat=True)) == {
        "甲某",
        "丙某",
    }
    assert sorted(LegacyOrigin.objects.values_list("row", flat=True)) == [2, 4]


# Re-runs and conflicts -------------------------------------------------------------------------


def test_running_the_same_file_again_changes_nothing(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "重复导入.xlsx", [row(name="甲某"), row(name="乙某")])
    first = migrate(personas.province, path)
    persons, origins = Person.objects.count(), LegacyOrigin.objects.count()
    updated = {p.pk: p.updated_at for p in Person.objects.all()}

    again = migrate(personas.province, path)

    assert first.counts["created"] == 2
    assert again.sha256 == first.sha256
    assert again.status == LegacyFile.Status.DONE
    assert again.counts == {"created": 0, "unchanged": 2, "conflicts": 0, "errors": 0}
    assert (Person.objects.count(), LegacyOrigin.objects.count()) == (persons, origins)
    assert {p.pk: p.updated_at for p in Person.objects.all()} == updated


def test_a_registered_id_number_with_another_name_is_a_conflict(
    personas: Personas, tmp_path: Path
) -> None:
    registered = personas.person
    path = write_xlsx(tmp_path / "冲突.xlsx", [row(name="王冒名", id_number=registered.id_number)])

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == {"created": 0, "unchanged": 0, "conflicts": 1, "errors": 0}
    registered.refresh_from_db()
    assert registered.name == "李堃"
    [_head, line] = report_rows(lf)
    assert line[:3] == [2.0, "姓名", "王冒名"]
    assert "李堃" in line[3] and "王冒名" in line[3] and "未覆盖" in line[3]


def test_a_conflict_outside_the_scope_does_not_show_the_registered_name(
    personas: Personas, tmp_path: Path
) -> None:
    _user, elsewhere = registry.person_register(
        details=registry.PersonDetails(
            **person_data(
                name="江南人",
                id_number=new_id_number("320102"),
                region="320102",
                username="jiangsu_cqo",
                password="Cqo-test-2026!",
            )
        )
    )
    path = write_xlsx(tmp_path / "外省.xlsx", [row(name="陕西人", id_number=elsewhere.id_number)])

    lf = migrate(personas.province, path)

    assert lf.counts["conflicts"] == 1
    rule = report_rows(lf)[1][3]
    assert "辖区外" in rule
    assert "江南人" not in rule


def test_a_registered_id_number_with_another_birth_date_is_a_conflict(
    personas: Personas, tmp_path: Path
) -> None:
    registered = personas.person
    # a record whose birth date drifted from its ID number (an older system's edit)
    Person.objects.filter(pk=registered.pk).update(birth_date=dt.date(1985, 1, 1))
    path = write_xlsx(tmp_path / "生日.xlsx", [row(name="李堃", id_number=registered.id_number)])

    lf = migrate(personas.province, path)

    assert lf.counts["conflicts"] == 1
    rule = report_rows(lf)[1][3]
    assert "1985-01-01" in rule and registered.id_number[6:10] in rule


def test_an_id_number_repeated_in_the_file_is_a_conflict(
    personas: Personas, tmp_path: Path
) -> None:
    number = new_id_number(COUNTY_A)
    path = write_xlsx(
        tmp_path / "文件内重复.xlsx",
        [row(name="甲某", id_number=number), row(), row(name="甲某", id_number=number)],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == {"created": 2, "unchanged": 0, "conflicts": 1, "errors": 0}
    assert Person.objects.filter(name="甲某").count() == 1
    [_head, line] = report_rows(lf)
    assert line[:2] == [4.0, "身份证号"]
    assert "与第2行相同" in line[3]


# Provenance ------------------------------------------------------------------------------------


def test_each_created_record_keeps_its_file_row_and_the_file_is_audited_once(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "来源.xlsx", [row(name="甲某"), row(), row(name="乙某")])
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()

    lf = migrate(personas.province, path)

    origins = {o.row: o for o in LegacyOrigin.objects.filter(file=lf)}
    assert sorted(origins) == [2, 3, 4]
    jia = Person.objects.get(name="甲某")
    assert (origins[2].target_type, origins[2].target_id) == ("person", str(jia.public_id))
    found = legacy_origin(target_type="person", target_id=str(jia.public_id))
    assert found is not None and found.file.uploaded_by == personas.province
    assert found.file.finished_at is not None
    assert legacy_origin(target_type="person", target_id=str(personas.person.public_id)) is None
    [entry] = AuditEntry.objects.filter(target_type="legacy_file")
    assert entry.target_id == str(lf.public_id)
    assert entry.actor_id == personas.province.pk
    assert entry.changes["sha256"] == [None, sha256]
    assert entry.changes["created"] == [None, 3]
    assert sha256 in entry.note and "来源.xlsx" in entry.note and "人员" in entry.note
    person_entry = AuditEntry.objects.get(target_type="person", target_id=str(jia.public_id))
    assert person_entry.actor_id == personas.province.pk
    assert person_entry.note == "历史数据迁移：来源.xlsx 第2行"


def test_a_run_killed_half_way_leaves_nothing_behind(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqo.imports.legacy import persons as persons_kind

    monkeypatch.setattr(persons_kind, "BATCH", 2)
    path = write_xlsx(tmp_path / "中断.xlsx", [row(), row(), row(), row(), row()])
    real = registry.persons_migrate
    calls = []

    def dies_on_the_second_batch(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(**kwargs)

    monkeypatch.setattr(registry, "persons_migrate", dies_on_the_second_batch)
    persons = Person.objects.count()

    with pytest.raises(RuntimeError):
        migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert len(calls) == 2  # the first batch was written, in the file's transaction
    assert Person.objects.count() == persons
    assert not LegacyOrigin.objects.exists()
    assert not AuditEntry.objects.filter(note__startswith="历史数据迁移").exists()
    lf = LegacyFile.objects.get()
    assert lf.status == LegacyFile.Status.FAILED
    assert lf.counts["created"] == 0


def test_rows_are_reported_in_file_order_across_batches(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqo.imports.legacy import persons as persons_kind

    monkeypatch.setattr(persons_kind, "BATCH", 3)
    rows = [row() for _ in range(8)]
    wrong = "0" if rows[1][1][-1] != "0" else "1"
    rows[1][1] = rows[1][1][:-1] + wrong  # row 3: a wrong check character
    rows[4][1] = rows[2][1]  # row 6 repeats row 4
    rows[6][6] = "320102"  # row 8: outside the province
    path = write_xlsx(tmp_path / "分批.xlsx", rows)

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == {"created": 5, "unchanged": 0, "conflicts": 1, "errors": 2}, why(lf)
    assert [int(r[0]) for r in report_rows(lf)[1:]] == [3, 6, 8]
    assert LegacyOrigin.objects.filter(file=lf).count() == 5


def test_a_batch_costs_the_same_statements_however_many_rows_it_holds(
    personas: Personas, tmp_path: Path
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(name: str, n: int) -> int:
        path = write_xlsx(tmp_path / f"{name}.xlsx", [row() for _ in range(n)])
        with CaptureQueriesContext(connection) as captured:
            lf = migrate(personas.province, path)
        assert lf.counts["created"] == n, why(lf)
        return sum("SAVEPOINT" not in q["sql"] for q in captured.captured_queries)

    assert statements("短", 3) == statements("长", 30)


def test_it_tells_its_progress_every_so_many_rows(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files import File

    from cqo.imports.legacy import job

    monkeypatch.setattr(job, "PROGRESS_EVERY", 2)
    path = write_xlsx(tmp_path / "进度.xlsx", [row() for _ in range(5)])
    with open(path, "rb") as handle:
        lf = legacy.legacy_create(
            actor=personas.province,
            kind=LegacyFile.Kind.PERSONS,
            upload=File(handle, name=path.name),
        )
    told: list[tuple[int, int]] = []

    lf = legacy.run_legacy(lf.pk, on_progress=lambda done, total: told.append((done, total)))

    assert told == [(2, 6), (4, 6), (6, 6), (6, 6)]
    assert (lf.progress_done, lf.progress_total) == (6, 6)
    # a second call does nothing: the file is no longer queued
    assert legacy.run_legacy(lf.pk).counts == lf.counts
    assert Person.objects.count() == 6


# Scope ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county_a", "city", "clerk_a", "cqo"])
def test_it_refuses_anyone_but_the_admin_and_a_provincial_regulator(
    personas: Personas, tmp_path: Path, who: str
) -> None:
    path = write_xlsx(tmp_path / "越权.xlsx", [row()])

    with pytest.raises(PermissionDenied):
        migrate(getattr(personas, who), path)

    assert not LegacyFile.objects.exists()


def test_the_admin_may_migrate_any_region(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "管理员.xlsx",
        [row(name="江南某", id_number=new_id_number("320102"), region="320102")],
    )

    lf = migrate(personas.admin, path)

    assert lf.counts["created"] == 1, why(lf)


def test_a_row_outside_the_provincial_regulators_region_is_an_error(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "外省行.xlsx",
        [row(), row(name="江南某", id_number=new_id_number("320102"), region="320102")],
    )

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.FAILED
    assert lf.counts["errors"] == 1
    assert report_rows(lf)[1][:2] == [3.0, "行政区划代码"]
    assert report_rows(lf)[1][3] == "行政区划不在您的辖区内"
    assert not Person.objects.filter(region_id="320102").exists()


def test_it_refuses_a_kind_not_built_yet(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqo.imports.legacy.catalogue import KINDS

    monkeypatch.delitem(KINDS, LegacyFile.Kind.HOURS)
    path = write_xlsx(tmp_path / "学时.xlsx", [row()])

    with pytest.raises(ValidationError) as caught:
        migrate(personas.admin, path, kind=LegacyFile.Kind.HOURS)

    assert caught.value.message_dict == {"kind": ["该类数据的迁移尚未开放"]}


# The template -----------------------------------------------------------------------------------


def test_the_template_explains_each_column_and_migrates_as_it_is(
    personas: Personas, tmp_path: Path
) -> None:
    content = legacy.legacy_template(LegacyFile.Kind.PERSONS)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["人员", "填写说明"]
    header = book.get_sheet_by_name("人员").to_python()[0]
    assert header[: len(HEADER)] == HEADER
    notes = book.get_sheet_by_name("填写说明").to_python()
    assert [n[0] for n in notes[1 : len(header) + 1]] == [h.rstrip("*") for h in header]
    path = tmp_path / "模板.xlsx"
    path.write_bytes(content)

    lf = migrate(personas.province, path)

    assert lf.counts["created"] == 1, why(lf)


# The command ------------------------------------------------------------------------------------


def test_the_command_migrates_and_prints_a_progress_bar_and_a_summary(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "命令.xlsx", [row(), row()])
    out, err = io.StringIO(), io.StringIO()

    call_command("migrate_legacy", "persons", str(path), "--user", "prov", stdout=out, stderr=err)

    assert "created 2, unchanged 0, conflicts 0, errors 0" in out.getvalue()
    assert "error report" not in out.getvalue()
    assert "\r[" in err.getvalue() and "100.0%" in err.getvalue()
    assert LegacyOrigin.objects.count() == 2


def test_the_command_exits_non_zero_when_errors_stop_the_file(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "命令错误.xlsx", [row(), row(education="")])
    out = io.StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command(
            "migrate_legacy",
            "persons",
            str(path),
            "--user",
            "prov",
            stdout=out,
            stderr=io.StringIO(),
        )

    assert exited.value.code == 1
    assert "created 0, unchanged 0, conflicts 0, errors 1" in out.getvalue()
    assert "error report: " in out.getvalue()
    assert not LegacyOrigin.objects.exists()


def test_the_command_dry_run_and_good_rows(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "命令部分.xlsx", [row(), row(education="")])
    persons = Person.objects.count()

    with pytest.raises(SystemExit):
        call_command(
            "migrate_legacy",
            "persons",
            str(path),
            "--dry-run",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    out = io.StringIO()
    call_command(
        "migrate_legacy",
        "persons",
        str(path),
        "--dry-run",
        "--good-rows",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "created 1, unchanged 0, conflicts 0, errors 1" in out.getvalue()
    assert Person.objects.count() == persons

    call_command(
        "migrate_legacy", "persons", str(path), "--good-rows", stdout=out, stderr=io.StringIO()
    )
    assert Person.objects.count() == persons + 1
    # the default user is the platform admin
    assert set(LegacyFile.objects.values_list("uploaded_by", flat=True)) == {personas.admin.pk}


def test_the_command_refuses_a_county_regulator(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "县级.xlsx", [row()])

    with pytest.raises(CommandError, match="省级市场监管部门"):
        call_command(
            "migrate_legacy",
            "persons",
            str(path),
            "--user",
            "county_a",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert not LegacyFile.objects.exists()
