"""Uploaded documents open for those who review them: the 聘任授权证书扫描件 a clerk attaches
shows in the county's browser (a PDF or an image inline, anything else as a download), only
inside the filing's scope, and every opening is a line of the filing's change log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from cqo.audit.models import AuditEntry
from cqo.registry.models import Appointment
from cqo.test import Personas, file_appointment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _with_scan(p: Personas, name: str, body: bytes) -> Appointment:
    appt = file_appointment(p)
    appt.authorisation_scan.save(name, ContentFile(body), save=True)
    return appt


def _open(p: Personas, user: Any, appt: Appointment) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(f"/filings/{appt.public_id}/scan/")


@pytest.mark.parametrize(
    ("name", "body", "kind"),
    [("授权证书.png", PNG, "image/png"), ("授权证书.pdf", PDF, "application/pdf")],
)
def test_the_county_sees_the_scan_in_its_browser_and_the_log_says_so(
    personas: Personas, name: str, body: bytes, kind: str
) -> None:
    appt = _with_scan(personas, name, body)
    response = _open(personas, personas.county_a, appt)
    assert response.status_code == 200
    assert response["Content-Type"] == kind
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == body
    entry = AuditEntry.objects.get(target_id=str(appt.public_id), action="view")
    assert (entry.actor, entry.note) == (personas.county_a, "聘任授权证书扫描件")
    # the filing's page links it and its change log shows the opening in words
    client = Client()
    client.force_login(personas.county_a)
    page = client.get(f"/filings/{appt.public_id}/").content.decode()
    assert f"/filings/{appt.public_id}/scan/" in page
    assert "查看附件" in page


def test_a_file_that_only_claims_to_be_an_image_is_a_download(personas: Personas) -> None:
    appt = _with_scan(personas, "授权证书.png", b"<html><script>alert(1)</script></html>")
    response = _open(personas, personas.county_a, appt)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_one_outside_the_filing_opens_it(personas: Personas) -> None:
    appt = _with_scan(personas, "授权证书.pdf", PDF)
    assert _open(personas, personas.county_b, appt).status_code == 404
    assert _open(personas, personas.clerk_b, appt).status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()


def test_a_filing_without_a_scan_says_so(personas: Personas) -> None:
    appt = file_appointment(personas)
    assert _open(personas, personas.county_a, appt).status_code == 404
    client = Client()
    client.force_login(personas.county_a)
    assert "未上传" in client.get(f"/filings/{appt.public_id}/").content.decode()
