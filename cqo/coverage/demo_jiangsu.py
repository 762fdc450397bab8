"""Demo records that show jiangsu-2020's goals on the coverage page: the three training tiers of
§一.2 (the province's 高级 and Suzhou's 提升 training held this year, Suzhou's counties' 基础
training merged into the city's, §五, except 常熟市, which held its own) and the path that starts
from the preamble's 近万名首席质量官. Deterministic: everything is dated from today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from cqo.accounts.models import Role, User
from cqo.lib import clock
from cqo.reference.models import Region
from cqo.registry.demo import PASSWORD
from cqo.training import services as training

# (login, label, region) of the Jiangsu regulators the demo signs in as
REGULATORS = (
    ("jiangsu", "江苏省市场监督管理局", "320000"),
    ("suzhou", "苏州市市场监督管理局", "320500"),
    ("changshu", "常熟市市场监督管理局", "320581"),
)

# (tier, organiser login, region the course serves, title)
COURSES = (
    ("advanced", "jiangsu", "320000", "全省企业首席质量官高级培训班"),
    ("enhancement", "suzhou", "320500", "苏州市首席质量官继续教育提升培训"),
    ("basic", "suzhou", "320500", "苏州市首席质量官任职基础培训（县级合并实施）"),
    ("basic", "changshu", "320581", "常熟市首席质量官任职基础培训"),
)


def _regulator(login: str, label: str, code: str) -> User:
    user = User(
        username=login,
        role=Role.REGULATOR,
        password=make_password(PASSWORD),
        display_name=label,
        organisation=label,
        region=Region.objects.get(code=code),
    )
    user.full_clean(exclude=["password"])
    user.save()
    return user


def _held_session(actor: User, tier: str, region: str, title: str, day: dt.date) -> None:
    course = training.course_create(
        actor=actor,
        terms=training.CourseTerms(
            title=title,
            tier=tier,
            region=region,
            forms=("lecture", "case_study"),
            hours=Decimal(8),
            method="attendance",
            min_attendance=80,
            description="质量管理体系、质量安全风险防控与案例剖析",
        ),
    )
    session = training.session_create(
        actor=actor,
        course=course,
        terms=training.SessionTerms(
            start_date=day, end_date=day, place=f"{actor.organisation} 培训中心", capacity=60
        ),
    )
    training.session_set_status(actor=actor, session=session, status="held")


def build_jiangsu_showcase() -> list[tuple[str, str, str]]:
    """The regulators and this year's tier courses; returns the logins (login, role, scope).
    No enterprise: the demo's enterprise counts are the planned ones, and the starting figure is
    shown (as 0% of none) all the same."""
    users = {login: _regulator(login, label, code) for login, label, code in REGULATORS}
    today = clock.today()
    # this year's, held before today (on 1 January when the year has just begun)
    day = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=30))
    for tier, login, region, title in COURSES:
        _held_session(users[login], tier, region, title, day)
    return [(login, "市场监管部门", f"{code} {label}") for login, label, code in REGULATORS]


def jiangsu_reset() -> dict[str, int]:
    """Remove the Jiangsu regulators (after the training records that name them)."""
    logins = [login for login, _label, _code in REGULATORS]
    deleted = User.objects.filter(username__in=logins).delete()[1].get("accounts.User", 0)
    return {"jiangsu_users": deleted}
