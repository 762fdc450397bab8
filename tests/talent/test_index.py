"""The talent search index gives exactly the live answer (issue 4 scale): after a full build, after
audited changes applied on a read or right after their commit, with a backlog too large for a
read, and when the calendar ends a capability certificate."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from python_calamine import CalamineWorkbook

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.audit.models import AuditEntry
from cqo.lib import clock
from cqo.reference.models import Region
from cqo.registry import services as registry
from cqo.registry.models import Enterprise, Person
from cqo.talent import index, selectors, services
from cqo.talent.models import TALLY_KEYS, SearchLink, SearchMark, SearchRow, SearchTally
from cqo.test import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    OTHER_CITY,
    PROVINCE,
    Personas,
    appointment_data,
    file_appointment,
    make_user,
    new_id_number,
    person_data,
)
from tests.certification.conftest import TODAY, World, certified, world  # noqa: F401
from tests.coverage.test_coverage import _build
from tests.registry.test_api import callers

pytestmark = pytest.mark.django_db

NAMES = ["王伟", "李伟", "张秀英", "王芳", "李秀兰", "Li Wei", "欧阳明", "王伟"]
FILTERS: list[dict[str, Any]] = [
    {},
    {"q": "王"},
    {"q": "伟"},
    {"q": "王伟"},
    {"q": "li"},
    {"q": "Wei"},
    {"q": "欧阳明"},
    {"q": "无此人"},
    {"region": COUNTY_A},
    {"region": COUNTY_B},
    {"region": CITY},
    {"region": OTHER_CITY},
    {"region": PROVINCE},
    {"region": "999999"},
    {"industry": "C"},
    {"industry": "34"},
    {"industry": "13"},
    {"industry": "A"},
    {"min_years": 8},
    {"min_years": 9},
    {"state": "none"},
    {"state": "recommended"},
    {"state": "admitted"},
    {"training": "yes"},
    {"training": "no"},
    {"level": "AAA"},
    {"level": "AAAAA"},
    {"q": "李", "region": COUNTY_A, "industry": "C"},
    {"q": "伟", "min_years": 5, "state": "none", "training": "no"},
]


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


@pytest.fixture(autouse=True)
def _settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "SETTLE_SECONDS", 0)


def _pks(found: Any) -> list[int]:
    return [p.pk for p in found]


def _department(username: str, code: str) -> Any:
    from cqo.accounts.models import User

    found = User.objects.filter(username=username).first()
    return found or make_user(
        username, Role.DEPARTMENT, region=Region.objects.get(code=PROVINCE), department=code
    )


def _users(p: Personas) -> list[Any]:
    return [
        p.province,
        p.city,
        p.county_a,
        p.county_b,
        p.admin,
        p.clerk_a,
        p.certifier,
        p.cqo,
        _department("dept-all", "market_regulation"),
        _department("dept-r", "culture_tourism"),
    ]


def _same_as_live(users: list[Any], filters: list[dict[str, Any]] = FILTERS) -> int:
    """Every user × filter: the index answers (it is current) with the live count, persons and
    pages. Returns how many answers were not empty."""
    found = 0
    for user, f in itertools.product(users, filters):
        assert index.ensure_fresh()
        fast, live = selectors.search(user=user, **f), selectors.search(user=user, live=True, **f)
        assert fast.count() == live.count(), (user.username, f)
        assert _pks(fast) == _pks(live), (user.username, f)
        assert _pks(fast[1:3]) == _pks(live[1:3]), (user.username, f)
        found += fast.count() > 0
    return found


def _scoped(user: Any) -> list[int]:
    """The persons access.py gives the user (cqo/accounts/access.py person_q)."""
    return sorted(set(Person.objects.filter(access.person_q(user)).values_list("pk", flat=True)))


def _exactly_in_scope(users: list[Any], live: bool = False) -> int:
    """Every user: the search without filters finds exactly the persons of access.person_q,
    counted the same. Returns how many users see anyone."""
    for user in users:
        found = selectors.search(user=user, live=live)
        assert sorted(_pks(found)) == _scoped(user), (user.username, live)
        assert found.count() == len(_scoped(user)), (user.username, live)
    return sum(1 for user in users if _scoped(user))


def _tallies_are_the_rows() -> None:
    """Each tally is the number of persons with its keys, and no tally counts nobody."""
    rows = SearchRow.objects.filter(gram="").values_list(*TALLY_KEYS)
    expected = dict(Counter(rows))
    tallies = {t[:-1]: t[-1] for t in SearchTally.objects.values_list(*TALLY_KEYS, "persons")}
    assert tallies == expected and len(expected) > 5


def _world(p: Personas) -> None:
    """Coverage's two dozen enterprises with their persons, renamed, plus a person who only
    registered and one with only a draft appointment (their place is where they registered)."""
    _build(p)
    for person, name in zip(Person.objects.order_by("pk"), itertools.cycle(NAMES), strict=False):
        Person.objects.filter(pk=person.pk).update(name=name)
    registry.person_register(
        details=registry.PersonDetails(
            **{**person_data(id_number=new_id_number(COUNTY_B), region=COUNTY_B, name="王小伟")}
            | {"username": "alone", "password": "Cqo-test-2026!"}
        )
    )
    _u, drafted = registry.person_register(
        details=registry.PersonDetails(
            **{**person_data(id_number=new_id_number(COUNTY_B), region=COUNTY_B, name="赵伟")}
            | {"username": "drafted", "password": "Cqo-test-2026!"}
        )
    )
    registry.appointment_create(
        actor=p.clerk_a, terms=registry.AppointmentTerms(**appointment_data(drafted))
    )
    services.recommend(actor=p.county_a, person=p.person, reason="业绩突出，推荐入库")


def test_grams_are_the_distinct_case_folded_characters():
    assert index.grams("王伟伟") == ["伟", "王"]
    assert index.grams("Li Wei") == ["e", "i", "l", "w"]
    assert index.grams("") == []


def test_without_an_index_the_search_answers_live(personas: Personas):
    p = personas
    _world(p)
    assert not SearchMark.objects.exists() and not index.ensure_fresh()
    found = selectors.search(user=p.province, q="伟")
    expected = Person.objects.filter(name__contains="伟").order_by("name", "pk")
    assert _pks(found) == list(expected.values_list("pk", flat=True)) and found.count() > 3
    assert _exactly_in_scope(_users(p), live=True) >= 7


def test_full_build_equals_live_for_every_user_and_filter(personas: Personas):
    p = personas
    _world(p)
    stats = index.rebuild()
    persons = Person.objects.count()
    assert stats.persons == persons
    assert SearchRow.objects.filter(gram="").count() == persons
    _tallies_are_the_rows()
    assert _same_as_live(_users(p)) > 60
    # the place: a draft appointment does not move a person from where they registered
    drafted = Person.objects.get(name="赵伟")
    row = SearchRow.objects.get(person=drafted, gram="")
    assert (row.region, row.city, row.province, row.section) == (COUNTY_B, OTHER_CITY, PROVINCE, "")
    # whom each viewer searches among is access.person_q, not the place: the county finds the
    # persons it may open, whichever county their latest filing is in
    assert _exactly_in_scope(_users(p)) >= 7
    assert SearchLink.objects.exists()
    found = selectors.search(user=p.county_b, q="伟")
    assert found.count() > 0
    visible = set(_scoped(p.county_b))
    assert all(person.pk in visible for person in found)


def test_it_searches_exactly_the_persons_a_department_may_see(personas: Personas, as_: Any):
    """A participating department reads persons through filings at enterprises of its
    industries in its region (access.person_q), never by the region they registered in: the
    talent pool, its count and its export show it exactly the persons of /api/v1/persons."""
    p = personas
    _world(p)
    finance = _department("fin", "finance")
    alone = Person.objects.get(name="王小伟")  # registered in the province, never appointed
    drafted = Person.objects.get(name="赵伟")  # only a draft appointment, in the province
    for live in (True, False):
        if not live:
            index.rebuild()
        found = _pks(selectors.search(user=finance, live=live))
        assert alone.pk not in found and drafted.pk in found, live
        assert sorted(found) == _scoped(finance)
    persons = as_(finance).get("/persons", limit=1).json()["count"]
    assert as_(finance).get("/talent", limit=1).json()["count"] == persons == len(_scoped(finance))
    client = Client()
    client.force_login(finance)
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(client.get("/talent/", {"export": "xlsx"}).content)
    )
    names = [row[0] for row in book.get_sheet_by_index(0).to_python()[1:] if row[0]]
    assert len(names) == persons and alone.name not in names


def test_audited_changes_are_applied_on_the_next_read(personas: Personas):
    p = personas
    _world(p)
    index.rebuild()
    before = SearchMark.objects.get().audit_id
    # a renamed person, an enterprise moving to another city, a new filing elsewhere, a pool
    # decision
    registry.person_update(
        actor=p.cqo, person=p.person, details=registry.PersonDetails(name="欧阳堃")
    )
    moving = Enterprise.objects.filter(region_id=COUNTY_A, appointments__status="filed").first()
    assert moving is not None
    registry.enterprise_update(
        actor=p.province, enterprise=moving, details=registry.EnterpriseDetails(region=COUNTY_B)
    )
    other = Person.objects.filter(appointments__enterprise__region_id=COUNTY_B).first()
    assert other is not None
    file_appointment(p, person=other)
    entry = services.recommend(actor=p.certifier, person=other, reason="认定合格，推荐入库")
    services.decide(actor=p.province, entry=entry, admit=True, note="同意")
    assert _same_as_live(_users(p)) > 60
    assert _exactly_in_scope(_users(p)) >= 7
    _tallies_are_the_rows()
    assert SearchMark.objects.get().audit_id > before
    assert [x.name for x in selectors.search(user=p.province, q="欧阳堃")] == ["欧阳堃"]
    assert selectors.search(user=p.county_b, q="欧阳堃").count() == 0
    assert other.pk in _pks(selectors.search(user=p.province, state="admitted"))


def test_the_index_follows_right_after_the_commit(
    personas: Personas, django_capture_on_commit_callbacks: Any
):
    p = personas
    _world(p)
    index.rebuild()
    connection.run_on_commit.clear()  # as if the building transaction had committed
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        registry.person_update(
            actor=p.cqo, person=p.person, details=registry.PersonDetails(name="司马堃")
        )
        registry.person_update(
            actor=p.cqo, person=p.person, details=registry.PersonDetails(quality_years=12)
        )
    # one follower (the coverage aggregate does not follow persons), however many entries the
    # transaction wrote
    assert len(hooks) == 1
    latest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert SearchMark.objects.get().audit_id == latest  # applied without a read
    row = SearchRow.objects.get(person=p.person, gram="司")
    assert (row.name, row.years) == ("司马堃", 12)


def test_a_large_backlog_answers_live_until_the_refresh(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
):
    p = personas
    _world(p)
    index.rebuild()
    monkeypatch.setattr(index, "INLINE_LIMIT", 1)
    for years in (10, 11, 12):
        registry.person_update(
            actor=p.cqo, person=p.person, details=registry.PersonDetails(quality_years=years)
        )
    assert not index.ensure_fresh()
    assert _pks(selectors.search(user=p.province, min_years=12)) == [p.person.pk]
    call_command("talent_refresh")
    assert index.ensure_fresh()
    assert SearchRow.objects.get(person=p.person, gram="").years == 12
    call_command("talent_refresh", "--full")
    assert _same_as_live([p.province, p.county_b], FILTERS[:12])


def test_capability_levels_and_their_end(world: World, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    p = world.p
    cert = certified(world)  # AAAA, with the training certificate it needed
    index.rebuild()
    users = [p.province, p.county_a, p.county_b, p.certifier]
    assert _same_as_live(users, [{"level": lv} for lv in index.LEVELS] + [{"training": "yes"}])
    assert _pks(selectors.search(user=p.province, level="AAAA")) == [p.person.pk]
    assert _pks(selectors.search(user=p.province, level="AAAAA")) == []
    page = selectors.search(user=p.province, level="AAA")[0:1]
    assert page[0].certified_level == "AAAA" and page[0].certified_training
    # the day after the certificate's last day, without any audited change
    monkeypatch.setattr(clock, "today", lambda: cert.valid_until + dt.timedelta(days=1))
    assert _pks(selectors.search(user=p.province, level="AAA")) == []
    assert _same_as_live(users, [{"level": "AAA"}]) == 0
    index.refresh()
    assert SearchRow.objects.get(person=p.person, gram="").level == 0
    assert cert.valid_until > TODAY


def test_pages_show_the_place_and_level(personas: Personas, client: Any):
    p = personas
    _world(p)
    index.rebuild()
    assert client.login(username="prov", password="Cqo-test-2026!")
    page = client.get("/talent/", {"q": "伟", "level": "AAA"}).content.decode()
    assert "没有符合条件的人员" in page
    page = client.get("/talent/", {"q": "王小伟"}).content.decode()
    assert "王小伟" in page and Region.objects.get(code=COUNTY_B).name in page


def test_an_imported_list_is_followed_by_both_caches(
    personas: Personas,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
):
    """The import job's commit brings the talent index and the coverage aggregate up to date
    (an enterprise the list moves to another county moves its CQO's place)."""
    from cqo.coverage import aggregate
    from tests.imports.conftest import write_csv
    from tests.imports.test_import import row, run

    monkeypatch.setattr(aggregate, "SETTLE_SECONDS", 0)
    p = personas
    _world(p)
    index.rebuild()
    aggregate.rebuild()
    connection.run_on_commit.clear()  # as if the building transaction had committed
    moving = Enterprise.objects.filter(region_id=COUNTY_A, appointments__status="filed").first()
    assert moving is not None
    path = write_csv(tmp_path / "list.csv", [row(moving.uscc, region=COUNTY_B, name=moving.name)])
    with django_capture_on_commit_callbacks(execute=True):
        lst = run(p.province, path)
    assert lst.status == "done"
    assert index.ensure_fresh(limit=0) and aggregate.ensure_fresh(limit=0)
    cqo = Person.objects.filter(appointments__enterprise=moving).first()
    assert cqo is not None and SearchRow.objects.get(person=cqo, gram="").region == COUNTY_B
    assert _same_as_live([p.province, p.county_a, p.county_b], FILTERS[:14])
