"""The 聘任授权证书 prints what the pack and the appointment say: each document's headings and
lists (jiangsu-2020 §三's powers as powers), the responsibility in the document's words, the
reporting line only where the appointment reports to the top (shaanxi-2021 §四(一),
shenzhen-guide §3.1), the appointing authority the appointment records (hangzhou-spec 聘用), and
it fits one A4 page with every item of each pack and the longest names the fields allow."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string

from cqo.lib import pdf
from cqo.lib.bounds import max_length
from cqo.policy import schema
from cqo.registry import printing
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.test import Personas, file_appointment

PACKS = Path(__file__).resolve().parents[2] / "cqo" / "policy" / "packs"
JURISDICTIONS = ["shaanxi-2021", "jiangsu-2020", "hangzhou-spec", "shenzhen-guide"]


def rules_of(pack_id: str) -> schema.Pack:
    """The pack merged over the national default, as a region it governs sees it."""
    base = schema.parse((PACKS / "national-default.toml").read_text()).model_dump()
    over = schema.parse((PACKS / f"{pack_id}.toml").read_text()).model_dump()
    return schema.validate(schema.merge(base, over))


def context(pack_id: str, **overrides: Any) -> dict[str, Any]:
    terms: dict[str, Any] = {
        "person": "张" * max_length(Person, "name"),
        "enterprise": "企" * max_length(Enterprise, "name"),
        "post": "副" * max_length(Appointment, "post"),
        "start": dt.date(2026, 12, 31),
        "term_end": dt.date(2029, 12, 31),
        "filing_number": "备610113-2026-000001",
        **overrides,
    }
    return printing.certificate_context(
        rules=rules_of(pack_id),
        terms=printing.CertificateTerms(**terms),
        sources={"duties": rules_of(pack_id).pack.source},
    )


def pdf_pages(data: bytes, tmp_path: Path, name: str) -> int:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    info = subprocess.run(  # noqa: S603  (fixed binary, our own file)
        ["pdfinfo", str(path)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


@pytest.mark.parametrize(
    ("pack_id", "headings"),
    [
        ("shaanxi-2021", ["工作职责", "工作权限", "工作规范"]),
        ("jiangsu-2020", ["岗位主要职责", "权限"]),
        ("hangzhou-spec", ["岗位职责", "权限", "职业素养"]),
        ("shenzhen-guide", ["职责", "权限", "职业素养"]),
    ],
)
def test_it_prints_each_documents_headings(pack_id: str, headings: list[str]) -> None:
    assert [lst["heading"] for lst in context(pack_id)["lists"]] == headings


def test_it_prints_jiangsus_powers_as_powers() -> None:
    lists = {lst["heading"]: lst for lst in context("jiangsu-2020")["lists"]}
    assert lists["权限"]["items"] == [
        "参加企业总经理（总裁）例会，参与企业经营管理决策",
        "行使企业质量安全“一票否决”权",
        "参与政府部门质量政策制定、质量提升、质量咨询、质量诊断、质量评审等质量活动",
    ]
    assert lists["权限"]["basis"] == "第三条 2、3、5"
    assert [i[:8] for i in lists["岗位主要职责"]["items"]] == [
        "组织企业执行国家",
        "负责企业质量品牌",
    ]
    assert lists["岗位主要职责"]["basis"] == "第三条 1、4"


@pytest.mark.parametrize(
    ("pack_id", "reports", "line"),
    [
        ("shaanxi-2021", True, "直接向总经理（总裁）报告工作"),
        ("shaanxi-2021", False, ""),
        ("jiangsu-2020", True, "直接向总经理（总裁）报告工作"),
        ("hangzhou-spec", True, "直接向总经理（总裁）报告工作"),
        ("shenzhen-guide", True, "直接向最高管理者汇报质量工作"),
        ("shenzhen-guide", False, ""),
        ("national-default", True, "直接向总经理（总裁）或最高管理者报告工作"),
    ],
)
def test_it_prints_the_reporting_line_only_where_the_cqo_reports_to_the_top(
    pack_id: str, reports: bool, line: str
) -> None:
    assert context(pack_id, reports_to_top=reports)["reporting_line"] == line


@pytest.mark.parametrize(
    ("authority", "label", "appointed"),
    [
        ("general_manager", "总经理（总裁）", "聘任授权"),
        ("top_management", "最高管理层", "聘任授权"),
        ("superior", "上级组织或主管部门", "任命"),
    ],
)
def test_it_prints_the_appointing_authority_the_appointment_records(
    authority: str, label: str, appointed: str
) -> None:
    found = context("hangzhou-spec", authority=authority)
    assert (found["authority"], found["appointed"]) == (label, appointed)


@pytest.mark.parametrize(
    ("treatment", "printed"),
    [
        ("", ""),  # not agreed: nothing printed
        ("senior_deputy", "，享受高管副职（副总经理/副总裁或同职级）待遇"),
        ("top_manager", "，享受最高管理者待遇"),
    ],
)
def test_it_prints_the_treatment_the_appointment_records(treatment: str, printed: str) -> None:
    # jiangsu-2020 §四, shaanxi-2021 §四(一) "企业高层副职（含）以上领导岗位待遇"
    found = context("shaanxi-2021", treatment=treatment)
    html = render_to_string(printing.AUTHORISATION_TEMPLATE, found)
    lead = html.split('<p class="lead">')[1].split("</p>")[0]
    assert lead.endswith(printed + "。")
    assert ("待遇" in lead) == bool(treatment)


def test_it_prints_the_enterprises_own_list_instead_of_the_packs() -> None:
    found = context("shaanxi-2021", duties="负责甲\n\n负责乙")
    duties = found["lists"][0]
    assert (duties["heading"], duties["basis"], duties["items"]) == (
        "工作职责",
        "企业授权",
        ["负责甲", "负责乙"],
    )
    assert found["lists"][1]["basis"] == "第四条（四）"


@pytest.mark.parametrize(
    ("clause", "printed"),
    [
        ("shaanxi-2021 §四(三)", "第四条（三）"),
        ("shaanxi-2021 §四(二); SPEC §12.1", "第四条（二）"),
        ("jiangsu-2020 §三 2、3、5", "第三条 2、3、5"),
        ("shenzhen-guide §4.3", "4.3"),
        ("hangzhou-spec 岗位职责与权限·权限", "岗位职责与权限·权限"),
        ("SPEC §12.19", ""),
    ],
)
def test_it_cites_clauses_without_pack_ids_or_decision_numbers(clause: str, printed: str) -> None:
    assert pdf.clause_cn(clause) == printed


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils")
@pytest.mark.parametrize("pack_id", [*JURISDICTIONS, "national-default"])
def test_it_fits_one_a4_page_with_every_item_and_the_longest_names(
    pack_id: str, tmp_path: Path
) -> None:
    found = context(pack_id, authority="superior", treatment="senior_deputy")
    data = printing.render_certificate(found)
    assert pdf_pages(data, tmp_path, pack_id) == 1
    if shutil.which("pdftoppm"):  # a picture to look at when the layout changes
        subprocess.run(  # noqa: S603  (fixed binary, our own file)
            [  # noqa: S607
                "pdftoppm",
                "-png",
                "-r",
                "60",
                str(tmp_path / f"{pack_id}.pdf"),
                str(tmp_path / pack_id),
            ],
            check=True,
        )


@pytest.mark.django_db
def test_it_prints_a_filed_appointment_under_its_governing_pack(personas: Personas) -> None:
    appt = file_appointment(personas, reports_to_top=False, appointing_authority="superior")
    Appointment.objects.filter(pk=appt.pk).update(treatment="senior_deputy")
    appt.refresh_from_db()
    found = printing.authorisation_context(appt)
    assert found["treatment"] == "高管副职（副总经理/副总裁或同职级）"
    assert found["reporting_line"] == ""
    assert found["authority"] == "上级组织或主管部门"
    assert [lst["heading"] for lst in found["lists"]] == ["工作职责", "工作权限", "工作规范"]
    assert found["documents"][0].startswith("陕质委办〔2021〕15号")
    assert all("shaanxi" not in d for d in found["documents"])


def test_a_list_of_a_version_without_headings_is_headed_by_its_clause() -> None:
    raw = rules_of("shaanxi-2021").model_dump()
    del raw["duties"]["heading"]
    found = printing.certificate_context(
        rules=schema.validate(raw),
        terms=printing.CertificateTerms(
            person="王", enterprise="企业", post="副总经理", start=dt.date(2026, 1, 1)
        ),
        sources={},
    )
    assert found["lists"][0]["heading"] == "第四条（三）"
