"""The change log on a record's page (templates/_trail.html), in the words of the pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from cqo.audit.display import Row, trail_rows
from cqo.audit.models import AuditEntry

register = template.Library()


@register.simple_tag
def audit_rows(trail: Iterable[AuditEntry] | None) -> list[Row]:
    """A page of a trail: who, what and from what to what, with the records referred to read
    once for the page."""
    return trail_rows(trail if trail is not None else [])
