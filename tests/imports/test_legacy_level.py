"""Migrating a province's level certificates (能力水平证书) printed before the platform: each for
a registered person in scope, its level read by the names the level standard gives it, its body
linked when one of that name is registered, its number the natural key (unchanged, or a conflict
never overwritten), a provenance row per certificate; the platform's verification, pages, yearly
compliance and supervision treat it as a certificate issued before the platform."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.certification import rules as level_rules
from cqo.certification import selectors as certification
from cqo.certification import services as certification_services
from cqo.certification.models import CertificationBody, LevelCertificate, Reminder
from cqo.hours import selectors as hours
from cqo.imports.legacy import level as level_kind
from cqo.imports.legacy import services as legacy
from cqo.imports.legacy.models import LegacyFile, LegacyOrigin
from cqo.imports.legacy.selectors import legacy_origin
from cqo.lib import clock
from cqo.registry import services as registry
from cqo.registry.models import Person
from cqo.test import COUNTY_B, PASSWORD, Personas, new_id_number, new_uscc, person_data
from tests.imports import legacy_files as files

HEADER = [
    "证书编号*",
    "姓名*",
    "身份证号*",
    "能力水平等级*",
    "认定机构*",
    "所在组织",
    "发证日期*",
    "有效期至*",
    "证书状态",
    "状态变更日期",
    "状态说明",
]
KIND = LegacyFile.Kind.LEVEL_CERTIFICATES
TODAY = dt.date(2026, 6, 15)
JIANGSU_COUNTY = "320581"  # 常熟市: outside the Shaanxi regulators' scope
BODY = "陕西省质量协会"


@pytest.fixture
def reader_mode() -> str:
    """The migration reads every file in this process: no second run with the sliced reader."""
    return "whole"


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def register_body(p: Personas, name: str = BODY) -> CertificationBody:
    """A certification body registered on the platform, with the persona ``certifier`` as
    staff (level-standard §7)."""
    body = certification_services.body_create(
        actor=p.admin,
        terms=certification_services.BodyTerms(
            code="SXZX",
            name=name,
            uscc=new_uscc("610000"),
            legal_representative="张明",
            kind="authorised",
            authorising_body="陕西省市场监督管理局",
            authorising_document="陕市监发〔2025〕12号",
            supervising_authority="陕西省市场监督管理局",
            supervising_region="610000",
            premises="西安市莲湖区西大街1号",
            resources="答辩室2间、视频记录设备",
        ),
    )
    certification_services.member_add(actor=p.admin, body=body, username="certifier")
    return body


def registered(personas: Personas, name: str, region: str) -> Person:
    """A person already migrated or registered, as the file's holders must be."""
    born = "320102" if region.startswith("32") else region
    return registry.person_migrate(
        actor=personas.admin,
        details=registry.PersonDetails(
            **person_data(name=name, id_number=new_id_number(born), region=region)
        ),
        origin_note="测试",
    )


def row(person: Person, **overrides: Any) -> list[Any]:
    values = {
        "number": "SXNL-2021-0008",
        "name": person.name,
        "id_number": person.id_number,
        "level": "AAAA",
        "body": BODY,
        "organisation": "西安示例精密制造有限公司",
        "issued_on": "2024年9月15日",
        "valid_until": "2027.9.14",
        "status": "",
        "status_changed_on": "",
        "status_reason": "",
    }
    values.update(overrides)
    return list(values.values())


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> Path:
    return files.write_xlsx(path, rows, header, sheet="能力水平证书")


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    return files.write_csv(path, rows, HEADER, encoding=encoding)


def migrate(
    actor: Any,
    path: Path,
    *,
    dry_run: bool = False,
    mode: str = LegacyFile.Mode.ALL_OR_NOTHING,
) -> LegacyFile:
    return files.migrate(actor, path, kind=KIND, dry_run=dry_run, mode=mode)


report_rows = files.report_rows


def why(lf: LegacyFile) -> str:
    return f"{lf.message} {report_rows(lf)[1:] if lf.error_report else ''}"


def counts(created: int = 0, unchanged: int = 0, conflicts: int = 0, errors: int = 0) -> dict:
    return {"created": created, "unchanged": unchanged, "conflicts": conflicts, "errors": errors}


def cells(lf: LegacyFile) -> dict[tuple[int, str], str]:
    return {(int(r[0]), r[1]): r[3] for r in report_rows(lf)[1:]}


# Reading the file ------------------------------------------------------------------------------


def test_it_migrates_the_certificates_of_an_xlsx(personas: Personas, tmp_path: Path) -> None:
    body = register_body(personas)
    other = registered(personas, "刘芳", COUNTY_B)
    path = write_xlsx(
        tmp_path / "陕西能力水平证书.xlsx",
        [
            row(personas.person),
            row(
                other,
                number="snl 2019 0003",
                level="3A级",
                body="  陕西省首席质量官协会",
                organisation="",
                issued_on="2019/03/05",
                valid_until="20220304",
                status="暂停",
                status_changed_on="2020-05-01",
                status_reason="所在组织发生重大质量事故，暂停使用",
            ),
        ],
    )

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.DONE, why(lf)
    assert lf.counts == counts(created=2)
    first = LevelCertificate.objects.get(number="SXNL-2021-0008")
    assert first.migrated and first.application is None and first.issued_by is None
    assert (first.holder, first.level, first.body) == (personas.person, "AAAA", body)
    assert first.enterprise is None and first.organisation_name == "西安示例精密制造有限公司"
    assert (first.issued_on, first.valid_until) == (dt.date(2024, 9, 15), dt.date(2027, 9, 14))
    assert (first.status, first.status_changed_on) == ("valid", None)
    assert first.content["body"] == BODY and first.content["body_uscc"] == body.uscc
    assert "历史数据迁移" in first.content["origin"]
    assert first.pack_version.pack.slug == "level-standard"
    assert certification.content_intact(first)
    second = LevelCertificate.objects.get(number="SNL20190003")
    assert (second.level, second.body, second.body_name) == ("AAA", None, "陕西省首席质量官协会")
    assert (second.status, second.status_changed_on) == ("suspended", dt.date(2020, 5, 1))
    assert second.status_reason == "所在组织发生重大质量事故，暂停使用"
    assert second.content["organisation"] == "" and "body_uscc" not in second.content


def test_it_reads_older_headers(personas: Personas, tmp_path: Path) -> None:
    header = ["认定证书编号", "持证人姓名", "身份证号码", "认定等级", "认定主体", "工作单位"]
    header += ["认定日期", "有效期", "状态"]
    path = write_xlsx(tmp_path / "旧表头.xlsx", [row(personas.person)[:9]], header=header)

    lf = migrate(personas.province, path)

    assert lf.counts == counts(created=1), why(lf)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_reads_csv_in_utf8_and_gb18030(
    personas: Personas, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "能力水平证书.csv", [row(personas.person)], encoding=encoding)

    lf = migrate(personas.province, path)

    assert lf.counts == counts(created=1), why(lf)
    cert = LevelCertificate.objects.get(number="SXNL-2021-0008")
    assert (cert.body_name, cert.organisation_name) == (BODY, "西安示例精密制造有限公司")


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("AAA", "AAA"),
        ("aaaa", "AAAA"),
        ("AAAAA级", "AAAAA"),
        ("3A", "AAA"),
        ("4A等级", "AAAA"),
        ("５Ａ", "AAAAA"),
        ("AAA（3A）", "AAA"),
        ("AAAA(4A)", "AAAA"),
        ("首席质量官能力水平 AAAA 级", "AAAA"),
        ("AAA（4A）", None),
        ("AA", None),
        ("AAAAAA", None),
        ("6A", None),
        ("高级", None),
        ("", None),
    ],
)
def test_it_reads_the_level_by_the_names_the_standard_gives_it(
    written: str, level: str | None
) -> None:
    assert level_rules.level_by_name(written) == level


# Errors ----------------------------------------------------------------------------------------


def test_it_reports_each_bad_cell(personas: Personas, tmp_path: Path) -> None:
    p = personas.person
    path = write_xlsx(
        tmp_path / "错误.xlsx",
        [
            row(p, number="", issued_on=""),  # 2
            row(p, number="X-1", id_number="610113198503140000"),  # 3
            row(p, number="陕认字第12号"),  # 4
            row(p, number="X-3", level="特级"),  # 5
            row(p, number="X-4", valid_until="2024-09-15"),  # 6
            row(p, number="X-5", body=""),  # 7
            row(p, number="CQO2021-SX-8"),  # 8: begins as the platform's own numbers
            row(p, number="X-7", issued_on="2011-12-31"),  # 9
            row(p, number="X-8", issued_on="2026-06-16"),  # 10: ahead of today
            row(p, number="X-9", status="已注销"),  # 11
            row(p, number="X-10", status="作废"),  # 12: no date
            row(p, number="X-11", status="已过期"),  # 13: not yet past its date
            row(p, number="X-12", status_changed_on="2025-01-01"),  # 14: valid with a date
            row(p, number="X-13", status="收回", status_changed_on="2024-01-01"),  # 15
            row(p, number="X-14", valid_until=""),  # 16
        ],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(errors=15), why(lf)
    found = cells(lf)
    assert "请填写证书编号" in found[(2, "证书编号")]
    assert "请填写发证日期" in found[(2, "发证日期")]
    assert (3, "身份证号") in found
    assert "字母、数字或连字符" in found[(4, "证书编号")]
    assert "AAA、AAAA 或 AAAAA" in found[(5, "能力水平等级")]
    assert "应晚于发证日期" in found[(6, "有效期至")]
    assert "请填写认定机构" in found[(7, "认定机构")]
    assert "格式相同" in found[(8, "证书编号")]
    assert (9, "发证日期") in found
    assert "不能晚于今天" in found[(10, "发证日期")]
    assert "有效、暂停、中止、收回、作废、已被替代、已过期" in found[(11, "证书状态")]
    assert "请填写状态变更日期" in found[(12, "状态变更日期")]
    assert "尚未到期" in found[(13, "证书状态")]
    assert "不填写状态变更日期" in found[(14, "状态变更日期")]
    assert "发证日期和今天之间" in found[(15, "状态变更日期")]
    assert "请填写有效期至" in found[(16, "有效期至")]
    assert not LevelCertificate.objects.exists()


def test_a_certificate_past_its_date_is_read_as_expired(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    path = write_xlsx(
        tmp_path / "过期.xlsx",
        [row(personas.person, issued_on="2019-03-05", valid_until="2022-03-04", status="已过期")],
    )

    lf = migrate(personas.province, path)

    assert lf.counts == counts(created=1), why(lf)
    cert = LevelCertificate.objects.get()
    assert (cert.status, cert.status_changed_on) == ("valid", None)
    page = client.get(reverse("certification:verify", args=[cert.number])).content.decode()
    assert "已于 2022-03-04 到期失效" in page


def test_a_certificate_of_an_unregistered_person_asks_to_migrate_the_person_first(
    personas: Personas, tmp_path: Path
) -> None:
    stranger = Person(name="未登记", id_number=new_id_number())
    path = write_xlsx(tmp_path / "未登记.xlsx", [row(stranger)])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(errors=1)
    [_head, line] = report_rows(lf)
    assert line[1] == "身份证号" and "请先迁移人员数据" in line[3]


def test_a_holder_outside_the_scope_is_refused_without_details(
    personas: Personas, tmp_path: Path
) -> None:
    suzhou = registered(personas, "苏州人", JIANGSU_COUNTY)
    path = write_xlsx(tmp_path / "辖区外.xlsx", [row(suzhou)])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(errors=1)
    assert "不在您的辖区内" in report_rows(lf)[1][3]
    assert not LevelCertificate.objects.exists()
    # the platform admin migrates for every province
    assert migrate(personas.admin, path).counts == counts(created=1)


# Conflicts and re-runs -------------------------------------------------------------------------


def test_a_name_other_than_the_registered_one_is_a_conflict(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "姓名.xlsx", [row(personas.person, name="王冒名")])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(conflicts=1)
    [_head, line] = report_rows(lf)
    assert line[:3] == [2.0, "姓名", "王冒名"]
    assert "李堃" in line[3] and "王冒名" in line[3]
    assert not LevelCertificate.objects.exists()


def test_running_the_same_file_again_changes_nothing(personas: Personas, tmp_path: Path) -> None:
    register_body(personas)
    other = registered(personas, "刘芳", COUNTY_B)
    path = write_xlsx(
        tmp_path / "重复.xlsx",
        [
            row(personas.person),
            row(
                other,
                number="SX-2",
                body="陕西省首席质量官协会",
                status="中止",
                status_changed_on="2025.2.1",
                status_reason="失信",
            ),
            row(other, number="SX-3", issued_on="2019-03-05", valid_until="2022-03-04"),
        ],
    )
    first = migrate(personas.province, path)
    before = (
        list(LevelCertificate.objects.order_by("pk").values()),
        LegacyOrigin.objects.count(),
        AuditEntry.objects.filter(target_type="level_certificate").count(),
    )

    again = migrate(personas.province, path)

    assert first.counts == counts(created=3), why(first)
    assert again.counts == counts(unchanged=3), why(again)
    after = (
        list(LevelCertificate.objects.order_by("pk").values()),
        LegacyOrigin.objects.count(),
        AuditEntry.objects.filter(target_type="level_certificate").count(),
    )
    assert after == before


@pytest.mark.parametrize(
    ("change", "column", "recorded"),
    [
        ({"level": "AAA"}, "能力水平等级", "AAAA"),
        ({"body": "西安市质量协会"}, "认定机构", BODY),
        ({"organisation": "宝鸡示例食品有限公司"}, "所在组织", "西安示例精密制造有限公司"),
        ({"issued_on": "2024-09-16"}, "发证日期", "2024-09-15"),
        ({"valid_until": "2027-09-15"}, "有效期至", "2027-09-14"),
        (
            {"status": "收回", "status_changed_on": "2025-01-01", "status_reason": "伪造"},
            "证书状态",
            "有效",
        ),
    ],
)
def test_a_recorded_number_with_other_content_is_a_conflict_never_overwritten(
    personas: Personas, tmp_path: Path, change: dict[str, str], column: str, recorded: str
) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "原.xlsx", [row(personas.person)]))
    before = LevelCertificate.objects.values().get()

    lf = migrate(
        personas.province, write_xlsx(tmp_path / "改.xlsx", [row(personas.person, **change)])
    )

    assert lf.counts == counts(conflicts=1), why(lf)
    found = cells(lf)
    assert recorded in found[(2, column)] and "未覆盖" in found[(2, column)]
    assert LevelCertificate.objects.values().get() == before


def test_a_recorded_number_of_another_holder_is_a_conflict_naming_both(
    personas: Personas, tmp_path: Path
) -> None:
    other = registered(personas, "刘芳", COUNTY_B)
    migrate(personas.province, write_xlsx(tmp_path / "原.xlsx", [row(personas.person)]))

    lf = migrate(personas.province, write_xlsx(tmp_path / "他人.xlsx", [row(other)]))

    assert lf.counts == counts(conflicts=1)
    [_head, line] = report_rows(lf)
    assert line[1] == "证书编号" and "李堃" in line[3] and "未覆盖" in line[3]
    assert LevelCertificate.objects.get(number="SXNL-2021-0008").holder == personas.person


def test_a_number_repeated_in_the_file_is_a_conflict(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "文件内重复.xlsx",
        [row(personas.person), row(personas.person, number="SX-2"), row(personas.person)],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, conflicts=1)
    [_head, line] = report_rows(lf)
    assert line[0] == 4.0 and "与第2行相同" in line[3]


# Dry run, modes, provenance --------------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_reports_the_counts(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "试运行.xlsx",
        [row(personas.person), row(personas.person, number="SX-2", level="6A")],
    )

    lf = migrate(personas.province, path, dry_run=True, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.status == LegacyFile.Status.CHECKED
    assert lf.counts == counts(created=1, errors=1)
    assert not LevelCertificate.objects.exists()
    assert not LegacyOrigin.objects.exists()
    assert not AuditEntry.objects.filter(target_type="level_certificate").exists()


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "全部.xlsx",
        [row(personas.person), row(personas.person, number="SX-2", status="已注销")],
    )

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.FAILED
    assert lf.counts == counts(errors=1)
    assert not LevelCertificate.objects.exists()
    assert not LegacyOrigin.objects.exists()


def test_good_rows_writes_only_the_good_rows(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "部分.xlsx",
        [
            row(personas.person),
            row(personas.person, number="SX-2", level="6A"),
            row(personas.person, number="SX-3"),
        ],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, errors=1)
    assert set(LevelCertificate.objects.values_list("number", flat=True)) == {
        "SXNL-2021-0008",
        "SX-3",
    }
    assert sorted(LegacyOrigin.objects.values_list("row", flat=True)) == [2, 4]


def test_each_certificate_keeps_its_file_and_row_and_is_audited_as_migrated(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "来源.xlsx", [row(personas.person)])

    lf = migrate(personas.province, path)

    cert = LevelCertificate.objects.get()
    found = legacy_origin(target_type="level_certificate", target_id=str(cert.public_id))
    assert found is not None and (found.file, found.row) == (lf, 2)
    entry = AuditEntry.objects.get(target_type="level_certificate", target_id=str(cert.public_id))
    assert entry.actor_id == personas.province.pk
    assert entry.note == "历史数据迁移：来源.xlsx 第2行"
    assert entry.changes["issued_on"] == [None, "2024-09-15"]
    assert AuditEntry.objects.filter(target_type="legacy_file").count() == 1


def test_a_file_costs_the_same_statements_whatever_its_length(
    personas: Personas, tmp_path: Path
) -> None:
    """The bodies and their standard are read once per file; the holders, the recorded numbers,
    the certificates, their audit entries and their origins once per batch of rows: a file of
    thirty rows costs no more statements than one of ten."""
    register_body(personas)
    holders = [registered(personas, f"持证人{chr(0x4E00 + i)}", COUNTY_B) for i in range(30)]

    def queries(name: str, people: list[Person]) -> int:
        rows = [row(h, number=f"{name}-{i:04d}") for i, h in enumerate(people)]
        path = write_xlsx(tmp_path / f"{name}.xlsx", rows)
        with CaptureQueriesContext(connection) as captured:
            lf = migrate(personas.province, path)
        assert lf.counts == counts(created=len(people)), why(lf)
        return len(captured.captured_queries)

    queries("FIRST", holders[:1])  # what the process keeps for good is read here

    assert queries("SHORT", holders[:10]) == queries("LONG", holders)


def test_rows_are_reported_in_file_order_across_batches(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(level_kind, "BATCH", 3)
    p = personas.person
    rows = [row(p, number=f"SX-{i:04d}") for i in range(10)]
    rows[1][3] = "6A"  # row 3: read on its own
    rows[2][0] = "CQO2021-SX-4"  # row 4: refused by the service, its batch written without it
    rows[4][0] = "SX-0000"  # row 6: the number of row 2
    rows[6][1] = "王冒名"  # row 8: compared with the registry in its batch
    rows[8][6] = ""  # row 10
    path = write_xlsx(tmp_path / "分批.xlsx", rows)

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=5, conflicts=2, errors=3), why(lf)
    assert [int(r[0]) for r in report_rows(lf)[1:]] == [3, 4, 6, 8, 10]
    assert sorted(LegacyOrigin.objects.values_list("row", flat=True)) == [2, 5, 7, 9, 11]
    assert LevelCertificate.objects.count() == 5


def test_a_number_recorded_meanwhile_by_another_migration_is_reported_on_its_row(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another migration records a number of the batch after the batch was compared with the
    registry (here: just before each of the batch's first two writes): its row is an error, the
    others are written."""
    other = registered(personas, "刘芳", COUNTY_B)
    batch_write = certification_services.level_certificates_migrate
    meanwhile = iter(["SX-0001", "SX-0003"])

    def racing(**kwargs: Any) -> list[LevelCertificate]:
        number = next(meanwhile, None)
        if number is not None:
            late = terms(personas, holder=other, number=number)
            certification_services.level_certificate_migrate(
                actor=personas.admin, terms=late, origin_note=""
            )
        return batch_write(**kwargs)

    monkeypatch.setattr(certification_services, "level_certificates_migrate", racing)
    path = write_xlsx(
        tmp_path / "并发.xlsx", [row(personas.person, number=f"SX-{i:04d}") for i in range(5)]
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=3, errors=2), why(lf)
    assert [(int(r[0]), r[1], r[3]) for r in report_rows(lf)[1:]] == [
        (3, "证书编号", "证书编号已存在"),
        (5, "证书编号", "证书编号已存在"),
    ]
    assert sorted(LegacyOrigin.objects.values_list("row", flat=True)) == [2, 4, 6]


# The platform's lookup, verification and pages -------------------------------------------------


def test_the_public_verification_finds_a_migrated_certificate(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "查验.xlsx", [row(personas.person)]))

    response = client.get(reverse("certification:verify", args=["sxnl-2021-0008"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "该证书真实有效" in page and "李堃" in page and BODY in page
    assert "历史数据迁移" in page and "本平台启用前颁发" in page
    assert personas.person.id_number not in page
    missed = client.get(reverse("certification:verify", args=["SXNL-2021-9999"]))
    assert missed.status_code == 404


def test_the_public_api_verifies_a_migrated_number_and_still_checks_the_platforms(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "接口.xlsx", [row(personas.person)]))
    api = "/api/v1/public/certificates"

    found = client.get(f"{api}/SXNL-2021-0008")

    assert found.status_code == 200, found.content
    answer = found.json()
    assert (answer["number"], answer["status"], answer["level"]) == (
        "SXNL-2021-0008",
        "valid",
        "AAAA",
    )
    assert answer["body"] == BODY and "本平台启用前颁发" in answer["content"]["origin"]
    assert personas.person.id_number not in found.content.decode()
    assert client.get(f"{api}/SXNL-2021-9999").status_code == 404
    # a platform number with a mistyped check character is refused, not merely not found
    number = level_rules.certificate_number("SXZX", 2026, 1)
    mistyped = number[:-1] + ("A" if number[-1] != "A" else "B")
    assert client.get(f"{api}/{mistyped}").status_code == 422
    assert client.get(f"{api}/SX").status_code == 422


def test_the_certificate_page_shows_where_it_was_migrated_from(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    lf = migrate(personas.province, write_xlsx(tmp_path / "详情.xlsx", [row(personas.person)]))
    client.login(username="county_a", password=PASSWORD)

    listing = client.get(reverse("certification:certificate_list")).content.decode()
    detail = client.get(reverse("certification:certificate_detail", args=["SXNL-2021-0008"]))
    pdf = client.get(reverse("certification:certificate_pdf", args=["SXNL-2021-0008"]))

    assert "SXNL-2021-0008" in listing and "西安示例精密制造有限公司" in listing
    assert detail.status_code == 200
    page = detail.content.decode()
    origin = page.split('id="legacy-origin"')[1].split("</p>")[0]
    assert "历史数据迁移" in origin and "详情.xlsx" in origin and "第2行" in origin
    assert personas.province.label in origin
    assert lf.finished_at is not None
    assert "btn-pdf" not in page  # the paper original is the certificate
    assert re.search(r"/certification/applications/[0-9a-f-]{36}/", page) is None
    assert pdf.status_code == 404
    # the regulators of another county see nothing of it
    client.login(username="county_b", password=PASSWORD)
    assert (
        "SXNL-2021-0008"
        not in client.get(reverse("certification:certificate_list")).content.decode()
    )
    missing = client.get(reverse("certification:certificate_detail", args=["SXNL-2021-0008"]))
    assert missing.status_code == 404


def test_the_holder_sees_it_with_its_continuing_education(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "本人.xlsx", [row(personas.person)]))
    client.login(username="cqo", password=PASSWORD)

    page = client.get(reverse("certification:mine")).content.decode()

    assert "SXNL-2021-0008" in page
    # level-standard §9.4.1.2 from the original year of issue: 2024, 2025, 2026
    continuing = page.split('id="certificates"')[1].split("</table>")[0]
    assert "2024：" in continuing and "2026：" in continuing and "2023：" not in continuing


def test_yearly_compliance_counts_from_the_original_issue_date(
    personas: Personas, tmp_path: Path
) -> None:
    """A certificate issued in 2022, before the level standard took effect (2024), asks for
    continuing education from 2022 on, by the standard it was recorded under."""
    path = write_xlsx(
        tmp_path / "继续教育.xlsx",
        [row(personas.person, issued_on="2022-09-15", valid_until="2025-09-14")],
    )
    migrate(personas.province, path)

    owed = {year: hours.continuing_of([personas.person.pk], year) for year in range(2021, 2027)}

    assert set(y for y, found in owed.items() if found) == {2022, 2023, 2024, 2025}
    assert owed[2022][personas.person.pk].hours == 10
    assert owed[2022][personas.person.pk].organised == 1
    compliance = hours.compliance_for(personas.person, 2023)
    assert compliance.continuing is not None
    assert compliance.continuing.required_hours == Decimal(10)
    assert hours.compliance_for(personas.person, 2021).continuing is None
    # in force on its original dates for the filing engine and the talent pool
    assert certification.certified_level(personas.person, dt.date(2023, 1, 1)) == "AAAA"
    assert certification.certified_level(personas.person, dt.date(2025, 9, 15)) is None


def test_the_registered_body_supervises_a_certificate_of_its_name(
    personas: Personas, tmp_path: Path
) -> None:
    register_body(personas)
    other = registered(personas, "刘芳", COUNTY_B)
    path = write_xlsx(
        tmp_path / "监督.xlsx",
        [row(personas.person), row(other, number="SX-2", body="西安市质量协会")],
    )
    migrate(personas.province, path)
    linked = LevelCertificate.objects.get(number="SXNL-2021-0008")
    unlinked = LevelCertificate.objects.get(number="SX-2")

    certification_services.supervise(
        actor=personas.certifier,
        cert=linked,
        action="suspend",
        ground="dishonesty",
        reason="持证人提供虚假材料",
        evidence_note="举报材料及核查记录",
    )

    linked.refresh_from_db()
    assert linked.status == "suspended" and linked.status_changed_on == TODAY
    with pytest.raises(PermissionDenied):
        certification_services.supervise(
            actor=personas.certifier,
            cert=unlinked,
            action="suspend",
            ground="dishonesty",
            reason="持证人提供虚假材料",
            evidence_note="举报材料及核查记录",
        )
    with pytest.raises(ValidationError) as caught:
        certification_services.certificate_reissue(
            actor=personas.certifier,
            cert=LevelCertificate.objects.get(pk=linked.pk),
            reason="变更单位",
        )
    assert "再认定" in str(caught.value)


def test_reminders_and_reviews_reach_a_certificate_of_an_unregistered_body(
    personas: Personas, tmp_path: Path
) -> None:
    """Re-certification reminders (level-standard §9.4.1.3) reach the holder of a migrated
    certificate whose body is not registered; an exit listing opens no review nobody here could
    decide."""
    path = write_xlsx(
        tmp_path / "提醒.xlsx",
        [row(personas.person, body="西安市质量协会", valid_until="2026-07-10")],
    )
    migrate(personas.province, path)

    made = certification_services.send_reminders(TODAY)

    assert [(r.recipient, r.days_before) for r in made] == [(Reminder.Recipient.HOLDER, 30)]
    opened = certification_services.review_requests_open(
        holder_id=personas.person.pk, reference="exit:1", reason="列入黑名单"
    )
    assert opened == []


# The service -----------------------------------------------------------------------------------


def terms(p: Personas, **overrides: Any) -> certification_services.MigratedLevelCertificate:
    values: dict[str, Any] = {
        "number": "SX-1",
        "holder": p.person,
        "level": "AAA",
        "body_name": "西安市质量协会",
        "standard": certification.migration_standard(None),
        "issued_on": dt.date(2024, 9, 15),
        "valid_until": dt.date(2027, 9, 14),
    }
    values.update(overrides)
    return certification_services.MigratedLevelCertificate(**values)


def test_the_service_refuses_a_number_already_recorded(personas: Personas) -> None:
    certification_services.level_certificate_migrate(
        actor=personas.province, terms=terms(personas), origin_note=""
    )

    with pytest.raises(ValidationError) as caught:
        certification_services.level_certificate_migrate(
            actor=personas.province, terms=terms(personas), origin_note=""
        )

    assert caught.value.message_dict == {"number": ["证书编号已存在"]}


def test_the_batch_service_writes_none_when_it_refuses_one(personas: Personas) -> None:
    items = [
        (terms(personas, number="SX-1"), "第2行"),
        (terms(personas, number="SX-2"), "第3行"),
        (terms(personas, number="SX-1"), "第4行"),  # the batch gave it already
    ]

    with pytest.raises(ValidationError) as caught:
        certification_services.level_certificates_migrate(actor=personas.province, items=items)

    assert caught.value.message_dict == {"number": ["证书编号已存在"]}
    assert not LevelCertificate.objects.exists()
    assert certification_services.migrated_level_certificate_problems(
        actor=personas.province, terms=[t for t, _note in items]
    ) == [{}, {}, {"number": ["证书编号已存在"]}]
    written = certification_services.level_certificates_migrate(
        actor=personas.province, items=items[:2]
    )
    assert [c.number for c in written] == ["SX-1", "SX-2"]
    assert [c.pk for c in written] == list(
        LevelCertificate.objects.order_by("pk").values_list("pk", flat=True)
    )
    notes = AuditEntry.objects.filter(target_type="level_certificate").order_by("pk")
    assert [(e.target_id, e.note) for e in notes] == [
        (str(c.public_id), note) for c, (_t, note) in zip(written, items[:2], strict=True)
    ]


def test_the_service_refuses_whoever_may_not_migrate_and_a_holder_out_of_scope(
    personas: Personas,
) -> None:
    with pytest.raises(PermissionDenied):
        certification_services.level_certificate_migrate(
            actor=personas.certifier, terms=terms(personas), origin_note=""
        )
    with pytest.raises(ValidationError) as caught:
        certification_services.level_certificate_migrate(
            actor=personas.county_b, terms=terms(personas), origin_note=""
        )
    assert "不在您的辖区内" in caught.value.message_dict["holder"][0]
    body = register_body(personas)
    with pytest.raises(ValidationError) as caught:
        certification_services.level_certificate_migrate(
            actor=personas.province, terms=terms(personas, body=body), origin_note=""
        )
    assert set(caught.value.message_dict) == {"body_name"}
    assert not LevelCertificate.objects.exists()


# The template and the command ------------------------------------------------------------------


def test_the_template_explains_each_column(personas: Personas) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(legacy.legacy_template(KIND)))

    assert book.sheet_names == ["能力水平证书", "填写说明"]
    assert book.get_sheet_by_name("能力水平证书").to_python()[0] == HEADER
    notes = book.get_sheet_by_name("填写说明").to_python()
    assert [line[0] for line in notes[1:12]] == [h.rstrip("*") for h in HEADER]


def test_the_command_migrates_a_file(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "命令.xlsx", [row(personas.person)])
    out = io.StringIO()

    call_command(
        "migrate_legacy",
        "level_certificates",
        str(path),
        "--user",
        "prov",
        stdout=out,
        stderr=io.StringIO(),
    )

    assert "created 1, unchanged 0, conflicts 0, errors 0" in out.getvalue()
    assert LegacyOrigin.objects.get().target_type == "level_certificate"
