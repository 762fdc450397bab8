"""A date or year that no policy pack governs (before the first version in force) is answered
with 422 and a message naming the first day a pack covers, on every endpoint and page that takes
a date or a year and looks up a pack — never a server error. Dates from 0001-01-01 to 9999-12-31
and years 1…9999 are drawn by hypothesis: a version in force stays in force (a far-future date
is governed), and what an endpoint's own input bounds refuse is a 422 too.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Min
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cqo.accounts.models import ApiToken
from cqo.hours import selectors as hours
from cqo.lib import clock
from cqo.policy import selectors
from cqo.policy.models import PackVersion
from cqo.reference.models import Region
from cqo.test import COUNTY_A, Personas

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)
# the input bounds the endpoints declare themselves (their schemas and forms): a value outside
# is refused whatever the packs say
API_YEARS = (2000, 2100)
COVERAGE_DATES = (dt.date(2000, 1, 1), dt.date(2100, 12, 31))

# every date and year the types hold, and as often the years around the first packs, where the
# answer changes
DATES = st.one_of(
    st.dates(min_value=dt.date.min, max_value=dt.date.max),
    st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31)),
)
YEARS = st.one_of(st.integers(min_value=1, max_value=9999), st.integers(2015, 2030))
EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


def earliest(*slugs: str) -> dt.date:
    """The first day one of these packs is in force, read from the installed versions."""
    found = PackVersion.objects.filter(pack__slug__in=slugs).aggregate(d=Min("effective_from"))
    return found["d"]  # type: ignore[no-any-return]


def year_governed(year: int, first: dt.date) -> bool:
    # a year is judged on its last day, or today for this year and the years after it
    return min(dt.date(year, 12, 31), TODAY) >= first


@dataclass
class Asker:
    personas: Personas
    client: Client
    token: str

    def api(self, method: str, path: str, *, anonymous: bool = False, **data: Any) -> Any:
        headers = {} if anonymous else {"Authorization": f"Bearer {self.token}"}
        if method == "GET":
            return self.client.get(f"/api/v1{path}", data, headers=headers)
        return self.client.post(
            f"/api/v1{path}", data, content_type="application/json", headers=headers
        )

    def page(self, path: str, user: Any = None, **data: Any) -> Any:
        self.client.force_login(user or self.personas.province)
        return self.client.get(path, data)


@pytest.fixture
def ask(personas: Personas) -> Asker:
    return Asker(personas, Client(), ApiToken.issue(personas.province))


def check(response: Any, *, governed: bool, first: dt.date, refused: bool = False) -> None:
    """Never a server error; a governed value inside the bounds answers 200; an ungoverned one
    422 naming the first day a pack covers (or the bound, when the input is refused first)."""
    body = response.content.decode(errors="replace")
    assert response.status_code < 500, body[:500]
    if refused:
        assert response.status_code == 422, body[:500]
    elif governed:
        assert response.status_code == 200, body[:500]
    else:
        assert response.status_code == 422, body[:500]
        assert first.isoformat() in body, body[:500]


def inside(value: Any, bounds: tuple[Any, Any]) -> bool:
    return bounds[0] <= value <= bounds[1]


def shaanxi() -> dt.date:
    return earliest("shaanxi-2021", "national-default")


# The API ----------------------------------------------------------------------------------------


@EXAMPLES
@given(on=DATES)
@example(on=dt.date(2019, 12, 31))
@example(on=dt.date(2020, 1, 1))
@example(on=dt.date.min)
@example(on=dt.date.max)
def test_it_answers_the_governing_rules_of_any_date_without_a_server_error(
    ask: Asker, on: dt.date
) -> None:
    first = shaanxi()
    response = ask.api("GET", "/policy/governing", anonymous=True, region=COUNTY_A, on=on)
    check(response, governed=on >= first, first=first)
    if on < first:
        assert response.json()["detail"][0]["field"] == "on"


ELIGIBILITY_BODY = {
    "person": {"education": "bachelor", "title_level": "none", "quality_years": 3},
    "enterprise": {"size": "medium", "above_scale": True, "industry": "34"},
    "post": {"rank": "senior_deputy"},
}


@EXAMPLES
@given(on=DATES)
@example(on=dt.date(2021, 8, 23))
@example(on=dt.date.max)
def test_it_checks_eligibility_on_any_date_without_a_server_error(ask: Asker, on: dt.date) -> None:
    first = earliest("shaanxi-2021")  # the pack asked about
    response = ask.api(
        "POST",
        "/policy/packs/shaanxi-2021/eligibility",
        anonymous=True,
        **ELIGIBILITY_BODY,
        on=on.isoformat(),
    )
    check(response, governed=on >= first, first=first)


@EXAMPLES
@given(year=YEARS)
@example(year=2000)
@example(year=2019)
@example(year=2020)
@example(year=9999)
def test_it_answers_a_person_s_compliance_for_any_year_without_a_server_error(
    ask: Asker, year: int
) -> None:
    first = shaanxi()
    person = ask.personas.person.public_id
    response = ask.api("GET", f"/persons/{person}/compliance", year=year)
    refused = not inside(year, API_YEARS)
    check(response, governed=year_governed(year, first), first=first, refused=refused)
    if response.status_code == 422 and not refused:
        assert response.json()["detail"][0]["field"] == "year"


@EXAMPLES
@given(year=YEARS)
@example(year=2019)
@example(year=2020)
def test_it_answers_compliance_in_scope_for_any_year_without_a_server_error(
    ask: Asker, year: int
) -> None:
    first = shaanxi()
    response = ask.api("GET", "/hours/compliance", year=year)
    refused = not inside(year, API_YEARS)
    check(response, governed=year_governed(year, first), first=first, refused=refused)


@EXAMPLES
@given(as_of=DATES)
@example(as_of=dt.date(2019, 12, 31))
@example(as_of=dt.date(2020, 1, 1))
def test_it_answers_coverage_for_any_as_of_date_without_a_server_error(
    ask: Asker, as_of: dt.date
) -> None:
    first = shaanxi()
    response = ask.api("GET", "/oversight/coverage", as_of=as_of)
    refused = not inside(as_of, COVERAGE_DATES)
    check(response, governed=as_of >= first, first=first, refused=refused)
    if response.status_code == 422 and not refused:
        assert response.json()["detail"][0]["field"] == "as_of"


@EXAMPLES
@given(as_of=DATES)
@example(as_of=dt.date(2019, 12, 31))
@example(as_of=dt.date(2020, 1, 1))
def test_it_answers_the_assessment_report_for_any_as_of_date_without_a_server_error(
    ask: Asker, as_of: dt.date
) -> None:
    first = shaanxi()
    response = ask.api("GET", "/oversight/coverage/report", as_of=as_of)
    refused = not inside(as_of, COVERAGE_DATES)
    check(response, governed=as_of >= first, first=first, refused=refused)


@pytest.mark.parametrize(
    "path", ["/oversight/coverage/report.pdf", "/oversight/coverage/report.xlsx"]
)
def test_it_refuses_a_report_file_for_a_date_no_pack_governs(ask: Asker, path: str) -> None:
    check(ask.api("GET", path, as_of="2019-12-31"), governed=False, first=shaanxi())


@EXAMPLES
@given(year=YEARS)
@example(year=2019)
@example(year=2020)
def test_it_answers_training_compliance_for_any_year_without_a_server_error(
    ask: Asker, year: int
) -> None:
    first = shaanxi()
    response = ask.api("GET", "/oversight/coverage/training", year=year)
    refused = not inside(year, API_YEARS)
    check(response, governed=year_governed(year, first), first=first, refused=refused)


# The pages --------------------------------------------------------------------------------------


@EXAMPLES
@given(on=DATES)
@example(on=dt.date(2019, 12, 31))
@example(on=dt.date.max)
def test_the_governing_page_shows_why_a_date_has_no_rules(ask: Asker, on: dt.date) -> None:
    first = shaanxi()
    response = ask.page("/policy/governing/", region=COUNTY_A, on=on.isoformat())
    check(response, governed=on >= first, first=first)


def _page_as_of(value: dt.date) -> dt.date:
    # the coverage pages take a date outside 2000–2100 as today (their convention)
    return value if inside(value, COVERAGE_DATES) else TODAY


@EXAMPLES
@given(as_of=DATES)
@example(as_of=dt.date(2019, 12, 31))
@example(as_of=dt.date(2020, 1, 1))
def test_the_coverage_page_shows_why_a_date_has_no_figures(ask: Asker, as_of: dt.date) -> None:
    first = shaanxi()
    response = ask.page("/coverage/", as_of=as_of.isoformat())
    check(response, governed=_page_as_of(as_of) >= first, first=first)


@EXAMPLES
@given(as_of=DATES)
@example(as_of=dt.date(2019, 12, 31))
def test_the_report_download_shows_why_a_date_has_no_report(ask: Asker, as_of: dt.date) -> None:
    first = shaanxi()
    response = ask.page("/coverage/report/", as_of=as_of.isoformat(), format="xlsx")
    check(response, governed=_page_as_of(as_of) >= first, first=first)


def _page_year(year: int) -> int:
    # the hours pages take a year between 2000 and this one (their convention)
    return min(max(year, 2000), TODAY.year)


@EXAMPLES
@given(year=YEARS)
@example(year=2019)
@example(year=2020)
def test_the_compliance_page_shows_why_a_year_has_no_figures(ask: Asker, year: int) -> None:
    first = shaanxi()
    response = ask.page("/hours/", year=year)
    check(response, governed=year_governed(_page_year(year), first), first=first)


@EXAMPLES
@given(year=YEARS)
@example(year=2019)
def test_a_cqo_s_hours_page_shows_why_a_year_has_no_requirement(ask: Asker, year: int) -> None:
    first = shaanxi()
    response = ask.page("/hours/", ask.personas.cqo, year=year)
    check(response, governed=year_governed(_page_year(year), first), first=first)


# The selectors and the jobs ---------------------------------------------------------------------


def test_it_names_the_earliest_date_in_the_error(personas: Personas) -> None:
    region = Region.objects.get(code=COUNTY_A)
    with pytest.raises(selectors.NoPackInForce) as caught:
        selectors.governing_for_region(region, dt.date(2019, 12, 31))
    assert caught.value.earliest == shaanxi()
    assert caught.value.message_dict == {
        "on": [f"没有适用于 2019-12-31 的政策包：最早自 {shaanxi().isoformat()} 起有效"]
    }
    # a version in force stays in force
    assert selectors.governing_for_region(region, dt.date.max).version.pack.slug == "shaanxi-2021"


def test_it_names_the_year_when_a_year_is_asked(personas: Personas) -> None:
    with pytest.raises(selectors.NoPackInForce) as caught:
        hours.compliance_for(personas.person, 2019)
    assert caught.value.message_dict == {
        "year": [f"2019 年度没有适用的政策包：最早自 {shaanxi().isoformat()} 起有效"]
    }


def test_it_refuses_a_certification_pack_before_it_starts(personas: Personas) -> None:
    with pytest.raises(selectors.NoPackInForce) as caught:
        selectors.certification_pack("level-standard", dt.date(2023, 12, 31))
    assert caught.value.earliest == earliest("level-standard")


def test_the_reminder_job_says_why_a_date_has_no_reminders(personas: Personas) -> None:
    with pytest.raises(CommandError, match=shaanxi().isoformat()):
        call_command("hours_remind", "--date", "2019-11-01", "--force", stdout=io.StringIO())
