"""Benchmark of coverage and talent-pool search at provincial scale (issue 4: 5,000,000 enterprises,
1,000,000 filings, every answer under 200 ms at p95), each against the live query run in the same
process.

1. build: N enterprises (``--coverage-enterprises``, default 5,000,000) over Shaanxi's counties
   and M filed appointments (``--coverage-filings``, default 1,000,000; a sixth of them ended, some
   on the as-of dates asked below, with a successor filed) — raw executemany / COPY, not the ORM.
2. the aggregate's full build (``manage.py coverage_refresh --full``), and an incremental refresh
   of audited changes made through the services.
3. coverage: a bounded set of requests (province, each city, some counties × group_by region /
   section / size / group × several as-of dates) through ``selectors.coverage`` (the code behind
   the page and the API) — median and p95 — against the same requests answered live
   (``live=True``: the GROUP BY over the enterprises with an EXISTS over the appointments) on a
   sample of them, with the ratio. Answers are compared: they must be equal.
4. talent-pool search (cqo/talent/selectors.search, first page + count) by name, region and
   industry, against the plain name query.

``python bench/coverage.py`` (own throw-away database, SQLite or DATABASE_URL); ``bench/run.py``
calls ``run_coverage()``, which reads the options from the command line. On PostgreSQL the
server must be reachable: the run fails loudly when it is not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

AS_OFS = [dt.date(2023, 12, 31), dt.date(2024, 6, 30), dt.date(2025, 1, 1), dt.date(2025, 6, 30)]
SIZES = ["large", "medium", "small", "micro"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def _args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--coverage-enterprises", type=int, default=5_000_000)
    parser.add_argument("--coverage-filings", type=int, default=1_000_000)
    parser.add_argument("--coverage-live-sample", type=int, default=12)
    parser.add_argument(
        "--coverage-other-db",
        default="yes",
        choices=["yes", "no"],
        help="also run on the other database (PostgreSQL when this is SQLite, and back)",
    )
    return parser.parse_known_args(argv)[0]


def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


# Generating rows -------------------------------------------------------------------------------


def _columns(model: Any) -> tuple[list[str], list[Any]]:
    from django.db import connection

    cols, base = [], []
    now = dt.datetime.now(dt.UTC)
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f.column)
        if f.get_internal_type() == "DateTimeField" and not f.null:
            value: Any = now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        else:
            value = ""
        if f.get_internal_type() == "JSONField":
            value = json.dumps(value)
        elif value is not None and f.get_internal_type() == "DateTimeField":
            value = connection.ops.adapt_datetimefield_value(value)
        cols[-1] = f.column
        base.append(value)
    return cols, base


def _insert(model: Any, rows: Iterator[dict[str, Any]], chunk: int = 20000) -> int:
    """Raw bulk insert: COPY on PostgreSQL, executemany elsewhere; ``rows`` give overrides by
    column name over the fields' defaults."""
    from django.db import connection

    cols, base = _columns(model)
    index = {c: i for i, c in enumerate(cols)}
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in cols)

    def full(row: dict[str, Any]) -> list[Any]:
        values = base.copy()
        for k, v in row.items():
            values[index[k]] = v
        return values

    n = 0
    if connection.vendor == "postgresql":
        raw = connection.connection  # psycopg 3
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(full(row))
                n += 1
        return n
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(full(row))
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


def _aware(day: dt.date) -> Any:
    from django.db import connection
    from django.utils import timezone

    value = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    return connection.ops.adapt_datetimefield_value(value)


def _uuid() -> Any:
    from django.db import connection

    u = uuid.uuid4()
    return u if connection.vendor == "postgresql" else u.hex  # Django's SQLite form


def build(n_ent: int, n_filings: int, rng: random.Random) -> dict[str, Any]:
    from django.db import connection, transaction

    from cqo.reference.models import Industry, Region
    from cqo.registry.models import Appointment, Enterprise, Person

    counties = list(
        Region.objects.filter(province_code="610000", level="county")
        .exclude(flags__gt="")
        .values_list("code", flat=True)
    )
    divisions = list(Industry.objects.filter(level="division").values_list("code", flat=True))
    # the ids the new rows get, read back after their insert: one insert in one transaction
    # numbers its rows consecutively, but not from the largest id present (SQLite's
    # AUTOINCREMENT and PostgreSQL's sequences go on after rows deleted by earlier benchmarks)
    first: dict[str, int] = {}

    def enterprises() -> Iterator[dict[str, Any]]:
        for i in range(n_ent):
            region = counties[i % len(counties)]
            r = rng.random()
            yield {
                "uscc": f"91{region}{i:010d}",
                "name": f"基准覆盖企业{i}有限公司",
                "industry_id": rng.choice(divisions),
                "size": SIZES[int(r * 40) % 4],
                "region_id": region,
                "above_scale": r < 0.12,
                "quality_award": "winner" if r > 0.998 else ("nominee" if r > 0.996 else ""),
                "special_equipment_licence": "TS-B" if (i % 97) == 0 else "",
            }

    # a filing per covered enterprise; a sixth ended and succeeded by another person's filing
    ended_share = 1 / 6
    covered = int(n_filings / (1 + ended_share))
    step = max(1, n_ent // max(covered, 1))
    plan: list[tuple[int, int]] = []  # (enterprise offset, filings there)
    for k in range(covered):
        plan.append((k * step, 2 if k < n_filings - covered else 1))
    n_persons = sum(c for _, c in plan)

    def persons() -> Iterator[dict[str, Any]]:
        for i in range(n_persons):
            yield {
                "public_id": _uuid(),
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "id_number_enc": "x",
                "id_number_hash": f"bench{i:059d}",
                "id_number_masked": "6101**********0000",
                "gender": "m",
                "birth_date": dt.date(1980, 1, 1),
                "education": "bachelor",
                "mobile_enc": "x",
                "mobile_hash": f"m{i}",
                "mobile_masked": "138****0000",
                "quality_years": i % 15,
                "region_id": counties[i % len(counties)],
            }

    def appointments() -> Iterator[dict[str, Any]]:
        person = first["person"]
        for offset, count in plan:
            ent = first["enterprise"] + offset
            start = dt.date(2021, 9, 1) + dt.timedelta(days=rng.randrange(0, 1400))
            filed = start + dt.timedelta(days=rng.randrange(0, 60))
            for j in range(count):
                ended = None
                if count == 2 and j == 0:
                    # some end exactly on an as-of date asked below
                    ended = (
                        rng.choice(AS_OFS)
                        if rng.random() < 0.2
                        else filed + dt.timedelta(days=rng.randrange(30, 700))
                    )
                yield {
                    "public_id": _uuid(),
                    "enterprise_id": ent,
                    "person_id": person,
                    "status": "ended" if ended else "filed",
                    "post": "质量副总",
                    "rank": "senior_deputy",
                    "start_date": start,
                    "filed_at": _aware(filed),
                    "ended_on": ended,
                    "filing_number": f"B{person}",
                }
                person += 1
                if ended is not None:
                    start = max(ended, start) + dt.timedelta(days=1)
                    filed = start + dt.timedelta(days=rng.randrange(0, 60))

    t0 = time.perf_counter()
    with transaction.atomic():
        e = _insert(Enterprise, enterprises())
    first["enterprise"] = Enterprise.objects.get(uscc=f"91{counties[0]}{0:010d}").pk
    t_ent = time.perf_counter() - t0
    t0 = time.perf_counter()
    with transaction.atomic():
        p = _insert(Person, persons())
        first["person"] = Person.objects.get(id_number_hash=f"bench{0:059d}").pk
        a = _insert(Appointment, appointments())
    t_app = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"enterprises": e, "persons": p, "appointments": a, "t_ent": t_ent, "t_app": t_app}


# Measuring -------------------------------------------------------------------------------------


def cities_and_counties() -> tuple[list[str], list[str]]:
    """The regions asked about besides the province: its cities and six of its counties (also
    the load benchmark's coverage questions, bench/load.py)."""
    from cqo.reference.models import Region

    cities = list(
        Region.objects.filter(province_code="610000", level="city").values_list("code", flat=True)
    )
    counties = list(
        Region.objects.filter(province_code="610000", level="county")
        .exclude(flags__gt="")
        .values_list("code", flat=True)[:6]
    )
    return cities, counties


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def _answer(c: Any) -> list[tuple[Any, ...]]:
    return [(r.key, r.metric, r.numerator, r.denominator, r.list_as_of) for r in c.rows] + [
        (n.year, n.new_cqos, n.replacements) for n in c.new_cqos
    ]


def run_coverage(n_ent: int | None = None, n_filings: int | None = None) -> None:
    from django.db import connection

    from cqo.accounts.models import Role, User
    from cqo.coverage import aggregate, selectors
    from cqo.registry.models import Enterprise
    from cqo.talent import selectors as talent

    args = _args(sys.argv[1:])
    n_ent = n_ent or args.coverage_enterprises
    n_filings = n_filings or args.coverage_filings
    rng = random.Random(11)
    print(
        f"\ncoverage at scale ({connection.vendor}): {n_ent:,} enterprises, {n_filings:,} filings"
    )
    built = build(n_ent, n_filings, rng)
    print(
        f"  build (raw {'COPY' if connection.vendor == 'postgresql' else 'executemany'}): "
        f"{built['enterprises']:,} enterprises {built['t_ent']:7.1f} s; "
        f"{built['persons']:,} persons + {built['appointments']:,} appointments "
        f"{built['t_app']:7.1f} s"
    )
    t_full, stats = _time(aggregate.rebuild)
    print(
        f"  aggregate full build (coverage_refresh --full)   {t_full:8.1f} s  "
        f"({stats.cells:,} cells, {stats.counts:,} day counts, {stats.spans:,} spans)"
    )

    province = User.objects.create(
        username="bench-cov-prov", role=Role.REGULATOR, region_id="610000"
    )
    cities, counties = cities_and_counties()
    requests: list[tuple[str, dt.date, str, str]] = []
    for region in ["610000", *cities, *counties]:
        for as_of in AS_OFS[:2] if region != "610000" else AS_OFS:
            for group_by, metric in (
                ("region", "above_scale"),
                ("section", "all"),
                ("size", "msme"),
                ("group", "above_scale"),
                ("region", "key_industry_msme"),
            ):
                requests.append((region, as_of, group_by, metric))

    def ask(req: tuple[str, dt.date, str, str], live: bool = False) -> Any:
        region, as_of, group_by, metric = req
        return selectors.coverage(province, region, as_of, group_by, metric, live=live)

    ask(requests[0])  # warm the caches as a running server has them
    ours: list[float] = []
    answers = {}
    for req in requests:
        t, c = _time(lambda req=req: ask(req))  # type: ignore[misc]
        ours.append(t)
        answers[req] = c
    sample = rng.sample(requests, min(args.coverage_live_sample, len(requests)))
    sample[0] = requests[0]  # the province, grouped by city
    live: list[float] = []
    for req in sample:
        t, c = _time(lambda req=req: ask(req, live=True))  # type: ignore[misc]
        live.append(t)
        assert _answer(c) == _answer(answers[req]), f"aggregate differs from live on {req}"
    ours_sample = [ours[requests.index(r)] for r in sample]
    med, p95 = _stats(ours)
    lmed, lp95 = _stats(live)
    smed, _sp95 = _stats(ours_sample)
    print(
        f"  coverage, {len(requests)} requests (aggregate)  median {med:7.1f} ms  p95 {p95:7.1f} ms"
        f"  (target p95 < 200 ms)"
    )
    print(
        f"  baseline live GROUP BY, {len(sample)} of them      median {lmed:7.1f} ms  "
        f"p95 {lp95:7.1f} ms"
        f"   ratio (same requests, medians) {smed / lmed:6.3f}x; answers equal"
    )

    # audited changes made through the services: each commit's follower applies it to the
    # aggregate (cqo.audit.services.follow), so the next read finds nothing left to apply
    from cqo.registry import services

    ents = list(Enterprise.objects.filter(region_id=counties[0], appointments__status="filed")[:50])
    t_writes, _r = _time(
        lambda: [
            services.enterprise_update(
                actor=province, enterprise=ent, details=services.EnterpriseDetails(size="micro")
            )
            for ent in ents
        ]
    )
    t_inc, fresh = _time(aggregate.ensure_fresh)
    req = ("610000", AS_OFS[-1], "size", "all")
    t_after, c = _time(lambda: ask(req))
    assert fresh and _answer(c) == _answer(ask(req, live=True))
    print(
        f"  {len(ents)} audited changes, each write with its follower  "
        f"{t_writes / len(ents) * 1000:8.1f} ms per write; "
        f"read-side catch-up {t_inc * 1000:6.1f} ms; "
        f"next answer {t_after * 1000:6.1f} ms, equal to live"
    )

    # talent-pool search: the index's full build, then first page + count as the page and the
    # API ask them, for regulators at each level, against the plain name query
    from cqo.talent import index as talent_index

    t_build, tstats = _time(talent_index.rebuild)
    print(
        f"  talent index full build (talent_refresh --full)  {t_build:8.1f} s  "
        f"({tstats.persons:,} persons, {tstats.rows:,} rows, {tstats.links:,} links)"
    )
    city_user = User.objects.create(
        username="bench-cov-city", role=Role.REGULATOR, region_id=cities[0]
    )
    county_user = User.objects.create(
        username="bench-cov-county", role=Role.REGULATOR, region_id=counties[1]
    )
    searches: list[tuple[Any, dict[str, Any]]] = [
        (province, {}),
        (province, {"q": "王"}),
        (province, {"q": "李伟"}),
        (province, {"q": "张芳", "min_years": 5}),
        (province, {"region": counties[1]}),
        (province, {"region": cities[0], "q": "张"}),
        (province, {"industry": "C"}),
        (province, {"industry": "C", "min_years": 10, "q": "陈"}),
        (province, {"level": "AAA"}),
        (province, {"state": "none", "training": "no"}),
        (city_user, {}),
        (city_user, {"q": "刘"}),
        (county_user, {"q": "杨", "industry": "C"}),
    ]
    t_search: list[float] = []
    t_plain: list[float] = []
    slowest: dict[str, float] = {}
    from cqo.registry.models import Person

    for _ in range(3):
        for user, s in searches:
            t, _r = _time(
                lambda user=user, s=s: (
                    (found := talent.search(user=user, **s)).count(),
                    found[0:25],
                )
            )
            t_search.append(t)
            key = f"{user.region_id} {s}"
            slowest[key] = max(slowest.get(key, 0.0), t)
            q = s.get("q", "")
            t, _r = _time(
                lambda q=q: (
                    (qs := Person.objects.filter(name__contains=q).order_by("name", "pk")).count(),
                    list(qs[:25]),
                )
            )
            t_plain.append(t)
    med, p95 = _stats(t_search)
    bmed, _bp95 = _stats(t_plain)
    print(
        f"  talent search, {len(t_search)} (page + count)         median {med:7.1f} ms  p95 "
        f"{p95:7.1f} ms   baseline name-only query median {bmed:7.1f} ms  ratio {med / bmed:6.2f}x"
        f"  (target p95 < 200 ms)"
    )
    worst = sorted(slowest.items(), key=lambda kv: -kv[1])[:3]
    print("    slowest: " + "; ".join(f"{k} {v * 1000:.0f} ms" for k, v in worst))
    # the live query (what answers while the index catches up) on a county, as a check
    s = {"q": "杨", "industry": "C"}
    t_live, live_found = _time(
        lambda: [p.pk for p in talent.search(user=county_user, live=True, **s)]
    )
    assert live_found == [p.pk for p in talent.search(user=county_user, **s)], (
        "index differs from live"
    )
    print(
        f"  talent live query, one county                    {t_live * 1000:8.1f} ms; answers equal"
    )
    # 50 recommendations to the pool (audited), each applied by its commit's follower
    from cqo.talent import services as pool

    movers = list(Person.objects.filter(region_id=counties[2])[:50])
    t_writes, _r = _time(
        lambda: [
            pool.recommend(actor=province, person=person, reason="业绩突出，推荐入库")
            for person in movers
        ]
    )
    t_inc, fresh = _time(talent_index.ensure_fresh)
    t_after, found = _time(lambda: talent.search(user=province, state="recommended").count())
    assert fresh and found >= len(movers)
    print(
        f"  talent: {len(movers)} recommendations, each with its follower  "
        f"{t_writes / len(movers) * 1000:8.1f} ms per write; read-side catch-up "
        f"{t_inc * 1000:6.1f} ms; next count {t_after * 1000:6.1f} ms"
    )
    if args.coverage_other_db == "yes":
        _other_database(connection.vendor)


PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/cqo_bench"


def _other_database(vendor: str) -> None:
    """The same run on the other database, in a child process (fails loudly)."""
    import subprocess

    env = dict(os.environ)
    if vendor == "postgresql":
        env.pop("DATABASE_URL", None)
    else:
        url = env.get("DATABASE_URL", "")
        env["DATABASE_URL"] = url if url.startswith("postgres") else PG_DEFAULT
    argv = [a for a in sys.argv[1:] if not a.startswith("--coverage-other-db")]
    done = subprocess.run(  # noqa: S603 (this interpreter, this file)
        [sys.executable, __file__, *argv, "--coverage-other-db", "no"], env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"coverage bench on the other database failed ({done.returncode})")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:  # fail loudly when the server is not reachable
            cursor.execute("SELECT 1")
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run_coverage()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
