"""The migration's pages: the upload form and the files migrated before, a file's progress,
counts and error report, the real run of a file its dry run cleared, who may open them, and where
a migrated person came from on the person's page."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.imports.legacy.models import LegacyFile, LegacyOrigin
from cqo.registry.models import Person
from cqo.test import COUNTY_A, Personas, new_id_number
from tests.imports.test_legacy_persons import row, write_csv

PAGE = "/imports/legacy/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_mode() -> str:
    """The migration reads every file in this process: no second run with the sliced reader."""
    return "whole"


def upload(client: Client, path: Path, **data: Any) -> Any:
    with open(path, "rb") as handle:
        return client.post(
            PAGE, {"kind": "persons", "file": handle, "mode": "all_or_nothing", **data}
        )


def test_it_migrates_an_uploaded_csv_and_shows_its_counts(
    personas: Personas, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.province)
    path = write_csv(
        tmp_path / "陕西人员.csv",
        [row(), row(name="刘芳", id_number=new_id_number(COUNTY_A)), row(id_number="123")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, path, mode="good_rows")  # the dry run box left unticked

    lf = LegacyFile.objects.get()
    assert response.status_code == 302
    assert response.url == f"/imports/legacy/{lf.public_id}/"
    assert lf.status == LegacyFile.Status.DONE and not lf.dry_run
    assert lf.counts == {"created": 2, "unchanged": 0, "conflicts": 0, "errors": 1}
    page = client.get(response.url).content.decode()
    assert "陕西人员.csv" in page and lf.sha256 in page and "只导入正确的行" in page
    assert 'id="count-created">2<' in page and 'id="count-errors">1<' in page
    assert "hx-get" not in page and "按此文件正式导入" not in page
    index = client.get(PAGE).content.decode()
    assert "陕西人员.csv" in index and "人员" in index

    report = client.get(f"/imports/legacy/{lf.public_id}/errors.xlsx")
    assert report.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content)))
    assert sheet.get_sheet_by_index(0).to_python()[1][0] == 4  # the file's fourth row
    # the report names persons: who downloaded it is in the file's change log
    assert AuditEntry.objects.filter(
        target_type="legacy_file",
        target_id=str(lf.public_id),
        action=AuditEntry.Action.VIEW,
        actor=personas.province,
    ).exists()


def test_a_dry_run_then_the_real_run_of_the_same_file_creates_the_persons(
    personas: Personas, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.province)
    number = new_id_number(COUNTY_A)
    path = write_csv(tmp_path / "persons.csv", [row(id_number=number)])
    before = Person.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, path, dry_run="on")
    checked = LegacyFile.objects.get()
    assert checked.status == LegacyFile.Status.CHECKED and checked.counts["created"] == 1
    assert Person.objects.count() == before
    page = client.get(f"/imports/legacy/{checked.public_id}/").content.decode()
    assert "按此文件正式导入" in page and "data-confirm" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/legacy/{checked.public_id}/confirm/")

    real = LegacyFile.objects.exclude(pk=checked.pk).get()
    assert response.url == f"/imports/legacy/{real.public_id}/"
    assert not real.dry_run and real.mode == checked.mode and real.sha256 == checked.sha256
    assert real.file.name == checked.file.name  # the very file the dry run checked
    assert real.status == LegacyFile.Status.DONE
    assert Person.objects.count() == before + 1
    assert LegacyOrigin.objects.get(file=real).row == 2
    # the real run is not offered again, neither on the real file nor twice on the dry run
    assert "按此文件正式导入" not in client.get(response.url).content.decode()


def test_it_offers_no_real_run_of_a_dry_run_that_found_errors(
    personas: Personas, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.province)
    path = write_csv(tmp_path / "bad.csv", [row(id_number="123")])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, path, dry_run="on")
    checked = LegacyFile.objects.get()
    page = client.get(f"/imports/legacy/{checked.public_id}/").content.decode()
    assert "按此文件正式导入" not in page and "下载错误报告" in page

    response = client.post(f"/imports/legacy/{checked.public_id}/confirm/", follow=True)

    assert LegacyFile.objects.count() == 1
    assert "只有检查无误的仅检查文件可以正式导入" in response.content.decode()


def test_it_polls_the_progress_while_the_file_runs(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    client.force_login(personas.province)
    upload(client, write_csv(tmp_path / "a.csv", [row()]), dry_run="on")
    lf = LegacyFile.objects.get()
    assert lf.status == LegacyFile.Status.QUEUED  # no commit in the test: not started
    fragment = client.get(f"/imports/legacy/{lf.public_id}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "已处理 0 / 0 行" in fragment


def test_it_shows_the_form_with_a_dry_run_ticked_and_the_kinds_it_reads(
    personas: Personas, client: Client
) -> None:
    client.force_login(personas.admin)
    page = client.get(PAGE).content.decode()
    assert page.split('name="dry_run"')[1].split(">")[0].endswith(" checked")
    assert '<option value="persons" selected>人员</option>' in page
    kinds = page.split('name="kind"')[1].split("</select>")[0]
    for value, label in LegacyFile.Kind.choices:  # every kind declared is read now
        assert f'<option value="{value}"' in kinds and str(label) in kinds
    assert "有错误行则全部不导入" in page and "只导入正确的行" in page
    assert "/imports/legacy/template/persons.xlsx" in page


def test_it_serves_each_kinds_template(personas: Personas, client: Client) -> None:
    client.force_login(personas.province)
    response = client.get("/imports/legacy/template/persons.xlsx")
    assert response.status_code == 200
    header = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert header.get_sheet_by_index(0).to_python()[0][0] == "姓名*"
    assert client.get("/imports/legacy/template/appointments.xlsx").status_code == 200
    assert client.get("/imports/legacy/template/certificates.xlsx").status_code == 404


def test_it_lists_the_level_certificates_and_serves_their_template(
    personas: Personas, client: Client
) -> None:
    client.force_login(personas.province)
    page = client.get(PAGE).content.decode()
    kinds = page.split('name="kind"')[1].split("</select>")[0]
    assert '<option value="level_certificates">能力水平证书</option>' in kinds
    assert "/imports/legacy/template/level_certificates.xlsx" in page

    response = client.get("/imports/legacy/template/level_certificates.xlsx")

    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["能力水平证书", "填写说明"]
    assert book.get_sheet_by_index(0).to_python()[0][:4] == [
        "证书编号*",
        "姓名*",
        "身份证号*",
        "能力水平等级*",
    ]


def test_it_refuses_a_disguised_file_beside_the_field(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    client.force_login(personas.province)
    fake = tmp_path / "persons.csv"
    fake.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    response = upload(client, fake)
    assert response.status_code == 200
    assert 'id="error-file"' in response.content.decode()
    assert not LegacyFile.objects.exists()
    pdf = tmp_path / "persons.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    assert "只能导入 xlsx" in upload(client, pdf).content.decode()


def test_a_county_regulator_gets_403_and_no_link(
    personas: Personas, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.province)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, write_csv(tmp_path / "a.csv", [row()]))
    lf = LegacyFile.objects.get()
    assert 'id="nav-legacy"' in client.get("/").content.decode()

    client.force_login(personas.county_a)
    assert 'id="nav-legacy"' not in client.get("/").content.decode()
    assert "名录导入" in client.get("/").content.decode()  # the enterprise-list import stays
    for url in (
        PAGE,
        f"/imports/legacy/{lf.public_id}/",
        f"/imports/legacy/{lf.public_id}/progress/",
        f"/imports/legacy/{lf.public_id}/errors.xlsx",
        "/imports/legacy/template/persons.xlsx",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/imports/legacy/{lf.public_id}/confirm/").status_code == 403
    assert upload(client, tmp_path / "a.csv").status_code == 403
    assert LegacyFile.objects.count() == 1


def test_it_asks_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login" in response.url
    assert client.get(f"/imports/legacy/{uuid.uuid4()}/").status_code == 302


def test_a_province_does_not_see_the_files_of_migrators_outside_it(
    personas: Personas, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, write_csv(tmp_path / "platform.csv", [row()]))
    lf = LegacyFile.objects.get()
    client.force_login(personas.province)
    assert client.get(f"/imports/legacy/{lf.public_id}/").status_code == 404
    assert "platform.csv" not in client.get(PAGE).content.decode()
    assert client.get(f"/imports/legacy/{uuid.uuid4()}/").status_code == 404


def test_the_person_page_shows_where_a_migrated_person_came_from(
    personas: Personas, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.province)
    number = new_id_number(COUNTY_A)
    path = write_csv(tmp_path / "陕西档案.csv", [row(), row(name="刘芳", id_number=number)])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, path)
    origin = LegacyOrigin.objects.get(row=3)
    person = Person.objects.get(public_id=origin.target_id)
    assert person.name == "刘芳"

    page = client.get(f"/persons/{person.public_id}/").content.decode()

    line = page.split('id="legacy-origin">')[1].split("</dd>")[0]
    assert "历史数据迁移" in line and "陕西档案.csv" in line and "第3行" in line
    assert personas.province.label in line and personas.province.username not in line
    assert "迁移来源" in page
    # a person registered in the platform has no such line
    other = client.get(f"/persons/{personas.person.public_id}/").content.decode()
    assert "迁移来源" not in other


def test_the_migration_is_queued_for_a_worker_when_a_broker_is_configured(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from celery import current_app

    from cqo.imports import tasks
    from cqo.imports.legacy import services

    settings.CQO_IMPORTS_INLINE = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args: sent.append((name, args)))
    services.legacy_launch(7)
    assert sent == [(services.TASK, [7])]
    assert tasks.run_legacy.name == services.TASK  # the name a worker knows the task by
