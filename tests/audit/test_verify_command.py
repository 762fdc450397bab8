"""`manage.py audit_verify`: seals what is pending, walks the chain, reports; exit status 1 at a
break or a trail kept too short (CommandError), 0 otherwise."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from cqo.audit import services
from cqo.audit.models import AuditEntry, AuditVerification
from tests.audit.test_chain import _sql, _write, behind_the_platform

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = io.StringIO()
    call_command("audit_verify", "--batch", "2", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_seals_then_reports_a_whole_chain() -> None:
    _write(3)
    out = _run()
    assert out.startswith("audit chain OK: ")
    total = AuditEntry.objects.count()
    assert re.search(rf"\b{total} entries checked \(last seq {total}\)", out)
    assert "0 unsealed" in out and "algorithms: hmac-sha256" in out
    assert "retention floor: not yet applicable" in out
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 0
    assert AuditVerification.objects.count() == 1


def test_it_exits_non_zero_at_a_break_and_names_it() -> None:
    entries = _write(3)
    services.audit_seal()
    entries[1].refresh_from_db()
    with behind_the_platform():
        _sql("DELETE FROM audit_auditentry WHERE id = %s", (entries[1].pk,))
    with pytest.raises(CommandError) as raised:
        _run()
    assert raised.value.returncode == 1
    assert f"BROKEN at seq {entries[1].seq} (missing); 1 break(s)" in str(raised.value)
    assert not AuditVerification.objects.get().ok


def test_it_exits_non_zero_when_the_trail_is_kept_too_short(monkeypatch) -> None:
    from cqo.audit import rules

    _write(1)
    real = rules.retention
    monkeypatch.setattr(
        rules,
        "retention",
        lambda **kw: rules.Retention(days=180, oldest=kw["oldest"], kept_days=3, met=False),
    )
    with pytest.raises(CommandError, match="kept too short"):
        _run()
    monkeypatch.setattr(rules, "retention", real)
    assert _run().startswith("audit chain OK")


def test_the_daily_job_verifies_and_the_minute_job_seals() -> None:
    from cqo.audit import tasks

    _write(2)
    assert tasks.audit_seal() >= 2
    assert tasks.audit_seal() == 0
    assert tasks.audit_verify() == AuditEntry.objects.count()
