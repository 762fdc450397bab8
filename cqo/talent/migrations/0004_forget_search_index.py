"""The search index is rebuilt with the person scope of access.py (SearchLink, ``placed``):
forget the one built by place, so that searches answer live (exact) until ``manage.py
talent_refresh`` (every ten minutes on celery beat, or run_daily_jobs) builds it again. The rows
go first, so the next migration re-creates the indexes of an empty table."""

from django.db import migrations


def forget(apps, schema_editor):
    for name in ("SearchMark", "SearchRow", "SearchTally"):
        apps.get_model("talent", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0003_search_tally"),
    ]

    operations = [
        migrations.RunPython(forget, migrations.RunPython.noop),
    ]
