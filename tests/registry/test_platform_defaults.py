"""Values no document sets, labelled as platform defaults where they are applied (the filing
deadline, the start-date limit, the working ages), the printed form a pack adopts or the
platform's neutral one, and the post's treatment (待遇, jiangsu-2020 §四, shaanxi-2021 §四(一))."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from cqo.lib import clock
from cqo.reference import validators
from cqo.registry import printing, selectors, services
from cqo.registry.models import Appointment
from cqo.test import Personas, appointment_data, file_appointment, new_id_number
from tests.registry.test_printing import pdf_text

pytestmark = pytest.mark.django_db


def draft(p: Personas, **overrides: object) -> Appointment:
    return services.appointment_create(
        actor=p.clerk_a, terms=services.AppointmentTerms(**appointment_data(p.person, **overrides))
    )


# The start date: at most CQO_START_DATE_MAX_AHEAD_DAYS ahead (a platform default) -------------


@pytest.mark.parametrize(("ahead", "ok"), [(0, True), (364, True), (365, True), (366, False)])
def test_the_start_date_limit_is_a_labelled_platform_default(personas, ahead, ok):
    start = clock.today() + dt.timedelta(days=ahead)
    if ok:
        assert draft(personas, start_date=start).start_date == start
        return
    with pytest.raises(ValidationError) as exc:
        draft(personas, start_date=start)
    message = exc.value.message_dict["start_date"][0]
    assert "365" in message and "平台默认，非文件规定" in message


@override_settings(CQO_START_DATE_MAX_AHEAD_DAYS=30)
def test_the_start_date_limit_is_a_setting(personas):
    with pytest.raises(ValidationError):
        draft(personas, start_date=clock.today() + dt.timedelta(days=31))
    assert draft(personas, start_date=clock.today() + dt.timedelta(days=30))


def test_the_age_bounds_say_they_are_a_platform_default():
    young = new_id_number(birth=clock.today().replace(year=clock.today().year - 15))
    with pytest.raises(ValidationError) as exc:
        validators.validate_id_number(young)
    assert "平台默认，非文件规定" in exc.value.messages[0]


# The filing deadline: the governing pack's [filing] due_days ---------------------------------


@pytest.mark.parametrize(("days_ago", "overdue"), [(30, False), (31, True)])
def test_a_filing_is_overdue_after_the_packs_due_days(personas, days_ago, overdue):
    appt = draft(personas, start_date=clock.today() - dt.timedelta(days=days_ago))
    due = selectors.filing_due(personas.enterprise_a.region, clock.today())
    assert (due.days, due.platform_default) == (30, True)
    assert due.clause == "SPEC §3: 平台默认（非文件规定）"
    late = selectors.oversight_queue(user=personas.county_a)["overdue"]
    assert (appt in late) is overdue


def test_the_oversight_page_says_the_deadline_is_a_platform_default(personas, client):
    client.force_login(personas.county_a)
    html = client.get(reverse("portal:oversight")).content.decode()
    assert 'id="due-note"' in html and "平台默认" in html and "非文件规定" in html


def test_a_filing_the_person_still_holds_is_not_overdue_or_pending(personas: Personas):
    p = personas
    services.filing_prepare(
        actor=p.cqo,
        uscc=p.enterprise_a.uscc,
        terms=services.AppointmentTerms(
            post="首席质量官",
            rank="senior_deputy",
            appointing_authority="general_manager",
            selection_method="internal_selection",
            start_date=clock.today() - dt.timedelta(days=90),
        ),
    )
    queue = selectors.oversight_queue(user=p.province)
    assert not queue["overdue"].exists()
    assert queue["without_cqo"].get(pk=p.enterprise_a.pk).cqo_status == "none"  # type: ignore[attr-defined]


# The printed form ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_shaanxi_prints_the_platforms_neutral_form_not_shenzhens_annex_a(personas, tmp_path):
    appt = file_appointment(personas, treatment="senior_deputy")
    context = printing.filing_form_context(appt, unmasked=False, contact=True)
    assert context["annex_a"] is False
    text = "".join(
        pdf_text(printing.render_filing_form(appt, unmasked=False, contact=True), tmp_path).split()
    )
    assert "平台通用备案表" in text and "非地方文件规定格式" in text
    assert "表 A.1" not in text
    assert "岗位待遇：相当于高管副职" in text


# The treatment (待遇) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("treatment", "status"),
    [("", "unmet"), ("department_head", "unmet"), ("senior_deputy", "met"), ("top_manager", "met")],
)
def test_the_treatment_is_recorded_and_checked_by_the_pack(personas, treatment, status):
    appt = draft(personas, treatment=treatment)
    assert appt.treatment == treatment
    result = {r["code"]: r for r in selectors.eligibility_view(appt)["results"]}["treatment"]
    assert (result["status"], result["severity"], result["clause"]) == (
        status,
        "advisory",
        "shaanxi-2021 §四(一)",
    )


def test_an_unknown_treatment_is_refused(personas):
    with pytest.raises(ValidationError) as exc:
        draft(personas, treatment="emperor")
    assert "treatment" in exc.value.message_dict


def test_the_treatment_is_kept_in_the_filed_record(personas: Personas):
    appt = file_appointment(personas, treatment="senior_deputy")
    assert appt.snapshot["appointment"]["treatment"] == "senior_deputy"
