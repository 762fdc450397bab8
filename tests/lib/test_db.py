"""cqo/lib/db.py: a per-request statement gives what the ORM gives, values converted as the ORM
converts them; on PostgreSQL it is prepared once per connection, and Django's query recording
and execute wrappers still see it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cqo.accounts.models import ApiToken, Role, User
from cqo.audit.models import AuditEntry
from cqo.audit.services import audit_record
from cqo.lib.db import Select, fetch_one, select
from cqo.reference.models import Region
from cqo.test import COUNTY_A

pytestmark = pytest.mark.django_db


def _user_select() -> Select:
    qn = connection.ops.quote_name
    fields = list(User._meta.concrete_fields)
    columns = ", ".join(qn(f.column) for f in fields)
    table = qn(User._meta.db_table)
    return Select.build(f"SELECT {columns} FROM {table} WHERE username = %s", fields)  # noqa: S608


def test_a_row_comes_back_as_the_orm_gives_it() -> None:
    made = User.objects.create(username="db-test", role=Role.ADMIN, is_staff=True)
    statement = select("test.user", _user_select)
    assert select("test.user", _user_select) is statement  # built once per vendor
    row = statement.fetch_one(["db-test"])
    assert row is not None
    user = User.from_db(connection.alias, [f.attname for f in statement.fields], row)
    orm = User.objects.get(pk=made.pk)
    for f in User._meta.concrete_fields:
        assert getattr(user, f.attname) == getattr(orm, f.attname), f.name
    # SQLite hands back strings and integers: converted like the ORM's
    assert isinstance(user.date_joined, dt.datetime) and user.date_joined.tzinfo is not None
    assert user.is_staff is True and user.is_active is True
    assert statement.fetch_one(["nobody"]) is None


def test_the_token_lookup_brings_the_region_and_the_audit_head() -> None:
    user = User.objects.create(username="db-regulator", role=Role.REGULATOR, region_id=COUNTY_A)
    key = ApiToken.issue(user)
    audit_record(actor=user, action="test", target_type="test", target_id="1")
    found = ApiToken.user_for(key)
    assert found is not None and found.pk == user.pk
    assert found.region == Region.objects.get(code=COUNTY_A)
    assert found.region.name == Region.objects.get(code=COUNTY_A).name
    assert found.audit_head == AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert ApiToken.user_for(key + "x") is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ApiToken.user_for(key) is None


def test_django_sees_the_statement_when_it_records_queries() -> None:
    with CaptureQueriesContext(connection) as captured:
        assert fetch_one("SELECT %s", [7]) == (7,)
    assert [q["sql"] for q in captured.captured_queries] == ["SELECT 7"]

    seen: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert fetch_one("SELECT %s", [8]) == (8,)
    assert seen == ["SELECT %s"]


def test_on_postgresql_the_statement_is_prepared_once_per_connection() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans each statement in process")
    sql = "SELECT %s::int + 1 AS prepared_by_cqo_lib_db"
    assert fetch_one(sql, [1]) == (2,)
    assert fetch_one(sql, [41]) == (42,)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%prepared_by_cqo_lib_db%"],
        )
        assert cursor.fetchone() == (1,)
    # the connection's other statements are still not prepared (Django's default, for poolers)
    assert connection.connection.prepare_threshold is None


def test_errors_are_djangos() -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch_one("SELECT * FROM no_such_table_here WHERE 1 = %s", [1])
