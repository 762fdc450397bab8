"""GET /filings/{id}/form.pdf: the printed 表 A.1 over the API, masked unless a viewer who may
see the personal numbers asks for them, and then logged (SPEC §10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cqo.accounts import access
from cqo.audit.models import AuditEntry
from cqo.registry import printing, services
from cqo.registry.models import Appointment
from cqo.test import Personas
from tests.registry.test_api import callers, draft, fields, filed


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


@pytest.fixture
def prints(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The ``unmasked`` of each form rendered; the PDF itself is still drawn."""
    seen: list[bool] = []
    render = printing.render_filing_form

    def spy(appointment: Appointment, *, unmasked: bool, contact: bool) -> bytes:
        seen.append(unmasked)
        return render(appointment, unmasked=unmasked, contact=contact)

    monkeypatch.setattr(printing, "render_filing_form", spy)
    return seen


def unmasked_fields(user: Any) -> set[str]:
    return set(
        AuditEntry.objects.filter(action="unmask", actor=user).values_list("note", flat=True)
    )


def test_it_prints_the_filing_form_masked(personas: Personas, as_: Any, prints: list[bool]) -> None:
    appt = filed(personas)
    response = as_(personas.clerk_a).get(f"/filings/{appt.public_id}/form.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'inline; filename="filing-{appt.filing_number}.pdf"'
    assert prints == [False]
    assert not AuditEntry.objects.filter(action="unmask").exists()


def test_it_prints_a_draft_named_by_its_public_id(
    personas: Personas, as_: Any, prints: list[bool]
) -> None:
    appt = draft(personas)
    response = as_(personas.clerk_a).get(f"/filings/{appt.public_id}/form.pdf")
    assert response.content.startswith(b"%PDF")
    assert str(appt.public_id)[:8] in response["Content-Disposition"]


@pytest.mark.parametrize("viewer", ["county_a", "city", "cqo", "admin"])
def test_it_prints_in_full_for_a_viewer_allowed_and_logs_it(
    personas: Personas, as_: Any, prints: list[bool], viewer: str
) -> None:
    appt = filed(personas)
    user = getattr(personas, viewer)
    response = as_(user).get(f"/filings/{appt.public_id}/form.pdf", full="true")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert prints == [True]
    assert unmasked_fields(user) == {"id_number", "mobile"}
    entry = AuditEntry.objects.filter(action="unmask", actor=user).first()
    assert entry is not None and entry.target_id == str(personas.person.public_id)


def test_it_prints_in_full_for_the_clerk_only_once_the_person_confirmed(
    personas: Personas, as_: Any, prints: list[bool]
) -> None:
    # SPEC §12.23: knowing a person's ID number and name lets a clerk draft an appointment of
    # them, not read their mobile, e-mail and address
    appt = filed(personas)
    clerk = as_(personas.clerk_a)
    assert clerk.get(f"/filings/{appt.public_id}/form.pdf", full="true").status_code == 200
    assert prints == [False]
    assert not unmasked_fields(personas.clerk_a)
    services.appointment_confirm(actor=personas.cqo, appointment=appt)
    assert clerk.get(f"/filings/{appt.public_id}/form.pdf", full="true").status_code == 200
    assert prints == [False, True]
    assert unmasked_fields(personas.clerk_a) == {"id_number", "mobile"}


def test_it_prints_masked_when_the_viewer_may_not_unmask(
    personas: Personas, as_: Any, prints: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    appt = filed(personas)
    monkeypatch.setattr(access, "can_reveal_personal", lambda *args, **kwargs: False)
    response = as_(personas.county_a).get(f"/filings/{appt.public_id}/form.pdf", full="true")
    assert response.status_code == 200
    assert prints == [False]
    assert not AuditEntry.objects.filter(action="unmask").exists()


def test_it_rejects_printing_a_foreign_filing(
    personas: Personas, as_: Any, prints: list[bool]
) -> None:
    appt = filed(personas)
    url = f"/filings/{appt.public_id}/form.pdf"
    for user in (personas.county_b, personas.clerk_b, personas.trainer):
        assert as_(user).get(url, full="true").status_code == 404, user
        assert as_(user).get(url).status_code == 404, user
    assert prints == []
    assert not AuditEntry.objects.filter(action="unmask").exists()


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/filings/{filing}/form.pdf", {"full": "please"}, "full"),
        ("/filings/not-a-uuid/form.pdf", {}, "public_id"),
    ],
)
def test_it_rejects_a_bad_print_request(
    personas: Personas, as_: Any, path: str, params: dict[str, Any], field: str
) -> None:
    appt = filed(personas)
    url = path.format(filing=appt.public_id)
    assert fields(as_(personas.county_a).get(url, **params)) == {field}
    assert not AuditEntry.objects.filter(action="unmask").exists()


def test_it_documents_the_form_as_a_pdf(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    ok = schema["paths"]["/api/v1/filings/{public_id}/form.pdf"]["get"]["responses"]["200"]
    assert set(ok["content"]) == {"application/pdf"}
    assert "Annex A" in ok["description"]
