"""Every change log of the demo data reads as Chinese: no key as a label, no coded value, no
UUID, no login name (the demo driver writes entries through the services of every app)."""

from __future__ import annotations

import io
import re

import pytest
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from cqo.accounts.models import User
from cqo.audit import display
from cqo.audit.models import AuditEntry
from cqo.portal import demo

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
IDENTIFIER = re.compile(r"[a-z]+(?:_[a-z0-9]+)*")  # a key or an enum value
ENGLISH = re.compile(r"\b[a-z]+(?: [a-z]+)+\b")  # "invitation claimed", "user name at address"


@pytest.fixture
def trails(db: None) -> dict[tuple[str, str], list[display.Row]]:
    demo.build_demo(seed=7, enterprises=60, stdout=io.StringIO())
    targets = AuditEntry.objects.values_list("target_type", "target_id").distinct()
    return {
        (t, i): display.trail_rows(AuditEntry.objects.filter(target_type=t, target_id=i))
        for t, i in targets
    }


def _problems(row: display.Row, logins: set[str]) -> list[str]:
    found = []
    for change in row.changes:
        if re.search(r"[a-z_]{2,}", change.label):
            found.append(f"label {change.label}")
        for value in (change.before, change.after):
            if IDENTIFIER.fullmatch(value) or UUID.search(value):
                found.append(f"value {change.label}: {value}")
    if UUID.search(row.note) or IDENTIFIER.fullmatch(row.note) or ENGLISH.search(row.note):
        found.append(f"note {row.note}")
    if row.actor in logins or re.search(r"[a-z]", row.actor):
        found.append(f"actor {row.actor}")
    return found


def test_no_demo_trail_shows_a_key_a_code_a_uuid_or_a_login(trails) -> None:
    logins = set(User.objects.values_list("username", flat=True))
    rows = [row for page in trails.values() for row in page]
    # the demo writes the trails of every kind of record the pages show
    kinds = {row.entry.target_type for row in rows}
    assert {"appointment", "level_certificate", "course", "community_submission"} <= kinds
    assert any(c.label == "本人声明" for row in rows for c in row.changes)
    problems = {
        f"{row.entry.target_type}: {problem}" for row in rows for problem in _problems(row, logins)
    }
    assert not problems, "\n".join(sorted(problems))


def test_the_demo_trail_names_what_an_entry_refers_to(trails) -> None:
    rows = [
        row
        for (kind, _id), page in trails.items()
        if kind == "community_submission"
        for row in page
    ]
    shown = [c.after for row in rows for c in row.changes if c.label == "评比活动"]
    assert shown and all("评比" in name for name in shown)


def test_the_rendered_demo_trails_hold_no_uuid_or_login(trails) -> None:
    logins = set(User.objects.values_list("username", flat=True))
    for target_type, target_id in sorted(trails)[:400]:
        trail = AuditEntry.objects.filter(target_type=target_type, target_id=target_id)
        html = render_to_string("_trail.html", {"trail": trail})
        assert not UUID.search(strip_tags(html)), (target_type, html)
        actors = set(re.findall(r'<td class="text-nowrap">[^<]*</td><td>([^<]*)</td>', html))
        assert actors and not actors & logins, (target_type, actors)
        assert not any(re.search(r"[a-z]", actor) for actor in actors), actors
