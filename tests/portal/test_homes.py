"""Each role's home is its work queue: a count for each kind of work, read fresh, each linked to
the list it counts only where the role may open that list."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cqo.accounts.models import Role, User
from cqo.blacklist import services as blacklist
from cqo.blacklist.models import Listing
from cqo.lib import clock
from cqo.reference.models import Region
from cqo.registry import services
from cqo.registry.models import Appointment, Person
from cqo.test import (
    COUNTY_B,
    PASSWORD,
    PROVINCE,
    Personas,
    appointment_data,
    declare,
    file_appointment,
    make_user,
    new_id_number,
    person_data,
)

RETURN_REASON = "聘任文件缺少总经理签字，请补充后重新提交"
WARNING_REASON = "履职不到位，所在企业产品监督抽查连续不合格"


@dataclass
class World:
    p: Personas
    filed: Appointment  # the CQO's at enterprise A, filed by county A
    returned: Appointment  # enterprise B's, returned by county B with RETURN_REASON
    warning: Listing  # a warning naming the CQO, issued by county A and appealed
    fin: User  # the provincial finance department (shaanxi-2021 §五(二))


def _second_person() -> Person:
    _user, person = services.person_register(
        details=services.PersonDetails(
            **{
                **person_data(
                    name="王蕾", id_number=new_id_number(COUNTY_B, gender="F"), region=COUNTY_B
                ),
                "username": "cqo_b",
                "password": PASSWORD,
            }
        )
    )
    return person


def _warn(p: Personas) -> Listing:
    today = clock.today()
    return blacklist.listing_create(
        actor=p.county_a,
        person=p.person,
        terms=blacklist.ListingTerms(
            kind=Listing.Kind.WARNING,
            reason=WARNING_REASON,
            accident="产品监督抽查连续两次不合格，未组织整改",
            accident_date=today - dt.timedelta(days=30),
            evidence=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", "application/pdf"),
            start_date=today - dt.timedelta(days=10),
        ),
    )


@pytest.fixture
def world(personas: Personas) -> World:
    p = personas
    services.reminder_send(
        actor=p.county_a,
        enterprise=p.enterprise_a,
        message="贵单位尚未备案首席质量官，请尽快备案。",
    )
    filed = file_appointment(p)
    other = _second_person()
    returned = services.appointment_create(
        actor=p.clerk_b, terms=services.AppointmentTerms(**appointment_data(other))
    )
    declare(returned)
    services.filing_submit(actor=p.clerk_b, appointment=returned)
    returned = services.filing_return(actor=p.county_b, appointment=returned, reason=RETURN_REASON)
    warning = _warn(p)
    blacklist.appeal_create(
        actor=p.cqo, listing=warning, grounds="抽查不合格发生在本人任职之前，请求撤销警示"
    )
    fin = make_user(
        "fin", Role.DEPARTMENT, region=Region.objects.get(code=PROVINCE), department="finance"
    )
    return World(p, filed, returned, warning, fin)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _main(body: bytes) -> str:
    found = re.search(r"(?s)<main.*?</main>", body.decode())
    assert found is not None
    return found.group(0)


def _tiles(page: str) -> dict[str, tuple[str, str]]:
    """{key: (count, href or "")} of the home's tiles."""
    found = {}
    for m in re.finditer(
        r'<(?:a [^>]*href="([^"]*)"|div) [^>]*id="tile-([\w-]+)".*?data-count="([^"]*)"', page
    ):
        found[m.group(2)] = (m.group(3), html.unescape(m.group(1) or ""))
    return found


def _home(user: User) -> tuple[Client, str]:
    c = _client(user)
    r = c.get("/")
    assert r.status_code == 200
    return c, _main(r.content)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # county A: its enterprise's CQO filed, and the appeal against the listing it issued
        (
            "county_a",
            {
                "submitted": "0",
                "returned": "0",
                "without_cqo": "0",
                "appeals": "1",
                "filed": "1",
                "enterprises": "1",
            },
        ),
        # county B: the filing it returned; its enterprise has no filed CQO; no appeal in scope
        (
            "county_b",
            {
                "submitted": "0",
                "returned": "1",
                "without_cqo": "1",
                "appeals": "0",
                "filed": "0",
                "enterprises": "1",
            },
        ),
        # the city of A sees A's queue, the province both
        (
            "city",
            {"returned": "0", "without_cqo": "0", "appeals": "1", "filed": "1", "enterprises": "1"},
        ),
        (
            "province",
            {"returned": "1", "without_cqo": "1", "appeals": "1", "filed": "1", "enterprises": "2"},
        ),
    ],
)
def test_it_counts_a_regulators_queue(world: World, who: str, expected: dict[str, str]) -> None:
    _c, page = _home(getattr(world.p, who))
    tiles = _tiles(page)
    assert {k: tiles[k][0] for k in expected} == expected
    assert tiles["without_cqo"][1] == "/oversight/"
    assert tiles["appeals"][1] == "/blacklist/?appeal=pending"


def test_it_links_a_department_only_to_lists_it_may_read(world: World) -> None:
    _c, page = _home(world.fin)
    tiles = _tiles(page)
    assert "/oversight/" not in page
    # enterprise B's filing is open (returned), so neither enterprise is without a CQO at all
    assert tiles["without_cqo"] == ("0", "/enterprises/?cqo_status=none")
    assert tiles["returned"] == ("1", "/filings/?status=returned")
    assert tiles["enterprises"] == ("2", "/enterprises/")
    assert "appeals" not in tiles


def test_the_appeals_list_a_regulator_opens_holds_what_its_count_counts(world: World) -> None:
    c = _client(world.p.county_a)
    page = c.get("/blacklist/?appeal=pending").content.decode()
    assert str(world.warning.public_id) in page
    # an enterprise's clerk does not see appeals: the filter finds nothing for it
    clerk_page = _client(world.p.clerk_a).get("/blacklist/?appeal=pending").content.decode()
    assert str(world.warning.public_id) not in clerk_page


def test_a_warned_cqo_sees_the_warning(world: World) -> None:
    _c, page = _home(world.p.cqo)
    assert WARNING_REASON in page
    assert _tiles(page)["listings"] == ("1", "/blacklist/?state=in_force")


def test_the_clerk_sees_why_a_filing_was_returned(world: World) -> None:
    _c, page = _home(world.p.clerk_b)
    assert RETURN_REASON in page
    tiles = _tiles(page)
    assert tiles["returned"] == ("1", "/filings/?status=returned")
    assert "尚无已备案的首席质量官" in page


def test_after_filing_the_clerks_home_no_longer_says_there_is_no_filed_cqo(world: World) -> None:
    _c, page = _home(world.p.clerk_a)
    # the 督促通知 sent before the filing was answered by it
    assert "尚未备案首席质量官" not in page
    assert "尚无已备案的首席质量官" not in page
    assert world.filed.filing_number in page
    tiles = _tiles(page)
    assert tiles["filed"][0] == "1"
    # the warning naming its CQO
    assert tiles["listings"][0] == "1"


def test_a_notice_sent_after_the_filing_still_shows(world: World) -> None:
    services.reminder_send(
        actor=world.p.county_a, enterprise=world.p.enterprise_a, message="请按时组织年度考核评价。"
    )
    _c, page = _home(world.p.clerk_a)
    assert "请按时组织年度考核评价。" in page


def test_the_cqo_sees_an_appointment_awaiting_their_confirmation(world: World) -> None:
    services.appointment_confirm(actor=world.p.cqo, appointment=world.filed)
    _c, page = _home(world.p.cqo)
    assert _tiles(page)["confirm"] == ("0", "")
    appt = services.appointment_create(
        actor=world.p.clerk_b, terms=services.AppointmentTerms(**appointment_data(world.p.person))
    )
    _c, page = _home(world.p.cqo)
    assert _tiles(page)["confirm"] == ("1", "")
    assert f"/filings/{appt.public_id}/" in page


def test_the_cqo_sees_the_years_study_hours_against_the_rule(world: World) -> None:
    _c, page = _home(world.p.cqo)
    count, href = _tiles(page)["hours"]
    assert href == "/hours/"
    assert float(count) > 0  # nothing studied yet this year
    assert "陕质委办〔2021〕15号" in page
    assert "shaanxi-2021" not in page


@pytest.mark.parametrize(
    "who",
    [
        "province",
        "city",
        "county_a",
        "county_b",
        "clerk_a",
        "clerk_b",
        "cqo",
        "trainer",
        "certifier",
        "admin",
        "fin",
    ],
)
def test_every_link_on_a_home_answers(world: World, who: str) -> None:
    user = world.fin if who == "fin" else getattr(world.p, who)
    c, page = _home(user)
    links = sorted({html.unescape(h) for h in re.findall(r'href="(/[^"#]*)"', page)})
    assert links
    failed = {link: c.get(link).status_code for link in links}
    assert {k: v for k, v in failed.items() if v != 200} == {}
