from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0004_regiontarget_set_by_existing"),
    ]

    operations = [
        migrations.AlterField(
            model_name="regiontarget",
            name="set_by_region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.region",
                verbose_name="设定地区",
            ),
        ),
    ]
