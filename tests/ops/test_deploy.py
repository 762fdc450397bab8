"""Production settings pass Django's deployment checks with no warning (issue 8)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CQO_ENV": "production",
        "CQO_DATA_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "cqo.example.gov.cn",
        "SITE_URL": "https://cqo.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://cqo.example.gov.cn",
    }
    # on SQLite: the settings must import without PostgreSQL or Redis; nothing the test
    # session itself set (the browser tests allow Django's ORM in Playwright's event loop)
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "DEBUG",
        "SECURE_COOKIES",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        env.pop(name, None)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_it_passes_check_deploy_in_production(tmp_path: Path) -> None:
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr


def test_it_flags_a_weak_secret_key_and_debug_is_off(tmp_path: Path) -> None:
    env = {**production_env(tmp_path), "DJANGO_SECRET_KEY": "change-me", "DEBUG": "true"}
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "security.W009" in done.stderr  # the weak key is caught
    assert "security.W018" not in done.stderr  # DEBUG=true is ignored in production
