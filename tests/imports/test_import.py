"""The official enterprise-list import: rows checked, upserted by USCC, all or nothing."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.files import File
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.imports import rules, selectors, services
from cqo.imports.models import EnterpriseList
from cqo.lib.codes import make_uscc
from cqo.reference import validators
from cqo.registry.models import Enterprise
from cqo.test import COUNTY_A, COUNTY_B, new_uscc
from tests.imports.conftest import HEADER, write_csv, write_xlsx

AS_OF = dt.date(2026, 1, 31)


def row(uscc: str, **kw: Any) -> list[Any]:
    values = {
        "name": "西安名录测试有限公司",
        "region": COUNTY_A,
        "industry": "34",
        "size": "中型",
        "above_scale": "是",
        "above_scale_year": "2025",
        "quality_award": "",
        "quality_award_year": "",
        "licence": "",
        "employees": "120",
        "nature": "民营",
        "address": "陕西省西安市雁塔区科技路9号",
    }
    values.update(kw)
    return [uscc, *values.values()]


def run(actor: Any, path: Path, **kw: Any) -> EnterpriseList:
    with open(path, "rb") as handle:
        lst = services.list_create(
            actor=actor,
            upload=File(handle, name=path.name),
            as_of=kw.pop("as_of", AS_OF),
            region=kw.pop("region", None),
            start=False,
            **kw,
        )
    return services.run_import(lst.pk)


def report_rows(lst: EnterpriseList) -> list[list[Any]]:
    sheet = CalamineWorkbook.from_path(lst.error_report.path).get_sheet_by_index(0)
    return sheet.to_python()


@pytest.mark.django_db
class TestGoodFiles:
    def test_it_creates_and_updates_by_uscc_from_xlsx(self, personas: Any, tmp_path: Path) -> None:
        existing = personas.enterprise_a
        new = new_uscc()
        path = write_xlsx(
            tmp_path / "list.xlsx",
            [
                row(new, name="新登记企业"),
                row(existing.uscc, name="改名后的企业", size="large", employees=999.0),
            ],
        )
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.DONE, lst.message
        assert (lst.rows_total, lst.rows_ok, lst.rows_bad) == (2, 2, 0)
        assert (lst.created_count, lst.updated_count) == (1, 1)
        created = Enterprise.objects.get(uscc=new)
        assert created.name == "新登记企业"
        assert created.size == "medium" and created.above_scale and created.above_scale_year == 2025
        assert created.nature == "private" and created.employees == 120
        assert created.last_list == lst
        existing.refresh_from_db()
        assert existing.name == "改名后的企业" and existing.size == "large"
        assert existing.employees == 999 and existing.last_list == lst
        # CQO data untouched
        assert existing.responsible_mobile_masked and existing.website
        assert list(selectors.list_created(lst)) == [created]
        assert selectors.list_enterprises(lst).count() == 2
        assert selectors.current_list(region_code=COUNTY_A) == lst

    def test_it_imports_csv_in_utf8_and_gb18030(self, personas: Any, tmp_path: Path) -> None:
        for encoding in ("utf-8", "utf-8-sig", "gb18030"):
            uscc = new_uscc()
            path = write_csv(tmp_path / f"{encoding}.csv", [row(uscc)], encoding=encoding)
            lst = run(personas.county_a, path)
            assert lst.status == EnterpriseList.Status.DONE, (encoding, lst.message)
            assert Enterprise.objects.get(uscc=uscc).name == "西安名录测试有限公司"

    def test_it_accepts_english_headers_and_only_required_columns(
        self, personas: Any, tmp_path: Path
    ) -> None:
        uscc = new_uscc()
        path = write_csv(
            tmp_path / "en.csv",
            [[uscc, "Minimal Co", COUNTY_A, "C3411", "small"]],
            header=["USCC", "name", " Region ", "industry", "SIZE"],
        )
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.DONE, lst.message
        ent = Enterprise.objects.get(uscc=uscc)
        assert ent.industry_id == "34" and ent.size == "small" and not ent.above_scale

    def test_it_audits_one_entry_per_import(self, personas: Any, tmp_path: Path) -> None:
        lst = run(personas.county_a, write_xlsx(tmp_path / "a.xlsx", [row(new_uscc())]))
        entry = AuditEntry.objects.get(target_type="enterprise_list")
        assert entry.action == "create" and entry.target_id == str(lst.public_id)
        assert entry.changes["sha256"][1] == lst.sha256
        assert entry.changes["created"][1] == 1

    def test_it_reads_formula_cached_values(self, personas: Any, tmp_path: Path) -> None:
        uscc = new_uscc()
        path = tmp_path / "formula.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADER)
        sheet.write_formula(1, 0, f'="{uscc}"', None, uscc)
        sheet.write_row(1, 1, row(uscc)[1:])
        book.close()
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.DONE, lst.message
        assert Enterprise.objects.filter(uscc=uscc).exists()

    def test_it_skips_title_rows_empty_rows_and_fills_merged_cells(
        self, personas: Any, tmp_path: Path
    ) -> None:
        a, b = new_uscc(), new_uscc()
        path = tmp_path / "merged.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet()
        sheet.merge_range(0, 0, 0, 12, "雁塔区规模以上工业企业名录（2026年1月）")
        sheet.write_row(2, 0, HEADER)
        sheet.write_row(3, 0, row(a))
        sheet.write_row(5, 0, row(b))  # row 5 (Excel) is empty
        sheet.merge_range(3, 2, 5, 2, COUNTY_A)  # the region merged over both rows
        book.close()
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.DONE, lst.message
        assert lst.rows_total == 2
        assert Enterprise.objects.filter(uscc__in=[a, b], region_id=COUNTY_A).count() == 2

    def test_it_normalises_full_width_input(self, personas: Any, tmp_path: Path) -> None:
        uscc = new_uscc()
        wide = "".join(chr(ord(c) + 0xFEE0) for c in uscc)
        path = write_xlsx(
            tmp_path / "wide.xlsx",
            [row(wide, region="６１０１１３", industry="３４", size="ＭＥＤＩＵＭ")],
            header=[f"　{h}　" for h in HEADER],
        )
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.DONE, lst.message
        assert Enterprise.objects.get(uscc=uscc).size == "medium"


@pytest.mark.django_db
class TestBadFiles:
    def test_it_writes_nothing_when_a_row_is_bad(self, personas: Any, tmp_path: Path) -> None:
        good = new_uscc()
        bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
        path = write_xlsx(
            tmp_path / "bad.xlsx",
            [
                row(good),
                row(bad_check),
                row(new_uscc(), region="999999", industry="99", size="巨型", above_scale="也许"),
            ],
        )
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.FAILED
        assert (lst.rows_total, lst.rows_bad, lst.rows_ok, lst.created_count) == (3, 2, 0, 0)
        assert not Enterprise.objects.filter(uscc=good).exists()
        rows = report_rows(lst)
        assert rows[0] == ["行号", "列", "值", "违反的规则"]
        by_cell = {(int(r[0]), r[1]): (r[2], r[3]) for r in rows[1:]}
        assert by_cell[(3, "统一社会信用代码")] == (
            bad_check,
            "统一社会信用代码校验位错误（GB 32100-2015）",
        )
        assert by_cell[(4, "所属行政区划代码")][1] == "行政区划代码不存在（GB/T 2260）"
        assert (4, "行业代码") in by_cell and (4, "企业规模") in by_cell
        assert (4, "规模以上企业") in by_cell
        assert "2" in lst.message

    def test_it_imports_only_good_rows_in_good_rows_mode(
        self, personas: Any, tmp_path: Path
    ) -> None:
        good = new_uscc()
        path = write_xlsx(tmp_path / "mixed.xlsx", [row(good), row("91610113MA6TXXXX0X")])
        lst = run(personas.county_a, path, mode=EnterpriseList.Mode.GOOD_ROWS)
        assert lst.status == EnterpriseList.Status.DONE
        assert (lst.rows_ok, lst.rows_bad, lst.created_count) == (1, 1, 1)
        assert Enterprise.objects.filter(uscc=good).exists()
        assert [r[0] for r in report_rows(lst)[1:]] == [3.0]

    def test_it_reports_duplicate_usccs_on_the_later_row(
        self, personas: Any, tmp_path: Path
    ) -> None:
        uscc = new_uscc()
        path = write_csv(tmp_path / "dup.csv", [row(uscc), row(new_uscc()), row(uscc)])
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.FAILED and lst.rows_bad == 1
        (line,) = report_rows(lst)[1:]
        assert line[0] == 4 and "第2行" in line[3]

    def test_it_refuses_a_region_outside_the_importers_scope(
        self, personas: Any, tmp_path: Path
    ) -> None:
        uscc = new_uscc(COUNTY_B)
        path = write_xlsx(tmp_path / "other.xlsx", [row(uscc, region=COUNTY_B)])
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.FAILED
        assert "辖区" in report_rows(lst)[1][3]
        assert not Enterprise.objects.filter(uscc=uscc).exists()

    def test_it_refuses_to_move_an_enterprise_registered_elsewhere(
        self, personas: Any, tmp_path: Path
    ) -> None:
        other = personas.enterprise_b  # registered in county B
        path = write_xlsx(tmp_path / "steal.xlsx", [row(other.uscc, name="被改名")])
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.FAILED
        other.refresh_from_db()
        assert other.name != "被改名" and other.region_id == COUNTY_B

    def test_it_refuses_a_list_region_outside_the_regulators_own(self, personas: Any) -> None:
        from django.core.exceptions import ValidationError
        from django.core.files.uploadedfile import SimpleUploadedFile

        with pytest.raises(ValidationError) as exc:
            services.list_create(
                actor=personas.county_a,
                upload=SimpleUploadedFile("x.csv", b"a,b\n"),
                as_of=AS_OF,
                region=COUNTY_B,
                start=False,
            )
        assert "region" in exc.value.message_dict

    def test_it_names_the_expected_columns_for_a_wrong_header(
        self, personas: Any, tmp_path: Path
    ) -> None:
        path = write_xlsx(tmp_path / "wrong.xlsx", [["x", "y"]], header=["代码", "名字"])
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.FAILED
        assert "统一社会信用代码" in lst.message and "企业规模" in lst.message
        assert not lst.error_report

    def test_it_names_a_missing_required_column(self, personas: Any, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "missing.csv", [row(new_uscc())[:4]], header=HEADER[:4])
        lst = run(personas.county_a, path)
        assert lst.status == EnterpriseList.Status.FAILED
        assert "表头缺少必填列：企业规模" in lst.message

    def test_it_fails_an_empty_file_and_a_header_only_file(
        self, personas: Any, tmp_path: Path
    ) -> None:
        from django.core.exceptions import ValidationError

        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        with pytest.raises(ValidationError):
            run(personas.county_a, empty)
        blank = write_xlsx(tmp_path / "blank.xlsx", [], header=[])
        assert "没有内容" in run(personas.county_a, blank).message
        header_only = write_xlsx(tmp_path / "header.xlsx", [])
        lst = run(personas.county_a, header_only)
        assert lst.status == EnterpriseList.Status.FAILED and "没有数据行" in lst.message

    def test_it_refuses_a_numeric_uscc_and_an_award_without_year(
        self, personas: Any, tmp_path: Path
    ) -> None:
        path = write_xlsx(
            tmp_path / "n.xlsx",
            [row(123456789012345678.0), row(new_uscc(), quality_award="政府质量奖")],
        )
        lst = run(personas.county_a, path)
        rules_broken = [r[3] for r in report_rows(lst)[1:]]
        assert any("文本格式" in r for r in rules_broken)
        assert "填写政府质量奖时须填写获奖年度" in rules_broken


class TestRules:
    def test_the_fast_uscc_check_agrees_with_the_validator(self) -> None:
        rng = random.Random(5)  # noqa: S311 (seeded test data)
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXYIOZSV"
        samples = [make_uscc("610113", rng) for _ in range(300)]
        for good in list(samples):
            for _ in range(5):  # single-character mutations: most break a check character
                i = rng.randrange(18)
                samples.append(good[:i] + rng.choice(alphabet) + good[i + 1 :])
        for value in samples:
            try:
                validators.validate_uscc(value)
                expected = True
            except Exception:
                expected = False
            assert rules.uscc_fast(value) == expected, value

    @pytest.mark.parametrize(
        ("cell", "text"),
        [
            (None, ""),
            (34.0, "34"),
            ("  ９１  ", "91"),
            (True, "1"),
            (dt.date(2025, 1, 2), "2025-01-02"),
        ],
    )
    def test_cell_text(self, cell: Any, text: str) -> None:
        assert rules.cell_text(cell) == text

    def test_header_matching_tolerates_notes_and_spaces(self) -> None:
        header = rules.match_header(
            [
                "统一社会信用代码*",
                "单位 名称",
                "所属行政区划代码（必填）",
                "行业代码",
                "企业规模",
                "备注",
            ]
        )
        assert header.positions["name"] == 1 and header.ignored == ["备注"]


@pytest.mark.django_db
class TestWorkers:
    def test_it_queues_the_import_for_a_worker_when_a_broker_is_configured(
        self, personas: Any, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from cqo.imports import tasks

        settings.CQO_IMPORTS_INLINE = False
        settings.CELERY_TASK_ALWAYS_EAGER = False
        queued: list[int] = []
        monkeypatch.setattr(tasks.run_import, "delay", queued.append)
        services.launch(42)
        assert queued == [42]

    def test_a_redelivered_job_restarts_a_list_its_dead_worker_left_running(
        self, personas: Any, tmp_path: Path
    ) -> None:
        from cqo.imports import tasks

        path = write_xlsx(tmp_path / "list.xlsx", [row(new_uscc())])
        with open(path, "rb") as handle:
            lst = services.list_create(
                actor=personas.county_a,
                upload=File(handle, name=path.name),
                as_of=AS_OF,
                region=None,
                start=False,
            )
        # the worker claimed it, then died: its transaction (every row) rolled back
        EnterpriseList.objects.filter(pk=lst.pk).update(status=EnterpriseList.Status.RUNNING)
        assert services.run_import(lst.pk).status == EnterpriseList.Status.RUNNING
        assert tasks.run_import.apply(args=[lst.pk]).get() == EnterpriseList.Status.RUNNING
        # what a worker sees when the broker hands it a job whose first worker was lost
        tasks.run_import.push_request(delivery_info={"redelivered": True})
        try:
            assert tasks.run_import(lst.pk) == EnterpriseList.Status.DONE
        finally:
            tasks.run_import.pop_request()
        lst.refresh_from_db()
        assert (lst.status, lst.created_count) == (EnterpriseList.Status.DONE, 1)
