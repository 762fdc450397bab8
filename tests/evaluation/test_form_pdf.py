"""hangzhou-spec 表A.1 as the table prints it: 分项分值 for a section, 小项分值 for an item, the
values the table does not print (4.1–4.2, 研究成果; SPEC §12.6) marked as the platform's; on the
page, and printed as a PDF form (page and API, scoped like the evaluation pages)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cqo.evaluation import printing, rules
from tests.evaluation.conftest import World, new_evaluation, signed
from tests.evaluation.test_api import Caller

pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    out = subprocess.run(  # noqa: S603  (fixed binary, our own file)
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
    )
    return "".join(out.stdout.decode().split())


ITEMS: list[dict[str, Any]] = [
    {"code": "4", "label": "参加培训", "max": 5, "section": True, "printed": True},
    {"code": "4.1", "label": "合格证书", "max": 2, "section": False, "printed": False, "score": 2},
    {"code": "4.2", "label": "学时", "max": 3, "section": False, "printed": False, "score": None},
    {"code": "5", "label": "研究成果", "max": 20, "section": True, "printed": False},
    {"code": "5.1", "label": "个人获奖情况", "max": 5, "section": False, "score": 0},
]


@pytest.mark.parametrize(
    ("code", "section_points", "item_points", "printed", "score"),
    [
        ("4", 5, None, True, None),  # 4.2 not scored yet: no section score
        ("4.1", None, 2, False, 2),
        ("4.2", None, 3, False, None),
        ("5", 20, None, False, 0),  # every item scored: the sum, 0 included
        ("5.1", None, 5, True, 0),  # a record made before the flag: printed
    ],
)
def test_it_lays_the_rows_out_as_the_table_does(
    code: str, section_points: Any, item_points: Any, printed: bool, score: Any
) -> None:
    row = {r["code"]: r for r in rules.table_rows(ITEMS)}[code]
    assert (row["section_points"], row["item_points"], row["printed"], row["score"]) == (
        section_points,
        item_points,
        printed,
        score,
    )


def test_the_draft_keeps_which_points_the_table_prints(world: World) -> None:
    ev = new_evaluation(world)
    unprinted = [i["code"] for i in ev.items if not i["printed"]]
    assert unprinted == ["4.1", "4.2", "5", "5.1", "5.2", "5.3", "5.4"]


def test_the_page_shows_both_columns_and_marks_the_platforms_points(
    world: World, client: Client
) -> None:
    ev = new_evaluation(world)
    client.force_login(world.p.clerk_a)
    body = client.get(reverse("evaluation:evaluation_detail", args=[ev.public_id])).content
    text = body.decode()
    assert "分项分值" in text and "小项分值" in text
    assert 'id="unprinted-note"' in text and "平台默认" in text
    assert reverse("evaluation:evaluation_pdf", args=[ev.public_id]) in text


@needs_poppler
def test_it_prints_a_draft_as_a_form_marked_unsigned(world: World, tmp_path: Path) -> None:
    ev = new_evaluation(world)
    text = pdf_text(printing.render_evaluation_form(ev), tmp_path)
    for label in ["表A.1企业首席质量官评价体系", "分项分值", "小项分值", "得分", "草稿，未签发"]:
        assert label in text, label
    assert "取得中级以上专业技术或管理职业资格" in text
    assert "杭州市企业首席质量官管理规范附录A" in text  # the document, not the pack id
    assert "hangzhou-spec" not in text and "SPEC" not in text


@needs_poppler
def test_it_prints_a_signed_evaluation_as_signed(world: World, tmp_path: Path) -> None:
    ev = signed(world, decision="reassign", minus=1)
    text = pdf_text(printing.render_evaluation_form(ev), tmp_path)
    assert "草稿" not in text
    assert "调整岗位" in text and "王建国" in text
    assert "合计（满分100）99" in text


def test_the_pdf_is_scoped_like_the_evaluation_pages(world: World, client: Client) -> None:
    ev = signed(world)  # a regulator reads signed-off evaluations only, as on the page
    url = reverse("evaluation:evaluation_pdf", args=[ev.public_id])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(world.p.clerk_b)
    assert client.get(url).status_code == 404
    client.force_login(world.p.county_a)
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"


def test_the_api_prints_it_for_the_callers_in_scope(world: World, client: Client) -> None:
    ev = new_evaluation(world)
    path = f"/evaluations/{ev.public_id}/form.pdf"
    answer = Caller(client, world.p.clerk_a).get(path)
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert Caller(client, world.p.clerk_b).get(path).status_code == 404
    assert Caller(client, None).get(path).status_code == 401
