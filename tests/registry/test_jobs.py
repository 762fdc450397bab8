"""The daily jobs: each scheduled on Celery beat, each runnable in-process by run_daily_jobs."""

from __future__ import annotations

import io
import re

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command

from config.celery import app


def test_every_daily_job_is_a_registered_task_on_the_beat_schedule() -> None:
    app.loader.import_default_modules()
    jobs = {**settings.CQO_DAILY_JOBS, **settings.CQO_FREQUENT_JOBS, **settings.CQO_MINUTE_JOBS}
    assert set(jobs) == set(settings.CELERY_BEAT_SCHEDULE)
    for name, task in jobs.items():
        assert task in app.tasks, task
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["task"] == task
        assert isinstance(entry["schedule"], crontab)


def test_tasks_run_in_process_without_a_broker() -> None:
    assert not settings.CELERY_BROKER_URL
    assert settings.CELERY_TASK_ALWAYS_EAGER


@pytest.mark.django_db
def test_it_runs_every_daily_job_and_says_what_each_did() -> None:
    out = io.StringIO()
    call_command("run_daily_jobs", stdout=out)
    for name in settings.CQO_DAILY_JOBS:
        assert re.search(rf"^{name}: \d+$", out.getvalue(), re.M), out.getvalue()
    assert re.search(r"^coverage-refresh: (incremental|full)$", out.getvalue(), re.M)
    assert re.search(r"^audit-seal: \d+$", out.getvalue(), re.M)


@pytest.mark.django_db
def test_it_names_the_jobs_when_one_is_unknown() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("run_daily_jobs", "nope", stdout=out, stderr=err)
    assert "unknown job 'nope'" in err.getvalue() and "hours-remind" in err.getvalue()
    assert out.getvalue() == ""
