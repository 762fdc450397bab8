"""The printed 表 A.1 (shenzhen-guide Annex A): every field, rare characters, masking."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cqo.registry import printing, services
from cqo.registry.models import Appointment
from cqo.test import Personas, file_appointment

RARE_NAME = "𠮷堃喆"  # 𠮷 is U+20BB7, outside the BMP (GB 18030 rare character)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603  (fixed binary, our own file)
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
    )
    return out.stdout.decode()


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def filed(personas: Personas) -> Appointment:
    services.person_update(
        actor=personas.cqo, person=personas.person, details=services.PersonDetails(name=RARE_NAME)
    )
    personas.person.refresh_from_db()
    return file_appointment(personas, remarks="兼任管理者代表")


def test_it_prints_the_filed_form_masked(filed: Appointment, tmp_path: Path) -> None:
    pdf = printing.render_filing_form(filed, unmasked=False, contact=True)
    assert pdf.startswith(b"%PDF")
    text = flat(pdf_text(pdf, tmp_path))
    person, ent = filed.person, filed.enterprise
    assert RARE_NAME in text
    # Shaanxi's document prints no form: the platform's neutral one, so labelled
    assert "企业首席质量官聘任备案登记表" in text and "平台通用备案表" in text
    assert "上述资料属实，同意任命并备案。" in text
    assert "（公章）" in text
    assert ent.uscc in text
    assert ent.name in text
    assert person.id_number_masked in text
    assert person.id_number not in text
    assert filed.filing_number in text
    assert "兼任管理者代表" in text


def test_it_prints_every_field_of_annex_a(filed: Appointment, tmp_path: Path) -> None:
    text = flat(
        pdf_text(printing.render_filing_form(filed, unmasked=False, contact=True), tmp_path)
    )
    for label in [
        "填写日期",
        "单位名称",
        "统一社会信用代码",
        "免冠照片",
        "单位网址",
        "员工总数",
        "所属行业门类",
        "GB/T4754",
        "企业规模",
        "单位性质",
        "主导产品",
        "及经营项目",
        "备案人姓名",
        "身份证号",
        "性别",
        "现任职务",
        "职称",
        "学历/专业",
        "手机",
        "电子邮箱",
        "质量工作",
        "通讯地址",
        "单位负责人",
        "职务",
        "座机",
        "工作简历",
        "单位意见",
        "备注",
        "备案编号",
    ]:
        assert label in text, label
    # Size 中型 and nature 民营 are ticked; the other options are printed unticked.
    assert "☐大型☑中型☐小型☐微型" in text
    assert "☐国营☑民营☐混合所有制☐外资☐中外合资☐上市公司" in text
    assert "34通用设备制造业" in text
    assert "本科/机械工程" in text
    assert "8年" in text


def test_it_prints_the_full_id_number_when_unmasked(filed: Appointment, tmp_path: Path) -> None:
    text = flat(pdf_text(printing.render_filing_form(filed, unmasked=True, contact=True), tmp_path))
    assert filed.person.id_number in text
    assert filed.person.mobile in text
    assert filed.person.id_number_masked not in text


def test_it_prints_the_snapshot_not_later_edits(
    filed: Appointment, personas: Personas, tmp_path: Path
) -> None:
    services.person_update(
        actor=personas.cqo, person=personas.person, details=services.PersonDetails(name="王五")
    )
    text = flat(
        pdf_text(printing.render_filing_form(filed, unmasked=False, contact=True), tmp_path)
    )
    assert RARE_NAME in text
    assert "王五" not in text


def test_it_prints_an_unfiled_draft_without_a_filing_number(
    personas: Personas, tmp_path: Path
) -> None:
    from cqo.test import appointment_data

    appt = services.appointment_create(
        actor=personas.clerk_a, terms=services.AppointmentTerms(**appointment_data(personas.person))
    )
    text = flat(pdf_text(printing.render_filing_form(appt, unmasked=False, contact=True), tmp_path))
    assert "未备案" in text
    assert "备案编号：" not in text


def test_it_puts_the_photo_in_the_box(filed: Appointment, settings, tmp_path: Path) -> None:
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photos").mkdir()
    Image.new("RGB", (250, 350), (200, 30, 30)).save(tmp_path / "photos" / "p.jpg")
    filed.snapshot["person"]["photo"] = "photos/p.jpg"
    context = printing.filing_form_context(filed, unmasked=False, contact=True)
    assert context["photo"].startswith("data:image/jpeg;base64,")
    pdf = printing.render_filing_form(filed, unmasked=False, contact=True)
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf


def test_it_ignores_a_photo_path_outside_media_root(
    filed: Appointment, settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    filed.snapshot["person"]["photo"] = "../../etc/passwd"
    assert printing.filing_form_context(filed, unmasked=False, contact=True)["photo"] == ""
