"""The maintained aggregate gives exactly the live answer (issue 4 scale): after a full build and
after incremental refreshes from the audit trail — ended appointments, appointments ending on the
as-of date, filings after it, enterprises moving region and changing size — on every grouping,
metric and several as-of dates."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from cqo.audit import follow
from cqo.audit.models import AuditEntry
from cqo.coverage import aggregate, selectors
from cqo.coverage.models import Mark
from cqo.registry import services
from cqo.registry.models import Appointment, Enterprise
from cqo.test import COUNTY_A, COUNTY_B, Personas, file_appointment
from tests.coverage.test_coverage import AS_OF, START, _at, _build, _expected

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aggregate, "SETTLE_SECONDS", 0)


DATES = [dt.date(2024, 1, 4), dt.date(2024, 1, 5), AS_OF, AS_OF + dt.timedelta(days=1)]
METRICS = ["all", "above_scale", "msme", "key_industry_msme", "quality_award"]


def _answer(c: selectors.Coverage) -> list[tuple[object, ...]]:
    return [
        (r.key, r.metric, r.numerator, r.denominator, r.list_as_of, r.hand_registered)
        for r in c.rows
    ] + [("new", n.year, n.new_cqos, n.replacements) for n in c.new_cqos]


def _same_as_live(users: list[tuple[object, str | None]]) -> int:
    """Every grouping, metric and date: aggregate == live. Returns the number compared."""
    n = 0
    for (user, region), on, group_by in itertools.product(
        users, DATES, ["region", "section", "size", "group"]
    ):
        for metric in METRICS if group_by != "group" else ["above_scale"]:
            fast = selectors.coverage(user, region, on, group_by, metric)
            live = selectors.coverage(user, region, on, group_by, metric, live=True)
            assert _answer(fast) == _answer(live), (region, on, group_by, metric)
            n += 1
    return n


def test_full_build_equals_live_and_an_independent_count(personas: Personas):
    p = personas
    _build(p)
    aggregate.rebuild()
    assert aggregate.ensure_fresh()
    users = [(p.province, None), (p.province, COUNTY_A), (p.city, None), (p.county_b, None)]
    assert _same_as_live(users) > 100
    # and the aggregate against the enterprise-by-enterprise count
    for county in (COUNTY_A, COUNTY_B):
        got = selectors.coverage(p.province, county, AS_OF, "group")
        for row in got.rows:
            assert (row.numerator, row.denominator) == _expected(county, row.metric)


def test_incremental_refresh_follows_audited_changes(personas: Personas):
    p = personas
    _build(p)
    aggregate.rebuild()
    before = Mark.objects.get().audit_id
    # a new filing, an appointment ending on the as-of date, an enterprise moving region
    appt = file_appointment(p, start_date=START)
    Appointment.objects.filter(pk=appt.pk).update(filed_at=_at(dt.date(2024, 1, 5)))
    appt.refresh_from_db()
    services.appointment_end(actor=p.clerk_a, appointment=appt, ended_on=AS_OF, reason="resigned")
    moving = Enterprise.objects.filter(region_id=COUNTY_A, appointments__status="filed").first()
    assert moving is not None
    services.enterprise_update(
        actor=p.province,
        enterprise=moving,
        details=services.EnterpriseDetails(region=COUNTY_B, size="micro", above_scale=False),
    )
    assert aggregate.ensure_fresh()
    assert Mark.objects.get().audit_id > before
    users = [(p.province, None), (p.province, COUNTY_A), (p.province, COUNTY_B)]
    assert _same_as_live(users) > 50
    on = selectors.coverage(p.county_a, COUNTY_A, AS_OF, "region", "all").rows[0]
    after = selectors.coverage(p.county_a, COUNTY_A, AS_OF + dt.timedelta(days=1), "region", "all")
    assert on.numerator == after.rows[0].numerator + 1  # ended on the as-of date: still counts


def test_a_large_backlog_answers_live_until_the_command_runs(personas: Personas):
    from django.core.management import call_command

    p = personas
    aggregate.rebuild()
    for _ in range(3):
        file_appointment(p) if not Appointment.objects.exists() else None
    assert not aggregate.ensure_fresh(limit=0)  # too many to apply on a read
    got = selectors.coverage(p.province, None, AS_OF + dt.timedelta(days=3650), "group")
    live = selectors.coverage(p.province, None, AS_OF + dt.timedelta(days=3650), "group", live=True)
    assert _answer(got) == _answer(live)
    call_command("coverage_refresh", "--full")
    assert aggregate.ensure_fresh(limit=0)


def test_a_department_reads_its_own_industries_from_the_aggregate(personas: Personas):
    from cqo.accounts.models import Role
    from cqo.reference.models import Region
    from cqo.test import make_user

    p = personas
    _build(p)
    aggregate.rebuild()
    province = Region.objects.get(code="610000")
    # market regulation reads every industry; culture & tourism only section R (none here)
    for code, some in (("market_regulation", True), ("culture_tourism", False)):
        dept = make_user(f"dept-{code}", Role.DEPARTMENT, region=province, department=code)
        assert _same_as_live([(dept, None)]) > 10
        rows = selectors.coverage(dept, None, AS_OF, "region", "all").rows
        assert (sum(r.denominator for r in rows) > 0) is some


def test_recent_changes_are_applied_once_and_a_late_commit_is_not_missed(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
):
    p = personas
    monkeypatch.setattr(aggregate, "SETTLE_SECONDS", 3600)
    aggregate.rebuild()
    applied: list[set[int]] = []
    real = aggregate.apply_enterprises
    monkeypatch.setattr(
        aggregate, "apply_enterprises", lambda ids: (applied.append(ids), real(ids))
    )
    file_appointment(p)
    # the first entry of the filing, as if its transaction had not committed yet: the follower
    # does not see it (audit entries are never deleted, so it is hidden from the read instead)
    late = AuditEntry.objects.filter(target_type="appointment").order_by("pk").first()
    assert late is not None
    late_pk = late.pk
    hidden = {late_pk}
    real_pending = follow.pending

    def pending(*args: Any, **kwargs: Any) -> Any:
        rows = real_pending(*args, **kwargs)
        return None if rows is None else [r for r in rows if r[0] not in hidden]

    monkeypatch.setattr(follow, "pending", pending)
    assert aggregate.ensure_fresh()
    mark = Mark.objects.get()
    assert mark.audit_id < late_pk and mark.recent  # still settling, remembered
    assert aggregate.ensure_fresh() and len(applied) == 1  # not applied again
    hidden.clear()  # the slower transaction commits
    assert aggregate.ensure_fresh() and len(applied) == 2
    assert late_pk in Mark.objects.get().recent
    got = selectors.coverage(p.province, None, AS_OF + dt.timedelta(days=3650), "group")
    live = selectors.coverage(p.province, None, AS_OF + dt.timedelta(days=3650), "group", live=True)
    assert _answer(got) == _answer(live) and got.rows[0].numerator == 1


def test_the_aggregate_follows_right_after_the_commit(
    personas: Personas, django_capture_on_commit_callbacks: Any
):
    from django.db import connection

    p = personas
    _build(p)
    aggregate.rebuild()
    connection.run_on_commit.clear()  # as if the building transaction had committed
    moving = Enterprise.objects.filter(region_id=COUNTY_A, appointments__status="filed").first()
    assert moving is not None
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        services.enterprise_update(
            actor=p.province, enterprise=moving, details=services.EnterpriseDetails(region=COUNTY_B)
        )
    assert len(hooks) == 2  # the aggregate and the talent search index follow enterprises
    latest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert Mark.objects.get().audit_id == latest  # applied without a read
    assert _same_as_live([(p.province, None)]) > 10
