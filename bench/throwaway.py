"""Run a benchmark on a throw-away database (SQLite by default, or DATABASE_URL), made and
dropped around it as the test runner does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def on_throwaway_db(run: Callable[[], Any], *, reference: bool = False) -> None:
    """``run()`` on a fresh, migrated database; ``reference``: with the reference data loaded."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        if reference:
            call_command("load_reference", verbosity=0)
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
