"""Benchmark of the archive migration (cqo/imports/legacy, issue 23): a province's whole archive,
generated realistically, migrated kind by kind as a regulator would (``run_legacy`` on each file,
all-or-nothing), against a raw baseline run in the same process.

The archive (default sizes, ``--scale`` multiplies them): 50,000 persons; 60,000 appointments
(a third ended, with their reasons, at 40,000 enterprises registered beforehand, untimed, as an
imported enterprise list registers them); 50,000 training certificates; 5,000 level certificates;
1,000,000 study-hour records (twenty a person over the years). Persons, appointments and
certificates are xlsx workbooks as Excel writes them; the hour records, as older systems export
that many, one GB18030 CSV.

1. ours: each file through ``run_legacy`` (read, check every row with the live rules, find the
   persons and enterprises, write, provenance, error report, one audit entry) — and a second
   run of every file, which must change nothing.
2. raw: the same rows read from the same files and written with the plainest fast write
   (``executemany`` of prepared INSERTs; PostgreSQL: ``COPY``) into the same tables, plus the
   hour log's leaf hashing and entries — no checks, no lookups, no provenance, no audit.

Each row of the table: rows per second per kind, the whole time, the peak memory (resident set
of this process and its children above the start, sampled every 20 ms) and ours / raw.
Targets (issue 23): the whole archive in under 5 minutes on SQLite, within 2× of the raw
baseline, under 500 MB peak.

``python bench/legacy.py [--scale F]`` (own throw-away database); ``make bench`` runs it on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.imports import _PeakRss
from bench.throwaway import on_throwaway_db

SIZES = {
    "persons": 50_000,
    "appointments": 60_000,
    "training_certificates": 50_000,
    "level_certificates": 5_000,
    "hours": 1_000_000,
}
# the address codes of birth places (they existed when the persons were born)
BIRTH_REGIONS = ("610102", "610103", "610104", "610111", "610112", "610113", "610114")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
EDUCATION = ("本科", "硕士", "大专", "博士")
HOUR_KINDS = ("线下培训", "线上自学", "培训讲座", "学术交流")
LEVELS = ("AAAA", "AAA", "5A")


def _args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--scale", type=float, default=1.0)
    return parser.parse_known_args(argv)[0]


# The archive -----------------------------------------------------------------------------------


def _id_number(i: int) -> str:
    """The i-th person's resident ID number: distinct birth date and sequence for every i."""
    from stdnum.cn import ric

    birth = dt.date(1965, 1, 1) + dt.timedelta(days=i % 9000)
    seq = (i // 9000) % 100
    region = BIRTH_REGIONS[(i // 900_000) % len(BIRTH_REGIONS)]
    body = f"{region}{birth:%Y%m%d}{seq:02d}{(i * 7) % 10}"
    return body + ric.calc_check_digit(body + "0")


def _name(i: int) -> str:
    return SURNAMES[i % 20] + GIVEN[(i // 20) % 20] + GIVEN[(i // 400) % 20]


def _uscc(i: int, region: str) -> str:
    """The i-th enterprise's USCC (GB 32100): distinct organisation code for every i."""
    from stdnum.cn import uscc

    from cqo.lib.codes import org_code_check_digit

    body = f"{i:08d}"
    head = f"91{region}{body}{org_code_check_digit(body)}"
    return head + uscc.calc_check_digit(head)


END_REASONS = ("离任", "解聘", "任期届满", "考核不合格")


@dataclass
class Archive:
    persons: int
    training: int
    level: int
    hours: int
    counties: list[str]
    appointments: int = 0

    @property
    def enterprises(self) -> int:
        """Each enterprise has its serving CQO; a third of them also an earlier, ended one."""
        return self.appointments - self.appointments // 3

    def enterprise(self, k: int) -> tuple[str, str, str]:
        region = self.counties[k % len(self.counties)]
        return _uscc(k, region), f"陕西示例制造{k}有限公司", region

    def appointment_rows(self) -> Iterator[list[Any]]:
        for i in range(self.appointments):
            ended = i >= self.enterprises
            k = i - self.enterprises if ended else i
            uscc, name, _region = self.enterprise(k)
            who = i % self.persons
            year = 2014 + k % 4 if ended else 2019 + k % 6
            yield [
                uscc,
                name,
                _name(who),
                _id_number(who),
                "质量副总经理" if i % 2 else "质量总监",
                "高管副职" if i % 2 else "部门负责人",
                f"{year}-{1 + k % 12}-{1 + k % 28}",
                "",
                f"陕质备{year}-{i:06d}",
                f"{year}年{1 + k % 12}月{1 + k % 28}日",
                "",
                "2018-12-31" if ended else "",
                END_REASONS[i % 4] if ended else "",
                "",
            ]

    def person_rows(self) -> Iterator[list[Any]]:
        for i in range(self.persons):
            yield [
                _name(i),
                _id_number(i),
                f"139{i:08d}",
                EDUCATION[i % 4],
                "质量副总经理" if i % 2 else "质量总监",
                "高级工程师" if i % 3 == 0 else "",
                self.counties[i % len(self.counties)],
                # at most 20: the youngest are born in 1989, and the years count from 16
                str(3 + i % 18),
            ]

    def training_rows(self) -> Iterator[list[Any]]:
        for i in range(self.training):
            year = 2013 + i % 12
            yield [
                f"SXZLPX-{year}-{i:06d}",
                _name(i),
                _id_number(i),
                "高级培训" if i % 3 else "“提升”培训",
                "陕西省质量技术培训中心",
                f"{year}年{1 + i % 12}月{1 + i % 28}日",
                "",
            ]

    def level_rows(self) -> Iterator[list[Any]]:
        for i in range(self.level):
            issued = dt.date(2016 + i % 9, 1 + i % 12, 1 + i % 28)
            until = issued.replace(year=issued.year + 3) - dt.timedelta(days=1)
            suspended = i % 10 == 0  # a tenth suspended a year after issue
            yield [
                f"SXNL-{issued.year}-{i:05d}",
                _name(i),
                _id_number(i),
                LEVELS[i % 3],
                "陕西省质量协会",
                f"示例制造有限公司{i % 500}",
                f"{issued.year}年{issued.month}月{issued.day}日",
                until.isoformat(),
                "暂停" if suspended else "",
                issued.replace(year=issued.year + 1).isoformat() if suspended else "",
                "所在组织发生重大质量事故" if suspended else "",
            ]

    def hour_rows(self) -> Iterator[list[Any]]:
        per = max(1, self.hours // max(1, self.persons))
        for i in range(self.hours):
            who = (i // per) % self.persons
            day = dt.date(2013, 1, 1) + dt.timedelta(days=(i * 37) % 4300)
            yield [
                _name(who),
                _id_number(who),
                day.isoformat() if i % 2 else f"{day.year}.{day.month}.{day.day}",
                HOUR_KINDS[i % 4],
                str(1 + i % 8),
                f"质量管理专题培训第{i % 300}期",
                "陕西省质量技术培训中心",
                f"XS{i:09d}",
            ]


APPOINTMENT_HEADER = [
    "统一社会信用代码",
    "单位名称",
    "姓名",
    "身份证号",
    "聘任职务",
    "职级",
    "聘任日期",
    "聘期截止",
    "备案编号",
    "备案日期",
    "备案机关",
    "终止日期",
    "终止原因",
    "终止说明",
]
PERSON_HEADER = ["姓名", "身份证号", "手机", "学历", "职务", "职称", "行政区划代码", "质量工作年限"]
TRAINING_HEADER = ["证书编号", "姓名", "身份证号", "培训层级", "发证机构", "发证日期", "有效期至"]
LEVEL_HEADER = [
    "证书编号",
    "姓名",
    "身份证号",
    "能力水平等级",
    "认定机构",
    "所在组织",
    "发证日期",
    "有效期至",
    "证书状态",
    "状态变更日期",
    "状态说明",
]
HOUR_HEADER = [
    "姓名",
    "身份证号",
    "学习日期",
    "学时类别",
    "学时",
    "课程或活动名称",
    "组织或发布机构",
    "原记录编号",
]


def _xlsx(path: Path, header: list[str], rows: Iterator[list[Any]]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value != "":
                sheet.write_string(r, c, value)
    book.close()
    return path


def _csv(path: Path, header: list[str], rows: Iterator[list[Any]]) -> Path:
    with open(path, "w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


class _InDatabase:
    """The time this process waits on the database (every statement through Django's
    connection, from the call to its return): what is left when the Python is taken away.
    PostgreSQL's COPY streams (the raw writes, the hour log's and the records' large batches)
    do not pass through it: there the figure counts the statements only."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute: Callable[..., Any], *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(*args)
        finally:
            self.seconds += time.perf_counter() - start


def _timed(go: Callable[[], Any]) -> tuple[float, float, float, Any]:
    """Run ``go``: its seconds, its peak memory, its seconds in the database, its result."""
    from django.db import connection

    waited = _InDatabase()
    with _PeakRss() as rss, connection.execute_wrapper(waited):
        start = time.perf_counter()
        out = go()
        seconds = time.perf_counter() - start
    return seconds, rss.mb, waited.seconds, out


# Ours ------------------------------------------------------------------------------------------


def _ours(actor: Any, kind: str, path: Path) -> tuple[float, float, float, Any]:
    from django.core.files import File

    from cqo.imports.legacy import services

    def go() -> Any:
        with open(path, "rb") as handle:
            lf = services.legacy_create(
                actor=actor, kind=kind, upload=File(handle, name=path.name), start=False
            )
        return services.run_legacy(lf.pk)

    return _timed(go)


# Raw -------------------------------------------------------------------------------------------


def _read(path: Path) -> Iterator[list[Any]]:
    if path.suffix == ".csv":
        with open(path, encoding="gb18030", newline="") as handle:
            rows = csv.reader(handle)
            next(rows)
            yield from rows
        return
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows()
    next(rows)
    yield from rows


def _write(table: str, cols: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """The plainest fast write: executemany of one INSERT a thousand rows at a time; COPY on
    PostgreSQL."""
    from django.db import connection

    done = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    done += 1
            return done
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 1000:
                cursor.executemany(sql, batch)
                done += len(batch)
                batch = []
        cursor.executemany(sql, batch)
        return done + len(batch)


RAW_PERSON = "bench_raw_person"
RAW_APPOINTMENT = "bench_raw_appointment"
RAW_CERT = "bench_raw_certificate"
RAW_LEVEL = "bench_raw_level"
RAW_HOUR = "bench_raw_hour"
RAW_LEAF = "bench_raw_leaf"


def _raw_tables() -> None:
    """Tables of the same columns the migration fills, without their constraints: the raw
    pipeline writes the rows as they are."""
    from django.db import connection

    blob = "BYTEA" if connection.vendor == "postgresql" else "BLOB"
    with connection.cursor() as cursor:
        for sql in (
            f"CREATE TABLE {RAW_PERSON} (name TEXT, id_number_hash TEXT, mobile TEXT, "
            "education TEXT, position TEXT, title TEXT, region TEXT, years INTEGER)",
            f"CREATE TABLE {RAW_APPOINTMENT} (uscc TEXT, enterprise TEXT, name TEXT, "
            "id_number_hash TEXT, post TEXT, rank TEXT, start_date TEXT, term_end TEXT, "
            "filing_number TEXT, filed_on TEXT, authority TEXT, ended_on TEXT, end_reason TEXT, "
            "end_note TEXT)",
            f"CREATE TABLE {RAW_CERT} (number TEXT, name TEXT, id_number_hash TEXT, tier TEXT, "
            "issuer TEXT, issued_on TEXT, valid_until TEXT)",
            f"CREATE TABLE {RAW_LEVEL} (number TEXT, name TEXT, id_number_hash TEXT, level TEXT, "
            "body TEXT, organisation TEXT, issued_on TEXT, valid_until TEXT, status TEXT, "
            "status_changed_on TEXT, status_reason TEXT)",
            f"CREATE TABLE {RAW_HOUR} (name TEXT, id_number_hash TEXT, occurred_on TEXT, "
            "kind TEXT, hours TEXT, title TEXT, provider TEXT, ref TEXT, commitment TEXT)",
            f"CREATE TABLE {RAW_LEAF} (idx BIGINT, entry {blob}, leaf {blob})",
        ):
            cursor.execute(sql)


def _raw(kind: str, path: Path) -> tuple[float, float, float, int]:
    from django.db import transaction

    from cqo.lib.crypto import keyed_hash

    def persons() -> int:
        rows = ((*r[:1], keyed_hash(str(r[1])), *r[2:7], int(r[7] or 0)) for r in _read(path))
        return _write(RAW_PERSON, ["name", "id_number_hash", "mobile", "education", "position",
                                   "title", "region", "years"], rows)  # fmt: skip

    def appointments() -> int:
        rows = ((*r[:3], keyed_hash(str(r[3])), *r[4:14]) for r in _read(path))
        return _write(RAW_APPOINTMENT, ["uscc", "enterprise", "name", "id_number_hash", "post",
                                        "rank", "start_date", "term_end", "filing_number",
                                        "filed_on", "authority", "ended_on", "end_reason",
                                        "end_note"], rows)  # fmt: skip

    def certificates() -> int:
        rows = ((r[0], r[1], keyed_hash(str(r[2])), *r[3:7]) for r in _read(path))
        return _write(RAW_CERT, ["number", "name", "id_number_hash", "tier", "issuer",
                                 "issued_on", "valid_until"], rows)  # fmt: skip

    def levels() -> int:
        rows = ((r[0], r[1], keyed_hash(str(r[2])), *r[3:11]) for r in _read(path))
        return _write(RAW_LEVEL, ["number", "name", "id_number_hash", "level", "body",
                                  "organisation", "issued_on", "valid_until", "status",
                                  "status_changed_on", "status_reason"], rows)  # fmt: skip

    def hours() -> int:
        entries: list[tuple[int, bytes, bytes]] = []

        def rows() -> Iterator[tuple[Any, ...]]:
            for i, r in enumerate(_read(path)):
                commitment = hashlib.sha256("\x1f".join(r).encode()).hexdigest()
                entry = f'{{"commitment":"{commitment}","v":1}}'.encode()
                entries.append((i, entry, hashlib.sha256(b"\x00" + entry).digest()))
                yield (r[0], keyed_hash(r[1]), *r[2:8], commitment)

        done = _write(RAW_HOUR, ["name", "id_number_hash", "occurred_on", "kind", "hours",
                                 "title", "provider", "ref", "commitment"], rows())  # fmt: skip
        _write(RAW_LEAF, ["idx", "entry", "leaf"], iter(entries))
        return done

    go: Callable[[], int] = {
        "persons": persons,
        "appointments": appointments,
        "training_certificates": certificates,
        "level_certificates": levels,
        "hours": hours,
    }[kind]

    def atomic() -> int:
        with transaction.atomic():
            return go()

    return _timed(atomic)


# The run ---------------------------------------------------------------------------------------


def _register_enterprises(archive: Archive) -> None:
    """The enterprises the appointments name, registered as an imported list registers them
    (not timed: the enterprise-list import has its own benchmark, bench/imports.py)."""
    from cqo.registry.models import Enterprise

    batch: list[Enterprise] = []
    for k in range(archive.enterprises):
        uscc, name, region = archive.enterprise(k)
        batch.append(
            Enterprise(
                uscc=uscc,
                name=name,
                region_id=region,
                industry_id="34",
                size="medium",
                nature="private",
                above_scale=k % 2 == 0,
            )
        )
        if len(batch) == 5000:
            Enterprise.objects.bulk_create(batch)
            batch = []
    Enterprise.objects.bulk_create(batch)


def run_legacy_bench() -> None:
    from django.db import connection
    from django.test import override_settings

    from cqo.accounts.models import Role, User
    from cqo.reference.models import Region

    scale = _args(sys.argv[1:]).scale
    n = {kind: max(1, int(size * scale)) for kind, size in SIZES.items()}
    counties = list(
        Region.objects.filter(province_code="610000", level="county")
        .exclude(flags__gt="")
        .values_list("code", flat=True)
    )
    actor = User.objects.filter(username="bench-legacy").first() or User.objects.create(
        username="bench-legacy", role=Role.REGULATOR, region_id="610000"
    )
    archive = Archive(
        n["persons"],
        n["training_certificates"],
        n["level_certificates"],
        n["hours"],
        counties,
        n["appointments"],
    )
    _register_enterprises(archive)
    with (
        tempfile.TemporaryDirectory(prefix="cqo-bench-legacy-") as tmp,
        override_settings(MEDIA_ROOT=tmp),
    ):
        t0 = time.perf_counter()
        files = {
            "persons": _xlsx(Path(tmp) / "人员.xlsx", PERSON_HEADER, archive.person_rows()),
            "appointments": _xlsx(
                Path(tmp) / "聘任备案.xlsx", APPOINTMENT_HEADER, archive.appointment_rows()
            ),
            "training_certificates": _xlsx(
                Path(tmp) / "培训合格证.xlsx", TRAINING_HEADER, archive.training_rows()
            ),
            "level_certificates": _xlsx(
                Path(tmp) / "能力水平证书.xlsx", LEVEL_HEADER, archive.level_rows()
            ),
            "hours": _csv(Path(tmp) / "学时记录.csv", HOUR_HEADER, archive.hour_rows()),
        }
        print(
            f"\narchive migration ({connection.vendor}): "
            + ", ".join(f"{n[k]:,} {k}" for k in files)
            + f" (files generated in {time.perf_counter() - t0:.0f} s, not timed)"
        )
        _raw_tables()
        results = []
        for kind, path in files.items():
            t_raw, _mb_raw, db_raw, done = _raw(kind, path)
            assert done == n[kind], (kind, done)
            t_ours, mb_ours, db_ours, lf = _ours(actor, kind, path)
            assert lf.status == "done" and lf.counts["created"] == n[kind], (
                kind,
                lf.status,
                lf.message,
                lf.counts,
            )
            t_again, _mb, _db, again = _ours(actor, kind, path)
            assert again.counts["unchanged"] == n[kind], (kind, again.counts)
            results.append((kind, t_ours, mb_ours, t_raw, db_ours, db_raw))
            print(
                f"  {kind:22s} {n[kind]:>9,} rows  ours {t_ours:7.1f} s "
                f"{n[kind] / t_ours:9,.0f} rows/s  peak +{mb_ours:4.0f} MB   raw {t_raw:6.1f} s "
                f"{n[kind] / t_raw:9,.0f} rows/s   ours/raw {t_ours / t_raw:4.2f}   "
                f"in the database: ours {db_ours:5.1f} s, raw {db_raw:5.1f} s   "
                f"run again {t_again:6.1f} s"
            )
    total = sum(r[1] for r in results)
    raw_total = sum(r[3] for r in results)
    db_total = sum(r[4] for r in results)
    db_raw_total = sum(r[5] for r in results)
    peak = max(r[2] for r in results)
    print(
        f"  whole archive: ours {total:6.1f} s (target < 300 s on SQLite), raw {raw_total:6.1f} s, "
        f"ours / raw {total / raw_total:4.2f} (target ≤ 2), peak +{peak:.0f} MB (target < 500)\n"
        f"  of which in the database: ours {db_total:6.1f} s, raw {db_raw_total:6.1f} s; "
        f"ours' database time alone / raw's whole time {db_total / raw_total:4.2f}"
        + (" (statements only: COPY is not counted)" if connection.vendor == "postgresql" else "")
    )


def main() -> None:
    on_throwaway_db(run_legacy_bench, reference=True)


if __name__ == "__main__":
    main()
