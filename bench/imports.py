"""Benchmark of the official enterprise-list import (cqo/imports), end to end, against the common
library (django-import-export with its defaults) and a raw pipeline (the limit).

1. ours: ``services.run_import`` on an N-row xlsx (default 1,000,000; ``--import-rows``): read
   (python-calamine), check every row, upsert by USCC, error report, audit — all-or-nothing.
   The same rows are imported a second time from the xlsx as Excel and WPS save it: the text
   in one shared-string table rather than inline in the sheet.
2. django-import-export 4 ``ModelResource.import_data`` with its defaults (per-row
   ``instance.save()``, import id ``uscc``) on a sample (``--import-baseline-rows``, default
   20,000) of the same rows as CSV (tablib reads xlsx through openpyxl, which the platform does
   not install); its per-row rate is extrapolated to N.
3. raw: calamine ``iter_rows`` + the USCC check characters + the plainest fast write — no other
   checks, no report, no audit. SQLite: ``executemany`` of the same ``INSERT … ON CONFLICT``;
   PostgreSQL: one ``COPY`` straight into the table (the table is empty: nothing to upsert), the
   fastest way rows get into PostgreSQL (an executemany of upserts there runs at about 8,000
   rows/s, which would flatter ours).

Each run starts from a table without the generated rows; file generation is not timed. Peak
memory is the resident set of this process and its children (sampled every 20 ms) above what
it was at the start of the run, so calamine's Rust allocations and the sheet-reader child
process of a large xlsx (cqo/lib/sheets.py) count too.

Targets (oversight issue): ≥ 40,000 rows/s end to end, ≥ 20× django-import-export, within 2× of
the raw pipeline, under 300 MB peak.

``python bench/imports.py [--import-rows N]`` (own throw-away database, in a process of its own
so that the peak memory is the import's alone); ``make bench`` runs it on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.throwaway import on_throwaway_db

HEADER = [
    "统一社会信用代码",
    "单位名称",
    "所属行政区划代码",
    "行业代码",
    "企业规模",
    "规模以上企业",
    "规上认定年度",
    "政府质量奖",
    "获奖年度",
    "特种设备生产许可证号",
    "员工总数",
    "单位性质",
    "注册地址",
]
SIZES = ["大型", "中型", "小型", "微型"]


def _args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--import-baseline-rows", type=int, default=20_000)
    return parser.parse_known_args(argv)[0]


def _uscc(i: int, region: str) -> str:
    """A unique, valid USCC for row i (the organisation code body is the row number)."""
    from cqo.imports.rules import _USCC_ALPHABET, _USCC_VALUE, _USCC_WEIGHTS
    from cqo.reference.validators import org_code_check_digit

    body = f"{i:08d}"
    head = f"91{region}{body}{org_code_check_digit(body)}"
    total = sum(_USCC_VALUE[c] * w for c, w in zip(head, _USCC_WEIGHTS, strict=True))
    return head + _USCC_ALPHABET[(31 - total) % 31]


def _rows(n: int, counties: list[str]) -> Any:
    for i in range(n):
        region = counties[i % len(counties)]
        yield [
            _uscc(i + 1, region),
            f"陕西名录基准企业{i}有限公司",
            region,
            f"{13 + i % 30}",
            SIZES[i % 4],
            "是" if i % 3 == 0 else "否",
            "2025" if i % 3 == 0 else "",
            "政府质量奖" if i % 97 == 0 else "",
            "2024" if i % 97 == 0 else "",
            f"TS{i:010d}" if i % 50 == 0 else "",
            10 + i % 5000,
            "民营",
            f"陕西省某市某区某路{i}号",
        ]


def _write_xlsx(path: Path, n: int, counties: list[str], shared: bool = False) -> None:
    """The list as an xlsx: its text inline in the sheet (xlsxwriter's constant-memory mode),
    or (``shared``) in one shared-string table, as Excel and WPS save a workbook."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": not shared})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(_rows(n, counties), start=1):
        for c, value in enumerate(row):
            if value == "":
                continue
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()


class _PeakRss:
    """Peak resident set above the starting one, sampled every 20 ms from /proc: this process
    plus its child processes (the import's sheet reader runs in one), so nothing is hidden."""

    def __init__(self) -> None:
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.base = self._rss()
        self.peak = self.base
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _statm(self, pid: str) -> int:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                return int(handle.read().split()[1]) * self.page
        except (OSError, IndexError, ValueError):
            return 0  # a child that just exited

    def _children(self) -> list[str]:
        pids: list[str] = []
        for task in Path("/proc/self/task").iterdir():
            try:
                pids += (task / "children").read_text().split()
            except OSError:
                continue
        return pids

    def _rss(self) -> int:
        return self._statm("self") + sum(self._statm(pid) for pid in self._children())

    def _run(self) -> None:
        while not self.stop.wait(0.02):
            self.peak = max(self.peak, self._rss())

    def __enter__(self) -> _PeakRss:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def mb(self) -> float:
        return (self.peak - self.base) / 2**20


def _measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    with _PeakRss() as rss:
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
    return seconds, rss.mb, result


def _clear(prefix: str) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_enterprise WHERE name LIKE %s", [prefix + "%"])


def _ours(path: Path, actor: Any, n: int) -> tuple[float, float, Any]:
    from django.core.files import File

    from cqo.imports import services
    from cqo.imports.models import EnterpriseList

    def go() -> EnterpriseList:
        with open(path, "rb") as handle:
            lst = services.list_create(
                actor=actor,
                upload=File(handle, name=path.name),
                as_of=dt.date(2026, 1, 31),
                region="610000",
                start=False,
            )
        return services.run_import(lst.pk)

    seconds, mb, lst = _measure(go)
    assert lst.status == "done" and lst.created_count == n, (lst.status, lst.message)
    return seconds, mb, lst


def _raw(path: Path, n: int) -> tuple[float, float, int]:
    """calamine read + check characters + executemany of the same upsert (PostgreSQL: one COPY),
    nothing else."""
    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from cqo.imports.rules import uscc_fast

    sizes = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
    cols = (
        "uscc, name, website, employees, industry_id, size, nature, listed, main_products, "
        "registered_address, region_id, responsible_name, responsible_position, "
        "responsible_landline, responsible_mobile_enc, responsible_mobile_masked, above_scale, "
        "above_scale_year, quality_award, quality_award_year, special_equipment_licence, "
        "own_cqo_conditions, created_at, updated_at"
    )
    sql = (
        f"INSERT INTO registry_enterprise ({cols}) VALUES ({', '.join(['%s'] * 24)}) "  # noqa: S608
        "ON CONFLICT (uscc) DO UPDATE SET name = EXCLUDED.name, region_id = EXCLUDED.region_id, "
        "industry_id = EXCLUDED.industry_id, size = EXCLUDED.size, "
        "above_scale = EXCLUDED.above_scale, updated_at = EXCLUDED.updated_at"
    )

    def values(rows: Any, now: Any) -> Any:
        for r in rows:
            if not uscc_fast(r[0]):
                continue
            year = r[6]
            award_year = r[8]
            yield (
                r[0], r[1], "", int(r[10]), r[3], sizes[r[4]], "private", False, "",
                r[12], r[2], "", "", "", "", "", r[5] == "是",
                int(year) if year else None, "winner" if r[7] else "",
                int(award_year) if award_year else None, r[9], "", now, now,
            )  # fmt: skip

    def go() -> int:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        next(rows)
        done = 0
        # as ours: SQLite's foreign-key lookups off for the write
        with (
            connection.constraint_checks_disabled(),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            if connection.vendor == "postgresql":
                # psycopg streams the rows while they are made: the server inserts them as
                # this process reads the sheet
                with cursor.cursor.copy(f"COPY registry_enterprise ({cols}) FROM STDIN") as copy:
                    for row in values(rows, now):
                        copy.write_row(row)
                        done += 1
                return done
            batch: list[tuple[Any, ...]] = []
            for row in values(rows, now):
                batch.append(row)
                if len(batch) == 1000:
                    cursor.executemany(sql, batch)
                    done += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            done += len(batch)
        return done

    seconds, mb, done = _measure(go)
    assert done == n, done
    return seconds, mb, done


def _baseline(csv_path: Path, sample: int) -> tuple[float, float, Any]:
    import tablib
    from import_export import fields, resources, widgets

    from cqo.reference.models import Industry, Region
    from cqo.registry.models import Enterprise

    class EnterpriseResource(resources.ModelResource):
        # the same columns, mapped the way the library documents (FK by key, headers by name)
        uscc = fields.Field(attribute="uscc", column_name="统一社会信用代码")
        name = fields.Field(attribute="name", column_name="单位名称")
        region = fields.Field(
            attribute="region",
            column_name="所属行政区划代码",
            widget=widgets.ForeignKeyWidget(Region, "code"),
        )
        industry = fields.Field(
            attribute="industry",
            column_name="行业代码",
            widget=widgets.ForeignKeyWidget(Industry, "code"),
        )
        size = fields.Field(attribute="size", column_name="企业规模")
        employees = fields.Field(
            attribute="employees", column_name="员工总数", widget=widgets.IntegerWidget()
        )
        registered_address = fields.Field(attribute="registered_address", column_name="注册地址")

        class Meta:
            model = Enterprise
            import_id_fields = ("uscc",)
            fields = ("uscc", "name", "region", "industry", "size", "employees",
                      "registered_address")  # fmt: skip

        def before_import_row(self, row: Any, **kwargs: Any) -> None:
            row["企业规模"] = {"大型": "large", "中型": "medium", "小型": "small"}.get(
                row["企业规模"], "micro"
            )

    def go() -> Any:
        with open(csv_path, encoding="utf-8") as handle:
            data = tablib.Dataset().load(handle.read(), format="csv")
        result = EnterpriseResource().import_data(data, dry_run=False, raise_errors=True)
        return result

    seconds, mb, result = _measure(go)
    assert not result.has_errors() and result.totals["new"] == sample, result.totals
    return seconds, mb, result


def run_imports(rows: int | None = None, baseline_rows: int | None = None) -> None:
    from django.db import connection
    from django.test import override_settings

    from cqo.accounts.models import Role, User
    from cqo.reference.models import Region

    args = _args(sys.argv[1:])
    n = rows or args.import_rows
    sample = min(n, baseline_rows or args.import_baseline_rows)
    counties = list(
        Region.objects.filter(province_code="610000", level="county")
        .exclude(flags__gt="")
        .values_list("code", flat=True)
    )
    actor = User.objects.filter(username="bench-imports").first() or User.objects.create(
        username="bench-imports", role=Role.REGULATOR, region_id="610000"
    )
    prefix = "陕西名录基准企业"
    with (
        tempfile.TemporaryDirectory(prefix="cqo-bench-imports-") as tmp,
        override_settings(MEDIA_ROOT=tmp),  # the stored copy and report go away with it
    ):
        xlsx = Path(tmp) / f"list-{n}.xlsx"
        t0 = time.perf_counter()
        _write_xlsx(xlsx, n, counties)
        sample_csv = Path(tmp) / "sample.csv"
        with open(sample_csv, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(_rows(sample, counties))
        print(
            f"\nenterprise-list import ({connection.vendor}): {n:,} rows × {len(HEADER)} columns, "
            f"xlsx {xlsx.stat().st_size / 2**20:.0f} MiB (generated in "
            f"{time.perf_counter() - t0:.0f} s, not timed)"
        )

        t_raw, mb_raw, _ = _raw(xlsx, n)
        _clear(prefix)
        t_ours, mb_ours, _lst = _ours(xlsx, actor, n)
        _clear(prefix)
        xlsx.unlink()
        # the same rows as Excel saves them: the text in one shared-string table
        excel = Path(tmp) / f"list-{n}-shared-strings.xlsx"
        # written in a process of its own: xlsxwriter holds the whole workbook in memory for
        # its shared-string table, which would otherwise sit under the import's peak
        writer = multiprocessing.get_context("fork").Process(
            target=_write_xlsx, args=(excel, n, counties, True)
        )
        writer.start()
        writer.join()
        assert writer.exitcode == 0, writer.exitcode
        t_excel, mb_excel, _lst = _ours(excel, actor, n)
        _clear(prefix)
        excel.unlink()
        t_base, mb_base, _ = _baseline(sample_csv, sample)
        _clear(prefix)

    ours_rate = n / t_ours
    raw_write = "COPY" if connection.vendor == "postgresql" else "executemany"
    raw_rate = n / t_raw
    base_rate = sample / t_base
    print(
        f"  ours (calamine, checks, upsert, report, audit)  {t_ours:8.1f} s  "
        f"{ours_rate:10,.0f} rows/s  peak +{mb_ours:5.0f} MB"
    )
    print(
        f"  ours, the same rows saved as Excel saves them   {t_excel:8.1f} s  "
        f"{n / t_excel:10,.0f} rows/s  peak +{mb_excel:5.0f} MB  (text in a shared-string table)"
    )
    print(
        f"  raw pipeline (read + check digit + {raw_write:10s}) {t_raw:8.1f} s  "
        f"{raw_rate:10,.0f} rows/s  peak +{mb_raw:5.0f} MB"
    )
    print(
        f"  django-import-export defaults, {sample:,}-row sample {t_base:8.1f} s  "
        f"{base_rate:10,.0f} rows/s  peak +{mb_base:5.0f} MB  → {n:,} rows ≈ "
        f"{n / base_rate:,.0f} s (extrapolated per-row rate)"
    )
    print(
        f"  ours vs django-import-export {ours_rate / base_rate:6.1f}×  (target ≥ 20×);  "
        f"raw / ours {raw_rate / ours_rate:4.2f}  (target ≤ 2);  "
        f"end to end {ours_rate:,.0f} rows/s (target ≥ 40,000);  peak {mb_ours:.0f} MB "
        f"(target < 300)"
    )


def main() -> None:
    on_throwaway_db(run_imports)


if __name__ == "__main__":
    main()
