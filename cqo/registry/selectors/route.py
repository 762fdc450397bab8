"""The rules a filing is judged under, and who reviews it (SPEC §3, §4, shenzhen-guide §4.7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.lib import clock
from cqo.policy import rules as policy_rules
from cqo.policy import schema
from cqo.policy.selectors import Governing, governing_for_region, governing_from_ids
from cqo.reference.models import Region
from cqo.registry.models import Appointment


def governing(appt: Appointment) -> Governing:
    """The rules the filing is judged under: those recorded when it was submitted (a decision
    keeps its version, SPEC §4), else those in force today for the enterprise's region."""
    ids = (appt.verdict or {}).get("versions")
    if ids and appt.status != Appointment.Status.DRAFT and appt.status != "returned":
        return governing_from_ids(ids)
    return governing_for_region(appt.enterprise.region, clock.today())


@dataclass(frozen=True)
class Route:
    """Who acts next on a submitted filing under the governing pack, for an enterprise in
    ``region``."""

    authority: str  # county | county_then_city | competent_department
    step: str  # county | city | department
    region: Region
    department: schema.Department | None = None

    def may_act(self, user: Any) -> bool:
        return access.can_take_filing_step(
            user,
            region=self.region,
            authority=self.authority,
            step=self.step,
            department_code=self.department.code if self.department else None,
        )

    @property
    def label(self) -> str:
        if self.step == "department":
            assert self.department is not None  # noqa: S101
            return gettext("行业主管部门：%(name)s") % {"name": self.department.name}
        if self.step == "city":
            return gettext("设区市市场监管部门备案")
        if self.authority == "county_then_city":
            return gettext("县级市场监管部门初审，再由设区市市场监管部门备案")
        return gettext("县级市场监管部门（或其上级）备案")


def filing_route(appt: Appointment) -> Route:
    region = appt.enterprise.region
    industry = appt.enterprise.industry
    route = policy_rules.filing_route(
        governing(appt).rules,
        county_enterprise=region.level == Region.Level.COUNTY,
        county_checked=appt.review_stage == "county_checked",
        industry_section=industry.section_code,
        industry_division=industry.code,
    )
    return Route(route.authority, route.step, region, route.department)


def can_review_filing(user: Any, appt: Appointment) -> bool:
    """Whoever the governing pack names for the filing's next review step (the page's buttons
    and the approve and return services ask the same question)."""
    return filing_route(appt).may_act(user)


def filing_actions(user: User, appt: Appointment) -> dict[str, bool]:
    """What ``user`` may do on the filing's page, asked as the services ask before each
    write: manage it (its enterprise's clerk), review it (the route's next step), see the
    person's numbers unmasked, confirm it (the person named), end it (the clerk or the admin)."""
    return {
        "can_manage": access.can_manage_filing(user, appt),
        "can_review": can_review_filing(user, appt),
        "can_reveal": access.can_reveal_personal(user, appt.person, visible=True),
        # SPEC §12.23: the person named confirms the appointment
        "can_confirm": appt.person.user_id == user.pk
        and appt.person_confirmed_at is None
        and appt.status != Appointment.Status.ENDED,
        "can_end": access.can_manage_filing(user, appt) or user.is_platform_admin,
    }
