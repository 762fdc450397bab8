"""An over-long text in an imported list is a row error naming the column and its limit (the
limit of the Enterprise field the column fills), and nothing of the file is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cqo.imports.models import EnterpriseList
from cqo.lib import bounds
from cqo.registry.models import Enterprise
from cqo.test import new_uscc
from tests.imports.conftest import HEADER, write_csv, write_xlsx
from tests.imports.test_import import report_rows, row, run

WITH_PRODUCTS = [*HEADER, "主导产品及经营项目"]


def test_it_refuses_a_million_character_main_products_as_a_row_error(
    personas: Any, tmp_path: Path
) -> None:
    good, bad = new_uscc(), new_uscc()
    path = write_csv(
        tmp_path / "list.csv",
        [[*row(good), "精密轴承"], [*row(bad), "质" * 1_000_000]],
        header=WITH_PRODUCTS,
    )
    lst = run(personas.county_a, path)
    assert lst.status == EnterpriseList.Status.FAILED
    assert (lst.rows_total, lst.rows_bad) == (2, 1)
    assert not Enterprise.objects.filter(uscc__in=[good, bad]).exists()
    [_header, line] = report_rows(lst)
    assert line[:2] == [3.0, "主导产品及经营项目"] or line[:2] == [3, "主导产品及经营项目"]
    assert line[3] == "主导产品及经营项目不能超过 500 个字符（现有 1000000 个）"
    assert len(line[2]) == 500  # the report shows the start of the value, not all of it


def test_it_imports_main_products_within_its_limit(personas: Any, tmp_path: Path) -> None:
    uscc = new_uscc()
    text = "质" * bounds.max_length(Enterprise, "main_products")
    path = write_xlsx(tmp_path / "list.xlsx", [[*row(uscc), text]], header=WITH_PRODUCTS)
    lst = run(personas.county_a, path)
    assert lst.status == EnterpriseList.Status.DONE, lst.message
    assert Enterprise.objects.get(uscc=uscc).main_products == text


def test_it_names_the_limit_of_each_bounded_column(personas: Any, tmp_path: Path) -> None:
    uscc = new_uscc()
    path = write_xlsx(
        tmp_path / "list.xlsx",
        [row(uscc, name="名" * 201, licence="L" * 61, address="址" * 301)],
    )
    lst = run(personas.county_a, path)
    rules = {line[1]: line[3] for line in report_rows(lst)[1:]}
    assert rules == {
        "单位名称": "单位名称不能超过 200 个字符（现有 201 个）",
        "特种设备生产许可证号": "特种设备生产许可证号不能超过 60 个字符（现有 61 个）",
        "注册地址": "注册地址不能超过 300 个字符（现有 301 个）",
    }


def test_it_refuses_main_products_of_more_lines_than_the_form_cell(
    personas: Any, tmp_path: Path
) -> None:
    uscc = new_uscc()
    eleven = "\n".join(f"产品{i}" for i in range(bounds.FORM_CELL_LINES + 1))
    path = write_csv(tmp_path / "list.csv", [[*row(uscc), eleven]], header=WITH_PRODUCTS)
    lst = run(personas.county_a, path)
    assert lst.status == EnterpriseList.Status.FAILED
    [_header, line] = report_rows(lst)
    assert line[3] == "主导产品及经营项目最多 10 行（现有 11 行）"
