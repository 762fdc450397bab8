"""Page links for long lists: the first and last pages, and two on each side of the current
one, with gaps shown as …, so a 56-page list is reachable in one or two clicks."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag
def page_links(page: Page[Any]) -> list[int | str]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
