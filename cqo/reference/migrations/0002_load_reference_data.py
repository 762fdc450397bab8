from django.db import migrations


def load(apps, schema_editor):
    from cqo.reference.services import reference_load

    reference_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
