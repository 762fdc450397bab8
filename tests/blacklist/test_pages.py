"""Pages: success, invalid input (errors beside their fields), outside the viewer's scope, and
the public notice without login (STYLE.md Tests)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.blacklist import services
from cqo.blacklist.models import Appeal, Listing
from cqo.registry.models import Appointment
from tests.blacklist.conftest import TODAY, World, evidence_pdf, issue
from tests.lib.test_uploads import png_bytes

DAY = dt.timedelta(days=1)


def detail_url(listing: Listing) -> str:
    return reverse("blacklist:listing_detail", args=[listing.public_id])


def form_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "kind": "exit",
        "reason": "履职不到位，造成重大质量安全事故",
        "accident": "2026年5月，压力容器出厂检验缺失，发生爆裂事故",
        "accident_date": (TODAY - 20 * DAY).isoformat(),
        "evidence": evidence_pdf(),
        "authority_name": "雁塔区市场监督管理局",
        "start_date": TODAY.isoformat(),
        "end_date": "",
    }
    body.update(overrides)
    return body


# List and export --------------------------------------------------------------------------------


def test_it_filters_the_list(world: World, client: Client) -> None:
    p = world.p
    services.listing_revoke(actor=p.county_b, listing=world.listings["B"], reason="复核后撤销列入")
    client.force_login(p.province)
    url = reverse("blacklist:listing_list")

    def shown(**params: str) -> set[str]:
        body = client.get(url, params).content.decode()
        return {k for k, v in world.listings.items() if str(v.public_id) in body}

    assert shown() == {"A", "B", "X"}
    assert shown(state="revoked") == {"B"}
    assert shown(state="in_force") == {"A", "X"}
    assert shown(q="赵") == {"X"}
    assert shown(kind="exit") == set()
    assert shown(region="610100") == {"A", "X"}  # issued in Xi'an or persons registered there
    assert shown(region="610300") == {"B", "X"}
    assert shown(state="nonsense", kind="nonsense") == {"A", "B", "X"}


def test_it_exports_only_listings_in_scope_and_audits_it(world: World, client: Client) -> None:
    client.force_login(world.p.county_a)
    response = client.get(reverse("blacklist:listing_list"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][0] == "姓名"
    assert sorted(r[0] for r in rows[1:]) == sorted(["李堃", "赵喆"])
    assert world.p.person.id_number not in str(rows)  # masked only
    entry = AuditEntry.objects.get(action="export", target_type="listing")
    assert entry.actor == world.p.county_a
    assert "export=xlsx" in entry.note


# Issuing ----------------------------------------------------------------------------------------


def test_it_issues_an_exit_by_id_number_and_ends_the_filing(world: World, client: Client) -> None:
    p = world.p
    client.force_login(p.county_a)
    assert client.get(reverse("blacklist:listing_create")).status_code == 200
    body = form_body(person_name=p.person.name, id_number=p.person.id_number, public="on")
    # first the page says which appointment the exit ends and asks to confirm; the evidence
    # chosen is kept for the second submission
    first = client.post(reverse("blacklist:listing_create"), body)
    assert first.status_code == 200
    assert not Listing.objects.filter(person=p.person, kind="exit").exists()
    page = first.content.decode()
    assert "将立即终止该人员的以下在任聘任" in page
    assert world.appt_p.enterprise.name in page and "已保留上次选择的文件" in page
    held = first.context["form"].data["evidence__held"]
    body = {k: v for k, v in body.items() if k != "evidence"}
    response = client.post(
        reverse("blacklist:listing_create"),
        {**body, "evidence__held": held, "effects_confirmed": "on"},
    )
    listing = Listing.objects.get(person=p.person, kind="exit")
    assert listing.evidence.read().startswith(b"%PDF")
    assert response.status_code == 302
    assert response["Location"] == detail_url(listing)
    assert listing.public is True
    world.appt_p.refresh_from_db()
    assert world.appt_p.status == Appointment.Status.ENDED

    page = client.get(detail_url(listing)).content.decode()
    assert reverse("registry:appointment_detail", args=[world.appt_p.public_id]) in page


def test_it_issues_for_a_person_given_in_the_address(world: World, client: Client) -> None:
    p = world.p
    client.force_login(p.county_b)
    url = reverse("blacklist:listing_create") + f"?person={world.person_x.public_id}"
    page = client.get(url)
    assert page.status_code == 200
    assert "赵喆" in page.content.decode()
    response = client.post(url, form_body(kind="exit", start_date=(TODAY + DAY).isoformat()))
    assert response.status_code == 302
    listing = Listing.objects.get(person=world.person_x, kind="exit")
    assert (listing.start_date, listing.region_id) == (TODAY + DAY, "610302")


def test_it_answers_404_for_a_person_outside_scope(world: World, client: Client) -> None:
    client.force_login(world.p.county_b)
    url = reverse("blacklist:listing_create") + f"?person={world.p.person.public_id}"
    assert client.get(url).status_code == 404
    assert client.post(url, form_body()).status_code == 404
    assert client.get(reverse("blacklist:listing_create") + "?person=zzz").status_code == 404


@pytest.mark.parametrize("who", ["clerk_a", "cqo", "trainer", "certifier"])
def test_it_forbids_the_issue_form_to_non_regulators(
    world: World, client: Client, who: str
) -> None:
    client.force_login(world.user(who))
    assert client.get(reverse("blacklist:listing_create")).status_code == 403
    assert client.post(reverse("blacklist:listing_create"), form_body()).status_code == 403


def test_it_shows_each_error_beside_its_field(world: World, client: Client) -> None:
    p = world.p
    client.force_login(p.county_a)
    before = Listing.objects.count()
    response = client.post(
        reverse("blacklist:listing_create"),
        form_body(
            person_name="王五",
            id_number=p.person.id_number,
            kind="",
            reason="失职",
            start_date=TODAY.isoformat(),
            end_date=(TODAY - DAY).isoformat(),
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    for field in ("kind",):
        assert f'id="error-{field}"' in body
    assert Listing.objects.count() == before

    response = client.post(
        reverse("blacklist:listing_create"),
        form_body(
            person_name="王五",
            id_number=p.person.id_number,
            reason="失职",
            end_date=(TODAY - DAY).isoformat(),
        ),
    )
    body = response.content.decode()
    for field in ("id_number", "reason", "end_date"):
        assert f'id="error-{field}"' in body, field
    assert Listing.objects.count() == before


# Evidence ---------------------------------------------------------------------------------------


def test_it_serves_the_evidence_only_inside_scope(world: World, client: Client) -> None:
    p = world.p
    client.force_login(p.county_a)
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 accident report", "application/pdf")
    response = client.post(
        reverse("blacklist:listing_create"),
        form_body(
            person_name=world.person_x.name,
            id_number=world.person_x.id_number,
            evidence=pdf,
        ),
    )
    assert response.status_code == 302
    listing = Listing.objects.get(person=world.person_x, issued_by=p.county_a)
    url = reverse("blacklist:listing_evidence", args=[listing.public_id])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 accident report"  # type: ignore[attr-defined]

    client.force_login(p.clerk_a)  # X is not appointed at enterprise A
    assert client.get(url).status_code == 404
    client.force_login(p.county_a)
    # a listing recorded before evidence was required
    Listing.objects.filter(pk=world.listings["A"].pk).update(evidence="")
    no_file = reverse("blacklist:listing_evidence", args=[world.listings["A"].public_id])
    assert client.get(no_file).status_code == 404


# Revocation and end date ------------------------------------------------------------------------


def test_it_revokes_from_the_detail_page(world: World, client: Client) -> None:
    listing = world.listings["A"]
    client.force_login(world.p.county_a)
    url = reverse("blacklist:listing_revoke", args=[listing.public_id])
    bad = client.post(url, {"revoke-reason": "撤"})
    assert bad.status_code == 422
    assert 'id="error-revoke-reason"' in bad.content.decode()
    listing.refresh_from_db()
    assert listing.revoked_at is None

    assert client.post(url, {"revoke-reason": "复核后撤销列入"}).status_code == 302
    listing.refresh_from_db()
    assert listing.revoked_at is not None
    page = client.get(detail_url(listing)).content.decode()
    assert "复核后撤销列入" in page
    assert 'data-state="revoked"' in page


def test_it_forbids_revoking_below_the_issuing_level(world: World, client: Client) -> None:
    listing = world.listings["X"]  # issued by county B, visible to county A
    client.force_login(world.p.county_a)
    page = client.get(detail_url(listing)).content.decode()
    assert 'id="btn-revoke"' not in page
    url = reverse("blacklist:listing_revoke", args=[listing.public_id])
    assert client.post(url, {"revoke-reason": "越权撤销测试"}).status_code == 403
    client.force_login(world.p.clerk_a)
    assert client.post(url, {"revoke-reason": "越权撤销测试"}).status_code == 404
    listing.refresh_from_db()
    assert listing.revoked_at is None


def test_it_changes_the_end_date_from_the_detail_page(world: World, client: Client) -> None:
    listing = world.listings["A"]
    client.force_login(world.p.city)
    url = reverse("blacklist:listing_end_date", args=[listing.public_id])
    bad = client.post(url, {"end-end_date": (TODAY - 10 * DAY).isoformat()})
    assert bad.status_code == 422
    assert 'id="error-end-end_date"' in bad.content.decode()
    ok = client.post(url, {"end-end_date": (TODAY + 10 * DAY).isoformat(), "end-note": "整改"})
    assert ok.status_code == 302
    listing.refresh_from_db()
    assert listing.end_date == TODAY + 10 * DAY


# Appeals ----------------------------------------------------------------------------------------

GROUNDS = "事故系供应商原料问题所致，本人已按规定履职，有检验记录为证。"


def test_it_takes_an_appeal_from_the_listed_person(world: World, client: Client) -> None:
    listing = world.listings["A"]
    client.force_login(world.p.cqo)
    page = client.get(detail_url(listing)).content.decode()
    assert 'id="btn-appeal"' in page
    url = reverse("blacklist:appeal_create", args=[listing.public_id])

    bad = client.post(url, {"appeal-grounds": "不服"})
    assert bad.status_code == 422
    assert 'id="error-appeal-grounds"' in bad.content.decode()

    attachment = SimpleUploadedFile("proof.png", png_bytes(), "image/png")
    response = client.post(url, {"appeal-grounds": GROUNDS, "appeal-attachment": attachment})
    assert response.status_code == 302
    appeal = Appeal.objects.get(listing=listing)
    assert appeal.filed_by == world.p.cqo
    assert appeal.attachment
    page = client.get(detail_url(listing)).content.decode()
    assert 'id="btn-appeal"' not in page  # one open appeal at a time
    download = client.get(reverse("blacklist:appeal_attachment", args=[appeal.public_id]))
    assert download.status_code == 200


def test_it_refuses_an_appeal_from_anyone_else(world: World, client: Client) -> None:
    listing = world.listings["A"]
    url = reverse("blacklist:appeal_create", args=[listing.public_id])
    client.force_login(world.p.county_a)
    assert client.post(url, {"appeal-grounds": GROUNDS}).status_code == 403
    client.force_login(world.user_x)
    assert client.post(url, {"appeal-grounds": GROUNDS}).status_code == 404
    assert not Appeal.objects.exists()


def test_it_decides_an_appeal_from_the_detail_page(world: World, client: Client) -> None:
    listing = world.listings["A"]
    appeal = services.appeal_create(actor=world.p.cqo, listing=listing, grounds=GROUNDS)
    url = reverse("blacklist:appeal_decide", args=[appeal.public_id])

    client.force_login(world.p.county_b)  # cannot see A
    assert client.post(url, {"decide-outcome": "granted", "decide-note": "越权"}).status_code == 404

    client.force_login(world.p.county_a)
    bad = client.post(url, {"decide-outcome": "granted", "decide-note": ""})
    assert bad.status_code == 422
    assert 'id="error-decide-note"' in bad.content.decode()
    ok = client.post(url, {"decide-outcome": "granted", "decide-note": "申诉理由成立"})
    assert ok.status_code == 302
    appeal.refresh_from_db()
    listing.refresh_from_db()
    assert appeal.status == Appeal.Status.GRANTED
    assert listing.revoked_at is not None


# Public notice ----------------------------------------------------------------------------------


def test_it_publishes_only_public_listings_without_id_numbers(world: World, client: Client) -> None:
    p = world.p
    # A is public and in force; B and X are not public
    issue(
        p.county_b,
        world.person_b,
        kind="exit",
        public=True,
        start_date=TODAY - 60 * DAY,
        end_date=TODAY - DAY,
        reason="已到期的退出名单",
    )
    future = issue(
        p.county_b,
        world.person_b,
        kind="exit",
        public=True,
        start_date=TODAY + 5 * DAY,
        reason="尚未生效的警示",
    )

    current = client.get(reverse("blacklist:public_list"))
    assert current.status_code == 200
    body = current.content.decode()
    assert "李堃" in body
    assert "瞒报质量安全事故" not in body and "赵喆" not in body  # not public
    assert "已到期的退出名单" not in body and "尚未生效的警示" not in body
    for person in (p.person, world.person_b):
        assert person.id_number not in body
        assert person.id_number_masked not in body
        assert person.mobile_masked not in body

    past = client.get(reverse("blacklist:public_list"), {"section": "past"}).content.decode()
    assert "已到期的退出名单" in past
    assert 'data-state="ended"' in past
    assert "李堃" not in past and "尚未生效的警示" not in past
    assert world.person_b.id_number_masked not in past

    searched = client.get(reverse("blacklist:public_list"), {"q": "周"}).content.decode()
    assert "李堃" not in searched
    assert future.public_id  # present, just not shown


def test_it_lists_a_revoked_public_listing_as_revoked(world: World, client: Client) -> None:
    services.listing_revoke(actor=world.p.county_a, listing=world.listings["A"], reason="撤销列入")
    assert "李堃" not in client.get(reverse("blacklist:public_list")).content.decode()
    past = client.get(reverse("blacklist:public_list"), {"section": "past"}).content.decode()
    assert "李堃" in past and 'data-state="revoked"' in past
    # the notice no longer publishes the withdrawn reason: it says why it was revoked
    table = past.split('id="public-listings"')[1]
    assert world.listings["A"].reason not in table and "已撤销：撤销列入" in table


def test_the_notice_names_the_enterprise_the_person_served(world: World, client: Client) -> None:
    body = client.get(reverse("blacklist:public_list")).content.decode()
    assert "李堃" in body and world.appt_p.enterprise.name in body
