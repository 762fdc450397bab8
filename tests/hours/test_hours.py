"""Study records through the services, API and pages: who may write, the log entry and its
commitment, corrections, compliance in scope, the proof bundle that verifies offline, and
reminders (SPEC §5, §12.14; level-standard §10)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cqo.accounts.models import User
from cqo.audit.models import AuditEntry
from cqo.hours import selectors, services
from cqo.hours.models import HourReminder, PersonSalt, StudyRecord
from cqo.ledger import services as ledger
from cqo.ledger.models import LedgerEntry
from cqo.ledger.verify import verify_bundle
from cqo.lib import clock
from cqo.test import PASSWORD, Personas, file_appointment, new_id_number
from tests.registry.test_api import callers, fields

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def add(p: Personas, actor=None, **overrides: Any) -> StudyRecord:
    data: dict[str, Any] = {
        "actor": actor or p.trainer,
        "person": p.person,
        "kind": "online_self_study",
        "hours": "12",
        "occurred_on": dt.date(2026, 3, 1),
        "title": "质量管理体系在线课程",
        "source": "api",
        "provider": "陕西质量培训中心",
    }
    data.update(overrides)
    return services.record_create(**data)


def test_a_record_enters_the_log_as_a_commitment_only(personas: Personas):
    record = add(personas)
    entry = LedgerEntry.objects.get(index=record.ledger_index)
    raw = bytes(entry.entry)
    assert personas.person.name.encode() not in raw
    assert personas.person.id_number.encode() not in raw
    leaf = json.loads(raw)
    assert leaf["commitment"] == record.commitment
    salt = bytes(PersonSalt.objects.get(person=personas.person).salt)
    assert (
        record.commitment
        == hashlib.sha256(salt + services.canonical(services.opening(record))).hexdigest()
    )
    assert AuditEntry.objects.filter(target_type="study_record", action="create").count() == 1


def test_bad_input_names_the_field_and_writes_nothing(personas: Personas):
    before = (StudyRecord.objects.count(), LedgerEntry.objects.count())
    for change, field in [
        ({"hours": "-1"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "501"}, "hours"),
        ({"occurred_on": "2026-13-01"}, "occurred_on"),
        ({"occurred_on": TODAY + dt.timedelta(days=1)}, "occurred_on"),
        ({"kind": "sleeping"}, "kind"),
        ({"title": "  "}, "title"),
    ]:
        with pytest.raises(ValidationError) as exc:
            add(personas, **change)
        assert field in exc.value.message_dict, change
    assert (StudyRecord.objects.count(), LedgerEntry.objects.count()) == before


def test_a_repeated_source_ref_is_refused(personas: Personas):
    add(personas, source_ref="elearn-42")
    with pytest.raises(ValidationError) as exc:
        add(personas, source_ref="elearn-42")
    assert set(exc.value.message_dict) == {"source_ref"}


def test_who_may_write(personas: Personas):
    p = personas
    file_appointment(p)
    add(p, actor=p.county_a, source="activity")  # the regulator of the person's county
    add(p, actor=p.clerk_a, source="activity")  # the clerk of the person's enterprise
    add(p, actor=p.cqo, source="activity")  # the person, own activity
    for outsider in (p.county_b, p.clerk_b):
        with pytest.raises(PermissionDenied):
            add(p, actor=outsider, source="activity")


def test_a_correction_is_a_new_linked_record(personas: Personas):
    first = add(personas)
    fixed = add(personas, actor=personas.admin, hours="8", corrects=first, source="activity")
    assert fixed.source == "correction" and fixed.corrects == first
    first.refresh_from_db()
    assert first.hours == Decimal("12")  # never changed
    effective = selectors.effective(StudyRecord.objects.filter(person=personas.person))
    assert list(effective) == [fixed]
    with pytest.raises(ValidationError):
        add(personas, actor=personas.admin, hours="9", corrects=first, source="activity")


def test_compliance_counts_the_corrected_figures(personas: Personas):
    file_appointment(personas)  # a serving CQO in Shaanxi: 30 学时, online self-study
    first = add(personas, hours="20")
    add(personas, hours="9")
    c = selectors.compliance_for(personas.person, 2026)
    assert (c.pack.counted_hours, c.met) == (Decimal(29), False)
    assert c.pack.clause.startswith("shaanxi-2021 §五(一)")
    add(personas, actor=personas.admin, hours="21", corrects=first, source="activity")
    c = selectors.compliance_for(personas.person, 2026)
    assert (c.pack.counted_hours, c.met) == (Decimal(30), True)


def test_the_regulator_sees_who_is_short_in_scope(personas: Personas):
    file_appointment(personas)
    rows = selectors.compliance_rows(user=personas.county_a, year=2026, short_only=True)
    assert [r.person for r in rows] == [personas.person]
    assert selectors.compliance_rows(user=personas.county_b, year=2026) == []
    add(personas, hours="30")
    assert selectors.compliance_rows(user=personas.county_a, year=2026, short_only=True) == []


def test_the_proof_bundle_verifies_offline_with_the_public_key(personas: Personas, tmp_path):
    record = add(personas)
    bundle = services.proof_bundle(record)
    vkey = ledger.public_vkey()
    result = verify_bundle(bundle, vkey)
    assert result.ok, result.reason
    assert result.index == record.ledger_index
    opening = bundle["opening"]
    recomputed = hashlib.sha256(
        bytes.fromhex(opening["salt"]) + services.canonical(opening["fields"])
    ).hexdigest()
    assert recomputed == opening["commitment"] == json.loads(result.entry)["commitment"]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    ok = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "cqo.ledger", "verify", str(path), "--key", vkey],
        capture_output=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    bundle["opening"]["fields"]["hours"] = "99.0"  # the opening no longer matches
    assert (
        hashlib.sha256(
            bytes.fromhex(opening["salt"]) + services.canonical(bundle["opening"]["fields"])
        ).hexdigest()
        != opening["commitment"]
    )


def test_the_api_takes_hours_from_an_e_learning_system(personas: Personas, as_: Any):
    body = {
        "id_number": personas.person.id_number,
        "person_name": personas.person.name,
        "kind": "online_self_study",
        "hours": "2.5",
        "occurred_on": "2026-06-01",
        "title": "质量成本管理",
        "source_ref": "course-7/user-3",
    }
    created = as_(personas.trainer).post("/hours", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["ledger_index"] is not None and data["hours"] == "2.5"
    assert fields(as_(personas.trainer).post("/hours", body)) == {"source_ref"}
    assert fields(as_(personas.trainer).post("/hours", {**body, "person_name": "别人"})) == {
        "id_number"
    }
    assert as_(None).post("/hours", body).status_code == 401
    proof = as_(personas.cqo).get(f"/hours/{data['id']}/proof")
    assert proof.status_code == 200
    assert verify_bundle(proof.json(), ledger.public_vkey()).ok
    assert as_(personas.clerk_b).get(f"/hours/{data['id']}").status_code == 404


def test_it_answers_alike_whether_or_not_a_named_person_exists(
    personas: Personas, as_: Any, client: Client
):
    # A self-registered account must not learn from POST /hours whether an (ID number, name)
    # pair belongs to a registered person: a real person it may not record for, a wrong name
    # and an unknown number all get the same 422 with the same words.
    created = client.post(
        "/api/v1/register",
        {
            "username": "prober",
            "password": PASSWORD,
            "name": "赵六",
            "id_number": new_id_number(),
            "education": "bachelor",
            "mobile": "13900000009",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    prober = User.objects.get(username="prober")
    body = {
        "kind": "online_self_study",
        "hours": "1",
        "occurred_on": "2026-06-01",
        "title": "质量成本管理",
    }
    person = personas.person
    caller = as_(prober)
    caller.get("/auth/me")  # the token's first use is recorded once (last_used_at): not measured
    answers, statements = [], []
    for number, name in [
        (person.id_number, person.name),  # real, but not the prober's to record for
        (person.id_number, "别人"),
        (new_id_number(), person.name),
    ]:
        with CaptureQueriesContext(connection) as queries:
            answers.append(
                caller.post("/hours", {**body, "id_number": number, "person_name": name})
            )
        statements.append(len(queries))
    answers.append(caller.post("/hours", {**body, "person": str(person.public_id)}))
    assert {a.status_code for a in answers} == {422}
    # the same work for each: one indexed lookup, whatever the outcome (similar timing)
    assert len(set(statements)) == 1, statements
    messages = {m["message"] for a in answers for m in a.json()["detail"]}
    assert len(messages) == 1, messages
    assert not StudyRecord.objects.filter(person=person).exists()


def test_it_lists_a_persons_records_only_within_scope_and_alike_for_strangers(
    personas: Personas, as_: Any
):
    import uuid

    add(personas)
    own = as_(personas.county_a).get("/hours", person=str(personas.person.public_id))
    assert own.status_code == 200 and own.json()["count"] == 1
    # a person outside county B's scope and one who does not exist read the same
    answers = [
        as_(personas.county_b).get("/hours", person=str(public_id))
        for public_id in (personas.person.public_id, uuid.uuid4())
    ]
    assert [(a.status_code, a.json()) for a in answers] == [(200, {"count": 0, "items": []})] * 2


def test_the_api_lists_compliance_for_a_regulator(personas: Personas, as_: Any):
    file_appointment(personas)
    response = as_(personas.city).get("/hours/compliance", year=2026, short_only=True)
    assert response.status_code == 200
    item = response.json()["items"][0]
    assert item["person_name"] == personas.person.name and item["met"] is False
    assert item["regimes"][0]["required_hours"] == "30"
    assert as_(personas.county_b).get("/hours/compliance", year=2026).json()["count"] == 0


def test_reminders_go_to_those_short_before_year_end(personas: Personas):
    file_appointment(personas)
    call_command("hours_remind", "--date", "2026-11-02", stdout=io.StringIO())
    assert not HourReminder.objects.exists()  # not a reminder date
    out = io.StringIO()
    call_command("hours_remind", "--date", "2026-12-01", stdout=out)
    reminder = HourReminder.objects.get()
    assert reminder.person == personas.person
    assert "陕质委办〔2021〕15号 第五条（一）" in reminder.message
    assert "shaanxi-2021" not in reminder.message and "SPEC" not in reminder.message
    call_command("hours_remind", "--date", "2026-12-01", stdout=io.StringIO())
    assert HourReminder.objects.count() == 1  # once a day


def test_it_marks_a_reminder_read_once_for_its_reader_and_404s_for_others(
    personas: Personas, client: Client
):
    file_appointment(personas)
    call_command("hours_remind", "--date", "2026-12-01", stdout=io.StringIO())
    reminder = HourReminder.objects.get()
    url = f"/hours/reminders/{reminder.pk}/read/"
    assert client.login(username="county_b", password=PASSWORD)
    assert client.post(url).status_code == 404  # not addressed to them: as if it did not exist
    client.logout()
    assert client.login(username="cqo", password=PASSWORD)
    assert client.post(url).status_code == 302
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    assert client.post(url).status_code == 404  # read: no longer in the reader's list
    entries = AuditEntry.objects.filter(target_type="hour_reminder", target_id=str(reminder.pk))
    assert [(e.action, e.actor.username) for e in entries] == [("update", "cqo")]


def test_the_pages(personas: Personas, client: Client):
    file_appointment(personas)
    record = add(personas)
    assert client.login(username="cqo", password=PASSWORD)
    mine = client.get("/hours/").content.decode()
    assert "质量管理体系在线课程" in mine and 'id="compliance"' in mine
    pdf = client.get(f"/hours/{record.public_id}/proof.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    bundle = client.get(f"/hours/{record.public_id}/proof.json").json()
    assert verify_bundle(bundle, ledger.public_vkey()).ok
    client.logout()
    assert client.login(username="county_a", password=PASSWORD)
    page = client.get("/hours/", {"year": 2026, "short": "1"}).content.decode()
    assert personas.person.name in page
    xlsx = client.get("/hours/", {"year": 2026, "export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    form = client.post(
        "/hours/new/",
        {
            "id_number": personas.person.id_number,
            "person_name": personas.person.name,
            "kind": "lecture",
            "hours": "3",
            "occurred_on": "2026-07-01",
            "title": "质量讲座",
        },
    )
    assert form.status_code == 302
    bad = client.post("/hours/new/", {"kind": "lecture", "hours": "x", "title": ""})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    client.logout()
    assert client.login(username="clerk_b", password=PASSWORD)
    assert client.get(f"/hours/{record.public_id}/").status_code == 404


def test_the_list_and_the_person_page_agree_on_a_cqo_reappointed_after_1_october(
    personas: Personas,
):
    # SPEC §12.7: only a CQO *first* appointed after 1 October is exempt that year; a second
    # appointment late in the year does not make a long-serving CQO exempt on either view.
    p = personas
    file_appointment(p, start_date=dt.date(2024, 5, 1))
    file_appointment(p, clerk=p.clerk_b, start_date=dt.date(2026, 10, 15))
    alone = selectors.compliance_for(p.person, 2026)
    listed = {r.person: r.compliance for r in selectors.compliance_rows(user=None, year=2026)}
    assert alone.exempt is False
    assert listed[p.person].exempt is False
    assert listed[p.person].met is False
