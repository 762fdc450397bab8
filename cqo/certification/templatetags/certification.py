"""What the certification navigation offers a user, by the predicates its views check."""

from __future__ import annotations

from typing import Any

from django import template

from cqo.certification import selectors

register = template.Library()


@register.simple_tag
def may_read_bodies(user: Any) -> bool:
    """The 认定主体 tab: only for those the body pages serve (views/bodies.py)."""
    return selectors.may_read_bodies(user)
