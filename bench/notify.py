"""Benchmark of the daily reminder run's notices at provincial scale (the notify app's outbox):
200,000 persons with logins, 20,000 of them due a reminder today, recorded through
``cqo.notify.services.notices_send`` (the path every daily run takes: study hours, re-certification)
against a bare INSERT of the same outbox rows into a table without constraints, in the same
process.

1. population: N users (``--notify-persons``, default 200,000), one in twenty of them opted out
   of study-hour reminders by e-mail and SMS (their in-platform notice stays).
2. the run: M due reminders (``--notify-due``, default 20,000), each a notice on every channel of
   its kind, recorded and handed to the workers once the transaction commits (the hand-over is
   counted, not delivered: delivery is the workers' and is not part of the run). Target: the
   whole run under 60 s.
3. the same run again the same day: it must record nothing and hand nothing over (asserted).

``python bench/notify.py`` (own throw-away database, SQLite or DATABASE_URL). Prints per-notice
cost, the baseline's, the ratio, and the peak memory the run added.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.throwaway import on_throwaway_db

RAW_TABLE = "bench_raw_outbox"
TARGET_SECONDS = 60  # the target for the whole run


def _args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--notify-persons", type=int, default=200_000)
    parser.add_argument("--notify-due", type=int, default=20_000)
    return parser.parse_known_args(argv)[0]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _population(n: int) -> None:
    """N users with the CQO role, one in twenty of them opted out of study-hour reminders."""
    from cqo.accounts.models import Role, User
    from cqo.hours import notices
    from cqo.notify.models import OptOut

    users = (
        User(
            username=f"bench{i:07d}",
            password="!",  # noqa: S106 — an unusable password, as Django marks one
            role=Role.CQO,
            display_name=f"首席质量官{i}",
            email=f"cqo{i}@example.cn",
        )
        for i in range(n)
    )
    batch: list[Any] = []
    for user in users:
        batch.append(user)
        if len(batch) == 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)
    # one in twenty, of the population as of those due (every tenth: _due)
    out = [f"bench{i:07d}" for i in range(n) if (i // 10) % 20 == 3]
    ids = User.objects.filter(username__in=out).values_list("pk", flat=True)
    OptOut.objects.bulk_create(
        [OptOut(user_id=pk, kind=notices.HOURS_REMINDER) for pk in ids], batch_size=5000
    )


def _due(m: int, persons: int) -> list[Any]:
    """The run's notices: every (persons / m)-th user is short of the year's study hours."""
    from django.urls import reverse

    from cqo.accounts.models import User
    from cqo.hours import notices
    from cqo.notify.kinds import Notice, NoticeContext

    step = max(1, persons // m)
    names = [f"bench{i:07d}" for i in range(0, step * m, step)][:m]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    today = dt.date(2026, 11, 1)
    url = reverse("hours:index")
    return [
        Notice(
            recipient=users[name],
            kind=notices.HOURS_REMINDER,
            subject=f"{uuid.uuid5(uuid.NAMESPACE_URL, name)}:2026:{today.isoformat()}",
            context=NoticeContext(
                name=users[name].display_name,
                what="2026年度学时：已修 12 学时，应修 24 学时"
                "（陕质委办〔2021〕15号 第五条（一）），尚差 12 学时。请在年底前完成。",
                action="请在年底前参加培训或登记学习活动，补足本年度学时。",
                deadline=dt.date(2026, 12, 31),
            ),
            url=url,
        )
        for name in names
    ]


def _ours(due: list[Any]) -> tuple[float, int, int]:
    """(seconds, rows recorded, rows handed to the workers) of one run, commit included."""
    from django.db import transaction

    from cqo.notify import services

    handed: list[int] = []
    original = services._enqueue
    services._enqueue = handed.append  # counted, not delivered: delivery is the workers'
    try:
        start = time.perf_counter()
        with transaction.atomic():
            created = services.notices_send(notices=due)
        seconds = time.perf_counter() - start
    finally:
        services._enqueue = original
    return seconds, len(created), len(handed)


def _raw(due: list[Any], channels: int) -> tuple[float, int]:
    """The same rows into a bare table of the outbox's columns: one executemany a thousand rows
    at a time (COPY on PostgreSQL), in one transaction."""
    from django.db import connection, transaction

    from cqo.notify.models import OutboxMessage

    fields = [f for f in OutboxMessage._meta.concrete_fields if not f.primary_key]
    cols = [f.column for f in fields]
    with connection.cursor() as cursor:
        kinds = {f.column: f.db_type(connection) for f in fields}
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        cursor.execute(f"CREATE TABLE {RAW_TABLE} ({', '.join(f'{c} {kinds[c]}' for c in cols)})")
    now = dt.datetime.now(dt.UTC)

    def rows() -> Any:
        for notice in due:
            for channel in ("site", "email", "sms")[:channels]:
                values = {
                    "public_id": uuid.uuid4(),
                    "recipient_id": notice.recipient.pk,
                    "kind": notice.kind,
                    "subject": notice.subject,
                    "channel": channel,
                    "status": "queued",
                    "attempts": 0,
                    "resends": 0,
                    "last_error": "",
                    "name": notice.context.name,
                    "what": notice.context.what,
                    "action": notice.context.action,
                    "deadline": notice.context.deadline,
                    "url": notice.url,
                    "address_shown": "",
                    "created_at": now,
                    "claimed_at": None,
                    "next_attempt_at": None,
                    "sent_at": None,
                    "updated_at": now,
                }
                yield tuple(f.get_db_prep_save(values[f.attname], connection) for f in fields)

    start = time.perf_counter()
    done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {RAW_TABLE} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
                    done += 1
        else:
            marks = ", ".join(["%s"] * len(cols))
            sql = f"INSERT INTO {RAW_TABLE} ({', '.join(cols)}) VALUES ({marks})"  # noqa: S608
            batch: list[Any] = []
            for row in rows():
                batch.append(row)
                if len(batch) == 1000:
                    cursor.executemany(sql, batch)
                    done += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            done += len(batch)
    return time.perf_counter() - start, done


def run_notify_bench(argv: list[str] | None = None) -> None:
    from django.db import connection

    from cqo.notify.models import OutboxMessage

    args = _args(argv)
    start = time.perf_counter()
    _population(args.notify_persons)
    print(
        f"notify: {args.notify_persons:,} persons with logins on {connection.vendor} "
        f"(set up in {time.perf_counter() - start:.1f} s); {args.notify_due:,} due reminders"
    )
    due = _due(args.notify_due, args.notify_persons)
    before = _peak_mb()
    seconds, recorded, handed = _ours(due)
    peak = _peak_mb() - before
    raw_seconds, raw_rows = _raw(due, 3)
    notices = len(due)
    print(
        f"  the run: {seconds:6.2f} s for {notices:,} notices = {recorded:,} outbox rows "
        f"({handed:,} e-mails and SMS handed to the workers); "
        f"{seconds / notices * 1e6:6.0f} µs a notice, {seconds / recorded * 1e6:5.0f} µs a row"
    )
    print(
        f"  baseline, bare INSERT of {raw_rows:,} rows (every channel, no opt-out): "
        f"{raw_seconds:6.2f} s = {raw_seconds / raw_rows * 1e6:5.0f} µs a row; "
        f"ratio per row {seconds / recorded / (raw_seconds / raw_rows):5.1f}×"
    )
    print(
        f"  whole run {seconds:.1f} s against the target of {TARGET_SECONDS} s: "
        f"{'met' if seconds < TARGET_SECONDS else 'NOT MET'}; peak memory +{peak:.0f} MB"
    )
    again, recorded_again, handed_again = _ours(due)
    assert recorded_again == 0 and handed_again == 0, (recorded_again, handed_again)
    assert OutboxMessage.objects.count() == recorded
    print(
        f"  the same run again the same day: {again:6.2f} s, nothing recorded, nothing sent "
        f"({OutboxMessage.objects.count():,} rows in the outbox, as before)"
    )


def main() -> None:
    on_throwaway_db(run_notify_bench)


if __name__ == "__main__":
    main()
