"""The cost of the printed forms: the Annex A 备案登记表 and the 聘任授权证书 with every text at its
maximum (cqo/lib/bounds.py), beside the same forms of the demo filing, and what rendering in a
child process (cqo/lib/pdf.py) adds to a render done in-process. Prints figures; asserts nothing
about time. Runs on a throw-away database (SQLite by default, or DATABASE_URL).

Usage: python bench/pdf.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def timed(fn: Callable[[], object], repeat: int) -> float:
    """The median of ``repeat`` runs, in seconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def report(name: str, ours: float, base: float, base_name: str) -> None:
    print(
        f"{name:<44} {ours * 1000:8.1f} ms   baseline {base_name}: {base * 1000:8.1f} ms"
        f"   ratio {ours / base:5.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run(args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(repeat: int) -> None:
    from django.conf import settings
    from django.template.loader import render_to_string

    from cqo.lib import pdf
    from cqo.registry import printing, services
    from cqo.test import (
        COUNTY_B,
        at_the_limits,
        build_personas,
        file_appointment,
        new_id_number,
        person_data,
    )

    p = build_personas()
    # the demo filing: enterprise B's CQO as cqo/test.py and the demo data fill it
    _user, demo_person = services.person_register(
        details=services.PersonDetails(
            **{
                **person_data(id_number=new_id_number(COUNTY_B), region=COUNTY_B),
                "username": "bench-cqo",
                "password": "Bench-pdf-2026!",
            }
        )
    )
    demo = file_appointment(p, person=demo_person, clerk=p.clerk_b)
    full = at_the_limits(p)
    print(f"database: {connection_vendor()}, median of {repeat} renders each")
    print(f"timeout: CQO_PDF_TIMEOUT_SECONDS = {settings.CQO_PDF_TIMEOUT_SECONDS:g}")

    # The first render of a process starts the forkserver and loads WeasyPrint and the fonts.
    start = time.perf_counter()
    printing.render_filing_form(demo, unmasked=False, contact=True)
    first = time.perf_counter() - start
    print(f"{'first render (starts the PDF forkserver)':<44} {first * 1000:8.1f} ms")
    rss_before = peak_mb()

    form_demo = timed(
        lambda: printing.render_filing_form(demo, unmasked=False, contact=True), repeat
    )
    form_full = timed(
        lambda: printing.render_filing_form(full, unmasked=False, contact=True), repeat
    )
    report("Annex A 备案登记表, every text at its maximum", form_full, form_demo, "demo filing")
    auth_demo = timed(lambda: printing.render_authorisation(demo), repeat)
    auth_full = timed(lambda: printing.render_authorisation(full), repeat)
    report("聘任授权证书, every text at its maximum", auth_full, auth_demo, "demo filing")

    # A page that cannot finish in time is stopped, here at 2 s rather than the setting.
    runaway = "<ol>" + "<li>负责企业质量品牌战略、规划和计划的制定与实施</li>" * 100_000 + "</ol>"
    start = time.perf_counter()
    try:
        pdf.html_to_pdf(runaway, timeout=2)
        stopped = "finished"
    except pdf.RenderTimeout:
        stopped = "stopped by its 2 s timeout"
    elapsed = time.perf_counter() - start
    print(f"{'a runaway page (100,000 list items)':<44} {elapsed * 1000:8.1f} ms   {stopped}")
    print(
        f"{'peak memory of this process':<44} {rss_before:8.1f} MB after the first render,"
        f" {peak_mb():.1f} MB after all of them (each child's memory is its own)"
    )

    # What the child process adds: the demo form rendered in this process (last: it loads
    # WeasyPrint and the fonts here).
    html = render_to_string(
        printing.TEMPLATE, printing.filing_form_context(demo, unmasked=False, contact=True)
    )
    pdf._render(html, None)
    in_process = timed(lambda: pdf._render(html, None), repeat)
    in_child = timed(lambda: pdf.html_to_pdf(html), repeat)
    report("demo Annex A in a child process", in_child, in_process, "in this process")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
