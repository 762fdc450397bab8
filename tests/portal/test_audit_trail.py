"""The audit administrator's page /audit/ (三员分立, GB/T 22239-2019 8.1.5.2): only the audit
administrator opens it; it lists the trail newest first, filtered, in labels; it shows the
chain's last verification; it exports the filtered entries as xlsx, bounded, and audits that."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from cqo.audit import services
from cqo.audit.models import AuditEntry
from cqo.lib import clock
from cqo.portal import trail
from cqo.test import Personas

URL = "/audit/"
GONE = "3f1c0b1e-5d2a-4c8e-9a57-0d6f3b2e8c41"


def _auditor(personas: Personas) -> Client:
    c = Client()
    c.force_login(personas.auditor)
    return c


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "who",
    [
        "province",
        "city",
        "county_a",
        "clerk_a",
        "cqo",
        "trainer",
        "certifier",
        "admin",
        "security",
    ],
)
def test_no_one_but_the_audit_administrator_opens_it(personas: Personas, who: str) -> None:
    c = Client()
    c.force_login(getattr(personas, who))
    assert c.get(URL).status_code == 403
    assert c.get(URL, {"export": "xlsx"}).status_code == 403
    assert not AuditEntry.objects.filter(target_type="audit_trail").exists()


def test_it_sends_a_stranger_to_sign_in(db) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_deactivated_auditor_is_refused(personas: Personas) -> None:
    personas.auditor.is_active = False
    personas.auditor.save(update_fields=["is_active"])
    c = Client()
    c.force_login(personas.auditor)
    assert c.get(URL).status_code in (302, 403)


def test_it_lists_the_trail_newest_first_in_labels(personas: Personas) -> None:
    services.audit_record(
        actor=personas.county_a,
        action="transition",
        target_type="appointment",
        target_id=GONE,
        target_repr=f"聘任备案 西安示例 {GONE}",
        changes={"status": ["submitted", "filed"]},
        note="材料齐全，予以备案",
    )
    page = _text(_auditor(personas).get(URL))
    assert 'id="trail"' in page
    body = page[page.index('id="trail"') :]
    assert "聘任备案" in body and "备案状态" in body and "已备案" in body
    assert "材料齐全，予以备案" in body
    assert "状态变更" in body
    # labels, never codes, UUIDs or logins
    assert GONE not in body and "submitted" not in body and "transition" not in body
    assert "county_a" not in body
    services.audit_record(
        actor=None, action="update", target_type="course", target_id="c", target_repr="最新的记录"
    )
    body = _filtered(personas)
    assert body.index("最新的记录") < body.index("材料齐全，予以备案")  # newest first


def test_the_auditor_finds_the_page_in_the_navigation_and_on_the_home(personas: Personas) -> None:
    c = _auditor(personas)
    home = _text(c.get("/"))
    assert 'id="nav-audit"' in home and 'href="/audit/"' in home
    assert "企业与备案" not in home  # no business menus
    for tile in ("audit-today", "audit-unsealed", "audit-chain", "audit-retention"):
        assert f'id="tile-{tile}"' in home
    others = Client()
    others.force_login(personas.admin)
    assert 'id="nav-audit"' not in _text(others.get("/"))


def _tile(home: str, key: str) -> str:
    start = home.rindex("<a ", 0, home.index(f'id="tile-{key}"'))
    return home[start : home.index("</a>", start)]


def test_the_home_counts_todays_and_unsealed_entries(personas: Personas) -> None:
    services.audit_seal()
    services.audit_record(actor=None, action="update", target_type="course", target_id="1")
    home = _text(_auditor(personas).get("/"))
    assert 'data-count="1"' in _tile(home, "audit-unsealed")
    today = AuditEntry.objects.filter(at__gte=trail_midnight()).count()
    assert f'data-count="{today}"' in _tile(home, "audit-today")
    assert f"date_from={clock.today().isoformat()}" in _tile(home, "audit-today")
    assert "尚未校验" in _tile(home, "audit-chain")
    services.audit_verify()
    home = _text(_auditor(personas).get("/"))
    assert "校验通过" in _tile(home, "audit-chain")


def trail_midnight() -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(clock.today(), dt.time.min))


def _filtered(personas: Personas, **query: str) -> str:
    page = _text(_auditor(personas).get(URL, query))
    return page[page.index('id="trail"') :]


def test_it_filters_by_action_type_actor_and_text(personas: Personas) -> None:
    services.audit_record(
        actor=personas.clerk_a,
        action="export",
        target_type="enterprise",
        target_id="*",
        target_repr="导出企业名单",
    )
    services.audit_record(
        actor=personas.county_b,
        action="update",
        target_type="course",
        target_id="course-42",
        target_repr="质量管理基础课程",
        changes={"title": ["旧", "新"]},
    )
    assert "导出企业名单" in _filtered(personas, action="export")
    assert "质量管理基础课程" not in _filtered(personas, action="export")
    assert "质量管理基础课程" in _filtered(personas, target_type="course")
    assert "导出企业名单" not in _filtered(personas, target_type="course")
    assert "导出企业名单" in _filtered(personas, actor="clerk_a")
    assert "质量管理基础课程" not in _filtered(personas, actor="clerk_a")
    assert "质量管理基础课程" in _filtered(personas, q="course-42")  # a record's code
    assert "质量管理基础课程" in _filtered(personas, q="基础课程")  # a part of its name
    assert "没有符合条件的记录" in _filtered(personas, actor="nobody")


def test_it_filters_by_beijing_days(personas: Personas) -> None:
    services.audit_record(actor=None, action="update", target_type="course", target_id="d")
    today = clock.today()
    assert "没有符合条件的记录" not in _filtered(personas, date_from=str(today))
    tomorrow = str(today + dt.timedelta(days=1))
    assert "没有符合条件的记录" in _filtered(personas, date_from=tomorrow)
    assert "没有符合条件的记录" in _filtered(personas, date_to=str(today - dt.timedelta(days=1)))
    # the calendar's ends answer, they do not fail
    assert "没有符合条件的记录" not in _filtered(personas, date_from="0001-01-01")
    assert "没有符合条件的记录" not in _filtered(personas, date_to="9999-12-31")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_from": "2026-12-07", "date_to": "2026-12-01"}, "date_to"),
        ({"action": "drop_table"}, "action"),
        ({"target_type": "nope"}, "target_type"),
        ({"actor": "x" * 151}, "actor"),
        ({"q": "质" * 201}, "q"),
    ],
)
def test_it_shows_each_invalid_filter_beside_its_field(personas, query, field) -> None:
    services.audit_record(actor=None, action="update", target_type="course", target_id="1")
    c = _auditor(personas)
    page = _text(c.get(URL, query))
    assert f'id="error-{field}"' in page
    assert "没有符合条件的记录" in page
    assert c.get(URL, {**query, "export": "xlsx"})["Content-Type"].startswith("text/html")


def test_it_shows_the_chain_status(personas: Personas) -> None:
    c = _auditor(personas)
    assert 'id="chain-never"' in _text(c.get(URL))
    services.audit_verify()
    page = _text(c.get(URL))
    assert 'id="chain-ok"' in page and "HMAC-SHA256" in page
    assert 'id="retention-pending"' in page  # the test database is new


def test_it_shows_a_broken_chain(personas: Personas) -> None:
    from tests.audit.test_chain import _sql, behind_the_platform

    services.audit_seal()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    with behind_the_platform():
        _sql("UPDATE audit_auditentry SET note = 'x' WHERE id = %s", (entry.pk,))
    services.audit_verify()
    page = _text(_auditor(personas).get(URL))
    assert 'id="chain-broken"' in page and f"链序号 {entry.seq}" in page
    assert "记录内容或顺序被改动" in page
    home = _text(_auditor(personas).get("/"))
    assert "发现异常" in home


def _sheet(content: bytes) -> list[list[object]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python()


def test_it_exports_the_filtered_entries_and_audits_the_export(personas: Personas) -> None:
    services.audit_record(
        actor=personas.county_b,
        action="update",
        target_type="course",
        target_id="course-42",
        target_repr="质量管理基础课程",
        changes={"title": ["旧标题", "新标题"]},
        note="web",
    )
    services.audit_record(actor=None, action="update", target_type="person", target_id="p")
    response = _auditor(personas).get(URL, {"target_type": "course", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = _sheet(b"".join(response.streaming_content))
    assert rows[0] == ["链序号", "时间", "操作人", "操作", "对象类型", "对象", "变更内容", "说明"]
    assert len(rows) == 2
    seq, _at, actor, action, kind, target, changes, note = rows[1]
    assert seq == "待封存"
    assert (action, kind, target) == ("修改", "培训课程", "质量管理基础课程")
    assert "county_b" not in str(actor) and actor
    assert "旧标题 → 新标题" in str(changes)
    assert note == "经网页"
    export = AuditEntry.objects.get(target_type="audit_trail")
    assert export.action == AuditEntry.Action.EXPORT
    assert export.actor_id == personas.auditor.pk
    assert export.changes == {"count": 1}
    assert "target_type=course" in export.note


def test_the_export_shows_sealed_numbers(personas: Personas) -> None:
    entry = services.audit_record(actor=None, action="update", target_type="course", target_id="s")
    services.audit_seal()
    entry.refresh_from_db()
    response = _auditor(personas).get(URL, {"q": "s", "target_type": "course", "export": "xlsx"})
    rows = _sheet(b"".join(response.streaming_content))
    assert rows[1][0] == entry.seq


def test_an_export_past_the_bound_asks_for_a_narrower_filter(personas, monkeypatch) -> None:
    monkeypatch.setattr(trail, "EXPORT_MAX", 2)
    for i in range(3):
        services.audit_record(actor=None, action="update", target_type="course", target_id=str(i))
    c = _auditor(personas)
    response = c.get(URL, {"target_type": "course", "export": "xlsx"})
    assert response.status_code == 302
    assert "export" not in response["Location"] and "target_type=course" in response["Location"]
    page = _text(c.get(response["Location"]))
    assert "一次最多导出 2 条审计记录" in page and "请缩小日期范围" in page
    assert not AuditEntry.objects.filter(target_type="audit_trail").exists()
    assert c.get(URL, {"target_type": "course", "q": "1", "export": "xlsx"}).status_code == 200


def test_a_long_trail_is_counted_only_up_to_a_bound(personas, monkeypatch) -> None:
    monkeypatch.setattr(trail, "COUNT_MAX", 3)
    monkeypatch.setattr(trail, "PAGE_SIZE", 2)
    for i in range(5):
        services.audit_record(actor=None, action="update", target_type="course", target_id=str(i))
    page = _text(_auditor(personas).get(URL, {"target_type": "course"}))
    assert "超过 3 条" in page
    second = _text(_auditor(personas).get(URL, {"target_type": "course", "page": "2"}))
    assert "page=1" in second and "target_type=course" in second
