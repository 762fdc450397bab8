"""Reviews closed before a decision was required keep their finding as a record of its own
(outcome ``recorded``): a new review closes only by a suspension, a discontinuation or a finding
with evidence (level-standard §11)."""

from django.db import migrations


def mark_recorded(apps, schema_editor):
    ReviewRequest = apps.get_model("certification", "ReviewRequest")
    ReviewRequest.objects.filter(closed_at__isnull=False, outcome="").update(outcome="recorded")


class Migration(migrations.Migration):
    dependencies = [("certification", "0007_review_decisions_and_listing_notices")]

    operations = [migrations.RunPython(mark_recorded, migrations.RunPython.noop)]
