"""Training certificates (培训合格证): issued only by whoever the governing pack allows, with a
traceable unique number, frozen content and its hash, a PDF with a QR code, revocation, public
verification without any ID number, and ``holds_training_certificate``."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cqo.audit.models import AuditEntry
from cqo.lib import parse
from cqo.registry import services as registry
from cqo.test import Personas
from cqo.training import printing, selectors, services
from cqo.training.models import TrainingCertificate
from tests.training.conftest import (
    Jiangsu,
    World,
    course_terms,
    enrol,
    passed_enrolment,
    qualify,
    register_person,
    session_terms,
)

RARE_NAME = "𠮷堃喆"  # 𠮷 is U+20BB7, outside the BMP (GB 18030 rare character)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603  (fixed binary, our own file)
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
    )
    return "".join(out.stdout.decode().split())


# Who may issue --------------------------------------------------------------------------------


def test_shaanxi_lets_only_a_qualified_institution_issue(world: World) -> None:
    # shaanxi-2021 §五(一): 由具备相关资质的承办机构颁发培训合格证
    p = world.p
    e = passed_enrolment(world)
    for who in (p.province, p.city, p.certifier, p.admin, p.cqo):
        with pytest.raises(PermissionDenied) as exc:
            services.certificate_issue(actor=who, enrolment=e)
        assert "shaanxi-2021 §五(一)" in str(exc.value)
    cert = services.certificate_issue(actor=p.trainer, enrolment=e)
    assert cert.issuer == p.trainer
    assert cert.issuer_kind == "qualified_institution"
    assert cert.issuer_name == "陕西质量培训中心"


def test_shaanxi_refuses_a_trainer_that_does_not_run_the_course(world: World) -> None:
    from cqo.accounts.models import Role
    from cqo.test import make_user

    stranger = make_user("other_trainer", Role.TRAINER, organisation="另一培训机构")
    with pytest.raises(PermissionDenied):
        services.certificate_issue(actor=stranger, enrolment=passed_enrolment(world))


def test_jiangsu_lets_the_organiser_issue(jiangsu: Jiangsu) -> None:
    # jiangsu-2020 §五: 可由组织方或具备相关培训资质的承办机构颁发培训合格证
    e = services.attendance_mark(
        actor=jiangsu.regulator, enrolment=jiangsu.enrolment, attendance=90
    )
    cert = services.certificate_issue(actor=jiangsu.regulator, enrolment=e)
    assert cert.issuer_kind == "organiser"
    assert cert.issuer_name == "苏州市市场监督管理局"
    assert cert.number.startswith("PX3205812026")


def test_jiangsu_lets_the_qualified_institution_issue(jiangsu: Jiangsu, personas: Personas) -> None:
    e = services.attendance_mark(actor=personas.trainer, enrolment=jiangsu.enrolment, attendance=90)
    # the 承办机构 without a qualification is not a qualified institution
    with pytest.raises(PermissionDenied):
        services.certificate_issue(actor=personas.trainer, enrolment=e)
    qualify(jiangsu.regulator, personas.trainer, granted_by="江苏省市场监督管理局")
    cert = services.certificate_issue(actor=personas.trainer, enrolment=e)
    assert cert.issuer_kind == "qualified_institution"


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "revoked", "ok"),
    [
        ("2025-01-01", "2026-06-15", False, True),  # its last day is the frozen today
        ("2026-06-15", "2027-01-01", False, True),  # its first day
        ("2025-01-01", "2026-06-14", False, False),  # expired yesterday
        ("2026-06-16", "2027-01-01", False, False),  # not yet valid
        ("2025-01-01", "2027-12-31", True, False),  # revoked
    ],
)
def test_shaanxi_needs_the_qualification_valid_on_the_day_of_issue(
    personas: Personas, valid_from: str, valid_until: str, revoked: bool, ok: bool
) -> None:
    # shaanxi-2021 §五(一): 由具备相关资质的承办机构颁发培训合格证
    p = personas
    q = qualify(
        p.province,
        p.trainer,
        valid_from=dt.date.fromisoformat(valid_from),
        valid_until=dt.date.fromisoformat(valid_until),
    )
    if revoked:
        services.qualification_revoke(actor=p.province, qualification=q, reason="资质被撤回")
    course = services.course_create(actor=p.province, terms=course_terms())
    session = services.session_create(actor=p.province, course=course, terms=session_terms())
    e = services.attendance_mark(
        actor=p.province, enrolment=enrol(p.province, session, p.person), attendance=100
    )
    e = services.result_mark(
        actor=p.province, enrolment=e, score=parse.decimal("90", field="score")
    )
    if ok:
        assert services.certificate_issue(actor=p.trainer, enrolment=e).issuer == p.trainer
    else:
        with pytest.raises(PermissionDenied):
            services.certificate_issue(actor=p.trainer, enrolment=e)


def test_jiangsu_refuses_others(jiangsu: Jiangsu, personas: Personas) -> None:
    e = services.attendance_mark(
        actor=jiangsu.regulator, enrolment=jiangsu.enrolment, attendance=90
    )
    for who in (personas.province, personas.certifier, jiangsu.cqo):
        with pytest.raises(PermissionDenied):
            services.certificate_issue(actor=who, enrolment=e)


def test_it_issues_only_to_those_who_passed(world: World) -> None:
    p = world.p
    e = services.attendance_mark(actor=p.province, enrolment=world.enrolment, attendance=100)
    with pytest.raises(ValidationError) as exc:
        services.certificate_issue(actor=p.trainer, enrolment=e)
    assert list(exc.value.message_dict) == ["passed"]
    e = services.result_mark(
        actor=p.province, enrolment=e, score=parse.decimal("59", field="score")
    )
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=p.trainer, enrolment=e)
    e = services.result_mark(
        actor=p.province, enrolment=e, score=parse.decimal("60", field="score")
    )
    assert services.certificate_issue(actor=p.trainer, enrolment=e).number


def test_it_issues_one_valid_certificate_per_enrolment(world: World) -> None:
    p = world.p
    e = passed_enrolment(world)
    cert = services.certificate_issue(actor=p.trainer, enrolment=e)
    with pytest.raises(ValidationError) as exc:
        services.certificate_issue(actor=p.trainer, enrolment=e)
    assert cert.number in exc.value.message_dict["enrolment"][0]
    # a revoked one may be replaced (e.g. issued with an error)
    services.certificate_revoke(actor=p.trainer, cert=cert, reason="证书信息有误，重新颁发")
    again = services.certificate_issue(actor=p.trainer, enrolment=e)
    assert again.number != cert.number


def test_it_freezes_the_results_once_certified(world: World) -> None:
    p = world.p
    e = passed_enrolment(world)
    services.certificate_issue(actor=p.trainer, enrolment=e)
    with pytest.raises(ValidationError) as exc:
        services.result_mark(
            actor=p.province, enrolment=e, score=parse.decimal("50", field="score")
        )
    assert list(exc.value.message_dict) == ["score"]
    with pytest.raises(ValidationError):
        services.attendance_mark(actor=p.province, enrolment=e, attendance=50)


# Number, content, hash ------------------------------------------------------------------------


def test_it_numbers_certificates_uniquely_and_traceably(world: World) -> None:
    p = world.p
    first = services.certificate_issue(actor=p.trainer, enrolment=passed_enrolment(world))
    _, other = register_person("610302", "second", name="张二")
    e = enrol(p.province, world.session, other)
    e = services.attendance_mark(actor=p.province, enrolment=e, attendance=100)
    e = services.result_mark(
        actor=p.province, enrolment=e, score=parse.decimal("70", field="score")
    )
    second = services.certificate_issue(actor=p.trainer, enrolment=e)
    # PX + the course's region + year of issue + sequence, then the check part
    assert first.number.startswith("PX610000202600001-")
    assert second.number.startswith("PX610000202600002-")
    assert re.fullmatch(r"PX\d{6}\d{4}\d{5}-[0-9A-Z]{6}", second.number)
    # another region has its own sequence
    county = services.course_create(actor=p.county_a, terms=course_terms(tier="", region="610113"))
    session = services.session_create(actor=p.trainer, course=county, terms=session_terms())
    e = services.attendance_mark(
        actor=p.trainer, enrolment=enrol(p.trainer, session, p.person), attendance=100
    )
    e = services.result_mark(actor=p.trainer, enrolment=e, score=parse.decimal("90", field="score"))
    third = services.certificate_issue(actor=p.trainer, enrolment=e)
    assert third.number.startswith("PX610113202600001-")
    numbers = list(TrainingCertificate.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3


def test_it_freezes_what_the_certificate_says_with_its_hash(world: World) -> None:
    p = world.p
    cert = services.certificate_issue(actor=p.trainer, enrolment=passed_enrolment(world))
    c = cert.content
    assert c["number"] == cert.number
    assert c["holder"] == "李堃"
    assert c["course"] == "企业首席质量官高级研修班"
    assert c["tier"] == "advanced" and c["tier_name"] == "“高级”培训"
    assert c["hours"] == "24.0"
    assert c["start_date"] == "2026-06-01" and c["end_date"] == "2026-06-03"
    assert c["issuer"] == "陕西质量培训中心"
    assert c["issued_on"] == "2026-06-15"
    assert c["score"] == "85.0"
    assert "shaanxi-2021 §五(一)" in c["basis"]
    assert p.person.id_number not in str(c) and p.person.id_number_masked not in str(c)
    assert len(cert.content_hash) == 64
    assert selectors.content_intact(cert)
    # later changes to the records do not change the certificate
    registry.person_update(
        actor=p.cqo, person=p.person, details=registry.PersonDetails(name="李堃新")
    )
    world.course.title = "改名后的课程"
    world.course.save(update_fields=["title"])
    cert.refresh_from_db()
    assert cert.content["holder"] == "李堃" and cert.content["course"] == c["course"]
    assert selectors.content_intact(cert)
    # a tampered row no longer matches its digest
    TrainingCertificate.objects.filter(pk=cert.pk).update(content={**c, "hours": "240.0"})
    cert.refresh_from_db()
    assert not selectors.content_intact(cert)


def test_it_audits_issue_and_revocation(world: World) -> None:
    p = world.p
    cert = services.certificate_issue(actor=p.trainer, enrolment=passed_enrolment(world))
    services.certificate_revoke(actor=p.province, cert=cert, reason="考核材料不实")
    entries = AuditEntry.objects.filter(
        target_type=selectors.CERTIFICATE, target_id=str(cert.public_id)
    )
    assert {e.action for e in entries} == {"create", "transition"}
    revoke = entries.get(action="transition")
    assert revoke.actor == p.province and revoke.note == "考核材料不实"


def test_it_revokes_with_a_reason_by_those_entitled(world: World) -> None:
    p = world.p
    cert = services.certificate_issue(actor=p.trainer, enrolment=passed_enrolment(world))
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(actor=p.certifier, cert=cert, reason="不应撤销")
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(actor=p.county_b, cert=cert, reason="不应撤销")
    with pytest.raises(ValidationError) as exc:
        services.certificate_revoke(actor=p.trainer, cert=cert, reason="错")
    assert list(exc.value.message_dict) == ["reason"]
    cert = services.certificate_revoke(actor=p.trainer, cert=cert, reason="证书信息有误")
    assert cert.status == "revoked" and cert.revoked_by == p.trainer
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=p.trainer, cert=cert, reason="再次撤销")


def test_it_tells_whether_a_person_holds_a_valid_certificate(world: World) -> None:
    p = world.p
    assert not selectors.holds_training_certificate(p.person.pk)
    cert = services.certificate_issue(actor=p.trainer, enrolment=passed_enrolment(world))
    assert selectors.holds_training_certificate(p.person.pk)
    services.certificate_revoke(actor=p.trainer, cert=cert, reason="证书信息有误")
    assert not selectors.holds_training_certificate(p.person.pk)


# The PDF --------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_it_prints_the_certificate_with_holder_and_number(world: World, tmp_path: Path) -> None:
    p = world.p
    registry.person_update(
        actor=p.cqo, person=p.person, details=registry.PersonDetails(name=RARE_NAME)
    )
    p.person.refresh_from_db()
    cert = services.certificate_issue(actor=p.trainer, enrolment=passed_enrolment(world))
    pdf = printing.render_certificate(cert)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert RARE_NAME in text
    assert cert.number in text
    assert "培训合格证" in text
    assert "企业首席质量官高级研修班" in text
    assert "陕西质量培训中心" in text
    assert cert.content_hash in text
    assert p.person.id_number not in text


def test_it_points_the_qr_code_at_the_public_verification(world: World, settings: Any) -> None:
    settings.SITE_URL = "https://cqo.example.cn"
    cert = services.certificate_issue(actor=world.p.trainer, enrolment=passed_enrolment(world))
    assert printing.verify_url(cert.number) == (
        f"https://cqo.example.cn/verify/training/{cert.number}/"
    )
    assert printing.qr_data_uri(cert.number).startswith("data:image/svg+xml")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_it_marks_a_revoked_certificate_on_paper(world: World, tmp_path: Path) -> None:
    cert = services.certificate_issue(actor=world.p.trainer, enrolment=passed_enrolment(world))
    cert = services.certificate_revoke(actor=world.p.trainer, cert=cert, reason="证书信息有误")
    assert "已撤销" in pdf_text(printing.render_certificate(cert), tmp_path)


# Public verification --------------------------------------------------------------------------


def test_it_verifies_publicly_with_every_fact_and_no_id_number(world: World) -> None:
    p = world.p
    cert = services.certificate_issue(actor=p.trainer, enrolment=passed_enrolment(world))
    client = Client()
    response = client.get(f"/verify/training/{cert.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    for fact in (
        cert.number,
        "李堃",
        "企业首席质量官高级研修班",
        "“高级”培训",
        "24.0",
        "2026-06-01",
        "2026-06-03",
        "陕西省市场监督管理局",
        "陕西质量培训中心",
        "2026-06-15",
        cert.content_hash,
        "真实有效",
    ):
        assert fact in html, fact
    assert p.person.id_number not in html
    assert p.person.id_number_masked not in html
    assert p.person.id_number[:6] + p.person.id_number[6:14] not in html
    # lower case and the lookup form find it too
    assert client.get(f"/verify/training/{cert.number.lower()}/").status_code == 200
    lookup = client.get("/verify/training/", {"number": cert.number.lower()})
    assert lookup.status_code == 302 and lookup["Location"].endswith(f"/{cert.number}/")


def test_it_shows_a_revoked_certificate_as_revoked(world: World) -> None:
    cert = services.certificate_issue(actor=world.p.trainer, enrolment=passed_enrolment(world))
    services.certificate_revoke(actor=world.p.trainer, cert=cert, reason="证书信息有误")
    html = Client().get(f"/verify/training/{cert.number}/").content.decode()
    assert "已撤销" in html and "真实有效" not in html


@pytest.mark.parametrize("number", ["PX000000000000000", "nope", "A" * 40, "PX%2F1"])
def test_it_answers_an_unknown_number_with_404(db: None, number: str) -> None:
    assert Client().get(f"/verify/training/{number}/").status_code == 404


def test_the_lookup_form_names_a_bad_number(db: None) -> None:
    response = Client().get("/verify/training/", {"number": "PX 12/3"})
    assert response.status_code == 200
    assert 'id="error-number"' in response.content.decode()


def test_it_shows_a_certificate_to_its_holder_and_its_jurisdiction_only(
    jiangsu: Jiangsu, personas: Personas
) -> None:
    e = services.attendance_mark(
        actor=jiangsu.regulator, enrolment=jiangsu.enrolment, attendance=100
    )
    cert = services.certificate_issue(actor=jiangsu.regulator, enrolment=e)
    assert selectors.certificate_list(user=jiangsu.cqo).get() == cert
    assert selectors.certificate_list(user=jiangsu.regulator).get() == cert
    for who in (personas.province, personas.cqo, personas.certifier):
        assert not selectors.certificate_list(user=who).exists()
