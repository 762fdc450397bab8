"""A public certificate lookup that finds nothing answers on the lookup page itself: 未查到, the
number kept in the form for correcting, status 404 (training and level certificates)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOOKUPS = [
    ("/verify/training/", "培训合格证查验"),
    ("/verify/certificate/", "首席质量官能力水平认定证书查验"),
]


@pytest.mark.parametrize(("lookup", "title"), LOOKUPS)
def test_a_mistyped_number_shows_the_form_again_with_it(lookup: str, title: str) -> None:
    client = Client(REMOTE_ADDR="198.51.100.9")
    response = client.get(lookup, {"number": "px610000202600001-mxv96x"}, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert title in html and "未查到" in html
    assert 'value="PX610000202600001-MXV96X"' in html  # the number as typed, in the field
    assert f'action="{lookup}"' in html  # the next try goes through the lookup again
    assert 'id="verdict"' in html


@pytest.mark.parametrize(("lookup", "title"), LOOKUPS)
def test_a_long_number_in_the_address_is_kept_within_the_field(lookup: str, title: str) -> None:
    response = Client().get(lookup + "A" * 300 + "/")
    assert response.status_code == 404
    html = response.content.decode()
    assert title in html and "未查到" in html
    assert 'name="number" value="' + "A" * 300 not in html


@pytest.mark.parametrize(("lookup", "title"), LOOKUPS)
def test_the_lookup_page_itself_asks_no_question(lookup: str, title: str) -> None:
    response = Client().get(lookup)
    assert response.status_code == 200
    assert "未查到" not in response.content.decode()
