"""The change log reads as sentences: labels, choice labels, names, dates; no keys, codes, login
names or UUIDs (cqo.audit.display, templates/_trail.html)."""

from __future__ import annotations

import uuid

import pytest
from django.template.loader import render_to_string

from cqo.accounts.models import ApiToken, Role
from cqo.audit import display
from cqo.audit.models import AuditEntry
from cqo.audit.services import audit_record
from cqo.test import make_user

# a record that no longer exists (fixed, so that every xdist worker collects the same ids)
GONE = "3f1c0b1e-5d2a-4c8e-9a57-0d6f3b2e8c41"
LONG = "质" * 500


def _entry(target_type: str, changes: dict, note: str = "", actor=None, action="update"):
    return audit_record(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(uuid.uuid4()),
        changes=changes,
        note=note,
    )


def _changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    (row,) = display.trail_rows(AuditEntry.objects.filter(pk=entry.pk))
    return [(c.label, c.before, c.after) for c in row.changes]


# the examples of raw output the change log used to show, and what a clerk reads instead
@pytest.mark.parametrize(
    ("target_type", "changes", "expected"),
    [
        ("selfassessment", {"status": ["draft", "completed"]}, ("状态", "草稿", "已完成")),
        (
            "course",
            {"forms": [None, ["lecture", "case_study"]]},
            ("培训形式", "—", "集中授课、案例剖析"),
        ),
        (
            "community_submission",
            {"competition": [None, GONE]},
            ("评比活动", "—", "（已删除的记录）"),
        ),
        (
            "appointment",
            {"declarations": [None, ["disqualifications"]]},
            ("本人声明", "—", "无不得担任首席质量官的情形"),
        ),
        (
            "level_certificate",
            {"review_request": [None, f"认定主体收到的事故报告 report:{GONE}"]},
            ("待复核事项", "—", "认定主体收到的事故报告"),
        ),
        (
            "level_certificate",
            {"review_request": [f"report:{GONE}", "暂停证书使用"]},
            ("待复核事项", "待复核", "暂停证书使用"),
        ),
        (
            "level_certificate",
            {"review:2026": [None, "excellent"]},
            ("2026 年度总结评价", "—", "优秀"),
        ),
        (
            "level_certificate",
            {"content_hash": [None, "96dacaf11b21c648030edfa2aa8af3e6"]},
            ("内容摘要（SHA-256）", "—", "前 12 位 96dacaf11b21"),
        ),
        (
            "pack_version",
            {"sha256": [None, "f3957e2f4a4d92fd7e30"]},
            ("文件摘要", "—", "前 12 位 f3957e2f4a4d"),
        ),
        (
            "pack_version",
            {"regions": [None, ["610000", "320000"]]},
            ("适用地区", "—", "陕西省、江苏省"),
        ),
        ("community_alliance", {"region": [None, "610000"]}, ("行政区划", "—", "陕西省")),
        ("community_registration", {"attended": [False, True]}, ("出席", "否", "是")),
        ("listing", {"status": ["in_force", "revoked"]}, ("状态", "生效中", "已撤销")),
        (
            "appointment",
            {"departments_led": [None, ["quality_management"]]},
            ("分管部门", "—", "质量管理"),
        ),
        ("appointment", {"start_date": [None, "2025-12-09"]}, ("聘任日期", "—", "2025-12-09")),
        (
            "appointment",
            {"person_confirmed_at": [None, "2026-12-07T02:33:18.192304+00:00"]},
            ("本人确认时间", "—", "2026-12-07 10:33"),
        ),
        ("appointment", {"frobnicate_level": [None, 3]}, ("其他变更", "—", "3")),
        ("no_such_record", {"status": ["draft", ""]}, ("状态", "草稿", "—")),
        (
            "quality",
            {"制定下一步质量成本目标和计划": [None, "提高预防成本"]},
            ("制定下一步质量成本目标和计划", "—", "提高预防成本"),
        ),
        ("user", {"password": ["***", "***"]}, ("密码", "（已更改）", "（已更改）")),
        (
            "level_application",
            {"sheet:赵立新": ["", "8.1.1=82.0"]},
            ("赵立新 的评分表", "—", "8.1.1=82.0"),
        ),
        ("region_target", {"share": ["0.8500", "1.0000"]}, ("目标覆盖率", "85%", "100%")),
        # admin changes: the model's label as the target, the form's values as text
        ("accounts.user", {"display_name": [None, "改到市局"]}, ("显示名称", "—", "改到市局")),
        ("registry.enterprise", {"listed": [None, "False"]}, ("上市公司", "—", "否")),
        ("registry.enterprise", {"website": [None, "None"]}, ("单位网址", "—", "—")),
        (
            "community_competition",
            {"criteria": [None, ["改进成效:20"]]},
            ("评分项", "—", "改进成效（20 分）"),
        ),
    ],
)
def test_it_shows_a_change_as_a_clerk_reads_it(db, target_type, changes, expected) -> None:
    assert _changes(_entry(target_type, changes)) == [expected]


def test_it_shortens_long_texts_and_long_lists(db) -> None:
    entry = _entry("appointment", {"duties": [None, LONG], "forms": [None, ["lecture"] * 50]})
    (duties, forms) = _changes(entry)
    assert len(duties[2]) == display.TEXT_MAX and duties[2].endswith("…")
    assert forms[2].count("、") == display.ITEMS_MAX - 1 and forms[2].endswith("等 50 项")


def test_it_names_referenced_records_and_users(db, personas) -> None:
    _key, token = ApiToken.new(user=personas.cqo)
    entry = _entry(
        "certification_body",
        {"members": [None, personas.certifier.username], "token": [str(token.public_id), None]},
    )
    assert _changes(entry) == [
        ("工作人员账号", "—", "陕西省质量协会（认定机构）"),
        ("API 令牌", str(token), "—"),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, "系统"),
        ("certifier", "陕西省质量协会（认定机构）"),
        ("county_a", "雁塔区市场监管部门"),
        ("clerk_a", "（企业经办人）"),
        ("named", "孙卓然（首席质量官）"),
        ("regulator", "雁塔区市场监督管理局（市场监管部门）"),
    ],
)
def test_it_names_the_actor_never_by_login(db, personas, who, expected) -> None:
    users = personas.all_users()
    users["named"] = make_user("selfcqo", Role.CQO, display_name="孙卓然")
    users["regulator"] = make_user(
        "yanta",
        Role.REGULATOR,
        display_name="雁塔区市场监督管理局",
        region=personas.county_a.region,
    )
    actor = users.get(who) if who else None
    (row,) = display.trail_rows(AuditEntry.objects.filter(pk=_entry("course", {}, actor=actor).pk))
    assert row.actor.endswith(expected)
    assert actor is None or actor.username not in row.actor


def test_it_says_when_the_actor_is_gone(db, personas) -> None:
    user = make_user("leaver", Role.CQO, display_name="离职人员")
    entry = _entry("course", {}, actor=user)
    user.delete()
    (row,) = display.trail_rows(AuditEntry.objects.filter(pk=entry.pk))
    assert row.actor == "（已注销的账号）"


@pytest.mark.parametrize(
    ("note", "action", "expected"),
    [
        ("clerk account clerk", "create", "开通企业经办人账号"),
        ("judge prov", "update", "评委评分"),
        ("invitation claimed", "update", "本人认领邀请，绑定登录账号"),
        ("user name at address", "lockout", "同一地址以同一用户名多次登录失败，暂时锁定"),
        ("web", "logout", "经网页"),
        ("admin: deleted", "update", "经管理后台删除"),
        ("q=%E9%9B%81&page=2", "export", "按页面的筛选条件导出"),
        ("id_number", "unmask", "查看：身份证号"),
        ("reminder: 请于30日内完成备案。", "create", "督促通知：请于30日内完成备案。"),
        ("demo_data --reset deleted 12", "update", "演示数据重置"),
        (f"退回：材料不全 exit:{GONE}", "update", "退回：材料不全"),
        ("材料齐全，予以备案", "transition", "材料齐全，予以备案"),
        (
            "shaanxi-2021 §五(一): 由承办机构颁发培训合格证",
            "create",
            "陕质委办〔2021〕15号 第五条（一）",
        ),
        (
            "首席质量官能力水平认定（level-standard draft.2，2024-01-01 起）",
            "transition",
            "首席质量官能力水平认定（draft.2 版，2024-01-01 起）",
        ),
    ],
)
def test_it_words_the_note(db, note, action, expected) -> None:
    entry = audit_record(actor=None, action=action, target_type="person", target_id="x", note=note)
    (row,) = display.trail_rows(AuditEntry.objects.filter(pk=entry.pk))
    assert row.note == expected


def test_it_reads_references_once_per_model_for_a_page(
    db, personas, django_assert_max_num_queries
) -> None:
    for i in range(60):
        actor = [personas.cqo, personas.certifier, personas.county_a][i % 3]
        changes = {"members": [None, actor.username], "competition": [None, str(uuid.uuid4())]}
        _entry("community_submission", changes, actor=actor)
    # the entries, the actors, the users named, the competitions: four, whatever the page's size
    with django_assert_max_num_queries(4):
        rows = display.trail_rows(AuditEntry.objects.filter(target_type="community_submission"))
    # the changes are shown by key: competition, then members
    assert len(rows) == 60 and rows[0].changes[0].after == "（已删除的记录）"


def test_it_renders_a_trail_without_codes(db, personas) -> None:
    entry = _entry("selfassessment", {"status": ["draft", "completed"]}, actor=personas.clerk_a)
    html = render_to_string("_trail.html", {"trail": AuditEntry.objects.filter(pk=entry.pk)})
    assert "状态" in html and "草稿 → 已完成" in html
    assert "draft" not in html and "clerk_a" not in html
