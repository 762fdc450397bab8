"""Load test of the public certificate verification and the coverage API (issue 8, item 4), each
against a bare Django view on the same server (the limit), with gunicorn on PostgreSQL over the
loopback.

1. A throw-away PostgreSQL database, migrated, with N capability-level certificates
   (``--certificates``, default 100,000; a twentieth superseded by their successor, a fiftieth
   suspended) and their applications by raw COPY, on bench/coverage.py's enterprises and filings
   (``--enterprises`` 200,000, ``--filings`` 50,000), the coverage aggregate built
   (``coverage_refresh --full``), and a province regulator with an API token.
2. gunicorn (sync workers, DEBUG off, quiet logs) on 127.0.0.1, once per worker count
   (``--workers``, default 2, 4 and 2 × CPUs + 1), with the platform's settings and URLconf plus
   the bare view (bench/load_urls.py: one row by primary key through a raw cursor, small JSON).
   The cache is Redis as in production (``--cache``, default redis://127.0.0.1:6379/12, emptied
   before each server starts; ``--cache memory`` for each worker's own memory).
3. wrk (one thread), 32 connections (``--connections``), ``--warmup`` s discarded then
   ``--duration`` s measured per endpoint, the bare view first and again last (its mean rate is
   the limit; the two show how much other load on the machine drifted); a Lua script rotates
   through random certificate numbers, row ids and coverage parameter sets, sends the bearer
   token to the coverage API and reports the exact p50/p99 and the non-2xx count. Before its
   warm-up, each coverage question is asked once, one at a time, with the cache empty: those
   first answers (built afresh, as after every audited change) are reported on their own, and
   the measured run is the steady state in which repeated questions are answered from the cache:
   - bare view          ``GET /bench/bare/<id>/``
   - verification API   ``GET /api/v1/public/certificates/<number>``
   - verification page  ``GET /verify/certificate/<number>/`` (where the certificate's QR leads)
   - coverage API       ``GET /api/v1/oversight/coverage?region=…&group_by=…&metric=…&as_of=…``
4. Prints requests/s, p50 and p99 per endpoint and its rate as a share of the bare view's rate,
   against the targets (≥ 40 % of the bare view's rate, p99 < 50 ms at 32 connections), for each
   worker count, and the count it chooses: the most platform requests/s (geometric mean of the
   three endpoints). Before that, in process: SQL queries and milliseconds per request of each
   endpoint through the test client, as a guide to where the time goes.

Asserts nothing about time; fails loudly when PostgreSQL is unreachable, when wrk is missing, or
when any response is not 2xx. ``python bench/load.py`` (DATABASE_URL must be PostgreSQL; default
postgres://postgres@127.0.0.1:5432/cqo_bench_load; the throw-away database is its name + ``_tmp``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/cqo_bench_load"
BODY_CODE = "SXZX"
FIRST_YEAR = 2021
YEARS = 6  # certificates issued 2021–2026
LEVELS = ["AAA", "AAAA", "AAAAA"]
TARGET_SHARE = 0.40
TARGET_P99_MS = 50.0


def _args() -> argparse.Namespace:
    cpus = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--filings", type=int, default=50_000)
    parser.add_argument(
        "--workers",
        default=",".join(str(n) for n in sorted({2, 4, 2 * cpus + 1})),
        help="gunicorn worker counts to measure, comma-separated",
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="seconds discarded before each")
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument(
        "--cache",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="the Redis database the server caches in, as in production (emptied before each "
        "server starts); 'memory' for each worker's own memory (the embedded default)",
    )
    return parser.parse_args()


# Seeding --------------------------------------------------------------------------------------


def _number(i: int) -> str:
    """The i-th certificate's number (certification.rules.certificate_number); wrk's Lua script
    makes the same numbers."""
    return f"CQO{FIRST_YEAR + i % YEARS}-{BODY_CODE}-{i // YEARS + 1:05d}"


def seed(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection, transaction

    from cqo.accounts.models import ApiToken, Role, User
    from cqo.certification import rules
    from cqo.certification.models import Application, CertificationBody, LevelCertificate
    from cqo.coverage import aggregate
    from cqo.policy.selectors import certification_pack
    from cqo.registry.models import Enterprise, Person

    cov = runpy.run_path(str(ROOT / "bench" / "coverage.py"))  # "coverage" is also a package
    insert = cov["_insert"]
    t0 = time.perf_counter()
    built = cov["build"](args.enterprises, args.filings, random.Random(11))
    t_build = time.perf_counter() - t0

    admin = User.objects.create(username="bench-load-admin", role=Role.ADMIN)
    body = CertificationBody.objects.create(
        code=BODY_CODE,
        name="陕西省质量协会",
        uscc="51610000MJ0000000X",
        legal_representative="张明",
        kind="authorised",
        authorising_body="陕西省市场监督管理局",
        authorising_document="陕市监发〔2025〕12号",
        supervising_authority="陕西省市场监督管理局",
        supervising_region_id="610000",
        premises="西安市莲湖区西大街1号",
        resources="答辩室2间、视频记录设备",
    )
    version = certification_pack("level-standard")
    persons = list(Person.objects.order_by("pk").values_list("pk", "public_id", "name")[:50_000])
    ents = list(Enterprise.objects.order_by("pk").values_list("pk", "name")[:50_000])
    n = args.certificates
    rng = random.Random(13)
    now = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))

    def holder(i: int) -> tuple[Any, ...]:
        return persons[i % len(persons)]

    def applications() -> Iterator[dict[str, Any]]:
        for i in range(n):
            yield {
                "public_id": uuid.uuid4(),
                "body_id": body.pk,
                "person_id": holder(i)[0],
                "enterprise_id": ents[i % len(ents)][0],
                "level_applied": LEVELS[i % 3],
                "status": Application.Status.CERTIFIED,
                "education_training": "本科；首席质量官高级研修班",
                "work_summary": "质量部部长",
                "quality_experience": "主持建立 ISO 9001 质量管理体系",
                "performance": "产品一次合格率提升至 99.2%",
                "recommendation": "同意推荐",
                "recommender": "王建国",
                "declares_technical": True,
                "declares_qms": True,
                "declares_no_disqualification": True,
                "pack_version_id": version.pk,
                "awarded_level": LEVELS[i % 3],
                "created_by_id": admin.pk,
                "created_at": now,
                "updated_at": now,
            }

    first_app = (Application.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_cert = (
        LevelCertificate.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1

    def certificates() -> Iterator[dict[str, Any]]:
        for i in range(n):
            number = _number(i)
            issued = dt.date(FIRST_YEAR + i % YEARS, 1, 1) + dt.timedelta(days=rng.randrange(360))
            until = issued + dt.timedelta(days=3 * 365 - 1)
            pid, holder_public, name = holder(i)
            app = first_app + i
            content = {
                "number": number,
                "holder": name,
                "holder_id": str(holder_public),
                "organisation": ents[i % len(ents)][1],
                "level": LEVELS[i % 3],
                "level_label": f"首席质量官能力水平 {LEVELS[i % 3]} 级",
                "body": body.name,
                "body_uscc": body.uscc,
                "issued_on": issued.isoformat(),
                "valid_until": until.isoformat(),
                "reissued_on": "",
                "supersedes": _number(i - 1) if i % 20 == 1 else "",
                "application": str(uuid.uuid4()),
                "total": "740.0",
                "standard": version.label,
                "basis": "level-standard §9.4.1.1, 附录B",
            }
            status, changed = LevelCertificate.Status.VALID, None
            if i % 20 == 0 and i + 1 < n:  # superseded by the next one
                status, changed = LevelCertificate.Status.SUPERSEDED, issued
            elif i % 50 == 7:
                status, changed = LevelCertificate.Status.SUSPENDED, issued
            yield {
                "public_id": uuid.uuid4(),
                "number": number,
                "application_id": app,
                "holder_id": pid,
                "enterprise_id": ents[i % len(ents)][0],
                "body_id": body.pk,
                "level": LEVELS[i % 3],
                "issued_on": issued,
                "valid_until": until,
                "pack_version_id": version.pk,
                "content": json.dumps(content, ensure_ascii=False),
                "content_hash": rules.content_hash(content),
                "status": status,
                "status_changed_on": changed,
                "supersedes_id": first_cert + i - 1 if i % 20 == 1 else None,
                "issued_by_id": admin.pk,
                "created_at": now,
            }

    t0 = time.perf_counter()
    with transaction.atomic():
        insert(Application, applications())
        certs = insert(LevelCertificate, certificates())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    t_certs = time.perf_counter() - t0
    t0 = time.perf_counter()
    stats = aggregate.rebuild()
    t_agg = time.perf_counter() - t0
    regulator = User.objects.create(
        username="bench-load-prov", role=Role.REGULATOR, region_id="610000"
    )
    token = ApiToken.issue(regulator)
    print(
        f"  seeded: {built['enterprises']:,} enterprises, {built['appointments']:,} filings "
        f"{t_build:5.1f} s; {certs:,} certificates + applications (COPY) {t_certs:5.1f} s; "
        f"coverage aggregate {stats.cells:,} cells {t_agg:5.1f} s"
    )
    return {"certificates": certs, "first_cert": first_cert, "token": token}


def coverage_paths() -> list[str]:
    """The parameter sets the coverage API is asked (those of bench/coverage.py)."""
    cov = runpy.run_path(str(ROOT / "bench" / "coverage.py"))  # "coverage" is also a package
    cities, counties = cov["cities_and_counties"]()
    paths = []
    for region in ["610000", *cities, *counties]:
        for as_of in ["2023-12-31", "2024-06-30", "2025-01-01", "2025-06-30"]:
            for group_by, metric in (
                ("region", "above_scale"),
                ("section", "all"),
                ("size", "msme"),
                ("group", "above_scale"),
                ("region", "key_industry_msme"),
            ):
                paths.append(
                    f"/api/v1/oversight/coverage?region={region}&group_by={group_by}"
                    f"&metric={metric}&as_of={as_of}"
                )
    return paths


# The endpoints and their wrk scripts ------------------------------------------------------------

LUA_COMMON = """
local threads = {}
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(1000 + id)
  non2xx = 0
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format("LOADRESULT %d %d %d %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), bad, e.connect, e.read,
    e.write, e.status, e.timeout))
end
"""


@dataclass
class Endpoint:
    name: str
    lua: str  # defines request()
    sample: str  # one path, for the in-process profile
    # paths whose first answer is built and kept (the coverage questions): each is asked once,
    # one at a time, before the warm-up, and those first answers are reported on their own
    first: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def endpoints(seeded: dict[str, Any]) -> list[Endpoint]:
    n, first, token = seeded["certificates"], seeded["first_cert"], seeded["token"]
    number_lua = f"""
local function number()
  local i = math.random(0, {n - 1})
  return string.format("CQO%d-{BODY_CODE}-%05d", {FIRST_YEAR} + i % {YEARS},
    math.floor(i / {YEARS}) + 1)
end
"""
    paths = coverage_paths()
    table = ",\n".join(f'  "{p}"' for p in paths)
    return [
        Endpoint(
            "bare view (1 row by key)",
            f"""function request()
  return wrk.format("GET", "/bench/bare/" .. math.random({first}, {first + n - 1}) .. "/")
end""",
            f"/bench/bare/{first + 1}/",
        ),
        Endpoint(
            "verification API",
            number_lua
            + """function request()
  return wrk.format("GET", "/api/v1/public/certificates/" .. number())
end""",
            f"/api/v1/public/certificates/{_number(1)}",
        ),
        Endpoint(
            "verification page (HTML)",
            number_lua
            + """function request()
  return wrk.format("GET", "/verify/certificate/" .. number() .. "/")
end""",
            f"/verify/certificate/{_number(1)}/",
        ),
        Endpoint(
            "coverage API (token)",
            f"""local paths = {{
{table}
}}
local auth = {{ ["Authorization"] = "Bearer {token}" }}
function request()
  return wrk.format("GET", paths[math.random(1, #paths)], auth)
end""",
            paths[0],
            first=paths,
            headers={"Authorization": f"Bearer {token}"},
        ),
    ]


def profile(eps: list[Endpoint], token: str, repeat: int = 100) -> None:
    """Queries and time per request in process (test client, no network): where the time goes."""
    from django.db import connection
    from django.test import Client, override_settings

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    print("  in process (test client, one worker, no network), per request:")
    sql: list[str] = []

    def count(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        sql.append(query)
        return execute(query, params, many, context)

    # the server's settings (bench/load_settings.py): the public lookups' limit out of reach
    with override_settings(ROOT_URLCONF="bench.load_urls", CQO_PUBLIC_VERIFY_RATE="1000000000/s"):
        for ep in eps:
            client.get(ep.sample)  # warm
            sql.clear()
            with connection.execute_wrapper(count):
                response = client.get(ep.sample)
            if response.status_code != 200:
                raise SystemExit(f"{ep.name}: {ep.sample} answered {response.status_code}")
            t0 = time.perf_counter()
            for _ in range(repeat):
                client.get(ep.sample)
            ms = (time.perf_counter() - t0) / repeat * 1000
            print(
                f"    {ep.name:<28} {len(sql):3d} queries  {ms:6.2f} ms  "
                f"{len(response.content):6,d} bytes"
            )


# Serving and loading ---------------------------------------------------------------------------


class Server:
    """gunicorn with sync workers on the loopback, stopped by its pid."""

    def __init__(
        self, workers: int, port: int, database_url: str, probe: str, cache: str = "memory"
    ) -> None:
        self.workers, self.port, self.probe, self.cache = workers, port, probe, cache
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
        env |= {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
        if cache != "memory":
            env["REDIS_URL"] = cache  # the shared cache of production (config/settings.py)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.argv = [
            str(gunicorn),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--log-level=warning",
            f"--chdir={ROOT}",
        ]
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        with socket.socket() as probe:  # another server there would answer for ours
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise SystemExit(f"port {self.port} is in use (--port)")
        if self.cache != "memory":
            empty_cache(self.cache)  # every worker count starts cold
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT)  # noqa: S603 (our argv)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}")
            try:
                self.idle(timeout=2)
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn not ready on port {self.port} within 60 s")

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def idle(self, timeout: float = 60) -> None:
        """One request answered: wrk leaves up to a connection's worth of requests queued in
        the listen backlog when it stops, and the workers answer them first."""
        url = f"http://127.0.0.1:{self.port}{self.probe}"
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            if answer.status != 200:
                raise SystemExit(f"{url} answered {answer.status}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # graceful: the arbiter stops its workers
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int
    app_cpu_ms: float = 0.0  # CPU time of the gunicorn workers per request
    # CPU time of their PostgreSQL backends per request; a lower bound: a backend that ends
    # during the run (CONN_MAX_AGE reached) takes its share with it
    db_cpu_ms: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time of each of these processes still running (from /proc)."""
    found = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def _cpu_used(before: dict[int, float]) -> float:
    """CPU time used since ``before`` by those of its processes still running."""
    after = _cpu_seconds(list(before))
    return sum(after[pid] - before[pid] for pid in after)


def _backends(database: str) -> list[int]:
    """The PostgreSQL backends serving this database, when the server runs on this machine
    (their process title names the database); none otherwise."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            pids.append(int(entry.name))
    return pids


def wrk(url: str, script: Path, connections: int, seconds: int) -> Result:
    argv = [
        "wrk",
        "--threads=1",  # one wrk thread: the server gets the other CPU time
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
        url,
    ]
    done = subprocess.run(  # noqa: S603 (fixed argv)
        argv, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("LOADRESULT ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    req, dur, p50, p99, bad, *errors = (int(x) for x in line.split()[1:])
    return Result(req, dur / 1e6, p50 / 1000, p99 / 1000, bad, sum(errors[:3]) + errors[4])


@dataclass
class FirstAnswers:
    count: int
    median_ms: float
    p99_ms: float
    max_ms: float


def first_answers(base: str, ep: Endpoint) -> FirstAnswers:
    """Each of the endpoint's questions asked once, one at a time, on one keep-alive connection:
    the cost of an answer built afresh (a cache miss), which the steady state then mostly
    avoids until the next audited change."""
    import http.client

    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    times = []
    try:
        for path in ep.first:
            t0 = time.perf_counter()
            conn.request("GET", path, headers=ep.headers)
            answer = conn.getresponse()
            answer.read()
            times.append((time.perf_counter() - t0) * 1000)
            if answer.status != 200:
                raise SystemExit(f"{ep.name}: {path} answered {answer.status}")
    finally:
        conn.close()
    times.sort()
    return FirstAnswers(
        len(times),
        times[len(times) // 2],
        times[min(len(times) - 1, int(len(times) * 0.99))],
        times[-1],
    )


def empty_cache(url: str) -> None:
    """Empty the benchmark's Redis database; fails loudly when Redis does not answer."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        raise SystemExit(
            f"Redis at {url} does not answer ({exc}): start it, or pass --cache memory"
        ) from exc
    finally:
        client.close()


def measure(
    workers: int, args: argparse.Namespace, url: str, scripts: list[tuple[Endpoint, Path]]
) -> list[tuple[str, Result]]:
    """Each endpoint in turn, the bare view first and again last: its mean rate is the limit,
    and the two runs show how much the machine's other load drifted meanwhile."""
    results = []
    order = [*scripts, scripts[0]]
    database = urllib.parse.urlsplit(url).path.lstrip("/")
    with Server(workers, args.port, url, scripts[0][0].sample, args.cache) as server:
        base = f"http://127.0.0.1:{args.port}"
        for k, (ep, script) in enumerate(order):
            if ep.first:
                f = first_answers(base, ep)
                print(
                    f"\n  {workers} workers, {ep.name}, first answers ({f.count} questions, "
                    "each asked once, one at a time, cache empty): "
                    f"median {f.median_ms:.1f} ms, p99 {f.p99_ms:.1f} ms, "
                    f"max {f.max_ms:.1f} ms",
                    flush=True,
                )
            if args.warmup:
                wrk(base, script, args.connections, args.warmup)
            workers_pids, backends = server.worker_pids(), _backends(database)
            cpu_app, cpu_db = _cpu_seconds(workers_pids), _cpu_seconds(backends)
            r = wrk(base, script, args.connections, args.duration)
            if r.requests:
                r.app_cpu_ms = _cpu_used(cpu_app) / r.requests * 1000
                r.db_cpu_ms = _cpu_used(cpu_db) / r.requests * 1000
            server.idle()
            if not r.requests:
                raise SystemExit(f"{ep.name}: no request answered in {args.duration} s")
            if r.non2xx or r.socket_errors:
                raise SystemExit(
                    f"{ep.name}: {r.non2xx} non-2xx responses, {r.socket_errors} socket errors "
                    f"with {workers} workers"
                )
            name = ep.name if k == 0 or ep is not scripts[0][0] else f"{ep.name}, again"
            results.append((name, r))
    return results


def report(workers: int, results: list[tuple[str, Result]]) -> None:
    bare = (results[0][1].rate + results[-1][1].rate) / 2
    print(f"\n  gunicorn sync, {workers} workers, {os.cpu_count()} CPUs:")
    for k, (name, r) in enumerate(results):
        verdict = ""
        if 0 < k < len(results) - 1:
            ok = r.rate / bare >= TARGET_SHARE and r.p99_ms < TARGET_P99_MS
            verdict = "meets targets" if ok else "MISSES targets"
        print(
            f"    {name:<30} {r.rate:7,.0f} req/s  p50 {r.p50_ms:6.1f} ms  "
            f"p99 {r.p99_ms:6.1f} ms  non-2xx {r.non2xx}  {r.rate / bare:6.1%} of bare  "
            f"CPU/req gunicorn {r.app_cpu_ms:5.2f} ms + PostgreSQL {r.db_cpu_ms:5.2f} ms  {verdict}"
        )


def _platform_rate(results: list[tuple[str, Result]]) -> float:
    """The geometric mean of the platform endpoints' requests/s (the bare view left out)."""
    rates = [r.rate for _name, r in results[1:-1]]
    product = 1.0
    for rate in rates:
        product *= rate
    return product ** (1 / len(rates))


def run(args: argparse.Namespace, database_url: str) -> None:
    from django.db import connection

    counts = [int(x) for x in args.workers.split(",") if x.strip()]
    print(
        f"load test (gunicorn, {connection.vendor} {connection.settings_dict['NAME']}): "
        f"{args.connections} connections, {args.duration} s per endpoint after {args.warmup} s "
        f"warm-up; workers {counts}; {os.cpu_count()} CPUs; targets ≥ {TARGET_SHARE:.0%} of the "
        f"bare view's requests/s, p99 < {TARGET_P99_MS:.0f} ms; cache: "
        + ("each worker's memory" if args.cache == "memory" else f"Redis {args.cache}")
    )
    if args.cache != "memory":
        empty_cache(args.cache)  # fail before seeding when Redis is not there
    seeded = seed(args)
    eps = endpoints(seeded)
    profile(eps, seeded["token"])
    connection.close()  # the server's workers open their own
    with tempfile.TemporaryDirectory(prefix="cqo-bench-load-") as tmp:
        scripts = []
        for k, ep in enumerate(eps):
            script = Path(tmp) / f"endpoint{k}.lua"
            script.write_text(LUA_COMMON + ep.lua + "\n", encoding="utf-8")
            scripts.append((ep, script))
        by_count = {}
        for workers in counts:
            by_count[workers] = measure(workers, args, database_url, scripts)
            report(workers, by_count[workers])
    rates = {w: _platform_rate(by_count[w]) for w in counts}
    best = max(counts, key=lambda w: rates[w])
    print(
        f"\n  chosen: {best} workers, the most platform requests/s (geometric mean of the three "
        "endpoints: " + ", ".join(f"{w} workers {rates[w]:,.0f}/s" for w in counts) + ")"
    )


def main() -> None:
    args = _args()
    url = os.environ.get("DATABASE_URL") or PG_DEFAULT
    if not url.startswith("postgres"):
        raise SystemExit(f"bench/load.py needs PostgreSQL; DATABASE_URL is {url}")
    os.environ["DATABASE_URL"] = url
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: install the Debian package wrk (apt-get install wrk)")
    if not Path(sys.executable).with_name("gunicorn").exists():
        raise SystemExit("gunicorn not found next to this interpreter (pip install gunicorn)")

    import dj_database_url
    import django

    name = dj_database_url.parse(url)["NAME"]
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    with connection._nodb_cursor() as cursor:  # fail loudly when the server is not reachable
        cursor.execute("SELECT 1")
    connection.settings_dict["TEST"]["NAME"] = f"{name}_tmp"
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        parts = urllib.parse.urlsplit(url)
        run(args, urllib.parse.urlunsplit(parts._replace(path=f"/{name}_tmp")))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
