"""A major quality-safety accident with the holder's related responsibility — an exit listing, an
accident report the body receives, or the body's own exit record — opens a review at the
certification body, not an automatic suspension; the review closes only by suspending or
discontinuing the certificate (收回 after it where needed) or by a finding, with evidence, that
the holder bears no related responsibility (level-standard §11 应暂停或中止; SPEC §12.15). A
warning listing notifies the body and shows on the certificate's record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cqo.accounts.models import ApiToken, Role, User
from cqo.blacklist import services as blacklist
from cqo.certification import services
from cqo.certification.models import LevelCertificate, ListingNotice, ReviewRequest
from cqo.test import make_user
from tests.certification.conftest import TODAY, World, certified, pdf

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


def test_a_warning_opens_no_review_but_notifies_the_body(world: World) -> None:
    cert = certified(world)
    listing(world, "warning")
    assert not ReviewRequest.objects.filter(certificate=cert).exists()
    (notice,) = ListingNotice.objects.filter(certificate=cert)
    assert "列入警示名单" in notice.summary and "2026-05-20" in notice.summary
    cert.refresh_from_db()
    assert cert.status == LevelCertificate.Status.VALID
    page = client_for(world.p.certifier).get(
        reverse("certification:certificate_detail", args=[cert.number])
    )
    assert "“黑名单”警示".encode() in page.content and notice.summary.encode() in page.content
    queue = client_for(world.p.certifier).get(reverse("certification:queue"))
    assert b'id="notices"' in queue.content


def test_opening_twice_for_one_listing_opens_one_review(world: World) -> None:
    cert = certified(world)
    for _ in range(2):
        services.review_requests_open(holder_id=cert.holder_id, reference="L-1", reason="原因原因")
    assert ReviewRequest.objects.filter(certificate=cert).count() == 1


def decision(outcome: str, **overrides: Any) -> services.ReviewDecision:
    data: dict[str, Any] = {"outcome": outcome, "finding": "经复核，事故与持证人履职相关"}
    data.update(overrides)
    return services.ReviewDecision(**data)


def open_review(world: World) -> tuple[LevelCertificate, ReviewRequest]:
    cert = certified(world)
    listing(world, "exit")
    return cert, ReviewRequest.objects.get(certificate=cert)


def close(world: World, request: ReviewRequest, **kw: Any) -> ReviewRequest:
    return services.review_request_close(
        actor=world.p.certifier, request=request, decision=decision(**kw)
    )


@pytest.mark.parametrize(
    ("outcome", "withdraw", "status", "actions"),
    [
        ("suspend", False, "suspended", ["suspend"]),
        ("discontinue", False, "discontinued", ["discontinue"]),
        ("discontinue", True, "withdrawn", ["discontinue", "withdraw"]),
        ("suspend", True, "withdrawn", ["suspend", "withdraw"]),
    ],
)
def test_a_measure_closes_the_review_and_links_the_action(
    world: World, outcome: str, withdraw: bool, status: str, actions: list[str]
) -> None:
    cert, request = open_review(world)
    closed = close(world, request, outcome=outcome, withdraw=withdraw)
    cert.refresh_from_db()
    assert cert.status == status
    assert [a.action for a in cert.actions.order_by("pk")] == actions
    assert closed.outcome == outcome and closed.closed_at is not None
    assert closed.action is not None and closed.action.action == outcome
    assert closed.action.ground == "org_safety_accident"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"outcome": ""}, "outcome"),
        ({"outcome": "recorded"}, "outcome"),  # a finding alone no longer closes a review
        ({"outcome": "lift"}, "outcome"),
        ({"outcome": "no_responsibility"}, "evidence"),  # the finding needs its evidence
        ({"outcome": "no_responsibility", "withdraw": True, "evidence": True}, "withdraw"),
        ({"outcome": "suspend", "finding": "短短短"}, "finding"),
    ],
)
def test_nothing_else_closes_it(world: World, overrides: dict[str, Any], field: str) -> None:
    cert, request = open_review(world)
    if overrides.get("evidence") is True:
        overrides["evidence"] = pdf()
    with pytest.raises(ValidationError) as caught:
        close(world, request, **overrides)
    assert field in caught.value.message_dict
    request.refresh_from_db()
    cert.refresh_from_db()
    assert request.closed_at is None and cert.status == "valid"


def test_a_no_responsibility_finding_with_evidence_closes_it(world: World) -> None:
    cert, request = open_review(world)
    closed = close(
        world,
        request,
        outcome="no_responsibility",
        finding="事故系设备供应商原因，持证人已按规定履职",
        evidence=pdf("调查报告.pdf"),
    )
    cert.refresh_from_db()
    assert cert.status == "valid" and closed.action is None
    assert closed.finding_evidence.name.endswith(".pdf")
    with pytest.raises(ValidationError):
        close(world, closed, outcome="suspend")


def test_a_measure_already_taken_closes_it(world: World) -> None:
    cert, request = open_review(world)
    action = services.supervise(
        actor=world.p.certifier,
        cert=cert,
        action="discontinue",
        ground="org_safety_accident",
        reason="事故调查期间中止使用",
        evidence_note="事故通报",
    )
    closed = close(world, request, outcome="discontinue")
    assert closed.action == action


def test_the_database_refuses_a_closed_review_without_a_decision(world: World) -> None:
    _cert, request = open_review(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRequest.objects.filter(pk=request.pk).update(
            closed_at=timezone.now(), finding="仅有结论", outcome="no_responsibility"
        )


def test_the_body_decides_on_the_page(world: World) -> None:
    cert, request = open_review(world)
    page = client_for(world.p.certifier).get(
        reverse("certification:certificate_detail", args=[cert.number])
    )
    assert "重大质量安全事故的复核".encode() in page.content
    assert "提交复核决定".encode() in page.content
    url = reverse("certification:review_request_close", args=[cert.number, request.public_id])
    bad = client_for(world.p.certifier).post(
        url, {"fin-outcome": "no_responsibility", "fin-finding": "经复核不负有关联责任"}
    )
    assert bad.status_code == 422 and b'id="error-fin-evidence"' in bad.content
    ok = client_for(world.p.certifier).post(
        url,
        {
            "fin-outcome": "no_responsibility",
            "fin-finding": "经复核不负有关联责任",
            "fin-evidence": pdf(),
        },
    )
    assert ok.status_code == 302
    request.refresh_from_db()
    assert request.closed_at is not None and request.closed_by == world.p.certifier


def test_only_the_bodys_staff_close_it(world: World) -> None:
    _cert, request = open_review(world)
    cert = request.certificate
    other = make_user("other-certifier", Role.CERTIFIER)
    with pytest.raises(PermissionDenied):
        services.review_request_close(actor=other, request=request, decision=decision("suspend"))
    url = reverse("certification:review_request_close", args=[cert.number, request.public_id])
    body = {"fin-outcome": "suspend", "fin-finding": "经复核，暂停证书使用"}
    assert client_for(world.p.cqo).post(url, body).status_code in (403, 404)
    assert Client().post(url, body).status_code == 302
    request.refresh_from_db()
    assert request.closed_at is None


# An accident report received directly ---------------------------------------------------------


def report(**overrides: Any) -> services.AccidentReport:
    data: dict[str, Any] = {
        "accident": "所在企业压力容器爆裂，造成人员受伤",
        "accident_date": TODAY - dt.timedelta(days=3),
        "reported_by": "西安市市场监督管理局",
        "evidence": None,
    }
    data.update(overrides)
    return services.AccidentReport(**data)


def test_an_accident_report_opens_the_same_review(world: World) -> None:
    cert = certified(world)
    request = services.accident_report_record(
        actor=world.p.certifier, cert=cert, report=report(evidence=pdf())
    )
    assert request.source == "accident_report" and request.closed_at is None
    assert request.accident_date == TODAY - dt.timedelta(days=3)
    cert.refresh_from_db()
    assert cert.status == "valid"
    closed = close(world, request, outcome="suspend")
    assert closed.action is not None and closed.action.action == "suspend"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"accident": "事故"}, "accident"),
        ({"accident_date": None}, "accident_date"),
        ({"accident_date": TODAY + dt.timedelta(days=1)}, "accident_date"),
        ({"accident_date": dt.date(2011, 12, 31)}, "accident_date"),
        ({"reported_by": ""}, "reported_by"),
    ],
)
def test_an_accident_report_names_its_missing_facts(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    cert = certified(world)
    with pytest.raises(ValidationError) as caught:
        services.accident_report_record(
            actor=world.p.certifier, cert=cert, report=report(**overrides)
        )
    assert set(caught.value.message_dict) == {field}
    assert not ReviewRequest.objects.exists()


def test_the_accident_report_is_taken_on_the_page_by_staff_only(world: World) -> None:
    cert = certified(world)
    url = reverse("certification:accident_report", args=[cert.number])
    body = {
        "acc-accident": "所在企业发生重大质量安全事故",
        "acc-accident_date": (TODAY - dt.timedelta(days=1)).isoformat(),
        "acc-reported_by": "县市场监督管理局",
    }
    assert client_for(world.p.certifier).post(url, {**body, "acc-accident": ""}).status_code == 422
    assert client_for(world.p.cqo).post(url, body).status_code in (403, 404)
    assert client_for(world.p.certifier).post(url, body).status_code == 302
    assert ReviewRequest.objects.get(certificate=cert).source == "accident_report"


# The API ---------------------------------------------------------------------------------------


def api(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(user)}"
    return c


def test_the_api_records_a_report_and_closes_its_review(world: World) -> None:
    cert = certified(world)
    base = f"/api/v1/certification/certificates/{cert.number}"
    body = {
        "accident": "所在企业发生重大质量安全事故",
        "accident_date": (TODAY - dt.timedelta(days=2)).isoformat(),
        "reported_by": "省市场监督管理局",
    }
    assert api(None).post(f"{base}/accident-reports", body).status_code == 401
    assert api(world.p.cqo).post(f"{base}/accident-reports", body).status_code in (403, 404)
    bad = api(world.p.certifier).post(f"{base}/accident-reports", {**body, "accident_date": ""})
    assert bad.status_code == 422
    created = api(world.p.certifier).post(f"{base}/accident-reports", body)
    assert created.status_code == 201, created.content
    (review,) = created.json()["review_requests"]
    assert review["source"] == "accident_report" and review["outcome"] is None

    close_url = f"{base}/review-requests/{review['id']}/close"
    cleared = {"outcome": "no_responsibility", "finding": "经复核不负有关联责任"}
    missing = api(world.p.certifier).post(close_url, cleared)
    assert missing.status_code == 422
    assert {d["field"] for d in missing.json()["detail"]} == {"evidence"}
    other = make_user("other-certifier", Role.CERTIFIER)
    assert api(other).post(close_url, {**cleared, "evidence": pdf()}).status_code in (403, 404)
    done = api(world.p.certifier).post(close_url, {**cleared, "evidence": pdf()})
    assert done.status_code == 200, done.content
    (review,) = done.json()["review_requests"]
    assert review["outcome"] == "no_responsibility" and review["has_evidence"] is True
    assert done.json()["status"] == "valid"


def test_the_api_closes_a_review_by_discontinuing_and_withdrawing(world: World) -> None:
    cert, request = open_review(world)
    base = f"/api/v1/certification/certificates/{cert.number}"
    url = f"{base}/review-requests/{request.public_id}/close"
    body = {"outcome": "discontinue", "finding": "经复核负有关联责任", "withdraw": "true"}
    out = api(world.p.certifier).post(url, body)
    assert out.status_code == 200, out.content
    assert out.json()["status"] == "withdrawn"
    assert [a["action"] for a in out.json()["actions"]] == ["withdraw", "discontinue"]
    (review,) = out.json()["review_requests"]
    assert review["action"] == next(
        a["id"] for a in out.json()["actions"] if a["action"] == "discontinue"
    )
