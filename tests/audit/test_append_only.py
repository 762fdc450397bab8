"""The trail cannot be deleted or changed from the platform (GB/T 22239-2019 8.1.4.3 c)), nor, on
PostgreSQL, with SQL (a trigger); it is kept at least CQO_AUDIT_RETENTION_DAYS, never below
网络安全法 第二十一条(三)'s six months (a system check)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.checks import run_checks
from django.db import DatabaseError, connection, transaction

from cqo.audit import rules, services
from cqo.audit.models import AuditEntry, AuditImmutableError

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"
)


def _entry() -> AuditEntry:
    return services.audit_record(
        actor=None, action="update", target_type="course", target_id="c-1", target_repr="课程"
    )


def test_the_orm_refuses_to_delete_an_entry() -> None:
    entry = _entry()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_orm_refuses_to_change_an_entry() -> None:
    entry = _entry()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(target_repr="改过")
    entry.target_repr = "改过"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.bulk_update([entry], ["target_repr"])
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.update_or_create(pk=entry.pk, defaults={"note": "x"})
    entry.refresh_from_db()
    assert entry.target_repr == "课程"


def test_the_admin_offers_no_change_and_no_deletion(client, personas) -> None:
    entry = _entry()
    client.force_login(personas.auditor)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    page = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"target_repr": "改过"})
    assert page.status_code == 403
    entry.refresh_from_db()
    assert entry.target_repr == "课程"


def _refused(statement: str, params: tuple[object, ...]) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError as exc:
        assert "never" in str(exc)
        return True
    return False


@postgresql_only
def test_the_database_refuses_to_delete_or_change_a_sealed_entry() -> None:
    entry = _entry()
    assert _refused("DELETE FROM audit_auditentry WHERE id = %s", (entry.pk,))  # even unsealed
    services.audit_seal()
    assert _refused("DELETE FROM audit_auditentry WHERE id = %s", (entry.pk,))
    assert _refused(
        "UPDATE audit_auditentry SET target_repr = %s WHERE id = %s", ("改过", entry.pk)
    )
    assert _refused("UPDATE audit_auditentry SET seq = NULL, chain = '' WHERE id = %s", (entry.pk,))
    assert AuditEntry.objects.get(pk=entry.pk).target_repr == "课程"


@postgresql_only
def test_the_database_lets_only_the_sealer_fill_an_unsealed_entry() -> None:
    entry = _entry()
    assert _refused("UPDATE audit_auditentry SET note = %s WHERE id = %s", ("改过", entry.pk))
    assert _refused(
        "UPDATE audit_auditentry SET seq = 999999, note = %s WHERE id = %s", ("改过", entry.pk)
    )
    assert services.audit_seal() >= 1
    entry.refresh_from_db()
    assert entry.seq is not None and entry.note == ""


def test_deleting_rows_behind_sqlite_is_left_to_the_chain() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses it (the trigger)")
    entry = _entry()
    assert not _refused("DELETE FROM audit_auditentry WHERE id = %s", (entry.pk,))


@pytest.mark.parametrize(("days", "errors"), [(179, 1), (180, 0), (365, 0), (0, 1)])
def test_the_retention_setting_is_never_below_six_months(settings, days, errors) -> None:
    settings.CQO_AUDIT_RETENTION_DAYS = days
    found = [m for m in run_checks() if m.id == "cqo.audit.E001"]
    assert len(found) == errors
    if found:
        assert "第二十一条" in str(found[0].hint)


NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("started", "oldest", "met", "kept"),
    [
        (None, None, None, 0),  # no entry at all
        (NOW - 10 * DAY, NOW - 10 * DAY, None, 10),  # younger than the floor
        (NOW - 179 * DAY, NOW - 179 * DAY, None, 179),
        (NOW - 180 * DAY, NOW - 180 * DAY, True, 180),  # exactly the floor
        (NOW - 400 * DAY, NOW - 400 * DAY, True, 400),
        (NOW - 400 * DAY, NOW - 179 * DAY, False, 179),  # old entries gone
        (NOW - 180 * DAY, NOW - 180 * DAY + 2 * 3600 * dt.timedelta(seconds=1), True, 179),
        (NOW - 181 * DAY, NOW - 179 * DAY, False, 179),  # begins two days after the start
        (None, NOW - 200 * DAY, True, 200),  # start unknown: the oldest entry stands for it
    ],
)
def test_the_retention_floor(started, oldest, met, kept) -> None:
    result = rules.retention(oldest=oldest, started=started, now=NOW, days=180)
    assert (result.met, result.kept_days) == (met, kept)
