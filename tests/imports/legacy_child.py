"""A worker process for test_legacy_killed: runs one queued archive migration, as the Celery task
does, and reports its progress on stdout, pausing after each report so that the test can kill it
half-way through.

    python -m tests.imports.legacy_child FILE_ID MEDIA_ROOT PAUSE_SECONDS

The database is the parent's test database, passed in DATABASE_URL.
"""

from __future__ import annotations

import sys
import time


def main(file_id: int, media_root: str, pause: float) -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = media_root
    from cqo.imports.legacy import job

    def progress(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)
        time.sleep(pause)

    job.run_legacy(file_id, on_progress=progress)
    print("finished", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]))
