"""The demo driver (`manage.py demo_data`, `make run`): builds every app's demo records in the
order their facts depend on one another, in one transaction, and resets them in reverse."""

from __future__ import annotations

import time
from collections import Counter

from django.db import transaction

from cqo.accounts.models import User
from cqo.audit.services import audit_record
from cqo.blacklist.demo import blacklist_reset, build_blacklist_showcase
from cqo.certification.demo import build_certification_showcase, certification_reset
from cqo.community.demo import build_community_showcase, community_reset
from cqo.coverage.demo import build_coverage_showcase, coverage_reset
from cqo.coverage.demo_jiangsu import build_jiangsu_showcase, jiangsu_reset
from cqo.evaluation.demo import build_evaluation_showcase, evaluation_reset
from cqo.portal.demo.packs import build_policy_showcase
from cqo.registry.demo import (
    DEMO_USERS,
    PASSWORD,
    SHANGHAI,
    SHOWCASE_LOGINS,
    DemoResult,
    Output,
    Plan,
    demo_exists,
    registry_history,
    registry_reset,
    registry_start,
    say,
)
from cqo.registry.demo.showcase import _Showcase as Showcase
from cqo.registry.models import Appointment
from cqo.talent import index as talent_index
from cqo.talent.demo import build_talent_showcase, talent_reset
from cqo.training.demo import build_training_showcase, training_reset

__all__ = [
    "DEMO_USERS",
    "PASSWORD",
    "SHANGHAI",
    "DemoResult",
    "Plan",
    "build_demo",
    "demo_exists",
    "demo_reset",
]


@transaction.atomic
def demo_reset() -> dict[str, int]:
    """Delete the demo records of every app, then the registry's data and the demo users."""
    deleted = {
        **{f"community_{k}": v for k, v in community_reset().items()},
        **{f"coverage_{k}": v for k, v in coverage_reset().items()},
        **{f"evaluation_{k}": v for k, v in evaluation_reset().items()},
        **{f"certification_{k}": v for k, v in certification_reset().items()},
        "talent_entries": talent_reset(),
        **training_reset(),
        **jiangsu_reset(),
        **blacklist_reset(),
        **registry_reset(),
    }
    audit_record(
        actor=None,
        action="update",
        target_type="demo_import",
        target_id="reset",
        target_repr="演示数据重置",
        note=f"demo_data --reset deleted {deleted}",
    )
    return deleted


@transaction.atomic
def build_demo(
    seed: int = 2026, enterprises: int = 2000, stdout: Output | None = None
) -> DemoResult:
    """Build the demo province; counts scale with ``enterprises`` (see ``Plan``). All or
    nothing: one transaction."""
    began = time.monotonic()
    registry = registry_start(seed, enterprises)
    g, users, show = registry.gen, registry.users, registry.show
    elsewhere = build_policy_showcase(g.rng, users["admin"])
    say(stdout, f"accounts and showcase records … {time.monotonic() - began:.1f}s")
    # three showcase enterprises in Shaanxi (the clerks' two and the one a CQO's own filing
    # waits at) and one in Shenzhen (cqo.portal.demo.packs)
    registry_history(registry, showcased=4, began=began, stdout=stdout)
    build_blacklist_showcase(users["prov"])
    build_training_showcase(g.rng, users["prov"], users["trainer"], show.cqo_person)
    build_talent_showcase(users["certifier"], users["prov"])
    say(stdout, f"training and study hours … {time.monotonic() - began:.1f}s")
    # the showcase's own logins too (the CQOs and clerks), for the apps' showcases below
    everyone = {
        **users,
        **{u.username: u for u in User.objects.filter(username__in=SHOWCASE_LOGINS)},
    }
    # after training: the CQO's study hours are items the evaluation form pre-fills
    build_evaluation_showcase(g.rng, everyone)
    say(stdout, f"evaluation, self-assessment, quality cost … {time.monotonic() - began:.1f}s")
    # after training: the demo CQO's training certificate is a §5.1.4 condition
    build_certification_showcase(g.rng, everyone)
    say(stdout, f"capability-level certification … {time.monotonic() - began:.1f}s")
    build_community_showcase(g.rng, everyone)
    say(stdout, f"alliance, events and case competition … {time.monotonic() - began:.1f}s")
    # jiangsu-2020's training tiers (no random draws: the Shaanxi stream is unchanged)
    jiangsu = build_jiangsu_showcase()
    # last: the coverage aggregate is built from everything above
    build_coverage_showcase(g.rng, everyone)
    talent_index.rebuild()
    say(stdout, f"coverage aggregate and talent search index … {time.monotonic() - began:.1f}s")
    return DemoResult(
        plan=registry.plan,
        seconds=time.monotonic() - began,
        status_counts=dict(Counter(Appointment.objects.values_list("status", flat=True))),
        appointable=show.appointable,
        logins=[*_logins(show), *elsewhere, *jiangsu],
    )


def _logins(show: Showcase) -> list[tuple[str, str, str]]:
    """(username, role, scope) of each demo account, as `make run` prints them."""
    return [
        ("admin", "系统管理员", "用户、政策包、参考数据，全部业务数据"),
        ("security", "安全管理员", "角色分配、API 令牌、登录安全、安全合规"),
        ("auditor", "审计管理员", "审计记录的查阅与导出"),
        ("prov", "市场监管部门", "610000 陕西省"),
        ("xian", "市场监管部门", "610100 西安市"),
        ("baoji", "市场监管部门", "610300 宝鸡市"),
        ("yanta", "市场监管部门", "610113 西安市雁塔区"),
        ("weibin", "市场监管部门", "610302 宝鸡市渭滨区"),
        ("clerk", "企业经办人", f"{show.clerk_ent.name}（610113，尚无首席质量官）"),
        ("clerk2", "企业经办人", f"{show.clerk2_ent.name}（610302）"),
        ("cqo", "首席质量官", f"{show.cqo_person.name}，{show.clerk2_ent.name}（已备案）"),
        ("newcqo", "首席质量官", f"{show.appointable[0]}，已注册、尚未聘任（610113）"),
        ("selfcqo", "首席质量官", "孙卓然，本人发起聘任备案，待企业确认（610113）"),
        ("cqo2", "首席质量官", "陈晓峰，陕西省首席质量官联盟会员（610113）"),
        ("trainer", "培训机构", "陕西省质量培训中心"),
        ("certifier", "认定机构", "陕西省质量协会"),
        ("expert", "认定专家（专家组长）", "陕西省质量协会"),
        ("expert2", "认定专家", "陕西省质量协会"),
    ]
