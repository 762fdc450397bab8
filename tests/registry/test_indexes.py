"""The enterprise table keeps only the indexes its queries use (a list import writes an entry in
each of them for every row; registry migration 0005)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_no_prefix_match_indexes_on_enterprises():
    if connection.vendor != "postgresql":
        pytest.skip("varchar_pattern_ops indexes exist only on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'registry_enterprise'"
        )
        indexes = dict(cursor.fetchall())
    assert not [name for name, sql in indexes.items() if "varchar_pattern_ops" in sql]
    # the lookups that stay: USCC (unique), region, industry and name
    for column in ("uscc", "region_id", "industry_id", "name"):
        assert any(f"({column})" in sql for sql in indexes.values()), column
