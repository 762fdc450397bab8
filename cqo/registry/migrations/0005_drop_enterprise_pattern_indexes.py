"""Drop the ``varchar_pattern_ops`` (``…_like``) indexes Django adds on PostgreSQL for the
enterprise's USCC, name, region and industry.

They serve only prefix matches (``LIKE 'x%'``), and no query of the platform matches an
enterprise column by prefix: USCCs, regions and industries are matched by equality or ``IN``,
names by substring. Each one still costs an index entry for every row a list import writes
(cqo/imports: 4 of the table's 11 indexes). The btree indexes on the same columns stay.
Django's own later changes to these fields drop such indexes with ``IF EXISTS``.
"""

from django.db import migrations

PATTERN_INDEXES = """
SELECT indexname FROM pg_indexes
WHERE schemaname = current_schema() AND tablename = 'registry_enterprise'
  AND indexdef LIKE %s
"""


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(PATTERN_INDEXES, ["%varchar_pattern_ops%"])
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_enterprise_last_list")]

    operations = [migrations.RunPython(drop, migrations.RunPython.noop, elidable=False)]
