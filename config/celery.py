"""Celery: background work in production (SPEC §11) — enterprise-list imports and the daily
jobs (study-hour reminders, exit listings coming into force, …) scheduled by celery beat.

Without a broker (``CELERY_BROKER_URL`` / ``REDIS_URL`` unset: the embedded default and the
tests) tasks run in-process when called, imports run in a thread, and the daily jobs are run
by ``manage.py run_daily_jobs`` (cron) or by hand. In production (``make serve-prod``, or the
systemd units under deploy/) one worker, ``celery -A config worker``, and one scheduler,
``celery -A config beat``, run beside gunicorn, logging JSON lines like the web processes.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cqo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
