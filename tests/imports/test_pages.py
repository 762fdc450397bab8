"""The import page, its progress fragment, the downloads, the command and the API."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from python_calamine import CalamineWorkbook

from cqo.accounts.models import ApiToken
from cqo.imports.models import EnterpriseList
from cqo.registry.models import Enterprise
from cqo.test import COUNTY_A, COUNTY_B, new_uscc
from tests.imports.conftest import write_xlsx
from tests.imports.test_import import row


@pytest.mark.django_db
class TestPage:
    def upload(self, client: Client, path: Path, **data: Any) -> Any:
        with open(path, "rb") as handle:
            return client.post(
                "/imports/enterprises/",
                {"file": handle, "as_of": "2026-01-31", "mode": "all_or_nothing", **data},
            )

    def test_it_uploads_and_shows_the_result(
        self, personas: Any, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
    ) -> None:
        client.force_login(personas.county_a)
        uscc = new_uscc()
        with django_capture_on_commit_callbacks(execute=True):
            response = self.upload(client, write_xlsx(tmp_path / "a.xlsx", [row(uscc)]))
        lst = EnterpriseList.objects.get()
        assert response.status_code == 302
        assert response.url == f"/imports/enterprises/{lst.public_id}/"
        page = client.get(response.url)
        assert page.status_code == 200
        assert "已完成" in page.content.decode() and "hx-get" not in page.content.decode()
        assert Enterprise.objects.get(uscc=uscc).last_list == lst
        index = client.get("/imports/enterprises/")
        assert "a.xlsx" in index.content.decode()

    def test_it_polls_progress_while_running(
        self, personas: Any, tmp_path: Path, client: Client
    ) -> None:
        client.force_login(personas.county_a)
        self.upload(client, write_xlsx(tmp_path / "a.xlsx", [row(new_uscc())]))
        lst = EnterpriseList.objects.get()
        assert lst.status == EnterpriseList.Status.QUEUED  # no commit in the test: not started
        fragment = client.get(f"/imports/enterprises/{lst.public_id}/progress/")
        assert fragment.status_code == 200
        assert 'hx-trigger="every 1s"' in fragment.content.decode()

    def test_it_offers_the_error_report(
        self, personas: Any, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
    ) -> None:
        client.force_login(personas.county_a)
        with django_capture_on_commit_callbacks(execute=True):
            self.upload(client, write_xlsx(tmp_path / "b.xlsx", [row("bad")]))
        lst = EnterpriseList.objects.get()
        response = client.get(f"/imports/enterprises/{lst.public_id}/errors.xlsx")
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        assert rows[1][0] == 2 and rows[1][1] == "统一社会信用代码"
        # a file refused for its row errors reads as such, not as a failure of the platform, and
        # counts the data rows it checked, as the summary does
        page = client.get(f"/imports/enterprises/{lst.public_id}/").content.decode()
        assert 'data-state="rejected"' in page and "未导入：有错误行" in page
        assert f"共检查 {lst.rows_total} 行数据" in page and "已处理" not in page

    def test_it_shows_form_errors(self, personas: Any, tmp_path: Path, client: Client) -> None:
        client.force_login(personas.county_a)
        bad = tmp_path / "list.pdf"
        bad.write_bytes(b"%PDF")
        response = self.upload(client, bad, region=COUNTY_B)
        assert response.status_code == 200
        body = response.content.decode()
        assert "只能导入 xlsx" in body and "只能导入本辖区" in body
        assert not EnterpriseList.objects.exists()

    def test_it_serves_the_template(self, personas: Any, client: Client) -> None:
        client.force_login(personas.province)
        response = client.get("/imports/enterprises/template.xlsx")
        rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        header, example = rows.get_sheet_by_index(0).to_python()[:2]
        assert header[0] == "统一社会信用代码*" and len(example[0]) == 18

    def test_it_hides_other_regions_lists(
        self, personas: Any, tmp_path: Path, client: Client
    ) -> None:
        client.force_login(personas.county_a)
        self.upload(client, write_xlsx(tmp_path / "a.xlsx", [row(new_uscc())]))
        lst = EnterpriseList.objects.get()
        client.force_login(personas.county_b)
        assert client.get(f"/imports/enterprises/{lst.public_id}/").status_code == 404
        assert "a.xlsx" not in client.get("/imports/enterprises/").content.decode()

    def test_it_refuses_clerks_and_anonymous(self, personas: Any, client: Client) -> None:
        assert client.get("/imports/enterprises/").status_code == 302
        client.force_login(personas.clerk_a)
        assert client.get("/imports/enterprises/").status_code == 403
        assert client.get(f"/imports/enterprises/{uuid.uuid4()}/").status_code == 403


@pytest.mark.django_db
class TestCommand:
    def test_it_imports_and_exits_zero(self, personas: Any, tmp_path: Path, capsys: Any) -> None:
        uscc = new_uscc()
        path = write_xlsx(tmp_path / "c.xlsx", [row(uscc)])
        call_command(
            "import_enterprises",
            str(path),
            "--region",
            COUNTY_A,
            "--as-of",
            "2026-01-31",
            "--user",
            "county_a",
        )
        out = capsys.readouterr()
        assert "created 1" in out.out and "rows/s" in out.err
        assert Enterprise.objects.filter(uscc=uscc).exists()

    def test_it_exits_non_zero_with_the_report_path(
        self, personas: Any, tmp_path: Path, capsys: Any
    ) -> None:
        path = write_xlsx(tmp_path / "c.xlsx", [row(new_uscc()), row("bad")])
        with pytest.raises(SystemExit) as exc:
            call_command(
                "import_enterprises", str(path), "--region", COUNTY_A, "--as-of", "2026-01-31"
            )
        assert exc.value.code == 1
        out = capsys.readouterr().out
        assert "error report:" in out and "bad 1" in out
        assert Enterprise.objects.count() == 2  # the personas' two; nothing imported


@pytest.mark.django_db
class TestApi:
    def headers(self, user: Any) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}

    def test_it_accepts_an_upload_and_reports_status(
        self, personas: Any, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
    ) -> None:
        path = write_xlsx(tmp_path / "api.xlsx", [row(new_uscc()), row("bad")])
        with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/imports/enterprises",
                {"file": handle, "as_of": "2026-01-31", "mode": "good_rows"},
                **self.headers(personas.county_a),
            )
        assert response.status_code == 202, response.content
        list_id = response.json()["id"]
        status = client.get(
            f"/api/v1/imports/enterprises/{list_id}", **self.headers(personas.county_a)
        ).json()
        assert status["status"] == "done" and status["rows_ok"] == 1 and status["rows_bad"] == 1
        assert status["region"] == COUNTY_A and status["has_error_report"]
        report = client.get(
            f"/api/v1/imports/enterprises/{list_id}/errors.xlsx", **self.headers(personas.county_a)
        )
        assert report.status_code == 200
        assert (
            client.get(
                f"/api/v1/imports/enterprises/{list_id}", **self.headers(personas.county_b)
            ).status_code
            == 404
        )

    def test_it_answers_errors_in_the_api_shape(
        self, personas: Any, tmp_path: Path, client: Client
    ) -> None:
        path = write_xlsx(tmp_path / "api.xlsx", [row(new_uscc())])
        with open(path, "rb") as handle:
            response = client.post(
                "/api/v1/imports/enterprises",
                {"file": handle, "as_of": "2026-01-31", "region": COUNTY_B},
                **self.headers(personas.county_a),
            )
        assert response.status_code == 422
        assert response.json()["detail"][0]["field"] == "region"
        with open(path, "rb") as handle:
            response = client.post(
                "/api/v1/imports/enterprises",
                {"file": handle, "as_of": "2026-01-31"},
                **self.headers(personas.clerk_a),
            )
        assert response.status_code == 403
        assert client.get(f"/api/v1/imports/enterprises/{uuid.uuid4()}").status_code == 401


def test_the_template_downloaded_in_english_imports_back(personas, client):
    """The template keeps the official Chinese header whatever the UI language."""
    from cqo.imports import rules

    client.force_login(personas.county_a)
    client.cookies["django_language"] = "en"
    data = client.get("/imports/enterprises/template.xlsx").content
    header = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[0]
    rules.match_header(header)  # raises if a column is not recognised
