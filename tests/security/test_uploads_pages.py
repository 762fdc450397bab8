"""Upload checks at the doors: bombs and disguised files are refused on the pages, in the API and
by ``manage.py import_enterprises``, with the message of the rule they break, and nothing is
stored; ordinary files still go through (cqo/lib/uploads.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from cqo.accounts.models import ApiToken
from cqo.certification.models import Evidence
from cqo.imports.models import EnterpriseList
from cqo.registry import services as registry
from cqo.test import COUNTY_A
from tests.certification.conftest import (  # noqa: F401  (fixtures used by name)
    _frozen_today,
    _media,
    draft,
    world,
)
from tests.lib.test_uploads import (
    EXE,
    PDF,
    huge_sheet_xlsx,
    lying_zip,
    png_bytes,
    png_declaring,
    xlsx_bytes,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

IMPORT_PAGE = "/imports/enterprises/"
IMPORT_API = "/api/v1/imports/enterprises"


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


def as_file(name: str, data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def _imports_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CQO_IMPORTS_INLINE = True


# The enterprise-list import ------------------------------------------------------------------


@pytest.mark.usefixtures("_imports_media")
class TestEnterpriseList:
    def page(self, client: Client, name: str, data: bytes) -> Any:
        return client.post(
            IMPORT_PAGE,
            {"file": as_file(name, data), "as_of": "2026-01-31", "mode": "all_or_nothing"},
        )

    def api(self, client: Client, user: Any, name: str, data: bytes) -> Any:
        return client.post(
            IMPORT_API, {"file": as_file(name, data), "as_of": "2026-01-31"}, **bearer(user)
        )

    def test_the_page_refuses_a_zip_bomb_beside_the_field(
        self, client: Client, personas: Any
    ) -> None:
        client.force_login(personas.county_a)
        response = self.page(client, "list.xlsx", zip_bomb())
        assert response.status_code == 200
        html = response.content.decode()
        assert "压缩比超过 100:1，疑为压缩炸弹" in html
        assert EnterpriseList.objects.count() == 0

    def test_the_api_refuses_a_zip_bomb(self, client: Client, personas: Any) -> None:
        response = self.api(client, personas.county_a, "list.xlsx", zip_bomb())
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["field"] == "file" and "压缩比超过 100:1" in error["message"]
        assert EnterpriseList.objects.count() == 0

    def test_the_command_refuses_a_zip_bomb(self, personas: Any, tmp_path: Path) -> None:
        path = tmp_path / "list.xlsx"
        path.write_bytes(zip_bomb())
        with pytest.raises(CommandError, match=r"file: .*压缩比超过 100:1"):
            call_command(
                "import_enterprises", str(path), "--region", COUNTY_A, "--as-of", "2026-01-31"
            )
        assert EnterpriseList.objects.count() == 0

    def test_the_page_refuses_a_pdf_named_xlsx(self, client: Client, personas: Any) -> None:
        client.force_login(personas.county_a)
        html = self.page(client, "list.xlsx", PDF).content.decode()
        assert "文件内容是PDF，与扩展名 .xlsx 不符" in html
        assert EnterpriseList.objects.count() == 0

    def test_the_api_refuses_a_sheet_past_the_total_cap_and_a_lying_zip(
        self, client: Client, personas: Any, settings: Any
    ) -> None:
        settings.CQO_UPLOAD_ZIP_MAX_TOTAL_BYTES = 1024 * 1024
        huge = self.api(client, personas.county_a, "list.xlsx", huge_sheet_xlsx())
        assert huge.status_code == 422
        assert "解压后总大小超过 1 MB" in huge.json()["detail"][0]["message"]
        liar = self.api(client, personas.county_a, "list.xlsx", lying_zip())
        assert liar.status_code == 422
        assert "实际大小或校验值与目录不符" in liar.json()["detail"][0]["message"]
        assert EnterpriseList.objects.count() == 0

    def test_an_ordinary_list_still_goes_through_both_doors(
        self, client: Client, personas: Any
    ) -> None:
        assert self.api(client, personas.county_a, "list.xlsx", xlsx_bytes()).status_code == 202
        client.force_login(personas.county_a)
        assert self.page(client, "list.xlsx", xlsx_bytes()).status_code == 302
        assert EnterpriseList.objects.count() == 2


# Evidence, scans and photos --------------------------------------------------------------------


def evidence_page(client: Client, app: Any, name: str, data: bytes) -> Any:
    return client.post(
        f"/certification/applications/{app.public_id}/evidence/",
        {"ev-kind": "work", "ev-title": "劳动合同", "ev-file": as_file(name, data)},
    )


def evidence_api(client: Client, user: Any, app: Any, name: str, data: bytes) -> Any:
    return client.post(
        f"/api/v1/certification/applications/{app.public_id}/evidence",
        {"kind": "work", "title": "劳动合同", "file": as_file(name, data)},
        **bearer(user),
    )


def test_the_evidence_page_refuses_an_exe_renamed_pdf_and_a_pixel_bomb(
    client: Client,
    world: Any,  # noqa: F811  (the certification tests' fixture, imported above)
) -> None:
    app = draft(world)
    before = Evidence.objects.count()
    client.force_login(world.p.cqo)
    exe = evidence_page(client, app, "合同.pdf", EXE)
    assert exe.status_code == 422
    assert "文件内容是无法识别的格式，与扩展名 .pdf 不符" in exe.content.decode()
    bomb = evidence_page(client, app, "合同.png", png_declaring(100_000, 100_000))
    assert bomb.status_code == 422 and "图片尺寸过大" in bomb.content.decode()
    assert Evidence.objects.count() == before
    assert evidence_page(client, app, "合同.png", png_bytes()).status_code == 302
    assert Evidence.objects.count() == before + 1


def test_the_evidence_api_refuses_an_exe_renamed_pdf_and_a_pixel_bomb(
    client: Client,
    world: Any,  # noqa: F811  (the certification tests' fixture, imported above)
) -> None:
    app = draft(world)
    before = Evidence.objects.count()
    exe = evidence_api(client, world.p.cqo, app, "合同.pdf", EXE)
    assert exe.status_code == 422
    [error] = exe.json()["detail"]
    assert error["field"] == "file" and "与扩展名 .pdf 不符" in error["message"]
    bomb = evidence_api(client, world.p.cqo, app, "合同.png", png_declaring(100_000, 100_000))
    assert bomb.status_code == 422 and "图片尺寸过大" in bomb.json()["detail"][0]["message"]
    assert Evidence.objects.count() == before
    assert evidence_api(client, world.p.cqo, app, "合同.pdf", PDF).status_code == 201


def test_the_photo_service_refuses_a_pixel_bomb(
    personas: Any, settings: Any, tmp_path: Path
) -> None:
    from django.core.exceptions import ValidationError

    settings.MEDIA_ROOT = tmp_path
    bomb = SimpleUploadedFile("me.png", png_declaring(100_000, 100_000), "image/png")
    with pytest.raises(ValidationError) as exc:
        registry.person_update(
            actor=personas.cqo, person=personas.person, details=registry.PersonDetails(photo=bomb)
        )
    assert "图片尺寸过大" in exc.value.message_dict["photo"][0]
    personas.person.refresh_from_db()
    assert not personas.person.photo
