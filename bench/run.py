"""Benchmarks of the registry's hot paths, each against a baseline run in the same process.

Prints figures; asserts nothing about time. Runs on a throw-away database (SQLite by default,
or DATABASE_URL). Usage: python bench/run.py [--n 3000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def report(name: str, ours: float, base: float, n: int, base_name: str) -> None:
    print(
        f"{name:<42} {ours * 1000:9.1f} ms  ({n / ours:9.0f}/s)   "
        f"baseline {base_name}: {base * 1000:8.1f} ms   ratio {ours / base:6.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--ledger-leaves", type=int, default=10_000_000, help="bench/ledger.py")
    args = parser.parse_args()
    n = args.n
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run(n)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(n: int) -> None:
    from cqo.accounts.models import Role, User
    from cqo.lib import crypto
    from cqo.lib.codes import make_uscc
    from cqo.reference.models import Industry, Region
    from cqo.registry import selectors, services
    from cqo.registry.models import Enterprise, Person

    rng = random.Random(7)
    counties = list(
        Region.objects.filter(province_code="610000", level="county").exclude(flags__gt="")
    )
    industry = Industry.objects.get(code="34")
    province = User.objects.create(username="bench-prov", role=Role.REGULATOR, region_id="610000")
    print(f"database: {connection.vendor}, n = {n}")

    # 1. Registering enterprises through the service (validation, scope check, audit) vs a raw
    #    bulk insert of the same rows.
    rows = [
        {
            "uscc": make_uscc(counties[i % len(counties)].code, rng),
            "name": f"基准测试企业{i}有限公司",
            "industry": "34",
            "size": "small",
            "region": counties[i % len(counties)].code,
        }
        for i in range(n)
    ]
    half = n // 2
    t_service, _ = timed(
        lambda: [
            services.enterprise_create(actor=province, details=services.EnterpriseDetails(**r))
            for r in rows[:half]
        ]
    )
    t_raw, _ = timed(
        lambda: Enterprise.objects.bulk_create(
            [
                Enterprise(
                    uscc=r["uscc"],
                    name=r["name"],
                    industry=industry,
                    size="small",
                    region_id=r["region"],
                )
                for r in rows[half:]
            ]
        )
    )
    report("enterprise_create (service, audited)", t_service, t_raw, half, "bulk_create")

    # 2. A county regulator's scoped, filtered page of enterprises vs the same query unscoped.
    county = User.objects.create(username="bench-county", role=Role.REGULATOR, region=counties[0])
    repeat = 200
    t_scoped, _ = timed(
        lambda: [list(selectors.enterprise_list(user=county, q="基准")[:25]) for _ in range(repeat)]
    )
    t_plain, _ = timed(
        lambda: [
            list(
                Enterprise.objects.filter(name__contains="基准").select_related(
                    "region", "industry"
                )[:25]
            )
            for _ in range(repeat)
        ]
    )
    report("enterprise_list page (county scope)", t_scoped, t_plain, repeat, "unscoped query")

    # 3. The province's 指导督促 page: enterprises without a filed CQO (count + first page), with
    #    every enterprise annotated, vs counting the table.
    prov = province
    t_queue, _ = timed(
        lambda: [
            (q.count(), list(q[:25]))
            for q in [selectors.oversight_queue(user=prov)["without_cqo"] for _ in range(20)]
        ]
    )
    t_count, _ = timed(lambda: [Enterprise.objects.count() for _ in range(20)])
    report("oversight without-CQO count + page (20x)", t_queue, t_count, 20, "plain count")

    # 4. Protecting an ID number (Fernet + keyed hash + mask) vs storing it plainly.
    ids = [f"61011319850314{rng.randrange(1000, 9999)}" for _ in range(n)]
    t_enc, _ = timed(lambda: [Person(id_number=x) for x in ids])
    t_plain_set, _ = timed(lambda: [Person(name=x) for x in ids])
    report("encrypt + hash ID number", t_enc, t_plain_set, n, "plain attribute")
    token = crypto.encrypt(ids[0])
    t_dec, _ = timed(lambda: [crypto.decrypt(token) for _ in range(n)])
    report("decrypt ID number", t_dec, t_plain_set, n, "plain attribute")

    # 5. The eligibility verdict of a pack (every condition, with its explanation) vs the bare
    #    threshold comparisons of the same conditions written as Python.
    import datetime as dt

    from cqo.policy import rules
    from cqo.policy.selectors import governing_for_region

    region = counties[0]
    gov = governing_for_region(region, dt.date(2026, 6, 1))
    facts = [
        rules.Facts(
            person=rules.PersonFacts(
                education=rng.choice(["junior_college", "bachelor", "master"]),
                title_level=rng.choice(["", "junior", "intermediate"]),
                quality_years=rng.randrange(0, 12),
            ),
            enterprise=rules.EnterpriseFacts(size="medium", above_scale=rng.random() < 0.5),
            post=rules.PostFacts(rank=rng.choice(["department_head", "senior_deputy"])),
        )
        for _ in range(n)
    ]
    t_verdict, _ = timed(lambda: [rules.verdict(gov.rules, f) for f in facts])
    t_bare, _ = timed(
        lambda: [
            (
                f.person.quality_years >= 3,
                f.person.education in ("bachelor", "master", "doctor")
                or f.person.title_level in ("intermediate", "associate_senior", "senior"),
                not f.enterprise.above_scale or f.post.rank in ("senior_deputy", "senior_head"),
            )
            for f in facts
        ]
    )
    report("eligibility verdict (shaanxi-2021)", t_verdict, t_bare, n, "bare comparisons")

    # 6. Which pack governs a county (three lookups and a merge) vs fetching one row by key.
    t_gov, _ = timed(
        lambda: [governing_for_region(region, dt.date(2026, 6, 1)) for _ in range(200)]
    )
    t_row, _ = timed(lambda: [Region.objects.get(code=region.code) for _ in range(200)])
    report("governing pack for a county (200x)", t_gov, t_row, 200, "one row by key")

    # 7. The hour log (cqo/ledger): bench/ledger.py, sized by --ledger-leaves.
    __import__("ledger").run_ledger()
    # the enterprise-list import runs in a process of its own (make bench: bench/imports.py), so
    # its peak memory is not measured on top of what the ledger's 10,000,000 leaves left behind
    __import__("runpy").run_path(str(Path(__file__).with_name("coverage.py")))["run_coverage"]()


if __name__ == "__main__":
    main()
