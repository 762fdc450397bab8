"""An exit listing triggers a review at the certification body, not an automatic suspension
(SPEC §12.15); the body records its finding on the certificate's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cqo.accounts.models import Role, User
from cqo.blacklist import services as blacklist
from cqo.certification import services
from cqo.certification.models import LevelCertificate, ReviewRequest
from cqo.test import make_user
from tests.certification.conftest import World, certified

pytestmark = pytest.mark.django_db


def listing(w: World, kind: str) -> None:
    blacklist.listing_create(
        actor=w.p.province,
        person=w.p.person,
        terms=blacklist.ListingTerms(
            kind=kind,
            reason="所在企业发生重大质量安全事故，负有责任",
            accident="压力容器出厂检验缺失，发生爆裂事故",
            accident_date=dt.date(2026, 5, 20),
            evidence=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", "application/pdf"),
            start_date=dt.date(2026, 6, 1),
        ),
    )


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_an_exit_listing_opens_a_review_and_leaves_the_certificate_valid(world: World) -> None:
    cert = certified(world)
    listing(world, "exit")
    cert.refresh_from_db()
    assert cert.status == LevelCertificate.Status.VALID
    (request,) = ReviewRequest.objects.filter(certificate=cert)
    assert request.closed_at is None and "重大质量安全事故" in request.reason


def test_a_warning_opens_no_review(world: World) -> None:
    cert = certified(world)
    listing(world, "warning")
    assert not ReviewRequest.objects.filter(certificate=cert).exists()


def test_opening_twice_for_one_listing_opens_one_review(world: World) -> None:
    cert = certified(world)
    for _ in range(2):
        services.review_requests_open(holder_id=cert.holder_id, reference="L-1", reason="原因原因")
    assert ReviewRequest.objects.filter(certificate=cert).count() == 1


def test_the_body_closes_it_with_a_finding_on_the_page(world: World) -> None:
    cert = certified(world)
    listing(world, "exit")
    request = ReviewRequest.objects.get(certificate=cert)
    page = client_for(world.p.certifier).get(
        reverse("certification:certificate_detail", args=[cert.number])
    )
    assert "退出名单触发的复核".encode() in page.content and "提交复核结论".encode() in page.content
    url = reverse("certification:review_request_close", args=[cert.number, request.public_id])
    bad = client_for(world.p.certifier).post(url, {"fin-finding": "短"})
    assert bad.status_code == 422
    ok = client_for(world.p.certifier).post(
        url, {"fin-finding": "经复核，证书继续有效，责任已整改"}
    )
    assert ok.status_code == 302
    request.refresh_from_db()
    assert request.closed_at is not None and request.closed_by == world.p.certifier
    with pytest.raises(ValidationError):
        services.review_request_close(
            actor=world.p.certifier, request=request, finding="再次复核结论"
        )


def test_only_the_bodys_staff_close_it(world: World) -> None:
    cert = certified(world)
    listing(world, "exit")
    request = ReviewRequest.objects.get(certificate=cert)
    other = make_user("other-certifier", Role.CERTIFIER)
    with pytest.raises(PermissionDenied):
        services.review_request_close(actor=other, request=request, finding="经复核，证书继续有效")
    url = reverse("certification:review_request_close", args=[cert.number, request.public_id])
    assert client_for(world.p.cqo).post(
        url, {"fin-finding": "经复核，证书继续有效"}
    ).status_code in (
        403,
        404,
    )
    assert Client().post(url, {"fin-finding": "经复核，证书继续有效"}).status_code == 302
    request.refresh_from_db()
    assert request.closed_at is None
