"""Who set the targets entered before the level was recorded: the region of the regulator who
entered the current value when it lies above the target's region (a province or a city), else
the province of the target's region (the platform admin, or an account since moved)."""

from django.db import migrations


def _contains(own, region) -> bool:
    if own.level == "province":
        return region.province_code == own.code and region.code != own.code
    if own.level == "city":
        return region.city_code == own.code and region.code != own.code
    return False


def record(apps, schema_editor):
    RegionTarget = apps.get_model("coverage", "RegionTarget")
    Region = apps.get_model("reference", "Region")
    for target in RegionTarget.objects.select_related("region", "entered_by__region"):
        own = target.entered_by.region if target.entered_by.role == "regulator" else None
        if own is None or not _contains(own, target.region):
            own = Region.objects.get(code=target.region.province_code)
        target.set_by_level, target.set_by_region = own.level, own
        target.save(update_fields=["set_by_level", "set_by_region"])


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0003_regiontarget_set_by"),
    ]

    operations = [
        migrations.RunPython(record, migrations.RunPython.noop),
    ]
