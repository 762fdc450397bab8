"""A level certificate, its application, its public verification and its print cite the
standard by title and number (SPEC §12.24): no pack id, no version string, no section signs;
a certificate frozen before reads the same."""

from __future__ import annotations

import pytest

from cqo.certification.models import LevelCertificate
from tests.certification.conftest import World, certified
from tests.certification.test_pages import client_for, url
from tests.citing import assert_cites_like_users, capture_printing

pytestmark = pytest.mark.django_db


def _pages(world: World, cert: LevelCertificate) -> list[str]:
    staff = client_for(world.p.certifier)
    pages = [
        staff.get(url("certificate_detail", cert.number)),
        staff.get(url("application_detail", cert.application.public_id)),
        client_for(world.p.cqo).get(url("mine")),
        client_for(None).get(url("verify", cert.number)),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    return [p.content.decode() for p in pages]


def test_a_certificate_cites_the_standard_by_title(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert = certified(world)
    pages = _pages(world, cert)
    assert "《首席质量官能力水平认定》（征求意见稿） 9.4.1.1" in pages[0]
    printed = capture_printing(monkeypatch)
    assert client_for(world.p.certifier).get(url("certificate_pdf", cert.number)).status_code == 200
    assert len(printed) == 1 and "认定依据" in printed[0]
    for html in [*pages, *printed]:
        assert_cites_like_users(html)
        # the trail quotes the application form's own labels, which number the clauses
        assert "§" not in html.split("</style>")[-1].split('id="trail"')[0]


def test_a_certificate_frozen_before_reads_without_ids(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert = certified(world)
    cert.content = {
        **cert.content,
        "standard": "首席质量官能力水平认定（征求意见稿）（level-standard draft.2，2024-01-01 起）",
        "basis": "level-standard §9.4.1.1, 附录B",
    }
    LevelCertificate.objects.filter(pk=cert.pk).update(content=cert.content)
    page = _pages(world, cert)[0]
    assert "首席质量官能力水平认定（征求意见稿）（2024-01-01 起）" in page
    printed = capture_printing(monkeypatch)
    client_for(world.p.certifier).get(url("certificate_pdf", cert.number))
    for html in [page, *printed]:
        assert_cites_like_users(html)
