import uuid

from django.db import migrations


def give_public_ids(apps, schema_editor):
    # each existing token gets an id of its own before the column becomes unique
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(public_id__isnull=True).only("pk"):
        token.public_id = uuid.uuid4()
        token.save(update_fields=["public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_token_label_last_used_failure_address"),
    ]

    operations = [
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
    ]
