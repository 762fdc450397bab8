"""The one place that decides what a user may see and change (SPEC §1: "data scope is enforced in
one place, never by hiding buttons").

Every selector, page, API endpoint and export filters through the ``*_q`` functions here; every
write checks a ``can_*`` function. A county regulator sees its county, a city regulator the
counties of its city, a province regulator its province; nothing outside. Objects outside the
scope answer 404, so their existence does not leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q

from cqo.accounts import departments, duties
from cqo.accounts.models import Role
from cqo.lib import clock

if TYPE_CHECKING:
    from cqo.accounts.models import User

NOTHING = Q(pk__in=[])


def _p(prefix: str, field: str) -> str:
    return f"{prefix}__{field}" if prefix else field


def region_q(user: Any, path: str) -> Q:
    """Rows whose region foreign key at ``path`` lies in the regulator's subtree."""
    region = user.region
    if region is None:
        return NOTHING
    if region.level == "province":
        return Q(**{f"{path}__province_code": region.code})
    if region.level == "city":
        return Q(**{f"{path}__city_code": region.code})
    return Q(**{f"{path}_id": region.code})


def region_contains(user: Any, region: Any) -> bool:
    """Whether ``region`` (a Region) lies in the regulator's subtree."""
    own = user.region
    if own is None or region is None:
        return False
    if own.level == "province":
        return region.province_code == own.code
    if own.level == "city":
        return region.city_code == own.code
    return region.code == own.code


def department_industries(user: Any) -> list[str] | None:
    """The GB/T 4754 sections/divisions a department account is competent for, from the
    ``[[departments]]`` of the pack governing its region (SPEC §12.20); None means every
    industry, [] none (an unknown department code)."""
    cached: list[str] | bool | None = getattr(user, "_cqo_department_industries", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    found: list[str] | None = []
    if user.region is not None:
        for dept in departments.departments_of(user.region, clock.today()):
            if dept.code == user.department:
                found = list(dept.industries) or None
    user._cqo_department_industries = found
    return found


def _department_q(user: Any, region_path: str, industry_path: str) -> Q:
    codes = department_industries(user)
    if codes is not None and not codes:
        return NOTHING
    q = region_q(user, region_path)
    if codes is None:
        return q
    return q & (
        Q(**{f"{industry_path}_id__in": codes}) | Q(**{f"{industry_path}__parent_id__in": codes})
    )


def enterprise_q(user: Any, prefix: str = "") -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        return region_q(user, _p(prefix, "region"))
    if user.role == Role.DEPARTMENT:
        return _department_q(user, _p(prefix, "region"), _p(prefix, "industry"))
    if user.role == Role.ENTERPRISE:
        return Q(**{_p(prefix, "pk"): user.enterprise_id})
    if user.role == Role.CQO:
        # A subquery, not a join through appointments: one row per enterprise, so no list needs
        # DISTINCT (which is costly at provincial scale).
        appointment = apps.get_model("registry", "Appointment")
        mine = appointment.objects.filter(person__user=user).values("enterprise_id")
        return Q(**{_p(prefix, "pk__in"): mine})
    return NOTHING


# A filing the person started and is still filling in is theirs alone until they hand it to
# the enterprise (SPEC §12.23): neither the enterprise nor a regulator sees it yet.
PREPARING = "person"


def _handed_over(prefix: str) -> Q:
    return ~Q(**{_p(prefix, "preparation"): PREPARING})


def appointment_q(user: Any, prefix: str = "") -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        return region_q(user, _p(prefix, "enterprise__region")) & _handed_over(prefix)
    if user.role == Role.DEPARTMENT:
        return _department_q(
            user, _p(prefix, "enterprise__region"), _p(prefix, "enterprise__industry")
        ) & _handed_over(prefix)
    if user.role == Role.ENTERPRISE:
        return Q(**{_p(prefix, "enterprise_id"): user.enterprise_id}) & _handed_over(prefix)
    if user.role == Role.CQO:
        return Q(**{_p(prefix, "person__user"): user})
    return NOTHING


def person_q(user: Any, prefix: str = "") -> Q:
    """A person is visible through an appointment in scope, or (for a regulator) through the
    region they registered in, or (for a clerk) because their enterprise invited them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        return region_q(user, _p(prefix, "region")) | region_q(
            user, _p(prefix, "appointments__enterprise__region")
        )
    if user.role == Role.DEPARTMENT:
        return _department_q(
            user,
            _p(prefix, "appointments__enterprise__region"),
            _p(prefix, "appointments__enterprise__industry"),
        )
    if user.role == Role.ENTERPRISE:
        # one Q, so both lookups are on the same appointment: not one still being prepared
        return Q(**{_p(prefix, "invited_by_id"): user.enterprise_id}) | Q(
            **{
                _p(prefix, "appointments__enterprise_id"): user.enterprise_id,
                _p(prefix, "appointments__preparation__in"): ["", "enterprise", "confirmed"],
            }
        )
    if user.role == Role.CQO:
        return Q(**{_p(prefix, "user"): user})
    return NOTHING


def token_q(user: Any) -> Q:
    """API tokens a user sees and revokes on their account page: their own only (a platform
    admin revokes other users' tokens in the admin: can_revoke_token)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    return Q(user_id=user.pk)


# Writes -------------------------------------------------------------------------------------


def can_edit_enterprise(user: User, enterprise: Any) -> bool:
    if user.is_platform_admin:
        return True
    if user.role == Role.REGULATOR:
        return region_contains(user, enterprise.region)
    return user.role == Role.ENTERPRISE and user.enterprise_id == enterprise.pk


def can_create_enterprise(user: User, region: Any) -> bool:
    return user.is_platform_admin or (user.role == Role.REGULATOR and region_contains(user, region))


def can_manage_filing(user: User, appointment: Any) -> bool:
    """The enterprise's clerk drafts, submits, corrects, renews and ends its filings (not one
    the person is still filling in, SPEC §12.23)."""
    return (
        user.role == Role.ENTERPRISE
        and user.enterprise_id == appointment.enterprise_id
        and appointment.preparation != PREPARING
    )


def can_prepare_filing(user: User) -> bool:
    """A registered CQO (a person account) may start a filing for an enterprise where the
    governing pack lets the CQO start it (SPEC §12.23; the services check the pack)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.CQO
        and getattr(user, "person", None) is not None
    )


def is_person_named(user: User, appointment: Any) -> bool:
    """The signed-in user is the person the appointment names (they confirm it, declare, and
    fill in a filing they started)."""
    person = appointment.person
    return person.user_id is not None and person.user_id == user.pk


def can_take_filing_step(
    user: Any, *, region: Any, authority: str, step: str, department_code: str | None
) -> bool:
    """Whether ``user`` may act on a filing of an enterprise in ``region`` at the review step
    the governing pack names (cqo.policy.rules.filing_route; SPEC §3, shenzhen-guide §4.7):
    the competent department's account over the region; at the city step a regulator above
    county level; at the county step of a county-then-city chain the county regulator itself;
    otherwise the county regulator or a regulator above it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if step == "department":
        return (
            user.role == Role.DEPARTMENT
            and user.department == department_code
            and region_contains(user, region)
        )
    if user.role != Role.REGULATOR or not region_contains(user, region):
        return False
    if step == "city":
        return bool(user.region.level != "county")
    if authority == "county_then_city":
        return bool(user.region.level == "county")
    return True


def can_edit_person(user: User, person: Any) -> bool:
    if user.is_platform_admin:
        return True
    if user.role == Role.CQO:
        return person.user_id == user.pk
    if user.role == Role.ENTERPRISE:
        # A clerk may complete the profile of a person it invited until that person claims it.
        return person.user_id is None and person.invited_by_id == user.enterprise_id
    return False


def can_see_contact(user: Any, person: Any) -> bool:
    """Whether a viewer who can see ``person`` (person_q) may also see their contact data
    (mobile, e-mail, mailing address) and full ID number. An enterprise's clerk may only once
    the person has confirmed an appointment with that enterprise (SPEC §12.23: "the person
    confirms an appointment naming them before the enterprise sees their contact data"), or
    while the person is the enterprise's own invitee who has not yet claimed the profile (the
    clerk typed those details). Knowing a person's ID number and name is enough to draft an
    appointment of them; it is not enough to reach them."""
    if user.role != Role.ENTERPRISE:
        return True
    if user.enterprise_id is None:
        return False
    if person.user_id is None and person.invited_by_id == user.enterprise_id:
        return True
    appointment = apps.get_model("registry", "Appointment")
    return bool(
        appointment.objects.filter(
            person_id=person.pk,
            enterprise_id=user.enterprise_id,
            person_confirmed_at__isnull=False,
        ).exists()
    )


def can_reveal_personal(user: User, person: Any, *, visible: bool) -> bool:
    """Who may see an ID number or mobile unmasked (each view is logged by the caller):
    the person, the platform admin, regulators who can see the person, and the clerk of an
    enterprise the person has confirmed an appointment with (can_see_contact)."""
    if not visible:
        return False
    if user.is_platform_admin or (user.role == Role.CQO and person.user_id == user.pk):
        return True
    if user.role == Role.ENTERPRISE:
        return can_see_contact(user, person)
    return user.role == Role.REGULATOR


def can_revoke_token(user: User, token: Any) -> bool:
    """The token's owner, or the security administrator for another's (API tokens are keys:
    cqo/accounts/duties.py)."""
    if not user.is_active:
        return False
    return token.user_id == user.pk or (
        user.role == Role.SECURITY and token.user.role not in duties.ADMINISTRATORS
    )


# The three administrators (三员分立, GB/T 22239-2019 8.1.4.2 d); cqo/accounts/duties.py). No
# administrator changes an administrator's account from the web, their own included: those are
# made and re-assigned on the server (manage.py create_admin).


def can_manage_account(actor: User, user: Any) -> bool:
    """The system administrator's duty: another, non-administrator account's login, name,
    e-mail, password and whether it is active."""
    return (
        bool(actor.is_active)
        and actor.role == Role.ADMIN
        and actor.pk != getattr(user, "pk", None)
        and getattr(user, "role", None) not in duties.ADMINISTRATORS
    )


def can_assign_role(actor: User, user: Any) -> bool:
    """The security administrator's duty: which role another, non-administrator account holds
    and where it acts; their sign-in (second factor) and keys (API tokens)."""
    return (
        bool(actor.is_active)
        and actor.role == Role.SECURITY
        and actor.pk != getattr(user, "pk", None)
        and getattr(user, "role", None) not in duties.ADMINISTRATORS
    )


def can_read_audit(user: Any) -> bool:
    """The audit administrator's duty: the whole audit trail, to read and export."""
    return bool(getattr(user, "is_active", False)) and getattr(user, "role", None) == Role.AUDITOR


def can_see_compliance(user: Any) -> bool:
    """The 安全合规 page: the security administrator's."""
    return bool(getattr(user, "is_active", False)) and getattr(user, "role", None) == Role.SECURITY
