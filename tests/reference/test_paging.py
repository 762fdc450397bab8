"""A long list is reachable in a click or two: page links show the ends and two pages each side
of the current one (the province's 56-page 未备案 list read only "»" before)."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

from cqo.reference.templatetags.paging import page_links

GAP = Paginator([], 1).ELLIPSIS


@pytest.mark.parametrize(
    ("number", "links"),
    [
        (1, [1, 2, 3, GAP, 56]),
        (28, [1, GAP, 26, 27, 28, 29, 30, GAP, 56]),
        (56, [1, GAP, 54, 55, 56]),
    ],
)
def test_the_links_show_the_ends_and_the_pages_around(number: int, links: list[object]) -> None:
    page = Paginator(range(56 * 20), 20).page(number)
    assert page_links(page) == links


def test_the_partial_links_each_page_keeping_the_filters() -> None:
    page = Paginator(range(56 * 20), 20).page(28)
    request = RequestFactory().get("/filings/", {"q": "华晟", "page": "28"})
    html = Template('{% include "_pagination.html" %}').render(
        Context({"page": page, "request": request})
    )
    assert 'href="?q=%E5%8D%8E%E6%99%9F&page=56"' in html
    assert 'aria-current="page"><span class="page-link">28<' in html
    assert "共 1120 条" in html and "第 28 / 56 页" in html
