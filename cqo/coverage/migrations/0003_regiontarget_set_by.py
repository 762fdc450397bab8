"""Targets record the level and region that set them; each level keeps its own target for a
region, metric and year (cqo/coverage/services.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0002_mark_recent"),
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="regiontarget",
            name="set_by_level",
            field=models.CharField(
                choices=[("province", "省级"), ("city", "市级"), ("county", "县级")],
                default="province",
                max_length=10,
                verbose_name="设定层级",
            ),
        ),
        migrations.AddField(
            model_name="regiontarget",
            name="set_by_region",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.region",
                verbose_name="设定地区",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="regiontarget",
            name="coverage_regiontarget_one_per_year",
        ),
        migrations.AddConstraint(
            model_name="regiontarget",
            constraint=models.UniqueConstraint(
                fields=("region", "metric", "year", "set_by_level"),
                name="coverage_regiontarget_one_per_level_year",
            ),
        ),
        migrations.AlterModelOptions(
            name="regiontarget",
            options={
                "ordering": ["region_id", "metric", "year", "set_by_level"],
                "verbose_name": "地区覆盖率目标",
                "verbose_name_plural": "地区覆盖率目标",
            },
        ),
    ]
