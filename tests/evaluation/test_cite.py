"""The evaluation pages and the printed evaluation form of a Shaanxi enterprise, which uses
the platform's reference forms, cite the documents by title (SPEC §12.24): no pack id, no SPEC
number, no version string."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.citing import assert_cites_like_users, capture_printing
from tests.evaluation.conftest import World, complete, new_assessment, signed
from tests.evaluation.test_pages import ent_url

pytestmark = pytest.mark.django_db


def test_the_evaluation_pages_and_form_cite_documents(
    world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    ev = signed(world)
    sa = complete(world, new_assessment(world))
    client.force_login(world.p.clerk_a)
    urls = [
        ent_url("enterprise", world),
        ent_url("quality", world),
        ent_url("losses", world),
        reverse("evaluation:evaluation_detail", args=[ev.public_id]),
        reverse("evaluation:assessment_detail", args=[sa.public_id]),
    ]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    assert "《杭州市企业首席质量官管理规范》 附录A" in pages[3]
    printed = capture_printing(monkeypatch)
    assert client.get(reverse("evaluation:evaluation_pdf", args=[ev.public_id])).status_code == 200
    assert len(printed) == 1
    for html in [*pages, *printed]:
        assert_cites_like_users(html)
